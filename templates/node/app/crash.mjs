// How a worker crashes (CRASH_MODE) and what fires it outside a request (CRASH_TRIGGER).
import { closeSync, existsSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settings } from './settings.mjs';

export const HALT_CODE = 4; // the primary halts with it instead of forking a new worker (gunicorn's APP_LOAD_ERROR)
const STEP = 16 * 1024 * 1024;

/** What is about to happen, in the words of the worker that is about to do it. */
export function expect() {
  const parent = process.ppid;
  return {
    'exit-worker': 'this worker exits with code 1; the primary should fork a new one',
    'kill-parent': `SIGKILL to my parent, pid ${parent}` +
      (parent === 1 ? ' - PID 1 of this PID namespace, so the kernel should drop it' : ''),
    'halt-supervisor': `this worker exits with code ${HALT_CODE}; the primary halts with ${HALT_CODE}`,
    oom: 'this worker allocates memory in 16 MiB steps until the kernel kills it',
    hang: 'this worker and every other stop answering, and nothing exits; ' +
      'the primary does nothing about a worker that is alive but silent',
  }[settings.mode];
}

/**
 * Left by the worker that fired --crash hang: every worker of this run hangs at its next request
 * while it exists. Unique to the primary's run (CRASH_DEMO_RUN, set by server.mjs): a restarted
 * container in the same pod keeps /tmp.
 */
export function hangMarker() {
  return join(tmpdir(), `crash-demo-hang-${process.env.CRASH_DEMO_RUN ?? process.ppid}`);
}

export const hung = () => existsSync(hangMarker());

/**
 * Blocks this worker's event loop for good, using no CPU: from here on it reads no request, no
 * message from the primary, and runs no signal handler (SIGKILL still ends it).
 */
export function hangHere() {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

export function fire() {
  console.error(`<<<< crashing: ${settings.mode} pid=${process.pid} ppid=${process.ppid} >>>>`);
  switch (settings.mode) {
    case 'exit-worker':
      return process.exit(1);
    case 'kill-parent':
      return killParent();
    case 'halt-supervisor':
      return process.exit(HALT_CODE);
    case 'oom':
      return eatMemory();
    case 'hang':
      closeSync(openSync(hangMarker(), 'a'));
      return hangHere();
  }
}

function killParent() {
  const parent = process.ppid;
  process.kill(parent, 'SIGKILL');
  // Report what really happened: a dead parent makes the kernel re-parent this worker at once.
  setTimeout(() => {
    if (process.ppid === parent) {
      const why = parent === 1 ? ': it is PID 1, and the kernel dropped the signal' : '';
      console.error(`crash-demo: my parent pid=${parent} is still alive after SIGKILL${why}`);
    } else {
      console.error(`crash-demo: my parent pid=${parent} is gone; my new parent is pid=${process.ppid}`);
    }
  }, 500);
}

function eatMemory() {
  const hog = [];
  // Buffer.alloc(n, 1) writes every byte outside the V8 heap: real, resident memory, no heap limit.
  for (;;) hog.push(Buffer.alloc(STEP, 1));
}

/** Called in each new worker once it listens. `worker` is cluster.worker.id: 1 for the first one. */
export function arm(worker) {
  if (settings.trigger === 'timer') setTimeout(fire, settings.afterSeconds * 1000);
  else if (settings.trigger === 'startup' && worker === 1) fire();
}
