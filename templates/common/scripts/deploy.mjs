// @ts-check
// Apply k8s/ to the local cluster and wait until the pod is ready (or say why we don't wait).
// Never into a namespace the demo did not create, nor anything k8s/ renders outside it
// (requireOwnership in create-crash-demo/scripts).
import {
  containerExits,
  fail,
  imageRef,
  KUBE_FLAGS,
  kubeArgs,
  kubeContext,
  main,
  note,
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
export const DEPLOY_FLAGS = {
  timeout: { type: 'string', placeholder: 'DURATION', default: '120s', describe: 'how long to wait for the pod to be ready' },
  ...KUBE_FLAGS,
};

// ---- steps --------------------------------------------------------------------------------------

/**
 * Fails with one line when k8s/ renders something outside the demo's namespace, or the namespace
 * exists and this demo did not create it.
 * @param {string} context the checked kube context
 */
export async function checkNamespace(context) {
  const { options } = readDemo();
  const { namespace } = options;
  await requireTool('kubectl');
  const regenerate = 'Choose another one: npx create-crash-demo . --overwrite --namespace NAME';
  await requireOwnership(context, options, {
    foreign: (label) =>
      `namespace "${namespace}" already exists without the label ${label}: deploy will not take over a namespace ` +
      'it did not create (it would set its Pod Security labels, and teardown would delete it with everything in it). ' +
      regenerate,
    otherDemo: (owner, label) =>
      `namespace "${namespace}" belongs to the demo "${owner}" (label ${OWNER_LABEL}=${owner}), not to this one (${label}): ` +
      `deploy will not take it over (teardown would then delete "${owner}" with it). ${regenerate}`,
  });
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
  if (options.trigger === 'startup' && containerExits(demo)) {
    // The container exits before it is ever ready: waiting would only time out. (An app that
    // refuses to crash loses one worker at startup, gets a new one, and becomes ready.)
    note('trigger "startup": the pod crashes right after it starts, so there is nothing to wait for');
    return;
  }
  const workload = `${options.workload}/${options.name}`;
  const timeout = String(flags['timeout'] ?? '120s');
  try {
    await step(`waiting for ${workload} to be ready`, () =>
      run`kubectl ${kube} -n ${options.namespace} rollout status ${workload} --timeout=${timeout}`,
    );
  } catch (err) {
    await explainNotReady(kube, demo);
    throw err;
  }
}

/**
 * Fails with the fix when the pod could not start because the image was never loaded (the pod
 * spec says imagePullPolicy: Never); returns quietly for any other reason.
 * @param {string[]} kube
 * @param {import('create-crash-demo/scripts').Demo} demo
 */
async function explainNotReady(kube, demo) {
  const { options } = demo;
  const out = await run`kubectl ${kube} -n ${options.namespace} get pods -l ${`app.kubernetes.io/name=${options.name}`} -o json`.catch(() => null);
  /** @type {{ items?: import('create-crash-demo/scripts').Pod[] }} */
  let list = {};
  try {
    list = JSON.parse(out?.stdout ?? '{}');
  } catch {
    return;
  }
  const neverPulled = (list.items ?? []).some((pod) =>
    (pod.status?.containerStatuses ?? []).some((c) => c.state?.waiting?.reason === 'ErrImageNeverPull'),
  );
  if (neverPulled) {
    fail(`the pod shows ErrImageNeverPull: the image ${imageRef(demo)} is not in the cluster (it is never pulled). Load it: npm run load, then npm run deploy again`);
  }
}

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  const flags = parseFlags({
    script: 'deploy',
    summary:
      'Apply k8s/ (kubectl apply -k) to a local cluster and wait for the pod to be ready. ' +
      'Refuses a namespace that exists and was not created by the demo.',
    flags: DEPLOY_FLAGS,
  });
  await deploy(flags, await kubeContext(flags));
});
