// The demo's whole configuration: environment variables, checked once when a process starts.
// The primary imports this module before it forks a worker, so a bad value stops the container at
// once, with exit code 2 and one line that says what is wrong, instead of a demo that silently does
// something else in front of an audience.

import { isIP } from 'node:net';

export const MODES = ['exit-worker', 'kill-parent', 'halt-supervisor', 'oom', 'hang'];
export const TRIGGERS = ['http', 'random', 'timer', 'startup'];

function invalid(name, value, valid) {
  console.error(`crash-demo: invalid ${name}=${value}: ${valid}`);
  process.exit(2);
}

function choice(name, fallback, choices) {
  const value = process.env[name] ?? fallback;
  if (!choices.includes(value)) invalid(name, value, `one of ${choices.join(', ')}`);
  return value;
}

function number(name, fallback, valid, ok, integer = false) {
  const text = process.env[name] ?? fallback;
  // A strict pattern: Number() would also take "", " 1 ", "0x10" and "1e3".
  const pattern = integer ? /^\d+$/ : /^(\d+(\.\d+)?|\.\d+)$/;
  if (!pattern.test(text) || !ok(Number(text))) invalid(name, text, valid);
  return Number(text);
}

function address(name, fallback) {
  const text = process.env[name] ?? fallback;
  if (isIP(text) === 0) invalid(name, text, 'an IP address to listen on, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)');
  return text;
}

export const settings = {
  mode: choice('CRASH_MODE', 'kill-parent', MODES),
  trigger: choice('CRASH_TRIGGER', 'http', TRIGGERS),
  probability: number('CRASH_PROBABILITY', '0.06', 'a number from 0 to 1', (p) => p >= 0 && p <= 1),
  afterSeconds: number('CRASH_AFTER_SECONDS', '30', 'seconds, a number > 0 and at most 86400', (s) => s > 0 && s <= 86400),
  workers: number('WORKERS', '2', 'an integer from 1 to 16', (n) => n >= 1 && n <= 16, true),
  // 127.0.0.1 unless told otherwise: /crash is an unauthenticated crash button. The Dockerfile sets
  // HOST=0.0.0.0, so in a container (a pod) the app answers on the container's own interfaces.
  host: address('HOST', '127.0.0.1'),
  port: number('PORT', '8080', 'an integer from 1024 to 65535', (n) => n >= 1024 && n <= 65535, true),
};
