// @ts-check
// Apply k8s/ to the local cluster and wait until the pod is ready (or say why we don't wait).
import { KUBE_FLAGS, kubeArgs, kubeContext, main, note, parseFlags, readDemo, requireTool, run, step } from './lib/cli.mjs';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('./lib/cli.mjs').FlagTable} */
export const DEPLOY_FLAGS = {
  timeout: { type: 'string', placeholder: 'DURATION', default: '120s', describe: 'how long to wait for the pod to be ready' },
  ...KUBE_FLAGS,
};

// ---- steps --------------------------------------------------------------------------------------

/**
 * @param {import('./lib/cli.mjs').FlagValues} flags
 * @param {string} context the checked kube context
 */
export async function deploy(flags, context) {
  const { options } = readDemo();
  const kube = kubeArgs(context);
  await requireTool('kubectl');
  await run`kubectl ${kube} apply -k k8s`;
  if (options.trigger === 'startup') {
    // The pod crashes before it is ever ready: waiting would only time out.
    note('trigger "startup": the pod crashes right after it starts, so there is nothing to wait for');
    return;
  }
  const workload = `${options.workload}/${options.name}`;
  const timeout = String(flags['timeout'] ?? '120s');
  await step(`waiting for ${workload} to be ready`, () =>
    run`kubectl ${kube} -n ${options.namespace} rollout status ${workload} --timeout=${timeout}`,
  );
}

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  const flags = parseFlags({
    script: 'deploy',
    summary: 'Apply k8s/ (kubectl apply -k) to a local cluster and wait for the pod to be ready.',
    flags: DEPLOY_FLAGS,
  });
  await deploy(flags, await kubeContext(flags));
});
