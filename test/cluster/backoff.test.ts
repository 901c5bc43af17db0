// The kubelet's crash-loop back-off, measured on a real kubelet: the wait before each restart, from
// the container's lastState.terminated.finishedAt to the next container's start, for a demo that
// crashes right after it starts (--trigger startup). Once with the kubelet's defaults, once with the
// settings of the demo's own kind-config.yaml (its featureGates and its KubeletConfiguration patch)
// applied to this kubelet. The measured schedule is printed next to the one the product predicts
// (src/runtime/kube/backoff.mjs); each wait must fall in the window the product predicts for it.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse as parseYaml, stringify } from 'yaml';
import { DEFAULT_SCHEDULE, delayBeforeRestart, restartWindow, scheduleFromKindConfig, type Schedule } from '../../src/runtime/kube/backoff.mjs';
import { waitFor } from '../support/docker.js';
import { buildAndLoad, contextFlags, npmRun, restartKubelet, useCluster, watchTable, type Cluster, type ClusterDemo } from './support.js';

/** Timestamps in container statuses have whole seconds: a wait can read up to 1 s short or long. */
const ROUNDING_S = 1.5;

const use = useCluster();
const { scratch } = use;
let kubeletChanged = false;

after(async () => {
  if (kubeletChanged) await restartKubelet(); // back to the defaults for whatever runs next
});

interface ContainerRun {
  containerID?: string;
  startedAt?: string;
  finishedAt?: string;
}
interface PodVersion {
  status?: {
    containerStatuses?: {
      state?: { running?: ContainerRun; terminated?: ContainerRun };
      lastState?: { terminated?: ContainerRun };
    }[];
  };
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

/**
 * Waits before restarts 1..n, from the pod versions the apiserver sent: every container the pod
 * ran (by containerID, from state.running, state.terminated and lastState.terminated), in the order
 * they started; the wait before restart k is container k+1's start minus container k's finish.
 * (lastState alone will not do: while the kubelet backs off, it already holds the newest crash.)
 */
function measuredDelays(pods: PodVersion[], n: number): number[] {
  const runs = new Map<string, ContainerRun>();
  for (const p of pods) {
    const cs = p.status?.containerStatuses?.[0];
    for (const r of [cs?.state?.running, cs?.state?.terminated, cs?.lastState?.terminated]) {
      if (!r?.containerID || !r.startedAt) continue;
      runs.set(r.containerID, { ...runs.get(r.containerID), ...r });
    }
  }
  const ordered = [...runs.values()].sort((a, b) => seconds(a.startedAt ?? '') - seconds(b.startedAt ?? ''));
  const delays: number[] = [];
  for (let k = 0; k < n; k++) {
    const crashed = ordered[k];
    const next = ordered[k + 1];
    assert.ok(crashed?.finishedAt && next?.startedAt, `restart ${k + 1}: saw container ${k + 1} finish (${crashed?.finishedAt}) and container ${k + 2} start (${next?.startedAt})`);
    delays.push(seconds(next.startedAt) - seconds(crashed.finishedAt));
  }
  return delays;
}

async function measure(k: Cluster, demo: ClusterDemo, restarts: number, schedule: Schedule) {
  const { namespace, name } = demo.saved.options;
  const table = watchTable(k, namespace, `app.kubernetes.io/name=${name}`);
  let firstBackoffS: number;
  try {
    const t0 = Date.now();
    await npmRun(k, demo, 'deploy', [...contextFlags(k)]);
    await waitFor('the first CrashLoopBackOff', async () => (table.rows.some((r) => r.status === 'CrashLoopBackOff') ? true : undefined), {
      timeoutMs: 180_000,
      intervalMs: 200,
    });
    firstBackoffS = (Date.now() - t0) / 1000;
    // The start of the container after restart n is seen once crash n+1 (or its running state) is.
    await waitFor(`restart ${restarts} and its container's start`, async () => {
      try {
        measuredDelays(table.rows.map((r) => r.pod as PodVersion), restarts);
        return true;
      } catch {
        return undefined;
      }
    }, { timeoutMs: 600_000, intervalMs: 500 });
  } finally {
    table.stop();
  }
  const measured = measuredDelays(table.rows.map((r) => r.pod as PodVersion), restarts);
  const predicted = Array.from({ length: restarts }, (_, i) => delayBeforeRestart(i + 1, schedule));
  console.log(
    `${schedule.name} on Kubernetes ${k.k8sVersion}: deploy -> first CrashLoopBackOff ${firstBackoffS.toFixed(1)}s; ` +
      `waits before restarts 1..${restarts}: measured ${measured.map((s) => `${s}s`).join(' ')}, predicted ${predicted.map((s) => `${s}-${restartWindow(s).latestSeconds}s`).join(' ')}`,
  );
  for (let i = 0; i < restarts; i++) {
    const m = measured[i] as number;
    const p = predicted[i] as number;
    // Never before the back-off; no later than the window the product predicts (restartWindow: the
    // pod worker's jittered requeue and the start lag), which is what watch counts down to.
    const w = restartWindow(p);
    assert.ok(
      m >= w.earliestSeconds - ROUNDING_S && m <= w.latestSeconds + ROUNDING_S,
      `restart ${i + 1}: waited ${m}s, the predicted window is ${w.earliestSeconds}s..${w.latestSeconds}s (${measured.join(', ')})`,
    );
  }
}

describe('the crash-loop back-off of a real kubelet', () => {
  test('with the kubelet defaults: restarted at once, then 10s, 20s, 40s', async () => {
    const k = use.cluster;
    const demo = await scratch.scaffold('b-default', ['--runtime', 'python', '--pid1', 'exec', '--crash', 'halt-supervisor', '--trigger', 'startup']);
    await buildAndLoad(k, demo);
    await measure(k, demo, 4, DEFAULT_SCHEDULE);
  });

  test("with the settings of the demo's kind-config.yaml applied to the kubelet: 0s, 1s, 2s, 4s, 8s, 16s, then the 30s cap", async () => {
    const k = use.cluster;
    const demo = await scratch.scaffold('b-fast', ['--runtime', 'python', '--pid1', 'exec', '--crash', 'halt-supervisor', '--trigger', 'startup', '--fast-backoff']);
    const kindConfig = parseYaml(readFileSync(join(demo.dir, 'kind-config.yaml'), 'utf8')) as {
      featureGates: Record<string, boolean>;
      kubeadmConfigPatches: string[];
    };
    // What kind would hand this node's kubelet: the feature gates and the KubeletConfiguration patch.
    const patch = kindConfig.kubeadmConfigPatches.map((p) => parseYaml(p) as Record<string, unknown>).find((d) => d['kind'] === 'KubeletConfiguration');
    assert.ok(patch, 'kind-config.yaml patches the KubeletConfiguration');
    const { apiVersion: _a, kind: _k, ...fields } = patch;
    const extra = join(scratch.root, 'kubelet-fast-backoff.yaml');
    writeFileSync(extra, stringify({ featureGates: kindConfig.featureGates, ...fields }));
    kubeletChanged = true;
    await restartKubelet(extra);
    await buildAndLoad(k, demo);
    const schedule = scheduleFromKindConfig(kindConfig, (t: string) => parseYaml(t));
    await measure(k, demo, 7, schedule);
  });
});
