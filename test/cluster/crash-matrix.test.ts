// Every runtime × PID 1 × crash mode on a real kubelet: each demo is scaffolded by the real bin,
// built, loaded, deployed and crashed by its own npm scripts on the cluster of test/cluster/up.sh,
// and what the apiserver then reports (its own `kubectl get pod` table, the container's
// lastState.terminated) must be what the demo's crash-demo.json predicted. Each demo has its own
// namespace, so several run at once.
//
// This node's memory controller is cgroup v1, so for --crash oom the prediction that holds is the
// model's cgroup v1 one (no memory.oom.group: the worker dies, the supervisor replaces it).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { choicesOf, type Options } from '../../src/index.js';
import { ensureBaseImages } from '../support/base-images.js';
import { aftermath, predicted, predictionHere } from '../support/crash-proof.js';
import { sleep, waitFor } from '../support/docker.js';
import { buildAndLoad, cluster, contextFlags, npmRun, podLogs, podView, Scratch, type Cluster, type PodView } from './support.js';

const runtimes = choicesOf('runtime') as Options['runtime'][];
const pid1s = choicesOf('pid1') as Options['pid1'][];
const crashes = choicesOf('crash') as Options['crash'][];
/** Demos in flight at once: the node and the image builds share 2 cores. */
const CONCURRENCY = 6;
/** After a survived crash has played out: long enough for a dying container to be seen as dead. */
const SETTLE_MS = 5_000;

let c: Cluster | undefined;
const scratch = new Scratch();
const observed: Record<string, unknown>[] = [];

before(async () => {
  c = cluster();
  await ensureBaseImages();
});

after(async () => {
  console.log(`observed on Kubernetes ${c?.k8sVersion ?? '?'}: ${JSON.stringify(observed)}`);
  await scratch.cleanup(c);
});

describe(`every runtime × --pid1 × --crash on a real kubelet (${CONCURRENCY} at a time)`, { concurrency: CONCURRENCY }, () => {
  for (const runtime of runtimes) {
    for (const pid1 of pid1s) {
      for (const crash of crashes) {
        const name = `m-${runtime === 'python' ? 'py' : 'node'}-${pid1}-${crash}`;
        const cgroupNote = crash === 'oom' ? ' (cgroup v1 node: no memory.oom.group)' : '';
        test(`${runtime}, pid1 ${pid1}, crash ${crash}${cgroupNote}: the pod does what crash-demo.json says`, async () => {
          const k = c as Cluster;
          const demo = await scratch.scaffold(name, ['--runtime', runtime, '--pid1', pid1, '--crash', crash]);
          const expected = predictionHere(demo.saved);
          await buildAndLoad(k, demo);
          await npmRun(k, demo, 'deploy', [...contextFlags(k)]);
          await npmRun(k, demo, 'crash', ['--times', '2', ...contextFlags(k)]);

          let pod: PodView;
          if (expected.containerExits) {
            pod = await waitFor(
              `${name}: the pod in CrashLoopBackOff after two crashes`,
              async () => {
                const p = await podView(k, demo);
                return p && p.waitingReason === 'CrashLoopBackOff' && p.restartCount >= 2 ? p : undefined;
              },
              { timeoutMs: 180_000, intervalMs: 1_000 },
            );
            assert.equal(pod.table.status, expected.podStatus, `kubectl get pod STATUS (${predicted(expected)})`);
            assert.equal(pod.last?.exitCode, expected.exitCode, 'lastState.terminated.exitCode');
            assert.equal(pod.last?.reason, expected.reason, 'lastState.terminated.reason');
            assert.match(pod.table.restarts, /^[2-9]\d* \(/, 'RESTARTS counts both crashes');
          } else {
            const next = aftermath(demo.saved.options, demo.saved.options.workers);
            const seen = await waitFor(
              `${name}: ${next.what} in the pod's log`,
              async () => {
                const p = await podView(k, demo);
                if (!p) return undefined;
                const logs = await podLogs(k, demo, p.name);
                return (logs.match(/<<<< crashing: /g) ?? []).length >= 2 && next.seen(logs) ? p : undefined;
              },
              { timeoutMs: 60_000, intervalMs: 1_000 },
            );
            await sleep(SETTLE_MS);
            pod = (await podView(k, demo)) ?? seen;
            assert.equal(pod.name, seen.name, 'the same pod');
            assert.equal(pod.table.status, expected.podStatus, 'kubectl get pod STATUS');
            assert.equal(pod.table.ready, '1/1', 'READY');
            assert.equal(pod.restartCount, 0, 'RESTARTS: the container never exited');
            assert.equal(pod.last, null, 'no lastState.terminated');
          }
          observed.push({ demo: name, status: pod.table.status, restarts: pod.restartCount, last: pod.last });
        });
      }
    }
  }
});
