// What `kubectl apply -k k8s/` would send: the generated tree is written to disk with the library's
// writeDemo and rendered by the real `kubectl kustomize` (no cluster is contacted).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { writeDemo } from '../../../src/index.js';
import { parseDocs, renderCase, type K8sObject } from '../../support/manifests.js';
import { schemaErrors } from '../../support/k8s-validate.js';
import { restrictedViolations } from '../../support/pod-security.js';

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'crash-demo-kustomize-'));
after(() => rmSync(root, { recursive: true, force: true }));

const rendered = new Map<string, ReturnType<typeof kustomizeOnce>>();

/** Writes the demo once per case and runs kubectl kustomize on its k8s/ folder once. */
function kustomize(raw: Parameters<typeof renderCase>[0], dirName: string) {
  if (!rendered.has(dirName)) rendered.set(dirName, kustomizeOnce(raw, dirName));
  return rendered.get(dirName)!;
}

async function kustomizeOnce(raw: Parameters<typeof renderCase>[0], dirName: string) {
  const c = renderCase(raw);
  const dir = join(root, dirName);
  writeDemo(dir, c.files);
  const { stdout } = await run('kubectl', ['kustomize', join(dir, 'k8s')], {
    // Nothing to talk to: no kubeconfig, no proxy.
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', KUBECONFIG: '/dev/null', HOME: root },
    timeout: 60_000,
  });
  return { c, objects: parseDocs(stdout, 'kubectl kustomize output') as K8sObject[] };
}

const CASES = [
  { raw: {}, dir: 'default' },
  { raw: { workload: 'statefulset' }, dir: 'statefulset' },
  { raw: { runtime: 'node', name: 'crash-only-backend', namespace: 'talks', port: 9000 }, dir: 'node-deployment' },
  { raw: { runtime: 'node', workload: 'statefulset', name: 'crash-only-backend', namespace: '0demo', crash: 'oom', fastBackoff: true }, dir: 'node-statefulset' },
] as const;

describe('kubectl kustomize k8s/', () => {
  for (const { raw, dir } of CASES) {
    const workload = 'workload' in raw ? raw.workload : 'deployment';
    const label = JSON.stringify(raw);

    it(`renders the namespace first, then exactly the ${workload}'s objects, for ${label}`, async () => {
      const { c, objects } = await kustomize(raw, dir);
      const { name, namespace } = c.options;
      const expected =
        workload === 'statefulset'
          ? [['Namespace', namespace], ['Service', name], ['Service', `${name}-headless`], ['StatefulSet', name]]
          : [['Namespace', namespace], ['Service', name], ['Deployment', name]];
      assert.deepEqual(objects.map((o) => [o.kind, o.metadata.name]), expected);
    });

    it(`puts every namespaced object in --namespace and changes nothing else, for ${label}`, async () => {
      const { c, objects } = await kustomize(raw, dir);
      for (const o of objects.filter((x) => x.kind !== 'Namespace')) {
        assert.equal(o.metadata.namespace, c.options.namespace, `${o.kind} ${o.metadata.name}`);
      }
      const withoutNamespace = objects.map((o) => {
        const copy = structuredClone(o);
        delete copy.metadata.namespace;
        return copy;
      });
      const sortKey = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
      const [kustomization] = parseDocs(c.files.get('k8s/kustomization.yaml') ?? '', 'k8s/kustomization.yaml') as Array<{ resources: string[] }>;
      const listed = new Set(kustomization!.resources.map((r) => `k8s/${r}`));
      const generated = c.objects
        .filter((x) => listed.has(x.file))
        .map((x) => x.object)
        .sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
      assert.deepEqual(withoutNamespace.sort((a, b) => sortKey(a).localeCompare(sortKey(b))), generated);
    });

    it(`sends objects that pass the API schema and Pod Security restricted, for ${label}`, async () => {
      const { objects } = await kustomize(raw, dir);
      assert.deepEqual(objects.flatMap((o) => schemaErrors(o)), []);
      for (const o of objects.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet')) {
        const spec = (o.spec as { template: { spec: Parameters<typeof restrictedViolations>[0] } }).template.spec;
        assert.deepEqual(restrictedViolations(spec), []);
      }
    });
  }
});
