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
import { predictionHere } from '../support/crash-proof.js';
import { assertOutcome, buildAndLoad, cluster, contextFlags, npmRun, Scratch, watchTable, type Cluster, type PodView } from './support.js';

const runtimes = choicesOf('runtime') as Options['runtime'][];
const pid1s = choicesOf('pid1') as Options['pid1'][];
const crashes = choicesOf('crash') as Options['crash'][];
/** Demos in flight at once: the node and the image builds share 2 cores. */
const CONCURRENCY = 6;

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
          // Every version of the pod, as the apiserver printed it: a CrashLoopBackOff lasts only as
          // long as the back-off (10 s), so it is seen on the watch, not by polling.
          const table = watchTable(k, name, `app.kubernetes.io/name=${name}`);
          let pod: PodView;
          try {
            await npmRun(k, demo, 'deploy', contextFlags(k));
            await npmRun(k, demo, 'crash', ['--times', '2', ...contextFlags(k)]);
            pod = await assertOutcome(k, demo, table, expected);
          } finally {
            table.stop();
          }
          observed.push({ demo: name, status: pod.table.status, restarts: pod.restartCount, last: pod.last });
        });
      }
    }
  }
});
