// The demo's namespace is the demo's alone: deploy sets Pod Security labels on it and teardown
// deletes it with everything inside, so both refuse a namespace that exists without the label the
// demo's k8s/namespace.yaml sets (create-crash-demo/owner: <the demo's name>), or with another
// demo's name in it. No cluster here: kubectl is the stand-in from project.ts (`get namespace`
// answers from FAKE_NAMESPACE_LABELS; apply -k, delete -k and rollout status are accepted;
// `kustomize` is the real kubectl's), and every call it got is in bin.calls().
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { namespaceOwner } from '../../../src/runtime/guard/ownership.mjs';
import type { RawOptions } from '../../../src/index.js';
import { kubectlStandIn, makeProject, kubeconfig, runScript } from '../../support/project.js';
import { requireCurrentBuild } from '../../support/build.js';

requireCurrentBuild();

const project = makeProject({ cluster: 'kind' });
const GET = 'kubectl --context kind-demo get namespace crash-demo --ignore-not-found -o json';
const CONTEXT = ['kubectl config current-context', 'kubectl config view -o json', 'kubectl kustomize k8s'];
const APPLY = 'kubectl --context kind-demo apply -k k8s';
const ROLLOUT = 'kubectl --context kind-demo -n crash-demo rollout status deployment/demo --timeout=120s';
const DELETE = 'kubectl --context kind-demo delete -k k8s --ignore-not-found';

/** The namespace as the stand-in API server has it: its extra labels, or null for "does not exist". */
async function run(script: string, labels: Record<string, string> | null, dir = project, args: string[] = []) {
  const fake = kubectlStandIn();
  const env = { ...fake.env, ...(labels ? { FAKE_NAMESPACE_LABELS: JSON.stringify(labels) } : {}) };
  const r = await runScript(dir, script, args, { bin: fake.bin, kubeconfig: kubeconfig('kind-demo'), env });
  return { ...r, calls: fake.bin.calls() };
}

/** A fresh demo with one file of k8s/ changed by hand. */
function editedK8s(file: string, edit: (text: string) => string, raw: RawOptions = {}): string {
  const dir = makeProject({ cluster: 'kind', ...raw });
  const path = join(dir, 'k8s', file);
  writeFileSync(path, edit(existsSync(path) ? readFileSync(path, 'utf8') : ''));
  return dir;
}

test('the generated k8s/namespace.yaml carries the label the scripts look for, naming the demo', () => {
  const yaml = readFileSync(join(project, 'k8s', 'namespace.yaml'), 'utf8');
  assert.match(yaml, /^ {4}create-crash-demo\/owner: demo$/m);
});

test('what `kubectl get namespace NAME --ignore-not-found -o json` prints decides who owns the namespace', () => {
  const ns = (labels: Record<string, string>) => JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'crash-demo', labels } });
  assert.deepEqual(namespaceOwner(''), { exists: false });
  assert.deepEqual(namespaceOwner('\n'), { exists: false });
  assert.deepEqual(namespaceOwner(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] })), { exists: false });
  assert.deepEqual(namespaceOwner(ns({ 'create-crash-demo/owner': 'demo' })), { exists: true, owner: 'demo' });
  assert.deepEqual(namespaceOwner(ns({ 'create-crash-demo/owner': 'talk-b' })), { exists: true, owner: 'talk-b' });
  // the label every demo used to share names no demo
  assert.deepEqual(namespaceOwner(ns({ 'app.kubernetes.io/part-of': 'crash-demo' })), { exists: true, owner: null });
  assert.deepEqual(namespaceOwner(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'crash-demo' } })), { exists: true, owner: null });
});

describe('deploy (kubectl: stand-in)', { concurrency: true }, () => {
  test('a namespace that exists without the label is refused: exit 1, one line saying why and how to choose another, nothing applied', async () => {
    const r = await run('deploy', { team: 'payments' });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.deepEqual(r.stderr.trim().split('\n'), [
      `$ ${GET}`,
      '✖ namespace "crash-demo" already exists without the label create-crash-demo/owner=demo: ' +
        'deploy will not take over a namespace it did not create (it would set its Pod Security labels, and teardown ' +
        'would delete it with everything in it). Choose another one: npx create-crash-demo . --overwrite --namespace NAME',
    ]);
    assert.deepEqual(r.calls, [...CONTEXT, GET], 'it looked at the namespace and applied nothing');
  });

  test('a namespace the demo created (it has the label) is deployed into again', async () => {
    const r = await run('deploy', { 'create-crash-demo/owner': 'demo' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.calls, [...CONTEXT, GET, APPLY, ROLLOUT]);
  });

  test('a namespace that does not exist yet is created by the apply', async () => {
    const r = await run('deploy', null);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.calls, [...CONTEXT, GET, APPLY, ROLLOUT]);
  });

  test('demo refuses such a namespace before it builds anything (docker absent: a build would fail)', async () => {
    const r = await run('demo', { team: 'payments' });
    assert.equal(r.code, 1);
    assert.match(r.stderr.trim().split('\n').at(-1)!, /^✖ namespace "crash-demo" already exists without the label create-crash-demo\/owner=demo: deploy will not take over/);
    assert.deepEqual(r.calls, [...CONTEXT, GET]);
  });
});

describe('teardown (kubectl: stand-in)', { concurrency: true }, () => {
  test('a namespace that exists without the label is refused: exit 1, one line saying why and what to do instead, nothing deleted', async () => {
    const r = await run('teardown', { team: 'payments' });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.deepEqual(r.stderr.trim().split('\n'), [
      `$ ${GET}`,
      '✖ teardown will not delete namespace "crash-demo": it exists without the label create-crash-demo/owner=demo, ' +
        'so the demo did not create it (kubectl delete -k k8s deletes the namespace with everything in it). Delete only ' +
        "the demo's objects: kubectl --context kind-demo -n crash-demo delete deployment,service -l app.kubernetes.io/instance=demo; " +
        'and give the demo a namespace of its own: npx create-crash-demo . --overwrite --namespace NAME',
    ]);
    assert.deepEqual(r.calls, [...CONTEXT, GET], 'it looked at the namespace and deleted nothing');
  });

  test('a namespace the demo created (it has the label) is deleted', async () => {
    const r = await run('teardown', { 'create-crash-demo/owner': 'demo' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.calls, [...CONTEXT, GET, DELETE]);
  });

  test('a namespace that does not exist: the delete runs and finds nothing to delete', async () => {
    const r = await run('teardown', null);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.calls, [...CONTEXT, GET, DELETE]);
  });
});

describe('two demos never take each other\'s namespace: the owner label names the demo (kubectl: stand-in)', { concurrency: true }, () => {
  test('deploy refuses a namespace another demo created, naming that demo; nothing applied', async () => {
    const r = await run('deploy', { 'create-crash-demo/owner': 'talk-a', 'app.kubernetes.io/part-of': 'crash-demo' });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim().split('\n').at(-1),
      '✖ namespace "crash-demo" belongs to the demo "talk-a" (label create-crash-demo/owner=talk-a), not to this one ' +
        '(create-crash-demo/owner=demo): deploy will not take it over (teardown would then delete "talk-a" with it). ' +
        'Choose another one: npx create-crash-demo . --overwrite --namespace NAME',
    );
    assert.deepEqual(r.calls, [...CONTEXT, GET]);
  });

  test('teardown refuses a namespace another demo created, naming that demo; nothing deleted', async () => {
    const r = await run('teardown', { 'create-crash-demo/owner': 'talk-a', 'app.kubernetes.io/part-of': 'crash-demo' });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim().split('\n').at(-1),
      '✖ teardown will not delete namespace "crash-demo": it belongs to the demo "talk-a" (label create-crash-demo/owner=talk-a), ' +
        'not to this one (create-crash-demo/owner=demo), and kubectl delete -k k8s would delete "talk-a" with it. ' +
        "Delete only the demo's objects: kubectl --context kind-demo -n crash-demo delete deployment,service -l app.kubernetes.io/instance=demo; " +
        'or tear it down from the demo "talk-a"',
    );
    assert.deepEqual(r.calls, [...CONTEXT, GET]);
  });

  test('the label every demo used to share (app.kubernetes.io/part-of=crash-demo) names no demo: refused', async () => {
    const r = await run('teardown', { 'app.kubernetes.io/part-of': 'crash-demo' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /✖ teardown will not delete namespace "crash-demo": it exists without the label create-crash-demo\/owner=demo/);
    assert.deepEqual(r.calls, [...CONTEXT, GET]);
  });
});

// What apply -k and delete -k act on is what `kubectl kustomize k8s` renders (the real kubectl),
// not what crash-demo.json says: an edit to k8s/ that reaches outside the demo is refused before
// any call to the cluster.
const KUSTOMIZE_ONLY = CONTEXT;
const FIX = ', and deploy and teardown act only on what this demo owns (crash-demo.json: demo "demo", namespace "crash-demo"). ' +
  'Undo the change in k8s/, or regenerate the demo: npx create-crash-demo . --overwrite';

describe('deploy and teardown check what k8s/ renders (kubectl kustomize, real)', { concurrency: true }, () => {
  const toKubeSystem = editedK8s('kustomization.yaml', (t) => t.replace(/^namespace: crash-demo$/m, 'namespace: kube-system'));
  for (const script of ['deploy', 'teardown', 'demo']) {
    test(`${script}: kustomization.yaml's namespace changed to kube-system is refused in one line, before any cluster call`, async () => {
      const r = await run(script, null, toKubeSystem);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.deepEqual(r.stderr.trim().split('\n'), [
        '✖ refusing k8s/: kubectl kustomize k8s renders the Namespace "kube-system", which is not this demo\'s namespace "crash-demo"' + FIX,
      ]);
      assert.deepEqual(r.calls, KUSTOMIZE_ONLY, 'no get namespace, no apply, no delete');
    });
  }

  test('--dry-run checks it too: nothing printed, exit 1', async () => {
    const r = await run('teardown', null, toKubeSystem, ['--dry-run']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^✖ refusing k8s\/: kubectl kustomize k8s renders the Namespace "kube-system"/);
  });

  test('a cluster-wide object added to k8s/ is refused', async () => {
    const dir = editedK8s('kustomization.yaml', (t) => t.replace('resources:\n', 'resources:\n  - clusterrole.yaml\n'));
    writeFileSync(join(dir, 'k8s', 'clusterrole.yaml'), 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: everything\nrules: []\n');
    const r = await run('teardown', null, dir);
    assert.equal(r.code, 1);
    assert.deepEqual(r.stderr.trim().split('\n'), [
      '✖ refusing k8s/: kubectl kustomize k8s renders ClusterRole "everything", which belongs to no namespace (cluster-wide): ' +
        'the demo owns nothing outside its namespace' + FIX,
    ]);
    assert.deepEqual(r.calls, KUSTOMIZE_ONLY);
  });

  test('an object put in another namespace (kustomization without namespace:) is refused', async () => {
    const dir = editedK8s('kustomization.yaml', (t) => t.replace(/^namespace: crash-demo$/m, ''));
    writeFileSync(join(dir, 'k8s', 'service.yaml'), readFileSync(join(dir, 'k8s', 'service.yaml'), 'utf8').replace(/^  name: demo$/m, '  name: demo\n  namespace: payments'));
    writeFileSync(join(dir, 'k8s', 'deployment.yaml'), readFileSync(join(dir, 'k8s', 'deployment.yaml'), 'utf8').replace(/^  name: demo$/m, '  name: demo\n  namespace: crash-demo'));
    const r = await run('deploy', null, dir);
    assert.equal(r.code, 1);
    assert.deepEqual(r.stderr.trim().split('\n'), [
      '✖ refusing k8s/: kubectl kustomize k8s renders Service "demo" in the namespace "payments", outside this demo\'s namespace "crash-demo"' + FIX,
    ]);
    assert.deepEqual(r.calls, KUSTOMIZE_ONLY);
  });

  test("a Namespace whose owner label names another demo is refused", async () => {
    const dir = editedK8s('namespace.yaml', (t) => t.replace('create-crash-demo/owner: demo', 'create-crash-demo/owner: talk-a'));
    const r = await run('deploy', null, dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /renders the Namespace "crash-demo" with create-crash-demo\/owner=talk-a instead of the label create-crash-demo\/owner=demo, and deploy/);
    assert.deepEqual(r.calls, KUSTOMIZE_ONLY);
  });

  test('k8s/ that kustomize cannot build is one line naming kustomize', async () => {
    const dir = editedK8s('kustomization.yaml', (t) => t + '  - missing.yaml\n');
    const r = await run('teardown', null, dir);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^✖ kubectl kustomize k8s failed \(exit 1\): .*missing\.yaml/);
  });

  for (const raw of [{}, { workload: 'statefulset' }, { namespace: 'talks', name: 'talk-b' }] as RawOptions[]) {
    test(`the generated k8s/ passes as it is (${JSON.stringify(raw)})`, async () => {
      const dir = makeProject({ cluster: 'kind', ...raw });
      const r = await run('teardown', null, dir, ['--dry-run']);
      assert.equal(r.code, 0, r.stderr);
    });
  }
});
