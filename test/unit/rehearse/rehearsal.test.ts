// rehearse without an engine and without waiting: the restart loop driven by a stand-in engine and a
// virtual clock, and rehearse.mjs's --dry-run and usage errors as a user meets them. The schedule
// expected here is written out from docs/FACTS.md §4, not asked from the modules under test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { dirname, join } from 'node:path';
import { createNormalizer } from '../../../src/scripts/events.mjs';
import { manifestMemoryLimit, quantityBytes } from '../../../src/scripts/engine.mjs';
import { createPodState, parseUntil, runRehearsal, type Engine, type RunState } from '../../../src/scripts/rehearsal.mjs';
import { terminatedReason } from '../../../src/scripts/podstatus.mjs';
import { DEFAULT_SCHEDULE, fastSchedule } from '../../../src/scripts/backoff.mjs';
import { createView } from '../../../src/scripts/view.mjs';
import { makeProject } from '../../support/project.js';

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
    const dir = makeProject({ crash: 'oom', workers: 3, workload: 'statefulset' });
    assert.deepEqual(manifestMemoryLimit(dir, { workload: 'statefulset', workers: 3 }), { quantity: '144Mi', source: 'k8s/statefulset.yaml' });
    assert.equal(quantityBytes('144Mi'), 144 * 1024 * 1024);
  });
});

describe('rehearse.mjs as a user runs it', () => {
  const dir = makeProject({ name: 'demo', crash: 'oom', workers: 2 });
  const rehearse = (...args: string[]) =>
    spawnSync(process.execPath, [join(dir, 'scripts', 'rehearse.mjs'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  it('--dry-run prints the run command with the manifest memory limit, the schedule, and the removal', () => {
    const r = rehearse('--dry-run', '--network', 'host');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), [
      `docker run --detach --name demo-rehearse --label io.github.create-crash-demo.rehearse=demo --network host --env HOST=127.0.0.1 --memory ${128 * 1024 * 1024} --memory-swap ${128 * 1024 * 1024} --read-only --tmpfs $'/tmp:rw,size=16m' --cap-drop ALL --security-opt no-new-privileges demo:0.1.0`,
      '# on each exit: docker start demo-rehearse, at once, then after 10s 20s 40s 1m20s 2m40s ... (kubelet default (10s doubling, 5m0s cap))',
      'docker rm --force demo-rehearse',
    ]);
  });

  it('publishes on 127.0.0.1 by default, and refuses --publish with --network host', () => {
    const r = rehearse('--dry-run');
    assert.match(r.stdout, /--publish 127\.0\.0\.1:8080:8080 /);
    const bad = rehearse('--dry-run', '--network', 'host', '--publish', '9000');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--publish 9000 does not apply with --network host/);
  });

  it('says what is wrong with --until', () => {
    const r = rehearse('--dry-run', '--until', 'forever');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--until "forever" is not valid: use crashloop or N-restarts/);
  });

  it('refuses an unwritable --record or --svg in one line before any engine runs (the container was left running)', () => {
    // PATH without docker or podman: had the check come after the engine, this would fail on the engine instead.
    const env = { ...process.env, NO_COLOR: '1', PATH: dirname(process.execPath) };
    for (const [flag, file] of [['--record', '/nonexistent/dir/rec.jsonl'], ['--svg', '/nonexistent/dir/t.svg']] as const) {
      const r = spawnSync(process.execPath, [join(dir, 'scripts', 'rehearse.mjs'), flag, file], { cwd: dir, encoding: 'utf8', env });
      assert.equal(r.status, 1, r.stderr);
      assert.deepEqual(r.stderr.trim().split('\n'), [`✖ ${flag} ${file}: directory /nonexistent/dir does not exist (create it, or name a file in an existing directory)`]);
    }
  });

  it('--times is refused where it cannot fire: a self-firing trigger, or an app not reachable from here', () => {
    const r = rehearse('--dry-run', '--times', '2', '--no-publish');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^✖ --times 2: POST \/crash is not reachable from here/m);
    const bad = rehearse('--dry-run', '--times', '0');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--times "0" is not valid: use a whole number from 1 to 20/);
  });
});
