// A crash loop built strictly from docs/FACTS.md §4, as a watch recording (the pod JSON snapshots
// `kubectl get pods -w -o json` would send) with the --json states it must give, and a check that an
// SVG is well-formed XML. Shared by the view's tests (test/unit/watch/recording.test.ts) and those of
// the real watch.mjs (test/host/watch/replay.test.ts).
import assert from 'node:assert/strict';

export const T0 = Date.parse('2025-01-01T10:00:00Z');
export const at = (s: number) => new Date(T0 + s * 1000).toISOString();
export const POD = 'demo-6d5f7c9b8-x2x7q';
export const NS = 'crash-demo';
export const UID = '0b3f6a52-8a1e-4d5e-9d0e-2b7c3f1a9e11';
export const RUN_SECONDS = 5;

// FACTS §4, default kubelet: waits before restarts 1..6, and the durations its messages print.
export const DEFAULT_WAITS = [0, 10, 20, 40, 80, 160];
export const DEFAULT_TEXTS = ['10s', '20s', '40s', '1m20s', '2m40s', '5m0s'];
export const DEFAULT_SECONDS = [10, 20, 40, 80, 160, 300];

export type Json = { pod: string; container: string; status: string; restarts: number; lastExitCode: number | null; lastReason: string | null; backoffSeconds: number | null };

/** The pod JSON snapshots of the loop, with when they were seen, and the --json states they must give. */
export function buildLoop(waits: number[], texts: string[], seconds: number[]) {
  const snapshots: Array<{ time: string; object: unknown }> = [];
  const expected: Json[] = [];
  type Term = { exitCode: number; reason: string; startedAt: string; finishedAt: string };
  const snap = (t: number, state: object, restartCount: number, last: Term | null, ready: boolean) => {
    snapshots.push({
      time: at(t),
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: POD, namespace: NS, uid: UID, creationTimestamp: at(-2), labels: { 'app.kubernetes.io/name': 'demo' } },
        spec: { containers: [{ name: 'app', image: 'demo:0.1.0' }] },
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
          containerStatuses: [
            { name: 'app', ready, started: 'running' in state, restartCount, state, lastState: last ? { terminated: last } : {} },
          ],
        },
      },
    });
  };
  let start = 0;
  let restarts = 0;
  let last: Term | null = null;
  snap(start, { running: { startedAt: at(start) } }, restarts, last, true);
  expected.push({ pod: POD, container: 'app', status: 'Running', restarts: 0, lastExitCode: null, lastReason: null, backoffSeconds: null });
  for (let crash = 1; crash <= waits.length + 1; crash++) {
    const finished = start + RUN_SECONDS;
    const term: Term = { exitCode: 137, reason: 'Error', startedAt: at(start), finishedAt: at(finished) };
    snap(finished, { terminated: term }, restarts, last, false);
    expected.push({ pod: POD, container: 'app', status: 'Error', restarts, lastExitCode: 137, lastReason: 'Error', backoffSeconds: null });
    if (crash >= 2) {
      const message = `back-off ${texts[crash - 2]} restarting failed container=app pod=${POD}_${NS}(${UID})`;
      snap(finished + 1, { waiting: { reason: 'CrashLoopBackOff', message } }, restarts, term, false);
      expected.push({ pod: POD, container: 'app', status: 'CrashLoopBackOff', restarts, lastExitCode: 137, lastReason: 'Error', backoffSeconds: seconds[crash - 2] ?? null });
    }
    if (crash <= waits.length) {
      start = finished + (waits[crash - 1] ?? 0);
      restarts++;
      last = term;
      snap(start, { running: { startedAt: at(start) } }, restarts, last, false);
      expected.push({ pod: POD, container: 'app', status: 'Running', restarts, lastExitCode: 137, lastReason: 'Error', backoffSeconds: null });
    }
  }
  const header = JSON.stringify({ recording: 'crash-demo/watch', version: 1, command: ['kubectl', 'get', 'pods', '-w', '-o', 'json'], startedAt: at(0) });
  const jsonl = [header, ...snapshots.map((s) => JSON.stringify(s))].join('\n') + '\n';
  return { jsonl, expected };
}

/** Well-formed XML, checked token by token: one root, every tag closed in order, quoted attributes, known entities. */
export function assertWellFormed(xml: string) {
  const body = xml.replace(/^<\?xml [^?]*\?>\s*/, '');
  const token = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const stack: string[] = [];
  let roots = 0;
  let pos = 0;
  while (pos < body.length) {
    token.lastIndex = pos;
    const m = token.exec(body);
    assert.ok(m, `not well-formed near: ${body.slice(pos, pos + 60)}`);
    pos = token.lastIndex;
    const [, closing, name, attrs, selfClosing, text] = m;
    if (text !== undefined) {
      assert.doesNotMatch(text, /&(?!(amp|lt|gt|quot|apos);)/, `bare & in text: ${text}`);
      if (stack.length === 0) assert.match(text, /^\s*$/, 'text outside the root element');
      continue;
    }
    assert.doesNotMatch(attrs ?? '', /&(?!(amp|lt|gt|quot|apos);)/, `bare & in attributes of <${name}>`);
    if (closing) {
      assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    } else {
      if (stack.length === 0) roots++;
      if (!selfClosing) stack.push(name ?? '');
    }
  }
  assert.deepEqual(stack, [], 'unclosed elements');
  assert.equal(roots, 1, 'one root element');
}

export const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;
