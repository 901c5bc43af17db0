// --crash hang on a real kubelet, with the liveness probe on and off, python and node side by side:
// each demo is scaffolded by the real bin, built, loaded, deployed and crashed by its own npm
// scripts, and what kubectl then shows (the apiserver's own table, the container's lastState, the
// events) must be what the demo's crash-demo.json predicted. Nothing here fires the crash but the
// demo's own `npm run crash`; the proof that the app hangs is this test's own GET through its own
// port-forward, not the script's words.
//
// The crash matrix (crash-matrix.test.ts) leaves hang out: it judges a crash by its end (a
// CrashLoopBackOff, or a survived crash in the log), and a hang has neither; this file is its proof.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import type { Options, Outcome } from '../../src/index.js';
import { sleep, waitFor } from '../support/docker.js';
import { buildAndLoad, contextFlags, kubectl, npmRun, podView, restartsOf, useCluster, watchTable, type Cluster, type ClusterDemo, type PodView, type TableRow } from './support.js';

const use = useCluster();
const { scratch } = use;
const observed: Record<string, unknown>[] = [];

/** How long a GET may take before it counts as unanswered (the generated probe's timeout is 1 s). */
const NO_ANSWER_MS = 3_000;
/**
 * With the probe off, how long after the POST the pod is watched doing nothing: past gunicorn's
 * worker timeout (30 s), so its respawned workers are part of what nobody outside sees.
 */
const UNSEEN_FOR_MS = 45_000;
/** Event timestamps have whole seconds: the stop is measured to ±1 s, and a busy node may add one. */
const STOP_TOLERANCE_S = { below: 1, above: 2 };

interface EventJson {
  reason: string;
  message: string;
  count?: number;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  series?: { count: number; lastObservedTime: string };
}

async function eventsOf(k: Cluster, ns: string): Promise<EventJson[]> {
  return (JSON.parse((await kubectl(k, ['-n', ns, 'get', 'events', '-o', 'json'])).stdout) as { items: EventJson[] }).items;
}
const timesSeen = (e: EventJson) => e.series?.count ?? e.count ?? 1;
const lastSeen = (e: EventJson) => Date.parse(e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? '');

/** GET /healthz through a port-forward of our own: the status, or null when nothing answered in NO_ANSWER_MS. */
async function healthz(k: Cluster, demo: ClusterDemo): Promise<number | null> {
  const { namespace, workload, name, port } = demo.saved.options;
  const pf = spawn('kubectl', ['--context', k.context, '-n', namespace, 'port-forward', '--address', '127.0.0.1', `${workload}/${name}`, `:${port}`], {
    env: k.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const local = await new Promise<number>((resolve, reject) => {
      let seen = '';
      pf.stdout.on('data', (d: Buffer) => {
        seen += String(d);
        const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(seen);
        if (m) resolve(Number(m[1]));
      });
      pf.on('exit', (code) => reject(new Error(`kubectl port-forward exited ${code}`)));
    });
    return await fetch(`http://127.0.0.1:${local}/healthz`, { signal: AbortSignal.timeout(NO_ANSWER_MS) }).then(
      (r) => r.status,
      () => null,
    );
  } finally {
    pf.kill();
  }
}

/** The rows from the first one that shows the container running, and every STATUS among them. */
function statusesOnceRunning(rows: readonly TableRow[]): Set<string> {
  const first = rows.findIndex((r) => r.status === 'Running');
  return new Set(rows.slice(Math.max(first, 0)).map((r) => r.status));
}

/**
 * The probe on in every PID 1 layout (the kill's stop goes through PID 1, so each layout's own
 * SIGTERM path is part of what is predicted); off once per runtime, where the layout changes nothing.
 */
const CASES: Array<{ pid1: Options['pid1']; liveness: Options['liveness'] }> = [
  ...(['exec', 'shell', 'tini'] as const).map((pid1) => ({ pid1, liveness: 'on' as const })),
  { pid1: 'tini', liveness: 'off' },
];

describe('--crash hang on a real kubelet, liveness probe on and off, python and node side by side', { concurrency: 8 }, () => {
  for (const runtime of ['python', 'node'] as const) {
    for (const { pid1, liveness } of CASES) {
      const name = `h-${runtime === 'python' ? 'py' : 'node'}-${pid1}-${liveness}`;
      const what =
        liveness === 'on'
          ? 'two hangs: each ends with the liveness probe\'s kill, exit 0 Completed in the supervisor\'s own stop time, restarted at once, STATUS Running'
          : 'one hang: Running, 0 restarts, READY 0/1, no answer, and nothing else ever happens';
      test(`${runtime}, pid1 ${pid1}, --liveness ${liveness}: ${what}, as crash-demo.json predicts`, async () => {
        const k = use.cluster;
        const demo = await scratch.scaffold(name, ['--runtime', runtime, '--pid1', pid1, '--crash', 'hang', '--liveness', liveness]);
        const expected: Outcome = demo.saved.outcome;
        await buildAndLoad(k, demo);
        const table = watchTable(k, name, `app.kubernetes.io/name=${name}`);
        let pod: PodView | undefined;
        try {
          await npmRun(k, demo, 'deploy', contextFlags(k));
          if (liveness === 'on') {
            assert.equal(expected.killedBy, 'liveness', 'crash-demo.json predicts the liveness probe ends the hang');
            await npmRun(k, demo, 'crash', ['--times', '2', ...contextFlags(k)]);
            // crash returns once the 2nd POST is answered: the 2nd hang's kill is still to come.
            pod = await waitFor(`${name}: the second restart`, async () => {
              const p = await podView(k, demo);
              return p && p.restartCount >= 2 && p.running ? p : undefined;
            }, { timeoutMs: 120_000, intervalMs: 1_000 });
            assert.equal(pod.last?.exitCode, expected.exitCode, 'lastState.terminated.exitCode');
            assert.equal(pod.last?.reason, expected.reason, 'lastState.terminated.reason');
            const events = await eventsOf(k, name);
            const kills = events.filter((e) => e.reason === 'Killing' && /^Container app failed liveness probe, will be restarted$/.test(e.message));
            assert.equal(kills.length, 1, `one Killing event, counted: ${JSON.stringify(events.map((e) => [e.reason, e.message]))}`);
            assert.equal(timesSeen(kills[0]!), pod.restartCount, 'a liveness kill for every restart');
            assert.ok(
              events.some((e) => e.reason === 'Unhealthy' && /^Liveness probe failed: .*context deadline exceeded/.test(e.message)),
              'the liveness probe timed out',
            );
            // The last kill's stop: from the Killing event to the container's finish.
            const stop = (Date.parse(pod.last?.finishedAt ?? '') - lastSeen(kills[0]!)) / 1000;
            const want = expected.stopSeconds ?? NaN;
            assert.ok(
              stop >= want - STOP_TOLERANCE_S.below && stop <= want + STOP_TOLERANCE_S.above,
              `stopped ${stop} s after the Killing event; predicted ${want} s (the supervisor's own limit)`,
            );
            const statuses = statusesOnceRunning(table.rows);
            assert.deepEqual([...statuses], expected.statusCycle, `STATUS once running: ${[...statuses].join(', ')}`);
            assert.equal(pod.table.status, expected.podStatus, 'kubectl get pod STATUS');
            assert.ok(
              table.rows.some((r) => r.status === 'Running' && r.ready === '0/1' && restartsOf(r) === 0) &&
                table.rows.some((r) => r.ready === '1/1' && restartsOf(r) === 0),
              'READY went from 1/1 to 0/1 before the first kill',
            );
            observed.push({ demo: name, status: pod.table.status, restarts: pod.restartCount, last: pod.last, stop });
          } else {
            assert.equal(expected.containerExits, false, 'crash-demo.json predicts nothing ends the container');
            // A second POST would hang too: crash refuses --times 2, and fires nothing.
            const refused = await npmRun(k, demo, 'crash', ['--times', '2', ...contextFlags(k)], { allowFail: true });
            assert.notEqual(refused.code, 0, 'crash --times 2 fails');
            assert.match(refused.stderr + refused.stdout, /--times 2 is not valid with --crash hang --liveness off/);
            assert.equal(await healthz(k, demo), 200, 'and fired nothing: the app still answers');
            await npmRun(k, demo, 'crash', contextFlags(k));
            const fired = Date.now();
            assert.equal(await healthz(k, demo), null, `GET /healthz: no answer within ${NO_ANSWER_MS} ms`);
            await waitFor(`${name}: READY 0/1`, async () => table.rows.find((r) => r.ready === '0/1' && r.status === 'Running'), { timeoutMs: 60_000, intervalMs: 500 });
            await sleep(Math.max(0, UNSEEN_FOR_MS - (Date.now() - fired)));
            assert.equal(await healthz(k, demo), null, `GET /healthz ${UNSEEN_FOR_MS / 1000} s later: still no answer`);
            pod = await podView(k, demo);
            assert.ok(pod);
            assert.equal(pod.table.status, expected.podStatus, 'kubectl get pod STATUS');
            assert.equal(pod.table.ready, '0/1', 'READY: the readiness probe fails');
            assert.equal(pod.restartCount, 0, 'RESTARTS: nothing restarted it');
            assert.equal(pod.last, null, 'no lastState.terminated');
            assert.deepEqual([...statusesOnceRunning(table.rows)], expected.statusCycle, 'STATUS never left Running');
            const events = await eventsOf(k, name);
            assert.ok(!events.some((e) => e.reason === 'Killing'), 'no Killing event');
            assert.ok(
              events.some((e) => e.reason === 'Unhealthy' && /^Readiness probe failed: .*context deadline exceeded/.test(e.message)),
              'the readiness probe timed out',
            );
            observed.push({ demo: name, status: pod.table.status, ready: pod.table.ready, restarts: pod.restartCount });
          }
        } finally {
          table.stop();
          console.log(`observed: ${JSON.stringify(observed.at(-1) ?? null)}`);
        }
      });
    }
  }
});
