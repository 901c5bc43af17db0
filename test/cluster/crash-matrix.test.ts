// Every runtime × PID 1 × crash mode on a real kubelet: each demo is scaffolded by the real bin,
// built, loaded, deployed and crashed by its own npm scripts on the cluster of test/cluster/up.sh,
// and what the apiserver then reports (its own `kubectl get pod` table, the container's
// lastState.terminated) must be what the demo's crash-demo.json predicted. Each demo has its own
// namespace, so several run at once.
//
// This node's memory controller is cgroup v1, so for --crash oom the prediction that holds is the
// model's cgroup v1 one (no memory.oom.group: the worker dies, the supervisor replaces it).
//
// With CRASH_DEMO_KEEP_RECORDING=DIR the apiserver's rows of every demo are written to
// DIR/recorded.json, in the shape of src/generator/recorded.json (the generated README's expected output):
// that is how src/generator/recorded.json was made (test/cluster/README.md, "Recordings").
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { choicesOf, type Options } from '../../src/index.js';
import { recordingKey, type RecordedDemo, type RecordedRow, type Recordings } from '../../src/generator/recorded.js';
import { memoryCgroupVersion } from '../support/cgroup.js';
import { predictionHere } from '../support/crash-proof.js';
import { assertOutcome, buildAndLoad, contextFlags, inCrashLoop, npmRun, restartsOf, useCluster, watchTable, type PodView, type TableRow } from './support.js';

const runtimes = choicesOf('runtime') as Options['runtime'][];
const pid1s = choicesOf('pid1') as Options['pid1'][];
/**
 * hang is judged by hang.test.ts: a hang has no end this file can wait for (no CrashLoopBackOff, no
 * survived crash in the log), and its proof needs the liveness probe's events and both --liveness values.
 */
const crashes = (choicesOf('crash') as Options['crash'][]).filter((c) => c !== 'hang');
/** Demos in flight at once: the node and the image builds share 2 cores. */
const CONCURRENCY = 6;

const use = useCluster();
const { scratch } = use;
const observed: Record<string, unknown>[] = [];
const recorded: Record<string, RecordedDemo> = {};
const STEPS = '`npm run deploy`, then `npm run crash -- --times 2`, on a Deployment';

/** The rows up to `last` (the one the outcome was judged on), timed from t0; a row that repeats the
 * READY, STATUS and RESTARTS of the one before is left out. */
function recordRows(rows: readonly TableRow[], last: TableRow | undefined, t0: number): RecordedRow[] {
  const upTo = last ? rows.slice(0, rows.indexOf(last) + 1) : rows;
  const out: RecordedRow[] = [];
  for (const r of upTo) {
    const prev = out.at(-1);
    if (prev && prev.ready === r.ready && prev.status === r.status && restartsOf(prev) === restartsOf(r)) continue;
    out.push({ at: Math.round((r.at - t0) / 100) / 10, ready: r.ready, status: r.status, restarts: r.restarts, age: r.age });
  }
  return out;
}

after(() => {
  const c = use.cluster;
  console.log(`observed on Kubernetes ${c.k8sVersion}: ${JSON.stringify(observed)}`);
  const keep = process.env['CRASH_DEMO_KEEP_RECORDING'];
  if (keep) {
    const demos = Object.fromEntries(Object.keys(recorded).sort().map((k) => [k, recorded[k] as RecordedDemo]));
    const file: Recordings = { steps: STEPS, recordedOn: new Date().toISOString().slice(0, 10), kubernetes: c.k8sVersion, cgroup: `v${memoryCgroupVersion()}`, demos };
    writeFileSync(join(keep, 'recorded.json'), JSON.stringify(file, null, 1) + '\n');
  }
});

describe(`every runtime × --pid1 × --crash on a real kubelet (${CONCURRENCY} at a time)`, { concurrency: CONCURRENCY }, () => {
  for (const runtime of runtimes) {
    for (const pid1 of pid1s) {
      for (const crash of crashes) {
        const name = `m-${runtime === 'python' ? 'py' : 'node'}-${pid1}-${crash}`;
        const cgroupNote = crash === 'oom' ? ' (cgroup v1 node: no memory.oom.group)' : '';
        test(`${runtime}, pid1 ${pid1}, crash ${crash}${cgroupNote}: the pod does what crash-demo.json says`, async () => {
          const k = use.cluster;
          const demo = await scratch.scaffold(name, ['--runtime', runtime, '--pid1', pid1, '--crash', crash]);
          const expected = predictionHere(demo.saved);
          await buildAndLoad(k, demo);
          // Every version of the pod, as the apiserver printed it: a CrashLoopBackOff lasts only as
          // long as the back-off (10 s), so it is seen on the watch, not by polling.
          const table = watchTable(k, name, `app.kubernetes.io/name=${name}`);
          let pod: PodView;
          const t0 = Date.now();
          try {
            await npmRun(k, demo, 'deploy', contextFlags(k));
            await npmRun(k, demo, 'crash', ['--times', '2', ...contextFlags(k)]);
            pod = await assertOutcome(k, demo, table, expected);
          } finally {
            table.stop();
          }
          const judged = expected.containerExits ? table.rows.find(inCrashLoop) : undefined;
          recorded[recordingKey({ runtime, pid1, crash })] = { pod: pod.name, rows: recordRows(table.rows, judged, t0) };
          observed.push({ demo: name, status: pod.table.status, restarts: pod.restartCount, last: pod.last });
        });
      }
    }
  }
});
