// A crash loop built strictly from docs/FACTS.md §4 (test/support/crash-loop.ts), replayed through
// the view, the --json output and the timeline SVG. The real watch.mjs, spawned with --replay on the
// same loop: test/host/watch/replay.test.ts.
//
// The recording: a container that exits 137 (Error) 5 s after every start, seven times. The kubelet
// restarts the first crash at once, then waits 10s, 20s, 40s, 80s, 160s; its waiting messages read
// `back-off <d> restarting failed container=<c> pod=<pod>_<ns>(<uid>)` with d = 10s 20s 40s 1m20s
// 2m40s 5m0s. Nothing below asks the modules under test for these numbers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMessage, fastSchedule, planRestart, type BackoffEntry } from '../../../src/runtime/kube/backoff.mjs';
import { asPods, createJsonSplitter, createNormalizer, parseObservations, syntheticPod, type Observation, type WatchEvent } from '../../../src/runtime/kube/events.mjs';
import { renderTimelineSvg } from '../../../src/runtime/watch/timeline-svg.mjs';
import { createView } from '../../../src/runtime/watch/view.mjs';
import {
  DEFAULT_SECONDS, DEFAULT_TEXTS, DEFAULT_WAITS, NS, POD, RUN_SECONDS, UID, assertWellFormed, at, buildLoop, count,
} from '../../support/crash-loop.js';

function play(jsonl: string, schedule?: ReturnType<typeof fastSchedule>) {
  const normalizer = createNormalizer();
  const view = createView(schedule ? { schedule } : {});
  const events: WatchEvent[] = [];
  const lines: string[] = [];
  const json: unknown[] = [];
  for (const obs of parseObservations(jsonl).observations) {
    for (const e of normalizer.push(obs)) {
      const r = view.update(e);
      events.push(e);
      lines.push(r.line);
      json.push(r.json);
    }
  }
  return { view, events, lines, json };
}


describe('a crash loop built from FACTS §4 (exit 137, seven crashes)', () => {
  const loop = buildLoop(DEFAULT_WAITS, DEFAULT_TEXTS, DEFAULT_SECONDS);
  const { view, lines, json, events } = play(loop.jsonl);

  it('gives one --json object per observed container state, field by field', () => {
    assert.equal(json.length, loop.expected.length);
    json.forEach((actual, i) => {
      assert.deepEqual(Object.keys(actual as object), ['pod', 'container', 'status', 'restarts', 'lastExitCode', 'lastReason', 'backoffSeconds']);
      assert.deepEqual(actual, loop.expected[i], `state ${i + 1}`);
    });
  });

  it('reads the six back-offs 10s..5m0s from the messages and finds them on the default schedule', () => {
    const [c] = view.summaryData().containers;
    assert.deepEqual(c?.backoffs, DEFAULT_SECONDS);
    assert.deepEqual(c?.expectedBackoffs, DEFAULT_SECONDS);
    assert.equal(c?.matchesSchedule, true);
  });

  it('measures each restart delay from the crash to the next start: 0s 10s 20s 40s 80s 160s', () => {
    const [c] = view.summaryData().containers;
    assert.deepEqual(c?.observedDelays, DEFAULT_WAITS);
    assert.deepEqual([c?.firstRestarts, c?.lastRestarts, c?.restartsObserved], [0, 6, 6]);
    assert.deepEqual([c?.lastExitCode, c?.lastReason, c?.status], [137, 'Error', 'CrashLoopBackOff']);
  });

  it('shows the observed delay next to what the kubelet announced, per restart', () => {
    const restartLines = lines.filter((l) => /restart #/.test(l));
    assert.equal(restartLines.length, 6);
    assert.match(restartLines[0] ?? '', /^\+5s\s+demo-6d5f7c9b8-x2x7q\s+app\s+0\/1\s+Running\s+1\s+exit 137 Error\s+restart #1 after 0s \(kubelet: at once\)$/);
    assert.match(restartLines[1] ?? '', /restart #2 after 10s \(kubelet back-off 10s\)$/);
    assert.match(restartLines[5] ?? '', /restart #6 after 2m40s \(kubelet back-off 2m40s\)$/);
  });

  it('counts down to the next restart while the kubelet backs off', () => {
    const backingOff = lines.filter((l) => /CrashLoopBackOff/.test(l));
    assert.equal(backingOff.length, 6);
    // Seen 1 s after the crash: back-off 10s opens the window in 9 s and the kubelet's jittered retry
    // (up to 5 s) and the start lag (3 s) close it in 17 s; the last one, 5m0s, in 4m59s to 5m32s.
    assert.match(backingOff[0] ?? '', /\bCrashLoopBackOff\s+1\s+exit 137 Error\s+kubelet back-off 10s, next restart in 9s-17s$/);
    assert.match(backingOff[5] ?? '', /kubelet back-off 5m0s, next restart in 4m59s-5m32s$/);
  });

  it('ticks the countdown from an injected clock', () => {
    const last = events.at(-1);
    assert.ok(last?.lastFinishedAt);
    const finished = Date.parse(last.lastFinishedAt);
    assert.match(view.countdown(finished + 100_000) ?? '', /demo-6d5f7c9b8-x2x7q\/app: next restart in 3m20s-3m53s \(back-off 5m0s\)/);
    // Past the back-off the window is still open: the kubelet has not retried yet.
    assert.match(view.countdown(finished + 310_000) ?? '', /demo-6d5f7c9b8-x2x7q\/app: restart due, within 23s \(back-off 5m0s\)/);
    assert.match(view.countdown(finished + 340_000) ?? '', /demo-6d5f7c9b8-x2x7q\/app: restart due now \(back-off 5m0s\)/);
  });

  it('sums it up in words', () => {
    const text = view.summary();
    assert.match(text, /demo-6d5f7c9b8-x2x7q \/ app: CrashLoopBackOff, restarts 0 -> 6, last exit 137 \(Error\)/);
    assert.match(text, /kubelet back-offs seen: 10s 20s 40s 1m20s 2m40s 5m0s\n {4}the schedule says: {6}10s 20s 40s 1m20s 2m40s 5m0s {2}match/);
    assert.match(text, /observed restart delays: 0s 10s 20s 40s 1m20s 2m40s/);
  });

  it('notices when a demo expected the fast schedule but the cluster kept the default one', () => {
    const fast = play(loop.jsonl, fastSchedule({ maxContainerRestartPeriod: 30 }));
    assert.equal(fast.view.summaryData().containers[0]?.matchesSchedule, false);
    assert.match(fast.view.summary(), /the schedule says: .* DIFFERENT/);
  });

  it('draws a well-formed timeline with one mark per crash, per back-off and per restart', () => {
    const svg = renderTimelineSvg(view.timeline(), { title: 'demo & co <test>' });
    assertWellFormed(svg);
    assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal(count(svg, /<circle class="restart"/g), 6);
    assert.equal(count(svg, /<path class="crash"/g), 7);
    assert.equal(count(svg, /<rect class="backoff"/g), 6);
    const xs = [...svg.matchAll(/<circle class="restart" cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    assert.deepEqual([...xs].sort((a, b) => a - b), xs, 'restarts in time order');
    assert.match(svg, /<title>demo &amp; co &lt;test&gt;<\/title>/);
  });
});

describe("rehearse's path: the kubelet model driving synthetic pods through the same view", () => {
  it('gives the same --json states as the loop built from FACTS §4', () => {
    type Term = { exitCode: number; reason: string; startedAt: string; finishedAt: string };
    const observations: Observation[] = [];
    let entry: BackoffEntry | null = null;
    let start = 0;
    let restarts = 0;
    let last: Term | null = null;
    const push = (t: number, state: Parameters<typeof syntheticPod>[0]['state'], lastTerm: Term | null, ready: boolean) =>
      observations.push({
        time: at(t),
        pod: syntheticPod({ pod: POD, namespace: NS, uid: UID, container: 'app', restartCount: restarts, ready, state, lastState: lastTerm ? { terminated: lastTerm } : {} }),
      });
    push(0, { running: { startedAt: at(0) } }, null, true);
    for (let crash = 1; crash <= 7; crash++) {
      const finished = start + RUN_SECONDS;
      const term: Term = { exitCode: 137, reason: 'Error', startedAt: at(start), finishedAt: at(finished) };
      push(finished, { terminated: term }, last, false);
      const plan = planRestart(entry, finished);
      entry = plan.entry;
      if (plan.backoffSeconds !== null) {
        const message = backoffMessage({ backoffSeconds: plan.backoffSeconds, container: 'app', pod: POD, namespace: NS, uid: UID });
        push(finished + 1, { waiting: { reason: 'CrashLoopBackOff', message } }, term, false);
      }
      if (crash <= 6) {
        start = plan.restartAt;
        restarts++;
        last = term;
        push(start, { running: { startedAt: at(start) } }, last, false);
      }
    }
    const normalizer = createNormalizer();
    const view = createView();
    const json = observations.flatMap((o) => normalizer.push(o)).map((e) => view.update(e).json);
    assert.deepEqual(json, buildLoop(DEFAULT_WAITS, DEFAULT_TEXTS, DEFAULT_SECONDS).expected);
    assert.deepEqual(view.summaryData().containers[0]?.observedDelays, DEFAULT_WAITS);
  });
});

describe('a loop on the fast schedule of kind-config.yaml (1s 2s 4s 8s 16s, then 30s)', () => {
  const loop = buildLoop([0, 1, 2, 4, 8, 16], ['1s', '2s', '4s', '8s', '16s', '30s'], [1, 2, 4, 8, 16, 30]);

  it('matches the fast schedule', () => {
    const { view } = play(loop.jsonl, fastSchedule({ maxContainerRestartPeriod: 30 }));
    const [c] = view.summaryData().containers;
    assert.deepEqual([c?.backoffs, c?.matchesSchedule], [[1, 2, 4, 8, 16, 30], true]);
  });
});

describe('the kubectl -w -o json stream, cut anywhere', () => {
  it('yields the same pods whatever the chunk boundaries (inside strings, escapes and braces)', () => {
    const pods = buildLoop(DEFAULT_WAITS, DEFAULT_TEXTS, DEFAULT_SECONDS)
      .jsonl.trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l).object);
    (pods[0] as { metadata: { annotations?: object } }).metadata.annotations = { note: 'a "quoted" {brace} \\ and ]' };
    const stream = pods.map((p) => JSON.stringify(p, null, 4)).join('\n');
    for (const size of [1, 7, 64, 4096]) {
      const splitter = createJsonSplitter();
      const got: unknown[] = [];
      for (let i = 0; i < stream.length; i += size) got.push(...splitter.push(stream.slice(i, i + size)));
      assert.deepEqual(got.flatMap(asPods), pods, `chunks of ${size}`);
      assert.equal(splitter.pending, false);
    }
  });
});
