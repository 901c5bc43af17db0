// @ts-check
// Create the local cluster this demo's --cluster names (kind for auto), named after the demo, with
// kind-config.yaml when the demo has one (--fast-backoff). It never touches a cluster that exists:
// one of that name already there is refused, not reused or replaced.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  createdContext,
  dryRun,
  fail,
  main,
  note,
  parseFlags,
  projectRoot,
  readDemo,
  requireTool,
  run,
  say,
  step,
} from 'create-crash-demo/scripts';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('create-crash-demo/scripts').FlagTable} */
export const CLUSTER_FLAGS = {};

/**
 * @typedef {{ tool: string, list: string[], exists: (stdout: string, name: string) => boolean, create: string[] }} Plan
 *   list: the command that lists the tool's clusters; exists: whether its output has `name`
 */

/**
 * How the demo's --cluster is created, or the reason it is not created here.
 * @param {string} cluster the demo's --cluster
 * @param {string} name the cluster's name (the demo's)
 * @param {boolean} withConfig the demo has kind-config.yaml
 * @returns {Plan | { refuse: string }}
 */
export function clusterPlan(cluster, name, withConfig) {
  switch (cluster) {
    case 'auto':
    case 'kind':
      return {
        tool: 'kind',
        list: ['get', 'clusters'],
        exists: (out, n) => out.split('\n').map((l) => l.trim()).includes(n),
        create: ['create', 'cluster', '--name', name, ...(withConfig ? ['--config', 'kind-config.yaml'] : [])],
      };
    case 'minikube':
      return {
        tool: 'minikube',
        list: ['profile', 'list', '-o', 'json'],
        exists: (out, n) => profiles(out).includes(n),
        create: ['start', '--profile', name],
      };
    case 'k3d':
      return {
        tool: 'k3d',
        list: ['cluster', 'list', '-o', 'json'],
        exists: (out, n) => jsonList(out).some((c) => c?.name === n),
        create: ['cluster', 'create', name],
      };
    case 'docker-desktop':
      return { refuse: "Docker Desktop's cluster is not created by a command: switch it on in Docker Desktop (Settings > Kubernetes > Enable Kubernetes)" };
    default:
      return {
        refuse:
          `--cluster ${cluster} is a node you bring up yourself (kubeadm, or the Kubernetes binaries): npm run cluster creates ` +
          'kind, minikube or k3d clusters only',
      };
  }
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

// ---- steps --------------------------------------------------------------------------------------

/** @returns {Promise<string>} the context the new cluster has */
export async function createCluster() {
  const { options } = readDemo();
  const withConfig = existsSync(resolve(projectRoot, 'kind-config.yaml'));
  const plan = clusterPlan(options.cluster, options.name, withConfig);
  if ('refuse' in plan) return fail(plan.refuse);
  await requireTool(plan.tool);
  const listed = await run`${plan.tool} ${plan.list}`;
  if (listed && plan.exists(listed.stdout, options.name)) {
    fail(
      `a ${plan.tool} cluster named "${options.name}" already exists: npm run cluster creates a new one and never reuses ` +
        `or replaces one. Use it as it is (npm run demo), or delete it first with ${plan.tool} yourself`,
    );
  }
  if (!listed) note(`(a real run first checks that ${plan.tool} has no cluster named "${options.name}")`);
  const context = createdContext(options.cluster, options.name);
  await step(`creating the ${plan.tool} cluster ${options.name}`, () => run`${plan.tool} ${plan.create}`);
  if (!dryRun()) say(`created the ${plan.tool} cluster "${options.name}" (kube context ${context}): next, npm run demo`);
  return context;
}

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  parseFlags({
    script: 'cluster',
    summary:
      "Create the local cluster the demo's --cluster names (kind for auto), named after the demo, with kind-config.yaml " +
      'if the demo has one. A cluster of that name that already exists is refused, never reused or replaced.',
    flags: CLUSTER_FLAGS,
  });
  await createCluster();
});
