// @ts-check
// Deploy's wait for a ready pod: when there is nothing to wait for, and why a wait ended without a
// ready pod when the fix is known (the image was never loaded into the cluster, and the pod spec,
// imagePullPolicy: Never, will not pull it).
import { fail, imageRef, run } from '../plumbing/cli.mjs';
import { containerExits } from './firing.mjs';
import { podSelector } from '../kube/follow.mjs';

/**
 * Why deploy does not wait for the pod to be ready, or null when it waits. With trigger startup a
 * container that exits is never ready: waiting would only time out. (An app that refuses to crash
 * loses one worker at startup, gets a new one, and becomes ready.)
 * @param {import('../plumbing/cli.mjs').Demo} demo
 * @returns {string | null}
 */
export function noReadyWait(demo) {
  if (demo.options.trigger !== 'startup' || !containerExits(demo)) return null;
  return 'trigger "startup": the pod crashes right after it starts, so there is nothing to wait for';
}

/**
 * Fails with the fix when the pod could not start because the image was never loaded; otherwise
 * rethrows `err`, the failed wait's own error.
 * @param {unknown} err what `kubectl rollout status` failed with
 * @param {string[]} kube kubeArgs(context)
 * @param {import('../plumbing/cli.mjs').Demo} demo
 * @returns {Promise<never>}
 */
export async function explainNotReady(err, kube, demo) {
  const { options } = demo;
  const out = await run`kubectl ${kube} -n ${options.namespace} get pods -l ${podSelector(options)} -o json`.catch(() => null);
  if (neverPulled(out?.stdout ?? '{}')) {
    fail(`the pod shows ErrImageNeverPull: the image ${imageRef(demo)} is not in the cluster (it is never pulled). Load it: npm run load, then npm run deploy again`);
  }
  throw err;
}

/**
 * Whether a pod of `kubectl get pods -o json` waits with ErrImageNeverPull; output that is not JSON says nothing.
 * @param {string} stdout
 */
function neverPulled(stdout) {
  /** @type {{ items?: import('../kube/podstatus.mjs').Pod[] }} */
  let list;
  try {
    list = JSON.parse(stdout);
  } catch {
    return false;
  }
  return (list.items ?? []).some((pod) =>
    (pod.status?.containerStatuses ?? []).some((c) => c.state?.waiting?.reason === 'ErrImageNeverPull'),
  );
}
