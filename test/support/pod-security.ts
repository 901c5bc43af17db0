// The Pod Security Standards "restricted" profile, check by check, as Kubernetes lists it
// (kubernetes.io/docs/concepts/security/pod-security-standards) and as Pod Security Admission
// words its refusals (k8s.io/pod-security-admission/policy/check_*.go): each violation reads
// `<reason> (<detail>)`, the text after `would violate PodSecurity "restricted:latest": `.
// Restricted includes every baseline check; only those a manifest could plausibly trip are here.
import type { IContainer, IPodSpec } from 'kubernetes-models/v1';

/** Volume sources the restricted profile allows (check_restrictedVolumes.go). */
export const ALLOWED_VOLUME_SOURCES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
] as const;

const pluralize = (singular: string, plural: string, n: number) => (n === 1 ? singular : plural);
const joinQuote = (items: readonly string[]) => (items.length ? `"${items.join('", "')}"` : '');
const sorted = (items: Iterable<string>) => [...new Set(items)].sort();
const containersOf = (spec: IPodSpec): IContainer[] => [
  ...(spec.initContainers ?? []),
  ...(spec.containers ?? []),
  ...((spec.ephemeralContainers ?? []) as IContainer[]),
];
const named = (cs: IContainer[]) => `${pluralize('container', 'containers', cs.length)} ${joinQuote(cs.map((c) => c.name))}`;

type Check = (spec: IPodSpec) => string | null;

// Baseline: host namespaces.
const hostNamespaces: Check = (spec) => {
  const used = sorted(
    (['hostIPC', 'hostNetwork', 'hostPID'] as const).filter((k) => spec[k] === true),
  );
  return used.length ? `host namespaces (${used.join(', ')})` : null;
};

// Baseline: privileged containers.
const privileged: Check = (spec) => {
  const bad = containersOf(spec).filter((c) => c.securityContext?.privileged === true);
  return bad.length ? `privileged (${named(bad)} must not set securityContext.privileged=true)` : null;
};

// Baseline: host ports.
const hostPorts: Check = (spec) => {
  const bad = containersOf(spec).filter((c) => (c.ports ?? []).some((p) => (p.hostPort ?? 0) !== 0));
  if (!bad.length) return null;
  const ports = sorted(bad.flatMap((c) => (c.ports ?? []).filter((p) => (p.hostPort ?? 0) !== 0).map((p) => String(p.hostPort))));
  return `hostPort (${named(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', ports.length)} ${ports.join(', ')})`;
};

// Restricted: volume types (replaces the baseline hostPath check, and names hostPath itself).
const restrictedVolumes: Check = (spec) => {
  const bad: string[] = [];
  const types = new Set<string>();
  for (const volume of spec.volumes ?? []) {
    const sources = Object.keys(volume).filter((k) => k !== 'name');
    if (sources.some((s) => (ALLOWED_VOLUME_SOURCES as readonly string[]).includes(s))) continue;
    bad.push(volume.name);
    types.add(sources[0] ?? 'unknown');
  }
  if (!bad.length) return null;
  const t = sorted(types);
  return (
    `restricted volume types (${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ` +
    `${pluralize('uses', 'use', bad.length)} ${pluralize('restricted volume type', 'restricted volume types', t.length)} ${joinQuote(t)})`
  );
};

// Restricted: privilege escalation must be explicitly off.
const allowPrivilegeEscalation: Check = (spec) => {
  const bad = containersOf(spec).filter((c) => c.securityContext?.allowPrivilegeEscalation !== false);
  return bad.length
    ? `allowPrivilegeEscalation != false (${named(bad)} must set securityContext.allowPrivilegeEscalation=false)`
    : null;
};

// Restricted: drop ALL, add nothing but NET_BIND_SERVICE.
const capabilities: Check = (spec) => {
  const missingDrop = containersOf(spec).filter((c) => !(c.securityContext?.capabilities?.drop ?? []).includes('ALL'));
  const adding = containersOf(spec).filter((c) =>
    (c.securityContext?.capabilities?.add ?? []).some((cap) => cap !== 'NET_BIND_SERVICE'),
  );
  const details: string[] = [];
  if (missingDrop.length) details.push(`${named(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  if (adding.length) {
    const caps = sorted(adding.flatMap((c) => (c.securityContext?.capabilities?.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE')));
    details.push(`${named(adding)} must not include ${joinQuote(caps)} in securityContext.capabilities.add`);
  }
  return details.length ? `unrestricted capabilities (${details.join('; ')})` : null;
};

// Restricted: run as non-root, at pod level or in every container.
const runAsNonRoot: Check = (spec) => {
  const setters: string[] = [];
  const pod = spec.securityContext?.runAsNonRoot;
  if (pod === false) setters.push('pod');
  const explicit = containersOf(spec).filter((c) => c.securityContext?.runAsNonRoot === false);
  if (explicit.length) setters.push(named(explicit));
  if (setters.length) return `runAsNonRoot != true (${setters.join(' and ')} must not set securityContext.runAsNonRoot=false)`;
  const implicit = containersOf(spec).filter((c) => c.securityContext?.runAsNonRoot === undefined && pod !== true);
  return implicit.length ? `runAsNonRoot != true (pod or ${named(implicit)} must set securityContext.runAsNonRoot=true)` : null;
};

// Restricted: never user 0.
const runAsUser: Check = (spec) => {
  const setters: string[] = [];
  if (spec.securityContext?.runAsUser === 0) setters.push('pod');
  const bad = containersOf(spec).filter((c) => c.securityContext?.runAsUser === 0);
  if (bad.length) setters.push(named(bad));
  return setters.length ? `runAsUser=0 (${setters.join(' and ')} must not set runAsUser=0)` : null;
};

// Restricted: a seccomp profile, RuntimeDefault or Localhost, at pod level or in every container.
const seccompProfile: Check = (spec) => {
  const valid = (t: string | undefined) => t === 'RuntimeDefault' || t === 'Localhost';
  const setters: string[] = [];
  const values = new Set<string>();
  const podType = spec.securityContext?.seccompProfile?.type;
  if (spec.securityContext?.seccompProfile && !valid(podType)) {
    setters.push('pod');
    values.add(String(podType));
  }
  const podSet = valid(podType);
  const explicit = containersOf(spec).filter((c) => c.securityContext?.seccompProfile && !valid(c.securityContext.seccompProfile.type));
  for (const c of explicit) values.add(String(c.securityContext?.seccompProfile?.type));
  if (explicit.length) setters.push(named(explicit));
  if (setters.length) {
    return `seccompProfile (${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sorted(values))})`;
  }
  const implicit = containersOf(spec).filter((c) => !c.securityContext?.seccompProfile && !podSet);
  return implicit.length
    ? `seccompProfile (pod or ${named(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`
    : null;
};

/** The checks in the order the Pod Security Standards page lists them. */
export const RESTRICTED_CHECKS: ReadonlyArray<readonly [string, Check]> = [
  ['hostNamespaces', hostNamespaces],
  ['privileged', privileged],
  ['hostPorts', hostPorts],
  ['restrictedVolumes', restrictedVolumes],
  ['allowPrivilegeEscalation', allowPrivilegeEscalation],
  ['runAsNonRoot', runAsNonRoot],
  ['runAsUser', runAsUser],
  ['seccompProfile', seccompProfile],
  ['capabilities', capabilities],
];

/** Every way a pod spec violates the restricted profile, in Pod Security Admission's words; [] if none. */
export function restrictedViolations(spec: IPodSpec): string[] {
  return RESTRICTED_CHECKS.map(([, check]) => check(spec)).filter((v): v is string => v !== null);
}
