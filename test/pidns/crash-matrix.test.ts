// Every runtime x PID 1 x crash mode, fired with POST /crash, run as PID 1 of a real PID namespace
// and held against the prediction in the generated crash-demo.json.
import { after, describe, test } from 'node:test';
import {
  CRASH_MODES,
  MEMORY_LIMIT,
  PID1S,
  RUNTIMES,
  predicted,
  predictionHere,
  proveCrashOverHttp,
} from '../support/crash-proof.js';
import { memoryCgroupVersion } from '../support/cgroup.js';
import { generateDemo, runDemo } from '../support/pidns-demo.js';

// One worker where the crash kills a worker: the only one that can answer afterwards is its
// replacement. Two where the question is the supervisor's fate (and node's halt stops the other).
const WORKERS = { 'exit-worker': 1, oom: 1, 'kill-parent': 2, 'halt-supervisor': 2 } as const;

const OOM_HERE = {
  1: 'cgroup v1: no memory.oom.group, as on older nodes and plain Docker',
  2: 'cgroup v2 with memory.oom.group=1, as the kubelet sets it since 1.28',
} as const;

for (const crash of CRASH_MODES) {
  // oom meets a memory cgroup's limit, as in a pod; the machine's cgroup version decides what dies.
  const where = crash === 'oom' ? ` (${OOM_HERE[memoryCgroupVersion() ?? 1]})` : '';
  describe(`--crash ${crash}${where}`, () => {
    for (const runtime of RUNTIMES) {
      for (const pid1 of PID1S) {
        const demo = generateDemo({ runtime, pid1, crash, trigger: 'http', workers: WORKERS[crash] });
        after(() => demo.remove());
        const expected = predictionHere(demo.saved);
        test(`${runtime}, PID 1 ${pid1}: after POST /crash ${predicted(expected)}`, { timeout: 90_000 }, async (t) => {
          const run = await runDemo(demo, crash === 'oom' ? { memoryLimitBytes: MEMORY_LIMIT } : {});
          t.after(() => run.stop());
          await proveCrashOverHttp(run, demo.saved, expected);
        });
      }
    }
  });
}
