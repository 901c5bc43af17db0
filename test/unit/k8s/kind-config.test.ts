// kind-config.yaml (written with --fast-backoff): a kind Cluster that shortens the kubelet's
// crash-loop back-off. Field names checked against kind's v1alpha4 Cluster type
// (kubernetes-sigs/kind pkg/apis/config/v1alpha4/types.go) and the kubelet's v1beta1
// KubeletConfiguration (k8s.io/kubelet/config/v1beta1: crashLoopBackOff.maxContainerRestartPeriod).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocs, renderCase } from '../../support/manifests.js';

// Every field kind's v1alpha4 Cluster and Node accept (types.go, yaml tags).
const CLUSTER_FIELDS = [
  'kind', 'apiVersion', 'name', 'nodes', 'networking', 'featureGates', 'runtimeConfig',
  'kubeadmConfigPatches', 'kubeadmConfigPatchesJSON6902', 'containerdConfigPatches', 'containerdConfigPatchesJSON6902',
];
const NODE_FIELDS = [
  'role', 'image', 'labels', 'extraMounts', 'extraPortMappings', 'gpus', 'kubeadmConfigPatches', 'kubeadmConfigPatchesJSON6902',
];

/** A Go duration like 30s, 1m30s, 500ms, in seconds. */
function goDurationSeconds(text: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)];
  assert.equal(parts.map((p) => p[0]).join(''), text, `${text} is not a Go duration`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]!]!, 0);
}

function kindConfig(raw = {}) {
  const c = renderCase({ fastBackoff: true, ...raw });
  const text = c.files.get('kind-config.yaml');
  assert.ok(text, 'kind-config.yaml is written with --fast-backoff');
  const docs = parseDocs(text, 'kind-config.yaml');
  assert.equal(docs.length, 1);
  return { text, config: docs[0] as Record<string, unknown> };
}

describe('kind-config.yaml', () => {
  it('is written with --fast-backoff only', () => {
    assert.equal(renderCase({ fastBackoff: false }).files.has('kind-config.yaml'), false);
    assert.equal(renderCase({ fastBackoff: true }).files.has('kind-config.yaml'), true);
  });

  it('is a kind v1alpha4 Cluster with one control-plane node and only fields kind knows', () => {
    const { config } = kindConfig();
    assert.equal(config['kind'], 'Cluster');
    assert.equal(config['apiVersion'], 'kind.x-k8s.io/v1alpha4');
    assert.deepEqual(Object.keys(config).filter((k) => !CLUSTER_FIELDS.includes(k)), []);
    assert.deepEqual(config['nodes'], [{ role: 'control-plane' }]);
    for (const node of config['nodes'] as Array<Record<string, unknown>>) {
      assert.deepEqual(Object.keys(node).filter((k) => !NODE_FIELDS.includes(k)), []);
    }
  });

  it('turns on both KEP-4603 feature gates, as booleans', () => {
    assert.deepEqual(kindConfig().config['featureGates'], {
      ReduceDefaultCrashLoopBackOffDecay: true,
      KubeletCrashLoopBackOffMax: true,
    });
  });

  it('patches the KubeletConfiguration with a crash-loop back-off cap between 1s and 300s', () => {
    const patches = kindConfig().config['kubeadmConfigPatches'];
    assert.ok(Array.isArray(patches) && patches.length === 1 && typeof patches[0] === 'string', 'one YAML string patch');
    const [patch] = parseDocs(patches[0] as string, 'kubeadmConfigPatches[0]');
    assert.deepEqual(patch, {
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      crashLoopBackOff: { maxContainerRestartPeriod: '30s' },
    });
    const seconds = goDurationSeconds((patch as { crashLoopBackOff: { maxContainerRestartPeriod: string } }).crashLoopBackOff.maxContainerRestartPeriod);
    assert.ok(seconds >= 1 && seconds <= 300, `${seconds}s is outside the kubelet's 1s..300s`);
  });

  it('tells the reader which Kubernetes versions honour it, and what happens on older ones', () => {
    const { text } = kindConfig();
    assert.match(text, /Needs Kubernetes 1\.33 or newer/);
    assert.match(text, /ReduceDefaultCrashLoopBackOffDecay\s+alpha from 1\.33/);
    assert.match(text, /KubeletCrashLoopBackOffMax\s+alpha 1\.32-1\.34, beta \(on by default\) from 1\.35/);
    assert.match(text, /A 1\.32 kubelet does not know the first gate and refuses to start/);
    assert.match(text, /kind create cluster --config kind-config\.yaml/);
  });

  it('is the same file whatever the other options', () => {
    const reference = kindConfig().text;
    for (const raw of [
      { runtime: 'node', workload: 'statefulset', crash: 'oom' },
      { name: 'talk', namespace: 'stage', port: 9000, trigger: 'startup' },
    ]) {
      assert.equal(kindConfig(raw).text, reference);
    }
  });
});
