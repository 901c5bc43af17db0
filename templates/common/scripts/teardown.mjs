// @ts-check
// Delete everything deploy created (the namespace included), from the same guarded context; never
// a namespace the demo did not create, nor anything k8s/ renders outside it (requireOwnership in
// create-crash-demo/scripts).
import {
  KUBE_FLAGS, kubeArgs, kubeContext, main, parseFlags, readDemo, requireOwnership, requireTool, run, step,
  teardownRefusals,
} from 'create-crash-demo/scripts';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('create-crash-demo/scripts').FlagTable} */
export const TEARDOWN_FLAGS = { ...KUBE_FLAGS };

// ---- steps --------------------------------------------------------------------------------------
/** @param {string} context the checked kube context */
export async function teardown(context) {
  const { options } = readDemo();
  await requireTool('kubectl');
  await requireOwnership(context, options, teardownRefusals(context, options));
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
