// The demo's namespace is the demo's alone: deploy sets Pod Security labels on it and teardown
// deletes it with everything inside, so both refuse a namespace that exists without the label the
// demo's k8s/namespace.yaml sets (app.kubernetes.io/part-of: crash-demo). No cluster here: kubectl
// is the stand-in from project.ts (`get namespace` answers from FAKE_NAMESPACE_LABELS; apply -k,
// delete -k and rollout status are accepted), and every call it got is in bin.calls().
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { namespaceOwner } from '../../templates/common/scripts/lib/cli.mjs';
import { kubectlStandIn, makeProject, kubeconfig, runScript } from './project.js';

const project = makeProject({ cluster: 'kind' });
const GET = 'kubectl --context kind-demo get namespace crash-demo --ignore-not-found -o json';
const CONTEXT = ['kubectl config current-context', 'kubectl config view -o json'];
const APPLY = 'kubectl --context kind-demo apply -k k8s';
const ROLLOUT = 'kubectl --context kind-demo -n crash-demo rollout status deployment/demo --timeout=120s';
const DELETE = 'kubectl --context kind-demo delete -k k8s --ignore-not-found';

/** The namespace as the stand-in API server has it: its extra labels, or null for "does not exist". */
async function run(script: string, labels: Record<string, string> | null) {
  const fake = kubectlStandIn();
  const env = { ...fake.env, ...(labels ? { FAKE_NAMESPACE_LABELS: JSON.stringify(labels) } : {}) };
  const r = await runScript(project, script, [], { bin: fake.bin, kubeconfig: kubeconfig('kind-demo'), env });
  return { ...r, calls: fake.bin.calls() };
}

test('the generated k8s/namespace.yaml carries the label the scripts look for', () => {
  const yaml = readFileSync(join(project, 'k8s', 'namespace.yaml'), 'utf8');
  assert.match(yaml, /^ {4}app\.kubernetes\.io\/part-of: crash-demo$/m);
});

test('what `kubectl get namespace NAME --ignore-not-found -o json` prints decides who owns the namespace', () => {
  const ns = (labels: Record<string, string>) => JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'crash-demo', labels } });
  assert.equal(namespaceOwner(''), 'absent');
  assert.equal(namespaceOwner('\n'), 'absent');
  assert.equal(namespaceOwner(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] })), 'absent');
  assert.equal(namespaceOwner(ns({ 'app.kubernetes.io/part-of': 'crash-demo' })), 'demo');
  assert.equal(namespaceOwner(ns({ 'app.kubernetes.io/part-of': 'payments' })), 'other');
  assert.equal(namespaceOwner(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'crash-demo' } })), 'other');
});

describe('deploy (kubectl: stand-in)', { concurrency: true }, () => {
  test('a namespace that exists without the label is refused: exit 1, one line saying why and how to choose another, nothing applied', async () => {
    const r = await run('deploy', { team: 'payments' });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.deepEqual(r.stderr.trim().split('\n'), [
      `$ ${GET}`,
      '✖ namespace "crash-demo" already exists without the label app.kubernetes.io/part-of=crash-demo: ' +
        'deploy will not take over a namespace it did not create (it would set its Pod Security labels, and teardown ' +
        'would delete it with everything in it). Choose another one: npx create-crash-demo . --overwrite --namespace NAME',
    ]);
    assert.deepEqual(r.calls, [...CONTEXT, GET], 'it looked at the namespace and applied nothing');
  });

  test('a namespace the demo created (it has the label) is deployed into again', async () => {
    const r = await run('deploy', { 'app.kubernetes.io/part-of': 'crash-demo' });
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
    assert.match(r.stderr.trim().split('\n').at(-1)!, /^✖ namespace "crash-demo" already exists without the label app\.kubernetes\.io\/part-of=crash-demo: deploy will not take over/);
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
      '✖ teardown will not delete namespace "crash-demo": it exists without the label app.kubernetes.io/part-of=crash-demo, ' +
        'so the demo did not create it (kubectl delete -k k8s deletes the namespace with everything in it). Delete only ' +
        "the demo's objects: kubectl --context kind-demo -n crash-demo delete deployment,service -l app.kubernetes.io/instance=demo; " +
        'and give the demo a namespace of its own: npx create-crash-demo . --overwrite --namespace NAME',
    ]);
    assert.deepEqual(r.calls, [...CONTEXT, GET], 'it looked at the namespace and deleted nothing');
  });

  test('a namespace the demo created (it has the label) is deleted', async () => {
    const r = await run('teardown', { 'app.kubernetes.io/part-of': 'crash-demo' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.calls, [...CONTEXT, GET, DELETE]);
  });

  test('a namespace that does not exist: the delete runs and finds nothing to delete', async () => {
    const r = await run('teardown', null);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.calls, [...CONTEXT, GET, DELETE]);
  });
});
