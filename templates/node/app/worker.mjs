// A worker: a plain node:http server. The primary (server.mjs) shares the port among the workers.
import cluster from 'node:cluster';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { arm, expect, fire, hangHere, hung } from './crash.mjs';
import { settings } from './settings.mjs';

const worker = cluster.worker?.id ?? null;

function reply(res, status, body, then) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text, then); // `then` runs once the whole reply has been handed to the kernel
}

function whoami() {
  const pid1 = readFileSync('/proc/1/comm', 'utf8').trim();
  const { mode: crashMode, trigger } = settings;
  return { pid: process.pid, ppid: process.ppid, pid1, crashMode, trigger, runtime: 'node', worker };
}

function route(req, res, then) {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const key = `${req.method} ${path}`;
  if (key === 'GET /') return reply(res, 200, whoami(), then);
  if (key === 'GET /healthz') return reply(res, 200, { alive: true }, then); // liveness
  if (key === 'GET /readyz') return reply(res, 200, { ready: true, worker }, then); // readiness
  if (key === 'POST /crash') {
    if (settings.trigger !== 'http') {
      const why = `nothing: CRASH_TRIGGER=${settings.trigger}, the crash fires by itself`;
      return reply(res, 409, { firing: null, trigger: settings.trigger, expect: why }, then);
    }
    const body = { firing: settings.mode, pid: process.pid, ppid: process.ppid, expect: expect() };
    return reply(res, 202, body, fire); // fire only once the caller has the whole reply
  }
  return reply(res, 404, { error: `no route ${key}` }, then);
}

const server = http.createServer((req, res) => {
  // --crash hang: once it fired, no request of this run gets an answer, the probes' included.
  if (settings.mode === 'hang' && hung()) return hangHere();
  // CRASH_TRIGGER=random: every request, the kubelet's probes included, may fire the crash.
  const lucky = settings.trigger === 'random' && Math.random() < settings.probability;
  route(req, res, lucky ? fire : undefined);
});

server.listen(settings.port, settings.host, () => {
  console.error(`crash-demo: worker ${worker} pid=${process.pid} listening on port ${settings.port}`);
  arm(worker);
});
