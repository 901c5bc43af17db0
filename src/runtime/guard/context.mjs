// @ts-check
// Pure decisions about kube contexts: is it a local cluster (judged by its API server's address),
// which kind of cluster (judged by its name), and how an image gets into it. No I/O here, so every
// rule is unit-tested case by case. The context name each cluster's tool writes is in clusters.mjs.
import { CLUSTER_KINDS, CLUSTERS } from '../../shared/clusters.mjs';

/** @import { ClusterKind } from '../../shared/clusters.mjs' */
/** @typedef {{ tool: string, args: string[] }} Command */

/** Where ctr finds containerd unless told otherwise (containerd's own default). */
export const CONTAINERD_DEFAULT_ADDRESS = '/run/containerd/containerd.sock';

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
  for (const kind of CLUSTER_KINDS) if (clusterNameIn(kind, context) !== null) return kind;
  if (context === MINIKUBE_DEFAULT_PROFILE) return 'minikube';
  if (SHARED_ENGINE.has(context) || /^colima(-.+)?$/.test(context)) return 'docker-desktop';
  return null;
}

/**
 * The hosts a kube API server may have for the demo to call it local: this machine's loopback,
 * written as kubectl's Go client reads it (a literal, so no DNS answer can send it elsewhere), and
 * 0.0.0.0, which k3d writes into its kubeconfig and which a connect on Linux or macOS sends to this
 * machine. Spellings the WHATWG URL parser would normalise (127.1, 0x7f.0.0.1, 0177.0.0.1) are not
 * literals to Go: it would look them up in DNS, so they do not count.
 */
const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const LOOPBACK_V4 = new RegExp(`^127(\\.${OCTET}){3}$`);
const THIS_MACHINE = new Set(['localhost', '[::1]', '0.0.0.0']);
/** The loopback a local cluster's server is on, in the words the --context help and a refusal use. */
export const LOOPBACK_WORDS = '127.0.0.0/8, ::1, localhost';

/**
 * True when `server` (a cluster's `server:` in the kubeconfig) is an http(s) URL whose host is on
 * this machine (see THIS_MACHINE). Anything else, a URL with user info or without a scheme
 * included, is not: a crash demo is never sent there by accident.
 * @param {string} server
 */
export function isLoopbackServer(server) {
  const m = /^https?:\/\/(\[[^\]]*\]|[^/:?#@[\]]+)(:\d+)?([/?#].*)?$/i.exec(server.trim());
  if (!m) return false;
  const host = /** @type {string} */ (m[1]).toLowerCase();
  return THIS_MACHINE.has(host) || LOOPBACK_V4.test(host);
}

/** @typedef {{ name?: string, context?: { cluster?: string } }} KubeconfigContext */
/** @typedef {{ name?: string, cluster?: { server?: string, 'proxy-url'?: string } }} KubeconfigCluster */
/** @typedef {{ contexts?: KubeconfigContext[] | null, clusters?: KubeconfigCluster[] | null }} Kubeconfig */

/**
 * @typedef {{ local: true, server: string }
 *   | { local: false, server: string, why: string }
 *   | { local: false, broken: string }} Judgement
 *   broken: the context cannot be used at all (not even with --yes): kubectl would fall back to
 *   http://localhost:8080 or fail; why: the context works but is not on this machine.
 */

/**
 * Is the cluster behind `context` on this machine? Judged by where its API server is, from
 * `kubectl config view -o json`: a loopback server is local whatever the context is called, and a
 * name that says kind/minikube/k3d/docker-desktop does not make a remote server local.
 * @param {Kubeconfig} config
 * @param {string} context
 * @returns {Judgement}
 */
export function judgeContext(config, context) {
  const entry = (config.contexts ?? []).find((c) => c.name === context);
  // JSON-quoted: a name as typed may hold a line break or a quote, and the failure is one line.
  if (!entry) return { local: false, broken: `kube context ${JSON.stringify(context)} is not in your kubeconfig (kubectl config get-contexts lists them)` };
  const clusterName = entry.context?.cluster ?? '';
  const cluster = clusterName === '' ? undefined : (config.clusters ?? []).find((c) => c.name === clusterName);
  if (!cluster) {
    const which = clusterName === '' ? 'names no cluster' : `names the cluster "${clusterName}", which is not in the kubeconfig's clusters`;
    return {
      local: false,
      broken:
        `refusing kube context "${context}": it ${which}, so kubectl would fall back to http://localhost:8080. ` +
        `Fix it with: kubectl config set-context ${context} --cluster NAME (kubectl config get-clusters lists them)`,
    };
  }
  const server = cluster.cluster?.server ?? '';
  if (server === '') {
    return {
      local: false,
      broken:
        `refusing kube context "${context}": its cluster "${clusterName}" has no server, so kubectl would fall back to ` +
        `http://localhost:8080. Fix it with: kubectl config set-cluster ${clusterName} --server URL`,
    };
  }
  const proxy = cluster.cluster?.['proxy-url'];
  if (proxy) return { local: false, server, why: `its cluster "${clusterName}" is reached through the proxy ${proxy}` };
  if (isLoopbackServer(server)) return { local: true, server };
  const named = clusterKindOf(context);
  const despite = named ? `, although its name looks like ${named}'s` : '';
  return { local: false, server, why: `its server ${server} is not on this machine (loopback: ${LOOPBACK_WORDS})${despite}` };
}

/**
 * `auto` -> the kind the context name means; an explicit kind is kept as given.
 * @param {string} cluster the --cluster value (auto | kind | minikube | k3d | docker-desktop | containerd)
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
 * How an image built with `engine` gets into the cluster. containerd on the node imports an archive
 * into its `k8s.io` namespace (the one the kubelet's CRI uses). Docker's image store is the one kind,
 * minikube and k3d read, so a docker image goes in as loadImageCommand says. An image of any
 * other engine (podman, nerdctl) is first saved to `archive` (`<engine> save -o`), and the
 * cluster tool loads that file. Null: nothing to load. Throws where loadImageCommand does, and
 * for a cluster on the Docker engine's own store (Docker Desktop and friends) with an image of
 * another engine, which it cannot see: the message says how to get it there.
 * @param {ClusterKind} cluster
 * @param {string} context
 * @param {string} image
 * @param {string} engine docker, podman or nerdctl
 * @param {string} archive the file the image is saved to (not used for docker, except with containerd)
 * @param {string} [containerdAddress] containerd's socket, for --cluster containerd
 * @returns {LoadPlan | null}
 */
export function loadImagePlan(cluster, context, image, engine, archive, containerdAddress = CONTAINERD_DEFAULT_ADDRESS) {
  if (cluster === 'containerd') {
    // containerd reads no engine's image store: every engine hands it an archive.
    return {
      save: { tool: engine, args: ['save', '-o', archive, image] },
      load: { tool: 'ctr', args: ['--address', containerdAddress, '-n', 'k8s.io', 'images', 'import', archive] },
    };
  }
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
      const name = clusterNameIn('kind', context);
      if (name === null) throw mismatch(cluster, context, 'kind-<cluster>');
      const from = 'image' in source ? 'docker-image' : 'image-archive';
      return { tool: 'kind', args: ['load', from, what, '--name', name] };
    }
    case 'k3d': {
      const name = clusterNameIn('k3d', context);
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
    case 'containerd':
      // loadImagePlan handles it: containerd always needs an archive.
      throw new Error('--cluster containerd loads an image archive: use loadImagePlan');
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
 * The cluster's name in a context its tool named with a prefix (kind-demo -> demo), or null.
 * @param {ClusterKind} kind
 * @param {string} context
 */
function clusterNameIn(kind, context) {
  const { prefix } = CLUSTERS[kind];
  return prefix !== undefined && context.startsWith(prefix) && context.length > prefix.length ? context.slice(prefix.length) : null;
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
