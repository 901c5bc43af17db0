// @ts-check
// The local clusters a demo runs on, one entry each: the kube context its tool writes, and how
// `npm run cluster` lists and creates one, or why it does not. Every other place (the --cluster
// choices of load, the context guard, the context a dry run shows, cluster.mjs) reads this table.
//
// Context names are the ones each tool writes into the kubeconfig:
//   kind      `kind-<cluster>`   (sigs.k8s.io/kind kubeconfig.KINDClusterKey: "kind-" + name)
//   k3d       `k3d-<cluster>`    (k3d prefixes every object it creates with "k3d-")
//   minikube  `<profile>`        (the context is named after the profile, default "minikube")
//   Docker Desktop `docker-desktop` (older releases: `docker-for-desktop`), Rancher Desktop
//   `rancher-desktop`, OrbStack `orbstack`, Colima `colima` / `colima-<profile>`.
//   containerd: a node on this machine whose runtime is containerd (kubeadm, or a binaries set-up
//   like kubernetes' hack/local-up-cluster.sh); its context can have any name, so `auto` never
//   picks it: say --cluster containerd.

/** @typedef {'kind' | 'minikube' | 'k3d' | 'docker-desktop' | 'containerd'} ClusterKind */
/**
 * @typedef {{ tool: string, list: string[], exists: (stdout: string, name: string) => boolean, create: string[] }} Plan
 *   list: the command that lists the tool's clusters; exists: whether its output has `name`
 */
/**
 * @typedef {{
 *   prefix?: string,
 *   context?: (name: string) => string,
 *   plan: (name: string, withConfig: boolean) => Plan | { refuse: string },
 * }} ClusterSpec prefix: what the tool puts before the cluster's name in its context's name (the
 *   context is prefix + name); context: the context's name otherwise
 */

/** What a dry run shows for a context nobody can name in advance. */
const ANY_LOCAL_CONTEXT = 'YOUR-LOCAL-CONTEXT';

/** @param {string} cluster */
const notCreated = (cluster) => ({
  refuse:
    `--cluster ${cluster} is a node you bring up yourself (kubeadm, or the Kubernetes binaries): npm run cluster creates ` +
    'kind, minikube or k3d clusters only',
});

/** @type {Record<ClusterKind, ClusterSpec>} */
export const CLUSTERS = {
  kind: {
    prefix: 'kind-',
    plan: (name, withConfig) => ({
      tool: 'kind',
      list: ['get', 'clusters'],
      exists: (out, n) => out.split('\n').map((l) => l.trim()).includes(n),
      create: ['create', 'cluster', '--name', name, ...(withConfig ? ['--config', 'kind-config.yaml'] : [])],
    }),
  },
  minikube: {
    context: (name) => name, // minikube names the context after its profile
    plan: (name) => ({
      tool: 'minikube',
      list: ['profile', 'list', '-o', 'json'],
      exists: (out, n) => profiles(out).includes(n),
      create: ['start', '--profile', name],
    }),
  },
  k3d: {
    prefix: 'k3d-',
    plan: (name) => ({
      tool: 'k3d',
      list: ['cluster', 'list', '-o', 'json'],
      exists: (out, n) => jsonList(out).some((c) => c?.name === n),
      create: ['cluster', 'create', name],
    }),
  },
  'docker-desktop': {
    context: () => 'docker-desktop',
    plan: () => ({ refuse: "Docker Desktop's cluster is not created by a command: switch it on in Docker Desktop (Settings > Kubernetes > Enable Kubernetes)" }),
  },
  containerd: {
    context: () => ANY_LOCAL_CONTEXT,
    plan: () => notCreated('containerd'),
  },
};

/** The --cluster values that name a cluster (everything but `auto`). */
export const CLUSTER_KINDS = /** @type {readonly ClusterKind[]} */ (Object.keys(CLUSTERS));

/** @param {string} cluster a --cluster value; `auto` means kind wherever a cluster is created */
function specOf(cluster) {
  const kind = cluster === 'auto' ? 'kind' : cluster;
  return Object.hasOwn(CLUSTERS, kind) ? CLUSTERS[/** @type {ClusterKind} */ (kind)] : undefined;
}

/**
 * The kube context `npm run cluster` creates for a demo (`auto` means kind there): what a dry run
 * without a cluster shows in its commands.
 * @param {string} cluster the demo's --cluster
 * @param {string} name the demo's name, which is also the cluster's
 */
export function createdContext(cluster, name) {
  const spec = specOf(cluster);
  if (!spec) return ANY_LOCAL_CONTEXT;
  return spec.prefix !== undefined ? spec.prefix + name : (spec.context?.(name) ?? ANY_LOCAL_CONTEXT);
}

/**
 * The tool `npm run cluster` creates the demo's --cluster with (kind for auto), or null where it
 * creates none (Docker Desktop, a containerd node of your own): what the Next list and the tutorial offer.
 * @param {string} cluster the demo's --cluster
 * @returns {string | null}
 */
export function clusterCreator(cluster) {
  const plan = specOf(cluster)?.plan('', false);
  return plan && 'tool' in plan ? plan.tool : null;
}

/**
 * How `npm run cluster` creates the demo's --cluster, or the reason it is not created there.
 * @param {string} cluster the demo's --cluster
 * @param {string} name the cluster's name (the demo's)
 * @param {boolean} withConfig the demo has kind-config.yaml
 * @returns {Plan | { refuse: string }}
 */
export function clusterPlan(cluster, name, withConfig) {
  return specOf(cluster)?.plan(name, withConfig) ?? notCreated(cluster);
}

/**
 * What `npm run cluster` says when a cluster of the demo's name exists: it never reuses or replaces one.
 * @param {string} tool
 * @param {string} name
 */
export function clusterExists(tool, name) {
  return (
    `a ${tool} cluster named "${name}" already exists: npm run cluster creates a new one and never reuses ` +
    `or replaces one. Use it as it is (npm run demo), or delete it first with ${tool} yourself`
  );
}

/** @param {string} out @returns {Array<{ name?: unknown, Name?: unknown } | undefined>} */
function jsonList(out) {
  try {
    const parsed = JSON.parse(out || '[]');
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

/** minikube profile list -o json: { valid: [{ Name }], invalid: [{ Name }] } @param {string} out */
function profiles(out) {
  try {
    const parsed = JSON.parse(out || '{}');
    return [...(parsed.valid ?? []), ...(parsed.invalid ?? [])].map((p) => p?.Name);
  } catch {
    return [];
  }
}
