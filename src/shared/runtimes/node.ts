// A node:cluster primary and its workers (nodejs/node doc/api/cluster.md; docs/FACTS.md §3).
import type { RuntimeSpec } from './types.js';

export const node: RuntimeSpec = {
  supervisor: ['node', 'app/server.mjs'],
  comm: 'node',
  supervisorName: 'the node:cluster primary',
  baseImage: 'node:24-slim',
  replacesWorker: "the primary re-forks it in its cluster.on('exit') handler",
  halts: (code) =>
    `The worker exits with code ${code}; the primary treats that code as "halt", stops the ` +
    `other workers and exits ${code} itself.`,
  stopLimitSeconds: 5,
  silentWorker: 'the node:cluster primary does nothing about a worker that is alive but silent',
  httpGet: (url) => ['node', '-e', `fetch("${url}").then((r) => r.text()).then(console.log)`],
};
