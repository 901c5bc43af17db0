// The kubelet's crash-loop schedule (docs/FACTS.md §4), as watch and rehearse compute it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { YAML } from 'zx';
import {
  DEFAULT_SCHEDULE,
  backoffEventMessage,
  backoffMessage,
  backoffSequence,
  delayBeforeRestart,
  fastSchedule,
  findBackoffMessages,
  goDuration,
  kubeletSchedule,
  parseBackoffMessage,
  parseGoDuration,
  planRestart,
  restartWindow,
  scheduleDelays,
  scheduleFromKindConfig,
  type BackoffEntry,
} from '../../../src/runtime/kube/backoff.mjs';

const projectRoot = resolve(fileURLToPath(import.meta.url), '../../../..');

describe('the default kubelet schedule (FACTS §4)', () => {
  it('restarts the first crash at once, then waits 10s, 20s, 40s, 80s, 160s and 300s from then on', () => {
    assert.deepEqual(scheduleDelays(9), [0, 10, 20, 40, 80, 160, 300, 300, 300]);
  });

  it('announces back-offs that Go prints as 10s 20s 40s 1m20s 2m40s 5m0s', () => {
    assert.equal(backoffSequence(6).map(goDuration).join(' '), '10s 20s 40s 1m20s 2m40s 5m0s');
  });

  it('forgives the back-off only after 600 s without a restart', () => {
    assert.equal(DEFAULT_SCHEDULE.resetAfterSeconds, 600);
  });

  it('stays at the cap for a very long loop (restart 617)', () => {
    assert.equal(delayBeforeRestart(617), 300);
  });

  it('refuses a restart number that is not a positive integer', () => {
    assert.throws(() => delayBeforeRestart(0), /restart number 0/);
  });
});

describe('planRestart, the kubelet deciding when a crashed container starts again', () => {
  // A container that crashes 5 s after every start, simulated from the first start at t=0.
  function loop(crashes: number, runSeconds: number, schedule = DEFAULT_SCHEDULE) {
    let entry: BackoffEntry | null = null;
    let startedAt = 0;
    const messages: Array<number | null> = [];
    const waits: number[] = [];
    for (let i = 0; i < crashes; i++) {
      const finishedAt = startedAt + runSeconds;
      const plan = planRestart(entry, finishedAt, schedule);
      messages.push(plan.backoffSeconds);
      waits.push(plan.restartAt - finishedAt);
      entry = plan.entry;
      startedAt = plan.restartAt;
    }
    return { messages, waits };
  }

  it('waits 0, 10, 20, 40, 80, 160, 300 s after crashes 1 to 7', () => {
    assert.deepEqual(loop(7, 5).waits, [0, 10, 20, 40, 80, 160, 300]);
  });

  it('says no back-off for the first crash, then the durations of its messages', () => {
    assert.deepEqual(loop(7, 5).messages, [null, 10, 20, 40, 80, 160, 300]);
  });

  it('restarts at once again when the container ran more than 600 s, and starts over at 10 s', () => {
    const first = planRestart(null, 5);
    const second = planRestart(first.entry, 10);
    assert.equal(second.backoffSeconds, 10);
    // Restarted at 20; runs 601 s; crashes at 621: forgiven.
    const third = planRestart(second.entry, 20 + 601);
    assert.equal(third.backoffSeconds, null);
    assert.equal(third.restartAt, 621);
    const fourth = planRestart(third.entry, 626);
    assert.equal(fourth.backoffSeconds, 10);
  });

  it('does not forgive a run of exactly 600 s (the kubelet needs more than 2 x max)', () => {
    const a = planRestart(null, 0);
    const b = planRestart(a.entry, 600);
    assert.equal(b.backoffSeconds, 10);
  });
});

describe('restartWindow, when a restart really comes (pod_workers.go completeWork since 1.35)', () => {
  it('opens at the back-off and closes half a back-off later, plus the start lag', () => {
    assert.deepEqual(restartWindow(10), { earliestSeconds: 10, latestSeconds: 18, jitterSeconds: 5 });
    assert.deepEqual(restartWindow(40), { earliestSeconds: 40, latestSeconds: 63, jitterSeconds: 20 });
  });

  it('jitters a long back-off by at most half the 1m resync interval', () => {
    assert.deepEqual(restartWindow(300), { earliestSeconds: 300, latestSeconds: 333, jitterSeconds: 30 });
    assert.deepEqual(restartWindow(80), { earliestSeconds: 80, latestSeconds: 113, jitterSeconds: 30 });
  });

  it('gives the first restart, which has no back-off, only the start lag', () => {
    assert.deepEqual(restartWindow(0), { earliestSeconds: 0, latestSeconds: 3, jitterSeconds: 0 });
  });

  it('lets planRestart place the restart inside that window, as wait.Jitter does', () => {
    const first = planRestart(null, 0);
    assert.equal(planRestart(first.entry, 5, DEFAULT_SCHEDULE, 0).restartAt, 15);
    assert.equal(planRestart(first.entry, 5, DEFAULT_SCHEDULE, 1).restartAt, 20);
    assert.equal(planRestart(first.entry, 5, DEFAULT_SCHEDULE, 0.5).restartAt, 17.5);
    assert.throws(() => planRestart(first.entry, 5, DEFAULT_SCHEDULE, 1.5), /draw 1.5: must be from 0 to 1/);
  });

  it('counts the next back-off from the late restart, as Next() stamps lastUpdate when it runs', () => {
    const first = planRestart(null, 0);
    const late = planRestart(first.entry, 5, DEFAULT_SCHEDULE, 1);
    assert.deepEqual(late.entry, { backoffSeconds: 20, lastUpdate: 20 });
  });
});

describe('KEP-4603 schedules (newCrashLoopBackOff)', () => {
  it('ReduceDefaultCrashLoopBackOffDecay: 1s initial, doubling, 60s cap, forgiven after 120 s', () => {
    const s = kubeletSchedule({ reduceDefaultDecay: true });
    assert.deepEqual(backoffSequence(8, s), [1, 2, 4, 8, 16, 32, 60, 60]);
    assert.equal(s.resetAfterSeconds, 120);
  });

  it('a node maxContainerRestartPeriod caps the doubling', () => {
    assert.deepEqual(backoffSequence(7, fastSchedule({ maxContainerRestartPeriod: 30 })), [1, 2, 4, 8, 16, 30, 30]);
  });

  it('a maxContainerRestartPeriod below the initial wait lowers the initial wait too', () => {
    const s = kubeletSchedule({ maxContainerRestartPeriod: 5 });
    assert.deepEqual(backoffSequence(3, s), [5, 5, 5]);
  });

  it('rejects a maxContainerRestartPeriod the kubelet would refuse (1s..300s)', () => {
    assert.throws(() => kubeletSchedule({ maxContainerRestartPeriod: 301 }), /1s to 300s/);
  });

  it("reads the generated kind-config.yaml: 1s 2s 4s 8s 16s, then 30s, as its own comment promises", () => {
    const text = readFileSync(resolve(projectRoot, 'templates/common/kind-config.yaml.ejs'), 'utf8');
    assert.doesNotMatch(text, /<%/, 'the test parses the template as plain YAML');
    const s = scheduleFromKindConfig(YAML.parse(text), (t) => YAML.parse(t));
    assert.equal(backoffSequence(7, s).map(goDuration).join(' '), '1s 2s 4s 8s 16s 30s 30s');
    assert.match(text, /waits of 1s 2s 4s 8s 16s, then 30s each/);
  });
});

describe('Go durations', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [1, '1s'],
    [10, '10s'],
    [59, '59s'],
    [60, '1m0s'],
    [80, '1m20s'],
    [160, '2m40s'],
    [300, '5m0s'],
    [3600, '1h0m0s'],
    [1.5, '1.5s'],
    [0.5, '500ms'],
  ];
  for (const [seconds, text] of cases) {
    it(`${seconds} s prints as ${text} and parses back`, () => {
      assert.equal(goDuration(seconds), text);
      assert.equal(parseGoDuration(text), seconds);
    });
  }

  it('does not parse what is not a Go duration', () => {
    assert.equal(parseGoDuration('5 minutes'), null);
    assert.equal(parseGoDuration(''), null);
  });
});

describe("the kubelet's back-off messages", () => {
  const who = { container: 'app', pod: 'demo-6d5f7c9b8-x2x7q', namespace: 'crash-demo', uid: '0b3f6a52-8a1e-4d5e-9d0e-2b7c3f1a9e11' };

  it('writes the waiting message in the kubelet format of FACTS §4', () => {
    assert.equal(
      backoffMessage({ ...who, backoffSeconds: 80 }),
      'back-off 1m20s restarting failed container=app pod=demo-6d5f7c9b8-x2x7q_crash-demo(0b3f6a52-8a1e-4d5e-9d0e-2b7c3f1a9e11)',
    );
  });

  it('writes the modern BackOff event message', () => {
    assert.equal(
      backoffEventMessage(who),
      'Back-off restarting failed container app in pod demo-6d5f7c9b8-x2x7q_crash-demo(0b3f6a52-8a1e-4d5e-9d0e-2b7c3f1a9e11)',
    );
  });

  it('parses what it writes', () => {
    const parsed = parseBackoffMessage(backoffMessage({ ...who, backoffSeconds: 300 }));
    assert.deepEqual(
      { ...parsed },
      {
        form: 'waiting',
        backoffSeconds: 300,
        duration: '5m0s',
        container: 'app',
        pod: who.pod,
        namespace: 'crash-demo',
        uid: who.uid,
        text: backoffMessage({ ...who, backoffSeconds: 300 }),
      },
    );
  });

  it('parses the capitalised message of older kubelets', () => {
    const parsed = parseBackoffMessage('Back-off 20s restarting failed container=web pod=web-1_default(abc)');
    assert.equal(parsed?.backoffSeconds, 20);
    assert.equal(parsed?.container, 'web');
  });

  it('finds every message in a text, in order, and tells events (no duration) from waiting messages', () => {
    const text =
      'x back-off 10s restarting failed container=a pod=p_n(u) y\n' +
      'Back-off restarting failed container b in pod p_n(u)\n';
    assert.deepEqual(
      findBackoffMessages(text).map((m) => [m.form, m.container, m.backoffSeconds]),
      [
        ['waiting', 'a', 10],
        ['event', 'b', null],
      ],
    );
  });
});
