// @ts-check
// Delete everything deploy created (the namespace included), from the same guarded context.
import { KUBE_FLAGS, kubeArgs, kubeContext, main, parseFlags, requireTool, run, step } from './lib/cli.mjs';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('./lib/cli.mjs').FlagTable} */
export const TEARDOWN_FLAGS = { ...KUBE_FLAGS };

// ---- steps --------------------------------------------------------------------------------------

/** @param {string} context the checked kube context */
export async function teardown(context) {
  await requireTool('kubectl');
  await step('deleting the demo', () => run`kubectl ${kubeArgs(context)} delete -k k8s --ignore-not-found`);
}

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  const flags = parseFlags({
    script: 'teardown',
    summary: 'Delete what deploy created (kubectl delete -k k8s).',
    flags: TEARDOWN_FLAGS,
  });
  await teardown(await kubeContext(flags));
});
