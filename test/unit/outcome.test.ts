// The outcome model, checked case by case against docs/FACTS.md. The expectations below are
// written out from FACTS, not computed by the code under test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictOutcome, resolveOptions, type Options } from '../../src/index.js';

type Expect = { exits: boolean; code: number | null; reason: string | null; status: string; pid1: string };

const runs = (pid1: string): Expect => ({ exits: false, code: null, reason: null, status: 'Running', pid1 });
const exits = (code: number, reason: string, pid1: string): Expect => ({ exits: true, code, reason, status: 'CrashLoopBackOff', pid1 });

// runtime -> pid1 -> crash -> expectation (Kubernetes on cgroup v2, 1.28+)
const FACTS: Record<string, Record<string, Record<string, Expect>>> = {
  python: {
    // FACTS §1: exec-form gunicorn: _exit(1) respawned; SIGKILL to PID 1 dropped; _exit(4) -> exits 4.
    exec: { 'exit-worker': runs('gunicorn'), 'kill-parent': runs('gunicorn'), 'halt-supervisor': exits(4, 'Error', 'gunicorn'), oom: exits(137, 'OOMKilled', 'gunicorn') },
    // FACTS §1: /bin/sh wrapper without exec: SIGKILL to gunicorn -> exits 137.
    shell: { 'exit-worker': runs('sh'), 'kill-parent': exits(137, 'Error', 'sh'), 'halt-supervisor': exits(4, 'Error', 'sh'), oom: exits(137, 'OOMKilled', 'sh') },
    // FACTS §1: tini: SIGKILL -> 137; _exit(4) -> 4.
    tini: { 'exit-worker': runs('tini'), 'kill-parent': exits(137, 'Error', 'tini'), 'halt-supervisor': exits(4, 'Error', 'tini'), oom: exits(137, 'OOMKilled', 'tini') },
  },
  node: {
    // FACTS §1: node:cluster primary as PID 1 keeps running after a worker's SIGKILL; re-forks after exit(1).
    exec: { 'exit-worker': runs('node'), 'kill-parent': runs('node'), 'halt-supervisor': exits(4, 'Error', 'node'), oom: exits(137, 'OOMKilled', 'node') },
    shell: { 'exit-worker': runs('sh'), 'kill-parent': exits(137, 'Error', 'sh'), 'halt-supervisor': exits(4, 'Error', 'sh'), oom: exits(137, 'OOMKilled', 'sh') },
    tini: { 'exit-worker': runs('tini'), 'kill-parent': exits(137, 'Error', 'tini'), 'halt-supervisor': exits(4, 'Error', 'tini'), oom: exits(137, 'OOMKilled', 'tini') },
  },
};

for (const [runtime, byPid1] of Object.entries(FACTS)) {
  for (const [pid1, byCrash] of Object.entries(byPid1)) {
    for (const [crash, want] of Object.entries(byCrash)) {
      const verb = want.exits ? `exits ${want.code} (${want.reason})` : 'keeps running';
      test(`${runtime} with --pid1 ${pid1} and --crash ${crash}: the container ${verb}`, () => {
        const o = resolveOptions({ name: 'demo', runtime, pid1, crash });
        const got = predictOutcome(o);
        assert.equal(got.containerExits, want.exits);
        assert.equal(got.exitCode, want.code);
        assert.equal(got.reason, want.reason);
        assert.equal(got.podStatus, want.status);
        assert.equal(got.pid1, want.pid1);
        assert.ok(got.why.length > 80, 'explains why in plain words');
        assert.ok(got.headline.length > 0);
      });
    }
  }
}

test('kill-parent with the supervisor as PID 1 explains that the kernel drops the SIGKILL', () => {
  for (const runtime of ['python', 'node'] as const) {
    const got = predictOutcome(resolveOptions({ name: 'demo', runtime, crash: 'kill-parent', pid1: 'exec' }));
    assert.match(got.why, /PID 1/);
    assert.match(got.why, /drops/);
    assert.match(got.headline, /refuses to crash/);
  }
});

test('137 from a kill-parent crash is reported as Error, never as OOMKilled (FACTS §4)', () => {
  const got = predictOutcome(resolveOptions({ name: 'demo', crash: 'kill-parent', pid1: 'tini' }));
  assert.equal(got.exitCode, 137);
  assert.equal(got.reason, 'Error');
  assert.match(got.why, /not an out-of-memory kill/);
});

test('oom says what happens on cgroup v1 and plain Docker: only the worker dies and is replaced', () => {
  for (const pid1 of ['exec', 'shell', 'tini'] as const) {
    const got = predictOutcome(resolveOptions({ name: 'demo', crash: 'oom', pid1 }));
    assert.equal(got.elsewhere.length, 1);
    const v1 = got.elsewhere[0]!;
    assert.match(v1.where, /cgroup v1/);
    assert.match(v1.where, /Docker/);
    assert.equal(v1.containerExits, false);
    assert.equal(v1.exitCode, null);
    assert.equal(v1.podStatus, 'Running');
    assert.match(got.why, /memory\.oom\.group/);
  }
});

// FACTS §2/§3 (a hung worker under each supervisor, pidns) and §4 "A liveness kill" (v1.37.2): the
// kubelet's SIGTERM, the supervisor's own limit (gunicorn graceful_timeout 8 s, the primary's 5 s
// timer), exit 0 Completed, restarted at once (STATUS Running); without a probe nothing restarts it.
for (const [runtime, stop] of [['python', 8], ['node', 5]] as const) {
  for (const pid1 of ['exec', 'shell', 'tini'] as const) {
    test(`${runtime} with --pid1 ${pid1}, --crash hang and the liveness probe on: the kubelet kills it after the probe fails, exit 0 (Completed) in ${stop} s, and the pod stays Running`, () => {
      const got = predictOutcome(resolveOptions({ name: 'demo', runtime, pid1, crash: 'hang' }));
      assert.equal(got.containerExits, true);
      assert.equal(got.killedBy, 'liveness');
      assert.equal(got.stopSeconds, stop);
      assert.equal(got.exitCode, 0);
      assert.equal(got.reason, 'Completed');
      assert.equal(got.podStatus, 'Running');
      assert.deepEqual(got.statusCycle, ['Running']);
      assert.match(got.why, /failed liveness probe, will be restarted/);
      assert.equal(got.elsewhere.length, 1, 'one prediction where no kubelet probes it');
      const docker = got.elsewhere[0]!;
      assert.match(docker.where, /Docker/);
      assert.equal(docker.containerExits, false);
      assert.equal(docker.killedBy, undefined);
      assert.equal(docker.podStatus, 'Running');
    });
    test(`${runtime} with --pid1 ${pid1}, --crash hang and --liveness off: nothing restarts it, the pod stays Running with RESTARTS 0 and READY 0/1`, () => {
      const got = predictOutcome(resolveOptions({ name: 'demo', runtime, pid1, crash: 'hang', liveness: 'off' }));
      assert.equal(got.containerExits, false);
      assert.equal(got.killedBy, undefined);
      assert.equal(got.exitCode, null);
      assert.equal(got.podStatus, 'Running');
      assert.deepEqual(got.statusCycle, ['Running']);
      assert.match(got.why, /READY turns 0\/1/);
      assert.deepEqual(got.elsewhere, [], 'the same without a kubelet');
    });
  }
}

test('--liveness off changes no prediction but a hang\'s: the other crash modes never meet their lenient probe', () => {
  for (const crash of ['exit-worker', 'kill-parent', 'halt-supervisor', 'oom'] as const) {
    for (const pid1 of ['exec', 'shell', 'tini'] as const) {
      const on = predictOutcome(resolveOptions({ name: 'demo', crash, pid1 }));
      assert.deepEqual(predictOutcome(resolveOptions({ name: 'demo', crash, pid1, liveness: 'off' })), on, `${crash} ${pid1}`);
    }
  }
});

test('only oom and hang have an elsewhere prediction', () => {
  for (const crash of ['exit-worker', 'kill-parent', 'halt-supervisor'] as const) {
    assert.deepEqual(predictOutcome(resolveOptions({ name: 'demo', crash })).elsewhere, []);
  }
});

test('a crashing demo cycles Running -> reason -> CrashLoopBackOff; a refusing one stays Running', () => {
  const crashing = predictOutcome(resolveOptions({ name: 'demo', crash: 'halt-supervisor' }));
  assert.deepEqual(crashing.statusCycle, ['Running', 'Error', 'CrashLoopBackOff']);
  const oom = predictOutcome(resolveOptions({ name: 'demo', crash: 'oom' }));
  assert.deepEqual(oom.statusCycle, ['Running', 'OOMKilled', 'CrashLoopBackOff']);
  const refusing = predictOutcome(resolveOptions({ name: 'demo', crash: 'exit-worker' }));
  assert.deepEqual(refusing.statusCycle, ['Running']);
});

test('the trigger decides what fires the crash again after a restart', () => {
  const at = (raw: Partial<Record<keyof Options, unknown>>) => predictOutcome(resolveOptions({ name: 'demo', ...raw })).repeats;
  assert.match(at({ trigger: 'http' }), /POST \/crash/);
  assert.match(at({ trigger: 'random', probability: 0.25 }), /probability 0\.25/);
  assert.match(at({ trigger: 'timer', after: 12 }), /12 s after each worker boots/);
  assert.match(at({ trigger: 'startup' }), /each start/);
});

test('the prediction does not depend on workers, workload, port or names', () => {
  const base = predictOutcome(resolveOptions({ name: 'demo', crash: 'kill-parent', pid1: 'shell' }));
  const other = predictOutcome(
    resolveOptions({ name: 'other', crash: 'kill-parent', pid1: 'shell', workers: 7, workload: 'statefulset', port: 9000, namespace: 'x' }),
  );
  assert.deepEqual(other, base);
});

test('--trigger random --probability 0 never fires: every crash mode predicts Running with RESTARTS 0, nowhere a CrashLoopBackOff', () => {
  for (const crash of ['exit-worker', 'kill-parent', 'halt-supervisor', 'oom', 'hang']) {
    for (const pid1 of ['exec', 'shell', 'tini']) {
      const got = predictOutcome(resolveOptions({ name: 'demo', runtime: 'python', pid1, crash, trigger: 'random', probability: 0 }));
      assert.equal(got.containerExits, false, `${crash} ${pid1}`);
      assert.equal(got.podStatus, 'Running');
      assert.deepEqual(got.statusCycle, ['Running']);
      assert.deepEqual(got.elsewhere, [], 'no environment where it crash-loops');
      assert.equal(got.headline, 'The crash never fires (--probability 0): the pod stays Running with RESTARTS 0.');
      assert.match(got.repeats, /^never/);
    }
  }
});

test('a library caller\'s probability -0 is 0, and predicts the same', () => {
  const o = resolveOptions({ name: 'demo', trigger: 'random', probability: -0 });
  assert.ok(Object.is(o.probability, 0));
  assert.equal(predictOutcome(o).containerExits, false);
});
