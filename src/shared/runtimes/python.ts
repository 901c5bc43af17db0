// Flask under gunicorn (benoitc/gunicorn gunicorn/arbiter.py; docs/FACTS.md §2).
import type { RuntimeSpec } from './types.js';

export const python: RuntimeSpec = {
  supervisor: ['gunicorn', '--config', 'app/gunicorn.conf.py', 'app.main:app'],
  comm: 'gunicorn',
  supervisorName: 'gunicorn',
  baseImage: 'python:3.13-slim',
  replacesWorker: "gunicorn's arbiter reaps it and boots a new worker",
  halts: (code) =>
    `The worker exits with code ${code}, gunicorn's APP_LOAD_ERROR. The arbiter does not ` +
    `replace such a worker: it logs "Reason: App failed to load." and halts with exit status ${code}.`,
  stopLimitSeconds: 8,
  silentWorker:
    "gunicorn's arbiter kills a sync worker that misses its heartbeat for `timeout` seconds (30 by " +
    'default) and boots a new one, which hangs again at its first request (the hang marker outlives the worker)',
  httpGet: (url) => ['python3', '-c', `import urllib.request as u; print(u.urlopen("${url}").read().decode())`],
};
