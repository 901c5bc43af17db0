// @ts-check
// Fire the crash: for --trigger http, POST /crash through a port-forward, --times N times; other
// triggers fire by themselves, so this only says when. One crash is not a crash loop: the kubelet
// restarts a container at once after its first crash and backs off (10s, 20s, ...: CrashLoopBackOff)
// from the second on, so each POST waits until the previous crash was handled (restarted, Ready).
import {
  CRASH_TIMES_FLAG, interruptible, KUBE_FLAGS, kubeArgs, kubeContext, main, parseFlags, parseTimes,
  podSelector, pressCrashButton, readDemo, requireTool, runBackground, say, selfFiring,
} from 'create-crash-demo/scripts';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('create-crash-demo/scripts').FlagTable} */
export const CRASH_FLAGS = { ...CRASH_TIMES_FLAG, ...KUBE_FLAGS };

// ---- steps --------------------------------------------------------------------------------------
/**
 * @param {string} context the checked kube context
 * @param {{ times?: number, signal?: AbortSignal }} [opts] signal: abort it (Ctrl-C) to stop the
 *   port-forward and the pod watch and fail with one line
 */
export async function crash(context, { times = 1, signal } = {}) {
  const demo = readDemo();
  const { options: o } = demo;
  const selfFired = selfFiring(o);
  if (selfFired) return say(selfFired + '. Watch it: npm run watch');
  await requireTool('kubectl');
  const kube = [...kubeArgs(context), '-n', o.namespace];
  await pressCrashButton(demo, {
    times, signal,
    // `:<port>` lets kubectl pick a free local port; it prints which one, and the POSTs go there.
    portForward: () => runBackground`kubectl ${kube} port-forward --address 127.0.0.1 ${`${o.workload}/${o.name}`} :${o.port}`,
    // Between POSTs: one watch for the whole run shows when the kubelet has restarted the container.
    watchPods: () => runBackground`kubectl ${kube} get pod -l ${podSelector(o)} -w -o json`,
  });
}

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  const flags = parseFlags({
    script: 'crash',
    summary:
      'Fire the crash: POST /crash through kubectl port-forward (trigger http), --times N times, each after the ' +
      'container has restarted; or say how it fires by itself.',
    flags: CRASH_FLAGS,
  });
  const times = parseTimes(flags['times']);
  // Self-firing triggers touch no cluster, so they need no context.
  if (selfFiring(readDemo().options)) return crash('');
  const context = await kubeContext(flags);
  // Ctrl-C, kill, a closed terminal: stop the port-forward and the pod watch too (they run in their
  // own process groups); the one "interrupted" line, exit 128 + signal.
  await interruptible((signal) => crash(context, { times, signal }));
});
