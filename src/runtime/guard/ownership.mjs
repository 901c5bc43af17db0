// @ts-check
// What this demo owns, decided from what kubectl prints; no I/O here. deploy sets Pod Security
// labels on the namespace and teardown deletes it with everything inside (`delete -k k8s`), so
// both act only when
//   - `kubectl kustomize k8s` (what apply -k and delete -k really send) renders nothing outside the
//     demo's namespace: its one Namespace is the one crash-demo.json names, carrying this demo's
//     owner label, and every other object sits inside it (renderedMismatch);
//   - the namespace on the cluster is absent, or carries this demo's owner label (namespaceOwner).
// The owner label names the demo, so two demos never take each other's namespace: a demo is its
// name in its namespace (the Deployment and Service are called by it), and the label says whose
// namespace it is. deployRefusals and teardownRefusals are what each says when it will not act.

/** The label k8s/namespace.yaml puts on the namespace; its value is the demo's name. */
export const OWNER_LABEL = 'create-crash-demo/owner';

/**
 * @typedef {{ kind?: string, metadata?: { name?: string, namespace?: string, labels?: Record<string, string> } }} KubeObject
 */

/**
 * The first difference between what k8s/ renders and what this demo owns, as a phrase, or null.
 * @param {unknown[]} objects the documents `kubectl kustomize k8s` prints
 * @param {{ name: string, namespace: string }} demo crash-demo.json's options
 * @returns {string | null}
 */
export function renderedMismatch(objects, demo) {
  const all = /** @type {KubeObject[]} */ (objects.filter((o) => o !== null && typeof o === 'object'));
  const show = (/** @type {KubeObject} */ o) => `${o.kind ?? '(no kind)'} "${o.metadata?.name ?? ''}"`;
  const namespaces = all.filter((o) => o.kind === 'Namespace');
  const other = namespaces.find((o) => o.metadata?.name !== demo.namespace);
  if (other) return `the Namespace "${other.metadata?.name ?? ''}", which is not this demo's namespace "${demo.namespace}"`;
  const own = namespaces[0];
  if (!own) return `no Namespace "${demo.namespace}" (this demo's namespace)`;
  const owner = own.metadata?.labels?.[OWNER_LABEL];
  if (owner !== demo.name) {
    return `the Namespace "${demo.namespace}" ${owner === undefined ? 'without' : `with ${OWNER_LABEL}=${owner} instead of`} the label ${OWNER_LABEL}=${demo.name}`;
  }
  for (const o of all) {
    if (o.kind === 'Namespace') continue;
    const ns = o.metadata?.namespace;
    if (ns === undefined || ns === '') return `${show(o)}, which belongs to no namespace (cluster-wide): the demo owns nothing outside its namespace`;
    if (ns !== demo.namespace) return `${show(o)} in the namespace "${ns}", outside this demo's namespace "${demo.namespace}"`;
  }
  return null;
}

/**
 * Who owns the namespace, from `kubectl get namespace NAME --ignore-not-found -o json`: it prints
 * nothing (or an empty List) when the namespace does not exist. owner: the demo named by its
 * owner label, or null when it has none (the demo did not create it).
 * @param {string} stdout
 * @returns {{ exists: false } | { exists: true, owner: string | null }}
 */
export function namespaceOwner(stdout) {
  if (stdout.trim() === '') return { exists: false };
  /** @type {{ kind?: string, items?: unknown[], metadata?: { labels?: Record<string, string> } }} */
  const obj = JSON.parse(stdout);
  if (obj.kind === 'List' && (obj.items ?? []).length === 0) return { exists: false };
  return { exists: true, owner: obj.metadata?.labels?.[OWNER_LABEL] ?? null };
}

/**
 * @typedef {{
 *   foreign: (label: string) => string,
 *   otherDemo: (owner: string, label: string) => string,
 * }} Refusals the line to fail with when the namespace exists without this demo's owner label
 *   (foreign), or with another demo's (otherDemo); label: the owner label as key=value
 */

/** What fixes a namespace that is not the demo's: a namespace of its own, by regenerating. */
const OWN_NAMESPACE = 'npx create-crash-demo . --overwrite --namespace NAME';

/**
 * Why deploy will not take over a namespace that is not this demo's.
 * @param {string} namespace crash-demo.json's namespace
 * @returns {Refusals}
 */
export function deployRefusals(namespace) {
  const regenerate = `Choose another one: ${OWN_NAMESPACE}`;
  return {
    foreign: (label) =>
      `namespace "${namespace}" already exists without the label ${label}: deploy will not take over a namespace ` +
      'it did not create (it would set its Pod Security labels, and teardown would delete it with everything in it). ' +
      regenerate,
    otherDemo: (owner, label) =>
      `namespace "${namespace}" belongs to the demo "${owner}" (label ${OWNER_LABEL}=${owner}), not to this one (${label}): ` +
      `deploy will not take it over (teardown would then delete "${owner}" with it). ${regenerate}`,
  };
}

/**
 * Why teardown will not delete a namespace that is not this demo's, and how to delete only the demo's objects.
 * @param {string} context the checked kube context
 * @param {{ name: string, namespace: string, workload: string }} demo crash-demo.json's options
 * @returns {Refusals}
 */
export function teardownRefusals(context, { name, namespace, workload }) {
  const only =
    `Delete only the demo's objects: kubectl --context ${context} -n ${namespace} delete ${workload},service ` +
    `-l app.kubernetes.io/instance=${name}`;
  return {
    foreign: (label) =>
      `teardown will not delete namespace "${namespace}": it exists without the label ${label}, so the demo ` +
      `did not create it (kubectl delete -k k8s deletes the namespace with everything in it). ${only}; and give the demo ` +
      `a namespace of its own: ${OWN_NAMESPACE}`,
    otherDemo: (owner, label) =>
      `teardown will not delete namespace "${namespace}": it belongs to the demo "${owner}" ` +
      `(label ${OWNER_LABEL}=${owner}), not to this one (${label}), and kubectl delete -k k8s would delete "${owner}" with it. ` +
      `${only}; or tear it down from the demo "${owner}"`,
  };
}
