// @ts-check
// Create the local cluster this demo's --cluster names (kind for auto), named after the demo, with
// kind-config.yaml when the demo has one (--fast-backoff). It never touches a cluster that exists:
// one of that name already there is refused, not reused or replaced.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  clusterExists, clusterPlan, createdContext, dryRun, fail, main, note, parseFlags, projectRoot, readDemo, requireTool, run,
  say, step,
} from 'create-crash-demo/scripts';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('create-crash-demo/scripts').FlagTable} */
export const CLUSTER_FLAGS = {};

// ---- steps --------------------------------------------------------------------------------------
/** @returns {Promise<string>} the context the new cluster has */
export async function createCluster() {
  const { options } = readDemo();
  // e.g. kind: `kind get clusters`, then `kind create cluster --name NAME [--config kind-config.yaml]`
  const plan = clusterPlan(options.cluster, options.name, existsSync(resolve(projectRoot, 'kind-config.yaml')));
  if ('refuse' in plan) return fail(plan.refuse);
  await requireTool(plan.tool);
  const listed = await run`${plan.tool} ${plan.list}`;
  if (listed && plan.exists(listed.stdout, options.name)) fail(clusterExists(plan.tool, options.name));
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
    summary: "Create the local cluster the demo's --cluster names (kind for auto), named after the demo, with kind-config.yaml " +
      'if the demo has one. A cluster of that name that already exists is refused, never reused or replaced.',
    flags: CLUSTER_FLAGS,
  });
  await createCluster();
});
