// @ts-check
// Delete everything deploy created (the namespace included), from the same guarded context; never
// a namespace the demo did not create, nor anything k8s/ renders outside it (requireOwnership in
// create-crash-demo/scripts).
import {
  KUBE_FLAGS,
  kubeArgs,
  kubeContext,
  main,
  OWNER_LABEL,
  parseFlags,
  readDemo,
  requireOwnership,
  requireTool,
  run,
  step,
} from 'create-crash-demo/scripts';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('create-crash-demo/scripts').FlagTable} */
export const TEARDOWN_FLAGS = { ...KUBE_FLAGS };

// ---- steps --------------------------------------------------------------------------------------

/** @param {string} context the checked kube context */
export async function teardown(context) {
  const { options } = readDemo();
  await requireTool('kubectl');
  const only =
    `Delete only the demo's objects: kubectl --context ${context} -n ${options.namespace} delete ${options.workload},service ` +
    `-l app.kubernetes.io/instance=${options.name}`;
  await requireOwnership(context, options, {
    foreign: (label) =>
      `teardown will not delete namespace "${options.namespace}": it exists without the label ${label}, so the demo ` +
      `did not create it (kubectl delete -k k8s deletes the namespace with everything in it). ${only}; and give the demo ` +
      'a namespace of its own: npx create-crash-demo . --overwrite --namespace NAME',
    otherDemo: (owner, label) =>
      `teardown will not delete namespace "${options.namespace}": it belongs to the demo "${owner}" ` +
      `(label ${OWNER_LABEL}=${owner}), not to this one (${label}), and kubectl delete -k k8s would delete "${owner}" with it. ` +
      `${only}; or tear it down from the demo "${owner}"`,
  });
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
