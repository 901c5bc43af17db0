// deploy when the image was never loaded: the pod spec says imagePullPolicy: Never (the image is
// never pushed, so a pull could only fetch someone else's docker.io/library/<name>), the kubelet
// shows ErrImageNeverPull, and deploy says in one line that `npm run load` is the fix.
// kubectl: the stand-in from project.ts (rollout status times out; get pods prints FAKE_PODS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlStandIn, makeProject, kubeconfig, runScript } from '../../support/project.js';
import { requireCurrentBuild } from '../../support/build.js';

requireCurrentBuild();

const project = makeProject({ cluster: 'kind' });

function podWaiting(reason: string) {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [{ metadata: { name: 'demo-5d8c7b9f4-x2x4q' }, status: { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason, message: 'Container image "demo:0.1.0" is not present with pull policy of Never' } } }] } }],
  });
}

async function deployWith(pods: string) {
  const fake = kubectlStandIn();
  const r = await runScript(project, 'deploy', [], { bin: fake.bin, kubeconfig: kubeconfig('kind-demo'), env: { ...fake.env, FAKE_ROLLOUT_EXIT: '1', FAKE_PODS: pods } });
  return { ...r, calls: fake.bin.calls() };
}

test('an image that was never loaded: deploy ends with one line saying npm run load is the fix', async () => {
  const r = await deployWith(podWaiting('ErrImageNeverPull'));
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr.trim().split('\n').at(-1),
    '✖ the pod shows ErrImageNeverPull: the image demo:0.1.0 is not in the cluster (it is never pulled). Load it: npm run load, then npm run deploy again',
  );
  assert.ok(r.calls.includes('kubectl --context kind-demo -n crash-demo get pods -l app.kubernetes.io/name=demo -o json'));
});

test('a rollout that fails for another reason keeps kubectl\'s own line', async () => {
  const r = await deployWith(podWaiting('ContainerCreating'));
  assert.equal(r.code, 1);
  assert.match(r.stderr.trim().split('\n').at(-1)!, /^✖ kubectl --context kind-demo -n crash-demo rollout status deployment\/demo --timeout=120s failed \(exit 1\): error: timed out waiting for the condition$/);
});
