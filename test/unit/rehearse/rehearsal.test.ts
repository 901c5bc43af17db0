// rehearse without an engine and without waiting: the restart loop driven by a stand-in engine and a
// virtual clock. The schedule expected here is written out from docs/FACTS.md §4, not asked from the
// modules under test. rehearse.mjs's --dry-run and usage errors as a user meets them, in a demo
// with the built package: test/host/scripts/rehearse.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { createNormalizer } from '../../../src/runtime/kube/events.mjs';
import { manifestMemoryLimit, quantityBytes } from '../../../src/runtime/plumbing/engine.mjs';
import { createPodState, runRehearsal, type Engine, type RunState } from '../../../src/runtime/rehearse/rehearsal.mjs';
import { parseUntil } from '../../../src/runtime/watch/viewer.mjs';
import { terminatedReason } from '../../../src/runtime/kube/podstatus.mjs';
import { DEFAULT_SCHEDULE, fastSchedule } from '../../../src/runtime/kube/backoff.mjs';
import { createView } from '../../../src/runtime/watch/view.mjs';
import { rehearsalBanner } from '../../../src/runtime/rehearse/rehearsal-text.mjs';
import { renderDemo, resolveOptions, writeDemo } from '../../../src/index.js';
import { tempDir } from '../../support/tree.js';

const T0 = Date.parse('2025-01-01T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A container that runs `runSeconds` and exits with `exitCode`, on a virtual clock. */
function fakeEngine(runSeconds: number, exitCode: number, oomKilled = false) {
  let now = T0;
  let startedAt = T0;
  const starts: number[] = [];
  const engine: Engine = {
    create: async () => {
      startedAt = now;
      starts.push(now);
    },
    restart: async () => {
      startedAt = now;
      starts.push(now);
    },
    wait: async () => {
      now = Math.max(now, startedAt + runSeconds * 1000);
    },
    inspect: async (): Promise<RunState> => ({
      running: now < startedAt + runSeconds * 1000,
      exitCode,
      oomKilled,
      startedAt: iso(startedAt),
      finishedAt: iso(startedAt + runSeconds * 1000),
    }),
  };
  const clock = {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
  return { engine, clock, starts };
}

const ID = { pod: 'demo-rehearse', namespace: 'crash-demo', uid: '11111111-2222-3333-4444-555555555555', container: 'app' };

// draw: where each restart falls in the kubelet's jittered retry (0: at the back-off's expiry).
async function loop(runSeconds: number, exitCode: number, restarts: number, schedule = DEFAULT_SCHEDULE, draw = () => 0) {
  const { engine, clock, starts } = fakeEngine(runSeconds, exitCode);
  const normalizer = createNormalizer();
  const view = createView({ schedule });
  const messages: string[] = [];
  const json: Array<ReturnType<typeof view.update>['json']> = [];
  const result = await runRehearsal({
    engine,
    clock,
    schedule,
    draw,
    pod: createPodState({ ...ID, creationTimestamp: iso(T0) }),
    id: ID,
    signal: new AbortController().signal,
    emit: (time, pod) => {
      const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting;
      if (waiting?.message) messages.push(waiting.message);
      let done = false;
      for (const e of normalizer.push({ time, pod })) {
        json.push(view.update(e).json);
        if ((e.restarts ?? 0) >= restarts) done = true;
      }
      return done;
    },
  });
  return { result, starts, messages, json, view };
}

describe('the restart loop on a stand-in engine', () => {
  it('restarts a container that exits after 5 s at once, then after 10s 20s 40s 1m20s 2m40s', async () => {
    const { result, starts, messages } = await loop(5, 137, 6);
    assert.deepEqual(result, { restarts: 6, reason: 'until' });
    const waits = starts.slice(1).map((s, i) => (s - ((starts[i] ?? 0) + 5000)) / 1000);
    assert.deepEqual(waits, [0, 10, 20, 40, 80, 160]);
    assert.deepEqual(messages, ['10s', '20s', '40s', '1m20s', '2m40s'].map((d) => `back-off ${d} restarting failed container=app pod=demo-rehearse_crash-demo(${ID.uid})`));
  });

  it('comes as late as the kubelet may: half a back-off late, at most 30 s (its jittered retry)', async () => {
    const { starts, messages } = await loop(5, 137, 7, DEFAULT_SCHEDULE, () => 1);
    const waits = starts.slice(1).map((s, i) => (s - ((starts[i] ?? 0) + 5000)) / 1000);
    assert.deepEqual(waits, [0, 15, 30, 60, 110, 190, 330]);
    // Late restarts do not change what the kubelet announces.
    assert.deepEqual(messages.map((m) => m.split(' ')[1]), ['10s', '20s', '40s', '1m20s', '2m40s', '5m0s']);
  });

  it('draws where each restart falls, as the kubelet does, when no draw is given', async () => {
    const { engine, clock, starts } = fakeEngine(5, 137);
    const normalizer = createNormalizer();
    await runRehearsal({
      engine,
      clock,
      schedule: DEFAULT_SCHEDULE,
      pod: createPodState({ ...ID, creationTimestamp: iso(T0) }),
      id: ID,
      signal: new AbortController().signal,
      emit: (time, pod) => [...normalizer.push({ time, pod })].some((e) => (e.restarts ?? 0) >= 5),
    });
    const waits = starts.slice(1).map((s, i) => (s - ((starts[i] ?? 0) + 5000)) / 1000);
    assert.equal(waits.length, 5);
    [0, 10, 20, 40, 80].forEach((backoff, i) => {
      const w = waits[i] ?? NaN;
      assert.ok(w >= backoff && w <= backoff * 1.5, `restart ${i + 1} after ${w}s: outside ${backoff}s..${backoff * 1.5}s`);
    });
    assert.ok(waits.slice(1).some((w, i) => w !== [10, 20, 40, 80][i]), `every restart exactly on its back-off (${waits.join(' ')}): no jitter was drawn`);
  });

  it('on the fast schedule waits 1s 2s 4s 8s 16s, then 30s', async () => {
    const { starts } = await loop(1, 4, 7, fastSchedule({ maxContainerRestartPeriod: 30 }));
    const waits = starts.slice(1).map((s, i) => (s - ((starts[i] ?? 0) + 1000)) / 1000);
    assert.deepEqual(waits, [0, 1, 2, 4, 8, 16, 30]);
  });

  it('forgives the back-off after a run longer than 10 minutes', async () => {
    const { starts } = await loop(601, 1, 3);
    const waits = starts.slice(1).map((s, i) => (s - ((starts[i] ?? 0) + 601_000)) / 1000);
    assert.deepEqual(waits, [0, 0, 0]);
  });

  it('prints what kubectl would: Running, Error, CrashLoopBackOff, with RESTARTS and the last exit', async () => {
    const { json } = await loop(5, 137, 2);
    assert.deepEqual(
      json.map((s) => [s.status, s.restarts, s.lastExitCode, s.backoffSeconds]),
      [
        ['Running', 0, null, null],
        ['Error', 0, 137, null],
        ['Running', 1, 137, null],
        ['Error', 1, 137, null],
        ['CrashLoopBackOff', 1, 137, 10],
        ['Running', 2, 137, null],
      ],
    );
  });

  it('stops when its signal is aborted, without restarting', async () => {
    const { engine, clock, starts } = fakeEngine(5, 1);
    const ac = new AbortController();
    const result = await runRehearsal({
      engine,
      clock,
      schedule: DEFAULT_SCHEDULE,
      pod: createPodState({ ...ID, creationTimestamp: iso(T0) }),
      id: ID,
      signal: ac.signal,
      emit: (_t, pod) => {
        if (pod.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff') ac.abort();
        return false;
      },
    });
    assert.equal(result.reason, 'stopped');
    assert.equal(starts.length, 2, 'the first run and the immediate restart only');
  });
});

describe('what the engine reports, as the kubelet would name it', () => {
  it('OOMKilled from the OOM flag, Completed for 0, Error otherwise', () => {
    assert.equal(terminatedReason({ exitCode: 137, oomKilled: true }), 'OOMKilled');
    assert.equal(terminatedReason({ exitCode: 137, oomKilled: false }), 'Error');
    assert.equal(terminatedReason({ exitCode: 0, oomKilled: false }), 'Completed');
    assert.equal(terminatedReason({ exitCode: 4, oomKilled: false }), 'Error');
  });

  it('--until takes crashloop or N-restarts', () => {
    assert.deepEqual(parseUntil('crashloop'), { crashloop: true, restarts: null });
    assert.deepEqual(parseUntil('3-restarts'), { crashloop: false, restarts: 3 });
    assert.equal(parseUntil(undefined), null);
    assert.throws(() => parseUntil('0-restarts'), /use crashloop or N-restarts/);
  });

  it('--until N-restarts is bounded: a number no rehearsal could reach is refused, not waited for', () => {
    assert.deepEqual(parseUntil('100-restarts'), { crashloop: false, restarts: 100 });
    for (const text of ['101-restarts', '99999999999999999999999-restarts', '0x10-restarts', '+3-restarts', '1e2-restarts']) {
      assert.throws(() => parseUntil(text), { message: `--until ${JSON.stringify(text)} is not valid: use crashloop or N-restarts with N from 1 to 100 (e.g. 3-restarts)` }, text);
    }
  });

  it('reads the memory limit the generated manifest sets (96Mi + 16Mi per worker)', () => {
    const dir = join(tempDir('crash-demo-rehearse-'), 'demo');
    writeDemo(dir, renderDemo(resolveOptions({ name: 'demo', crash: 'oom', workers: 3, workload: 'statefulset' })));
    assert.deepEqual(manifestMemoryLimit(dir, { workload: 'statefulset', workers: 3 }), { quantity: '144Mi', source: 'k8s/statefulset.yaml' });
    assert.equal(quantityBytes('144Mi'), 144 * 1024 * 1024);
  });
});

describe('what rehearse says about --crash hang, where no kubelet probes it', () => {
  const plan = (liveness: 'on' | 'off') => {
    const o = resolveOptions({ name: 'talk', crash: 'hang', liveness });
    const saved = JSON.parse(String(renderDemo(o).get('crash-demo.json'))) as { outcome: Record<string, unknown> };
    return {
      engine: 'docker', image: 'talk:0.1.0', name: 'talk-rehearsal', schedule: DEFAULT_SCHEDULE, options: o, outcome: saved.outcome,
      memory: { quantity: '128Mi', source: 'k8s/deployment.yaml' }, probePort: 18080, times: null, cannotFire: null, until: null,
    } as unknown as Parameters<typeof rehearsalBanner>[0];
  };
  it('with the probe on: the kubelet would stop and restart it, but here nothing does, because Docker has no liveness probe', () => {
    const banner = rehearsalBanner(plan('on'));
    assert.match(banner, /predicts on Kubernetes.*: the liveness probe fails and the kubelet stops the container \(exit 0, Completed\) and restarts it at once\./);
    assert.match(banner, /Here \(plain Docker or Podman, or any run without a kubelet \(no liveness probe\)\) it predicts something else: the container keeps running, RESTARTS stays 0\. .*Docker and Podman have no liveness probe/);
    assert.doesNotMatch(banner, /crash-loops/);
  });
  it('with the probe off: the same as on a cluster, the pod Running with RESTARTS 0', () => {
    assert.match(rehearsalBanner(plan('off')), /crash-demo\.json predicts: The app hangs and PID 1 stays up; with no liveness probe nothing restarts it/);
  });
});
