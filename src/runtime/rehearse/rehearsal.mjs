// @ts-check
// The kubelet's restart policy (restartPolicy: Always + the crash-loop back-off), replayed on a
// container engine that has none: each time the container exits, restart it when the kubelet would.
//
// Nothing here decides a number itself: planRestart() and backoffMessage() (backoff.mjs) say when and
// in which words; syntheticPod() (events.mjs) turns each state into the pod object kubectl would
// print, so rehearse shows it through the same normaliser and view as watch. The engine and the
// clock are arguments, so the loop runs in unit tests without Docker and without waiting.
import { backoffMessage, planRestart } from '../kube/backoff.mjs';
import { syntheticPod } from '../kube/events.mjs';
import { terminatedReason } from '../kube/podstatus.mjs';
import { epochMs } from '../plumbing/time.mjs';

/** @import { Schedule } from '../kube/backoff.mjs' */
/** @import { Pod } from '../kube/podstatus.mjs' */
/** @typedef {{ exitCode: number, reason: string, startedAt: string, finishedAt: string }} ExitRecord */

/**
 * What `docker|podman inspect` says about the container's latest run.
 * @typedef {object} RunState
 * @property {boolean} running
 * @property {number} exitCode
 * @property {boolean} oomKilled
 * @property {string} startedAt  ISO
 * @property {string} finishedAt ISO (meaningless while running)
 */

/**
 * @typedef {object} Engine  the container, as the loop needs it
 * @property {() => Promise<void>} create       start the first run (docker run)
 * @property {() => Promise<void>} restart      start it again (docker start)
 * @property {(signal: AbortSignal) => Promise<void>} wait  resolves when the container has stopped (or on abort)
 * @property {() => Promise<RunState>} inspect
 */

/**
 * @typedef {object} Clock
 * @property {() => number} now  ms since the epoch
 * @property {(ms: number, signal: AbortSignal) => Promise<void>} sleep  resolves early on abort
 */

/**
 * One container's status as the kubelet keeps it, turned into pod objects on each change.
 * @param {{ pod: string, namespace: string, uid: string, container: string, creationTimestamp: string }} id
 */
export function createPodState(id) {
  let restartCount = 0;
  let ready = false;
  /** @type {Parameters<typeof syntheticPod>[0]['state']} */
  let state = { waiting: { reason: 'ContainerCreating' } };
  /** @type {ExitRecord | null} */
  let last = null;

  /** @returns {Pod} */
  const snapshot = () =>
    syntheticPod({
      ...id,
      restartCount,
      ready,
      state,
      lastState: last ? { terminated: last } : {},
    });

  /** @param {string} startedAt */
  const started = (startedAt) => {
    state = { running: { startedAt } };
    ready = false;
    return snapshot();
  };

  return {
    started,
    /** @param {string} startedAt a restart: the kubelet counts it when the new container starts */
    restarted(startedAt) {
      restartCount++;
      return started(startedAt);
    },
    /** @param {ExitRecord} term */
    exited(term) {
      state = { terminated: term };
      ready = false;
      const pod = snapshot();
      last = term; // from now on it is the last state
      return pod;
    },
    /** @param {string} message the kubelet's back-off message */
    backingOff(message) {
      state = { waiting: { reason: 'CrashLoopBackOff', message } };
      return snapshot();
    },
    /** @param {boolean} value @returns {Pod | null} null when nothing changed or it is not running */
    setReady(value) {
      if (!state.running || ready === value) return null;
      ready = value;
      return snapshot();
    },
    get restartCount() {
      return restartCount;
    },
  };
}

/**
 * The rehearsal: start the container, and on every exit restart it when the kubelet would. Each
 * pod state goes to `emit`, which returns true to stop (--until); `signal` stops it (Ctrl-C).
 * Removing the container is the caller's job (also when this throws).
 * @param {object} o
 * @param {Engine} o.engine
 * @param {Clock} o.clock
 * @param {Schedule} o.schedule
 * @param {ReturnType<typeof createPodState>} o.pod
 * @param {{ pod: string, namespace: string, uid: string, container: string }} o.id for the kubelet's messages
 * @param {(time: string, pod: Pod) => boolean} o.emit
 * @param {AbortSignal} o.signal
 * @param {(run: RunState) => void} [o.onStart] after each start (to follow the logs, to probe)
 * @param {(run: RunState) => Promise<void>} [o.onExit] after each exit is emitted (to say why it exited)
 * @param {() => number} [o.draw] where each restart falls in the kubelet's jittered retry, 0..1
 *   (default Math.random, as the kubelet's wait.Jitter)
 * @returns {Promise<{ restarts: number, reason: 'until' | 'stopped' }>}
 */
export async function runRehearsal(o) {
  const { engine, clock, schedule, pod, id, emit, signal } = o;
  /** @type {import('../kube/backoff.mjs').BackoffEntry | null} */
  let entry = null;
  const stopped = () => ({ restarts: pod.restartCount, reason: /** @type {const} */ ('stopped') });
  const done = () => ({ restarts: pod.restartCount, reason: /** @type {const} */ ('until') });

  await engine.create();
  let run = await engine.inspect();
  o.onStart?.(run);
  if (emit(run.startedAt, pod.started(run.startedAt))) return done();

  for (;;) {
    await engine.wait(signal);
    if (signal.aborted) return stopped();
    run = await engine.inspect();
    if (run.running) continue; // a wait that ended early (engine hiccup): wait again
    /** @type {ExitRecord} */
    const term = { exitCode: run.exitCode, reason: terminatedReason(run), startedAt: run.startedAt, finishedAt: run.finishedAt };
    if (emit(run.finishedAt, pod.exited(term))) return done();
    await o.onExit?.(run);
    if (signal.aborted) return stopped();

    const plan = planRestart(entry, (epochMs(run.finishedAt) ?? NaN) / 1000, schedule, (o.draw ?? Math.random)());
    entry = plan.entry;
    if (plan.backoffSeconds !== null) {
      const message = backoffMessage({ ...id, backoffSeconds: plan.backoffSeconds });
      if (emit(new Date(clock.now()).toISOString(), pod.backingOff(message))) return done();
      await clock.sleep(Math.max(0, plan.restartAt * 1000 - clock.now()), signal);
      if (signal.aborted) return stopped();
    }
    await engine.restart();
    run = await engine.inspect();
    o.onStart?.(run);
    if (emit(run.startedAt, pod.restarted(run.startedAt))) return done();
  }
}

/** The real clock. @type {Clock} */
export const realClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    }),
};
