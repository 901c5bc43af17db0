// @ts-check
// Apply k8s/ to the local cluster and wait until the pod is ready (or say why we don't wait). Never
// into a namespace the demo did not create, nor anything k8s/ renders outside it (requireOwnership).
import {
  deployRefusals, explainNotReady, KUBE_FLAGS, kubeArgs, kubeContext, main, note, noReadyWait, parseFlags,
  readDemo, requireOwnership, requireTool, run, step,
} from 'create-crash-demo/scripts';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('create-crash-demo/scripts').FlagTable} */
export const DEPLOY_FLAGS = {
  timeout: { type: 'string', placeholder: 'DURATION', format: 'duration', default: '120s', describe: 'how long to wait for the pod to be ready' },
  ...KUBE_FLAGS,
};

// ---- steps --------------------------------------------------------------------------------------
/** Fails with one line unless the demo owns its namespace and all k8s/ renders. @param {string} context */
export async function checkNamespace(context) {
  const { options } = readDemo();
  await requireTool('kubectl');
  await requireOwnership(context, options, deployRefusals(options.namespace));
}

/**
 * @param {import('create-crash-demo/scripts').FlagValues} flags
 * @param {string} context the checked kube context
 * @param {{ namespaceChecked?: boolean }} [opts] namespaceChecked: checkNamespace() already ran
 */
export async function deploy(flags, context, { namespaceChecked = false } = {}) {
  const demo = readDemo();
  const { options } = demo;
  const kube = kubeArgs(context);
  await requireTool('kubectl');
  if (!namespaceChecked) await checkNamespace(context);
  await run`kubectl ${kube} apply -k k8s`;
  const noWait = noReadyWait(demo); // trigger startup: a container that exits is never ready
  if (noWait) return note(noWait);
  const workload = `${options.workload}/${options.name}`;
  await step(`waiting for ${workload} to be ready`, () =>
    run`kubectl ${kube} -n ${options.namespace} rollout status ${workload} --timeout=${String(flags['timeout'] ?? '120s')}`,
  ).catch((err) => explainNotReady(err, kube, demo)); // e.g. the image was never loaded: says so
}

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  const flags = parseFlags({
    script: 'deploy',
    summary: 'Apply k8s/ (kubectl apply -k) to a local cluster and wait for the pod to be ready. ' +
      'Refuses a namespace that exists and was not created by the demo.',
    flags: DEPLOY_FLAGS,
  });
  await deploy(flags, await kubeContext(flags));
});
