// @ts-check
// Delete everything deploy created (the namespace included), from the same guarded context; never
// a namespace the demo did not create (requireOwnNamespace in lib/cli.mjs).
import { KUBE_FLAGS, kubeArgs, kubeContext, main, parseFlags, readDemo, requireOwnNamespace, requireTool, run, step } from './lib/cli.mjs';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('./lib/cli.mjs').FlagTable} */
export const TEARDOWN_FLAGS = { ...KUBE_FLAGS };

// ---- steps --------------------------------------------------------------------------------------

/** @param {string} context the checked kube context */
export async function teardown(context) {
  const { options } = readDemo();
  await requireTool('kubectl');
  await requireOwnNamespace(
    context,
    options.namespace,
    (label) =>
      `teardown will not delete namespace "${options.namespace}": it exists without the label ${label}, so the demo ` +
      'did not create it (kubectl delete -k k8s deletes the namespace with everything in it). Delete only the ' +
      `demo's objects: kubectl --context ${context} -n ${options.namespace} delete ${options.workload},service ` +
      `-l app.kubernetes.io/instance=${options.name}; and give the demo a namespace of its own: ` +
      'npx create-crash-demo . --overwrite --namespace NAME',
  );
  await step('deleting the demo', () => run`kubectl ${kubeArgs(context)} delete -k k8s --ignore-not-found`);
}

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  const flags = parseFlags({
    script: 'teardown',
    summary: 'Delete what deploy created (kubectl delete -k k8s), unless the namespace was not created by the demo.',
    flags: TEARDOWN_FLAGS,
  });
  await teardown(await kubeContext(flags));
});
