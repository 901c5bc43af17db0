// crash.mjs --times N (trigger http): N POSTs /crash, each after the previous crash was handled.
// One crash is not a crash loop (the kubelet restarts at once after the first), so between POSTs
// crash waits for the kubelet to restart the container and for the pod to be Ready again; an app
// that refuses to crash only gets a short pause. No cluster here: kubectl is the stand-in from
// project.ts (a fake pod behind a fake port-forward, and a fake kubelet behind `kubectl get pod -w`
// whose restartCount grows after each POST, as a real kubelet's does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlStandIn, makeBin, makeProject, kubeconfig, runScript } from '../../support/project.js';
import { requireCurrentBuild } from '../../support/build.js';

requireCurrentBuild();

const answer = { firing: 'kill-parent', pid: 9, ppid: 7, expect: 'the container exits 137' };
const FORWARD = 'argv --context kind-demo -n crash-demo port-forward --address 127.0.0.1 deployment/demo :8080';
const KUBELET = 'kubelet --context kind-demo -n crash-demo get pod -l app.kubernetes.io/name=demo -w -o json';

const exits = makeProject({ trigger: 'http' }); // kill-parent under tini: the container exits 137
const refuses = makeProject({ trigger: 'http', crash: 'exit-worker' }); // the supervisor respawns the worker

function crash(project: string, args: string[], env: Record<string, string> = {}) {
  const fake = kubectlStandIn();
  const run = runScript(project, 'crash', args, {
    bin: fake.bin,
    kubeconfig: kubeconfig('kind-demo'),
    env: { ...fake.env, FAKE_STATUS: '202', FAKE_BODY: JSON.stringify(answer), ...env },
  });
  return run.then((r) => ({ ...r, log: fake.log(), calls: fake.bin.calls() }));
}

test('--times 3, a container that exits (stand-in kubelet: restartCount grows after each POST, CrashLoopBackOff from the 2nd crash): 3 POSTs, each after the restart and Ready of the previous crash', async () => {
  const r = await crash(exits, ['--times', '3'], { FAKE_EXITS: '1' });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.lines, [1, 2, 3].map((i) => `crash ${i}/3: ${JSON.stringify(answer)}`));
  // Three processes write this log (crash's port-forwards, the fake kubelet, the fake pod), so only
  // what crash makes happen in order is asserted in order. What happened at all:
  // the fake kubelet may or may not have restarted the container after the last POST before crash
  // stopped watching it: nothing waits for that one.
  const log = r.log.filter((l) => l !== 'restarted 3');
  assert.deepEqual(
    [...log].sort(),
    [
      KUBELET,
      ...[FORWARD, 'POST /crash', 'stopped', 'restarted 1'],
      ...[FORWARD, 'POST /crash', 'stopped', 'restarted 2'],
      ...[FORWARD, 'POST /crash', 'stopped'],
      'kubelet stopped',
    ].sort(),
  );
  // In which order: POST i before the kubelet reports restart i, and port-forward i+1 only after it.
  const at = (line: string) => r.log.flatMap((l, i) => (l === line ? [i] : []));
  const [forwards, posts] = [at(FORWARD), at('POST /crash')];
  for (const i of [1, 2]) {
    const restarted = r.log.indexOf(`restarted ${i}`);
    assert.ok(posts[i - 1]! < restarted, `POST ${i} before restart ${i} is reported: ${r.log.join(' | ')}`);
    assert.ok(restarted < forwards[i]!, `port-forward ${i + 1} after restart ${i}: ${r.log.join(' | ')}`);
  }
  assert.match(r.stderr, /crash 1\/3: waiting for the kubelet to restart the container \(back-off none, the first restart is at once\)/);
  assert.match(r.stderr, /crash 2\/3: waiting for the kubelet to restart the container \(back-off up to 10s, the restart within 18s, CrashLoopBackOff meanwhile\)/);
});

test('--times 2 (stand-in kubelet that stops reporting after the crash, kubectl get pod -w exits 1): exit 1, one line naming what it waited for, one POST only', async () => {
  const r = await crash(exits, ['--times', '2'], { FAKE_EXITS: '1', FAKE_KUBELET: 'dies' });
  assert.equal(r.code, 1);
  const errors = r.stderr.trim().split('\n').filter((l) => l.startsWith('✖'));
  assert.deepEqual(errors, [
    '✖ after crash 1/2 the pod -l app.kubernetes.io/name=demo in namespace crash-demo did not restart and become Ready again ' +
      '(restarts 0 -> 0, not Ready; a first crash is restarted at once): kubectl get pod -w exited (1)',
  ]);
  assert.equal(r.log.filter((l) => l === 'POST /crash').length, 1);
});

test('--times 2 (stand-in kubectl get pod -w that shows no pod): exit 1, "deploy first", no POST', async () => {
  const r = await crash(exits, ['--times', '2'], { FAKE_KUBELET: 'silent' });
  assert.equal(r.code, 1);
  assert.match(r.stderr.trim().split('\n').at(-1)!, /^✖ no pod -l app\.kubernetes\.io\/name=demo in namespace crash-demo \(deploy first: npm run deploy\): kubectl get pod -w exited \(0\)$/);
  assert.deepEqual(r.log, [KUBELET]);
});

test('--times 3, an app that refuses to crash (stand-in port-forward, no kubelet needed): 3 POSTs through one port-forward, no wait for a restart', async () => {
  const r = await crash(refuses, ['--times', '3']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.lines, [1, 2, 3].map((i) => `crash ${i}/3: ${JSON.stringify(answer)}`));
  assert.deepEqual(r.log, [FORWARD, 'POST /crash', 'POST /crash', 'POST /crash', 'stopped']);
  assert.ok(!r.calls.some((c) => c.includes(' get pod')), 'no kubectl get pod: nothing restarts');
});

for (const bad of ['0', '21', '2.5', 'three', '-1', '1e1']) {
  test(`--times ${bad} is refused: exit 1, one line naming the value, nothing run (kubectl: a logging shim)`, async () => {
    const bin = makeBin({ kubectl: 'logged' });
    // `--times=-1`: node's parseArgs reads a separate `-1` as a flag
    const r = await runScript(exits, 'crash', [`--times=${bad}`], { bin, kubeconfig: kubeconfig('kind-demo') });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `✖ --times ${JSON.stringify(bad)} is not valid: use a whole number from 1 to 20\n`);
    assert.deepEqual(bin.calls(), []);
  });
}

test('--times 3 --dry-run: the pod watch, then per POST its port-forward and the wait between crashes, nothing run', async () => {
  const bin = makeBin({ kubectl: 'real' });
  const kc = kubeconfig('kind-demo');
  const [a, b] = await Promise.all([
    runScript(exits, 'crash', ['--dry-run', '--times', '3'], { bin, kubeconfig: kc }),
    runScript(refuses, 'crash', ['--dry-run', '--times', '3'], { bin, kubeconfig: kc }),
  ]);
  const forward = 'kubectl --context kind-demo -n crash-demo port-forward --address 127.0.0.1 deployment/demo :8080';
  const post = '# POST http://127.0.0.1:<local port>/crash';
  const restart = '# wait until the container has restarted and the pod is Ready again';
  assert.equal(a.code, 0, a.stderr);
  assert.deepEqual(a.lines, [
    'kubectl --context kind-demo -n crash-demo get pod -l app.kubernetes.io/name=demo -w -o json',
    ...[forward, post, restart],
    ...[forward, post, restart],
    ...[forward, post],
  ]);
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual(b.lines, [forward, post, '# wait 2s', post, '# wait 2s', post]);
});
