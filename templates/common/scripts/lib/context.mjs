// @ts-check
// Pure decisions about kube contexts: is it a local cluster, which kind of cluster, and how an
// image gets into it. No I/O here, so every rule is unit-tested case by case.
//
// Context names are the ones each tool writes into the kubeconfig:
//   kind      `kind-<cluster>`   (sigs.k8s.io/kind kubeconfig.KINDClusterKey: "kind-" + name)
//   k3d       `k3d-<cluster>`    (k3d prefixes every object it creates with "k3d-")
//   minikube  `<profile>`        (the context is named after the profile, default "minikube")
//   Docker Desktop `docker-desktop` (older releases: `docker-for-desktop`), Rancher Desktop
//   `rancher-desktop`, OrbStack `orbstack`, Colima `colima` / `colima-<profile>`.

/** @typedef {'kind' | 'minikube' | 'k3d' | 'docker-desktop'} ClusterKind */
/** @typedef {{ tool: string, args: string[] }} Command */

/** The --cluster values that name a cluster (everything but `auto`). */
export const CLUSTER_KINDS = /** @type {const} */ (['kind', 'minikube', 'k3d', 'docker-desktop']);

/** Contexts whose cluster runs on the same image store as the local engine: nothing to load. */
const SHARED_ENGINE = new Set(['docker-desktop', 'docker-for-desktop', 'rancher-desktop', 'orbstack']);

const MINIKUBE_DEFAULT_PROFILE = 'minikube';

/**
 * Which kind of local cluster a context name means, or null when the name says nothing.
 * Shared-engine clusters (Docker Desktop, Rancher Desktop, OrbStack, Colima) all map to
 * `docker-desktop`: for this demo they behave the same (the image is already there).
 * @param {string} context
 * @returns {ClusterKind | null}
 */
export function clusterKindOf(context) {
  if (/^kind-./.test(context)) return 'kind';
  if (/^k3d-./.test(context)) return 'k3d';
  if (context === MINIKUBE_DEFAULT_PROFILE) return 'minikube';
  if (SHARED_ENGINE.has(context) || /^colima(-.+)?$/.test(context)) return 'docker-desktop';
  return null;
}

/**
 * True when the context name is recognisably a cluster on this machine. Anything else may be a
 * shared or production cluster, and a crash demo must never land there by accident.
 * @param {string} context
 */
export function isLocalContext(context) {
  return clusterKindOf(context) !== null;
}

/**
 * `auto` -> the kind the context name means; an explicit kind is kept as given.
 * @param {string} cluster the --cluster value (auto | kind | minikube | k3d | docker-desktop)
 * @param {string} context
 * @returns {ClusterKind}
 */
export function resolveCluster(cluster, context) {
  if (cluster === 'auto') {
    const kind = clusterKindOf(context);
    if (kind) return kind;
    throw new Error(
      `cannot tell which local cluster the kube context "${context}" is: ` +
        `pass --cluster ${CLUSTER_KINDS.join('|')}`,
    );
  }
  if (!(/** @type {readonly string[]} */ (CLUSTER_KINDS).includes(cluster))) {
    throw new Error(`unknown --cluster "${cluster}": use auto, ${CLUSTER_KINDS.join(', ')}`);
  }
  return /** @type {ClusterKind} */ (cluster);
}

/**
 * The command that puts a locally built image into the cluster behind `context`, or null when the
 * cluster already sees the engine's images. Throws when the context cannot belong to that kind
 * of cluster (the image would go to one cluster and the deploy to another).
 * kind, minikube and k3d read the image from Docker; for another engine see loadImagePlan.
 * @param {ClusterKind} cluster
 * @param {string} context
 * @param {string} image e.g. `demo:0.1.0`
 * @returns {Command | null}
 */
export function loadImageCommand(cluster, context, image) {
  return intoCluster(cluster, context, { image });
}

/** @typedef {{ save: Command | null, load: Command }} LoadPlan */

/**
 * How an image built with `engine` gets into the cluster: Docker's image store is the one kind,
 * minikube and k3d read, so a docker image goes in as loadImageCommand says. An image of any
 * other engine (podman, nerdctl) is first saved to `archive` (`<engine> save -o`), and the
 * cluster tool loads that file. Null: nothing to load. Throws where loadImageCommand does, and
 * for a cluster on the Docker engine's own store (Docker Desktop and friends) with an image of
 * another engine, which it cannot see: the message says how to get it there.
 * @param {ClusterKind} cluster
 * @param {string} context
 * @param {string} image
 * @param {string} engine docker, podman or nerdctl
 * @param {string} archive the file the image is saved to (not used for docker)
 * @returns {LoadPlan | null}
 */
export function loadImagePlan(cluster, context, image, engine, archive) {
  if (engine === 'docker') {
    const load = loadImageCommand(cluster, context, image);
    return load === null ? null : { save: null, load };
  }
  const load = intoCluster(cluster, context, { archive });
  if (load === null) throw notShared(context, image, engine);
  return { save: { tool: engine, args: ['save', '-o', archive, image] }, load };
}

/**
 * @param {ClusterKind} cluster
 * @param {string} context
 * @param {{ image: string } | { archive: string }} source an image in Docker, or an image archive
 * @returns {Command | null}
 */
function intoCluster(cluster, context, source) {
  const what = 'image' in source ? source.image : source.archive;
  switch (cluster) {
    case 'kind': {
      const name = withoutPrefix(context, 'kind-');
      if (name === null) throw mismatch(cluster, context, 'kind-<cluster>');
      const from = 'image' in source ? 'docker-image' : 'image-archive';
      return { tool: 'kind', args: ['load', from, what, '--name', name] };
    }
    case 'k3d': {
      const name = withoutPrefix(context, 'k3d-');
      if (name === null) throw mismatch(cluster, context, 'k3d-<cluster>');
      return { tool: 'k3d', args: ['image', 'import', what, '-c', name] };
    }
    case 'minikube': {
      const other = clusterKindOf(context);
      if (other !== null && other !== 'minikube') throw mismatch(cluster, context, '<minikube profile>');
      // minikube names the context after the profile; the default profile needs no -p.
      const profile = context === MINIKUBE_DEFAULT_PROFILE ? [] : ['-p', context];
      return { tool: 'minikube', args: ['image', 'load', what, ...profile] };
    }
    case 'docker-desktop': {
      const other = clusterKindOf(context);
      if (other !== null && other !== 'docker-desktop') {
        throw mismatch(cluster, context, 'docker-desktop, rancher-desktop, orbstack or colima');
      }
      return null;
    }
  }
}

/**
 * A shared-engine cluster runs the images of its own engine only. Rancher Desktop with its
 * containerd engine runs the images in containerd's `k8s.io` namespace (nerdctl's README: "To build
 * an image for local Kubernetes without using registry: nerdctl --namespace k8s.io build"), while
 * a plain `nerdctl build` tags into the `default` namespace.
 * @param {string} context
 * @param {string} image
 * @param {string} engine
 */
function notShared(context, image, engine) {
  if (context === 'rancher-desktop' && engine === 'nerdctl') {
    return new Error(
      `${context} (containerd engine) runs images from nerdctl's k8s.io namespace, and ${image} was built into the default one: ` +
        `copy it with: nerdctl save ${image} | nerdctl --namespace k8s.io load`,
    );
  }
  return new Error(
    `${context} runs the images of its own engine, which cannot see ${image} built with ${engine}: ` +
      `build with --engine docker, or copy it with: ${engine} save ${image} | docker load`,
  );
}

/**
 * @param {string} s
 * @param {string} prefix
 */
function withoutPrefix(s, prefix) {
  return s.startsWith(prefix) && s.length > prefix.length ? s.slice(prefix.length) : null;
}

/**
 * @param {ClusterKind} cluster
 * @param {string} context
 * @param {string} expected
 */
function mismatch(cluster, context, expected) {
  return new Error(
    `--cluster ${cluster} needs a ${cluster} kube context (${expected}), but the context is "${context}": ` +
      `pass --context <${cluster} context>, or --cluster auto`,
  );
}
