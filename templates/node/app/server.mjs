// The supervisor: a node:cluster primary that forks WORKERS workers (worker.mjs) and, unlike
// node:cluster on its own, replaces a worker that dies - except one that exits with HALT_CODE,
// which makes the primary stop everything and exit with that code, as gunicorn's arbiter does.
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HALT_CODE, hangMarker } from './crash.mjs';
import { settings } from './settings.mjs';

cluster.setupPrimary({ exec: fileURLToPath(new URL('./worker.mjs', import.meta.url)) });

// One id per primary run, inherited by its workers (see crash.hangMarker); the marker goes with it.
process.env.CRASH_DEMO_RUN = randomUUID();
process.on('exit', () => rmSync(hangMarker(), { force: true }));

let stopping = false;

// A primary with no workers left would exit 0 ("Completed"), so every exit code is set here.
function stop(code, why) {
  if (stopping) return;
  stopping = true;
  console.error(`crash-demo: primary pid=${process.pid} stopping (${why}), exit code ${code}`);
  cluster.disconnect(() => process.exit(code));
  setTimeout(() => process.exit(code), 5000).unref(); // a worker stuck in disconnect must not keep us alive
}

// When two workers halt at once, the disconnect message to the one already gone fails with EPIPE:
// expected while stopping, and it must not crash the primary (exit 1 instead of the halt code).
cluster.on('fork', (worker) => {
  worker.on('error', (err) => console.error(`crash-demo: worker ${worker.id}: ${err.message}`));
});

cluster.on('exit', (worker, code, signal) => {
  if (stopping) return;
  if (code === HALT_CODE) return stop(HALT_CODE, `worker ${worker.id} exited with ${HALT_CODE}: halt`);
  console.error(`crash-demo: worker ${worker.id} pid=${worker.process.pid} died (${signal ?? `exit code ${code}`}); forking a new one`);
  cluster.fork();
});

// Node installs no handler for SIGTERM/SIGINT, and as PID 1 it would ignore them: handle them here.
process.on('SIGTERM', () => stop(0, 'SIGTERM'));
process.on('SIGINT', () => stop(0, 'SIGINT'));

console.error(`crash-demo: primary pid=${process.pid} forking ${settings.workers} worker(s)`);
for (let i = 0; i < settings.workers; i++) cluster.fork();
