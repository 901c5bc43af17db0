// src/generator/recorded.json is what the test cluster's apiserver printed for each demo of
// test/cluster/crash-matrix.test.ts: the generated README shows it as the expected output. Here it is
// held against the outcome model and the cluster src/generator/verified.ts names, so a stale or partial
// recording, or a model that no longer matches it, fails without a cluster.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { choicesOf, predictOutcome, renderDemo, resolveOptions, type Options } from '../../src/index.js';
import { kubectlLines, RECORDINGS, recordingKey, recordingOf } from '../../src/generator/recorded.js';
import { VERIFIED_CLUSTER } from '../../src/generator/verified.js';

const runtimes = choicesOf('runtime') as Options['runtime'][];
const pid1s = choicesOf('pid1') as Options['pid1'][];
/**
 * hang is not in the recording: its proof on the cluster is test/cluster/hang.test.ts, which holds
 * the prediction against kubectl's view and events, and records nothing (recorded.json predates it).
 * Its generated README therefore shows no recorded rows, which the last test checks.
 */
const NOT_RECORDED: readonly Options['crash'][] = ['hang'];
const crashes = (choicesOf('crash') as Options['crash'][]).filter((c) => !NOT_RECORDED.includes(c));
const count = (restarts: string) => Number.parseInt(restarts, 10);

test('the recording was made on the cluster the generated README names', () => {
  assert.equal(RECORDINGS.kubernetes, VERIFIED_CLUSTER.kubernetes);
  assert.equal(RECORDINGS.cgroup, VERIFIED_CLUSTER.cgroup);
  assert.match(RECORDINGS.recordedOn, /^\d{4}-\d{2}-\d{2}$/);
});

test('every runtime × --pid1 × --crash was recorded, and nothing else', () => {
  const want = runtimes.flatMap((runtime) => pid1s.flatMap((pid1) => crashes.map((crash) => recordingKey({ runtime, pid1, crash }))));
  assert.deepEqual(Object.keys(RECORDINGS.demos).sort(), want.sort());
});

describe('each recording shows what the demo predicts', () => {
  for (const runtime of runtimes)
    for (const pid1 of pid1s)
      for (const crash of crashes) {
        const o = resolveOptions({ name: 'talk', runtime, pid1, crash });
        const outcome = predictOutcome(o);
        // The node was cgroup v1: for oom, the model's cgroup v1 case is the one that ran.
        const expected =
          crash === 'oom' && RECORDINGS.cgroup === 'v1' ? outcome.elsewhere.find((e) => e.where.includes('cgroup v1')) : outcome;
        test(`${runtime}, pid1 ${pid1}, crash ${crash}: ${expected?.containerExits ? `${expected.reason}, then CrashLoopBackOff` : 'Running, never restarted'}`, () => {
          assert.ok(expected, 'a prediction for the node it ran on');
          const run = recordingOf(o);
          assert.ok(run, 'recorded');
          const rows = run.rows;
          assert.ok(rows.length >= 2, `at least two states: ${JSON.stringify(rows)}`);
          assert.equal(rows[0]?.status, 'Pending', 'seen from its first version on');
          for (const [i, r] of rows.entries()) if (i > 0) assert.ok(r.at >= (rows[i - 1]?.at ?? 0), 'in the order they were printed');
          const last = rows.at(-1);
          assert.ok(last);
          if (expected.containerExits) {
            assert.equal(last.status, 'CrashLoopBackOff');
            assert.ok(count(last.restarts) >= 1, `restarted before the back-off: ${last.restarts}`);
            assert.ok(rows.some((r) => r.status === expected.reason), `the crash shows as ${expected.reason}: ${rows.map((r) => r.status).join(', ')}`);
          } else {
            assert.deepEqual([last.ready, last.status, last.restarts], ['1/1', 'Running', '0']);
            assert.ok(rows.every((r) => count(r.restarts) === 0 && r.status !== 'Error' && r.status !== 'CrashLoopBackOff'), JSON.stringify(rows));
          }
        });
      }
});

test('the generated README shows the recording, with the reader’s pod name, as kubectl lays it out', () => {
  for (const workload of ['deployment', 'statefulset'] as const) {
    const o = resolveOptions({ name: 'talk', runtime: 'node', pid1: 'exec', crash: 'kill-parent', workload });
    const readme = String(renderDemo(o).get('README.md'));
    const pod = workload === 'statefulset' ? 'talk-0' : 'talk-<hash>';
    const lines = kubectlLines(recordingOf(o)?.rows ?? [], pod);
    assert.match(lines[0] ?? '', /^NAME {2,}READY {3}STATUS {3,}RESTARTS {3}AGE$/);
    assert.ok(readme.includes(['```text', ...lines.map((l) => `   ${l}`), '   ```'].join('\n')), `${workload}: the block in README.md`);
    assert.ok(readme.includes(`Kubernetes ${RECORDINGS.kubernetes}`));
    assert.doesNotMatch(readme, /was not recorded/, 'the default http trigger is the one recorded');
  }
});

test('a demo with another trigger says its trigger was not the one recorded', () => {
  const readme = String(renderDemo(resolveOptions({ name: 'talk', trigger: 'timer' })).get('README.md'));
  assert.match(readme, /That run used `--trigger http`; this demo's `--trigger timer` was not recorded\./);
});

test('a demo whose crash mode was not recorded shows no recorded rows in its README', () => {
  for (const crash of NOT_RECORDED) {
    const o = resolveOptions({ name: 'talk', crash });
    assert.equal(recordingOf(o), undefined);
    const readme = String(renderDemo(o).get('README.md'));
    assert.doesNotMatch(readme, /Recorded on create-crash-demo's test cluster/);
  }
});
