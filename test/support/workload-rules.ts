// The kube-score / kube-linter rules docs/FACTS.md §5 asks the generated manifests to meet,
// each phrased as the problem a reviewer would report. [] means the manifests pass.
import type { IContainer, IPodTemplateSpec, IProbe, IService } from 'kubernetes-models/v1';

/** A Deployment or StatefulSet, as far as these rules look at it. */
export interface WorkloadLike {
  kind: string;
  metadata?: { name?: string };
  spec?: { selector?: { matchLabels?: Record<string, string> }; template?: IPodTemplateSpec };
}

const RESOURCES = [
  ['requests', 'cpu'],
  ['requests', 'memory'],
  ['limits', 'cpu'],
  ['limits', 'memory'],
] as const;

function containersOf(w: WorkloadLike): IContainer[] {
  return w.spec?.template?.spec?.containers ?? [];
}

/** kube-score container-resources: every container requests and limits CPU and memory. */
export function resourceProblems(w: WorkloadLike): string[] {
  return containersOf(w).flatMap((c) =>
    RESOURCES.filter(([kind, res]) => c.resources?.[kind]?.[res] === undefined).map(
      ([kind, res]) => `container "${c.name}" has no ${res} ${kind === 'limits' ? 'limit' : 'request'}`,
    ),
  );
}

const probeKey = (p: IProbe | undefined) => JSON.stringify(p ?? null);

/**
 * What a demo says about itself that a rule must respect. `liveness: 'off'` is the demo's own
 * choice (--liveness off): its manifest leaves the liveness probe out on purpose, to show a hung
 * app that nothing restarts, so a missing probe is the point there and a defect everywhere else.
 */
export interface DemoSays {
  liveness: 'on' | 'off';
}

/** kube-score pod-probes: a readiness and a liveness probe (unless the demo says liveness off), and not the same one. */
export function probeProblems(w: WorkloadLike, demo: DemoSays = { liveness: 'on' }): string[] {
  return containersOf(w).flatMap((c) => {
    const out: string[] = [];
    if (!c.readinessProbe) out.push(`container "${c.name}" has no readinessProbe`);
    if (!c.livenessProbe && demo.liveness !== 'off') out.push(`container "${c.name}" has no livenessProbe`);
    if (c.livenessProbe && demo.liveness === 'off') out.push(`container "${c.name}" has a livenessProbe, but the demo says --liveness off`);
    if (c.readinessProbe && c.livenessProbe && probeKey(c.readinessProbe) === probeKey(c.livenessProbe)) {
      out.push(`container "${c.name}" has identical readiness and liveness probes`);
    }
    const rPath = c.readinessProbe?.httpGet?.path;
    if (rPath !== undefined && rPath === c.livenessProbe?.httpGet?.path) {
      out.push(`container "${c.name}" probes readiness and liveness on the same path ${rPath}`);
    }
    return out;
  });
}

/** kube-score container-image-tag / kube-linter latest-tag: a tag, and not latest. */
export function imageProblems(w: WorkloadLike): string[] {
  return containersOf(w).flatMap((c) => {
    const image = c.image ?? '';
    const ref = image.split('@')[0] ?? '';
    const lastSegment = ref.slice(ref.lastIndexOf('/') + 1);
    const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
    if (!tag && !image.includes('@')) return [`container "${c.name}" image "${image}" has no tag`];
    if (tag === 'latest') return [`container "${c.name}" image "${image}" uses the latest tag`];
    return [];
  });
}

/** kube-linter no-read-only-root-fs. */
export function rootFsProblems(w: WorkloadLike): string[] {
  return containersOf(w)
    .filter((c) => c.securityContext?.readOnlyRootFilesystem !== true)
    .map((c) => `container "${c.name}" does not have a read-only root filesystem`);
}

/** Probe and Service ports given by name must name a container port. */
export function probePortProblems(w: WorkloadLike): string[] {
  return containersOf(w).flatMap((c) => {
    const names = new Set((c.ports ?? []).map((p) => p.name));
    return (['readinessProbe', 'livenessProbe', 'startupProbe'] as const).flatMap((k) => {
      const port = c[k]?.httpGet?.port ?? c[k]?.tcpSocket?.port;
      return typeof port === 'string' && !names.has(port)
        ? [`container "${c.name}" ${k} port "${port}" names no container port`]
        : [];
    });
  });
}

/**
 * kube-score service-targets-pod and kube-linter dangling-service: the Service's selector picks
 * the workload's pods (every selector label is on the pod template), and every targetPort given by
 * name is a named port of a container.
 */
export function serviceProblems(svc: IService, w: WorkloadLike): string[] {
  const name = svc.metadata?.name ?? '<unnamed>';
  const out: string[] = [];
  const selector = svc.spec?.selector ?? {};
  const labels = w.spec?.template?.metadata?.labels ?? {};
  if (Object.keys(selector).length === 0) out.push(`Service "${name}" has no selector`);
  for (const [k, v] of Object.entries(selector)) {
    if (labels[k] !== v) out.push(`Service "${name}" selects ${k}=${v}, which the ${w.kind}'s pods do not carry`);
  }
  const portNames = new Set(containersOf(w).flatMap((c) => (c.ports ?? []).map((p) => p.name)));
  for (const p of svc.spec?.ports ?? []) {
    if (typeof p.targetPort === 'string' && !portNames.has(p.targetPort)) {
      out.push(`Service "${name}" port "${p.name ?? p.port}" targets "${p.targetPort}", which names no container port`);
    }
  }
  return out;
}

/** Every rule above for one workload. */
export function workloadProblems(w: WorkloadLike, demo?: DemoSays): string[] {
  return [...resourceProblems(w), ...probeProblems(w, demo), ...imageProblems(w), ...rootFsProblems(w), ...probePortProblems(w)];
}
