// Pod Security admission, for real: this cluster's kube-apiserver (PodSecurity admission on, as it
// is by default) admits the pod of every generated manifest in the demo's own `restricted`
// namespace, and rejects a negative control with one field off, in its own words.
//
// Every case of the option matrix is sent in one server-side dry run: each workload as generated,
// and its pod template as a bare Pod (enforce applies to pods; for workloads the apiserver only
// warns, and a warning must not appear either). Names are replaced by short unique ones so that all
// cases fit one namespace; admission does not read names.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { optionMatrix, renderCase, type K8sObject } from '../support/manifests.js';
import { kubectl, useCluster } from './support.js';

const NAMESPACE = 'pss-admission';
const use = useCluster({ baseImages: false });
const { scratch } = use;

before(async () => {
  const c = use.cluster;
  // The demo's own Namespace object, as generated, created for real.
  const ns = renderCase({ namespace: NAMESPACE }).objects.find((o) => o.object.kind === 'Namespace');
  assert.ok(ns, 'the demo has a Namespace manifest');
  const file = join(scratch.root, 'namespace.json');
  writeFileSync(file, JSON.stringify(ns.object));
  await kubectl(c, ['create', '-f', file]);
});
after(async () => {
  await kubectl(use.cluster, ['delete', 'namespace', NAMESPACE, '--wait=false'], { allowFail: true });
});

type PodTemplate = { metadata?: Record<string, unknown>; spec: Record<string, unknown> };
const templateOf = (o: K8sObject) => (o.spec as { template: PodTemplate }).template;

test('the apiserver admits the pod of every generated manifest under the restricted profile, without a warning', async () => {
  const k = use.cluster;
  const items: unknown[] = [];
  const cases = optionMatrix();
  cases.forEach((raw, i) => {
    for (const { object } of renderCase({ ...raw, namespace: NAMESPACE }).objects) {
      if (object.kind === 'Namespace') continue;
      const renamed = { ...object, metadata: { ...object.metadata, name: `c${i}-${object.kind.toLowerCase()}` } };
      items.push(renamed);
      if (object.kind === 'Deployment' || object.kind === 'StatefulSet') {
        const t = templateOf(object);
        items.push({ apiVersion: 'v1', kind: 'Pod', metadata: { ...t.metadata, name: `c${i}-pod`, namespace: NAMESPACE }, spec: t.spec });
      }
    }
  });
  const file = join(scratch.root, 'all.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  const r = await kubectl(k, ['create', '--dry-run=server', '-f', file, '-o', 'name'], { timeoutMs: 300_000, allowFail: true });
  assert.equal(r.code, 0, `every object admitted:\n${r.stderr.slice(0, 3000)}`);
  const admittedPods = r.stdout.split('\n').filter((l) => l.startsWith('pod/')).length;
  assert.equal(admittedPods, cases.length, 'one admitted Pod per case');
  assert.doesNotMatch(r.stderr, /PodSecurity|violate/i, 'no Pod Security warning for any workload');
  console.log(`admitted ${items.length} objects of ${cases.length} option cases (${admittedPods} pods) on Kubernetes ${k.k8sVersion}`);
});

test('a negative control, the same pod with allowPrivilegeEscalation: true, is rejected by the apiserver in its own words', async () => {
  const k = use.cluster;
  const workload = renderCase({ namespace: NAMESPACE }).objects.find((o) => o.object.kind === 'Deployment');
  assert.ok(workload);
  const t = templateOf(workload.object);
  const spec = structuredClone(t.spec) as { containers: { securityContext: Record<string, unknown> }[] };
  const container = spec.containers[0];
  assert.ok(container);
  assert.equal(container.securityContext['allowPrivilegeEscalation'], false, 'the generated pod sets it to false');
  container.securityContext['allowPrivilegeEscalation'] = true;
  const file = join(scratch.root, 'negative.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'negative-control', namespace: NAMESPACE }, spec }));
  const r = await kubectl(k, ['create', '--dry-run=server', '-f', file], { allowFail: true });
  assert.notEqual(r.code, 0, 'rejected');
  assert.match(
    r.stderr,
    /pods "negative-control" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "app" must set securityContext\.allowPrivilegeEscalation=false\)/,
  );
});
