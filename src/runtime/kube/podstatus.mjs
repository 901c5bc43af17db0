// @ts-check
// What `kubectl get pods` prints in READY, STATUS and RESTARTS for a pod object (`-o json` shape).
//
// A port of printPod() in kubernetes/kubernetes pkg/printers/internalversion/printers.go, read at
// yongruilin/kubernetes@144a7980762c245f12c2a7b457c8aaef18496071 (kubectl 1.31-era: sidecar
// containers, "(<age> ago)" restarts, SchedulingGated, Terminating only for non-terminal phases),
// plus the errorReason rule of kubernetes/kubernetes PR #124766 ("Fixes pod status error when it
// has an error container", merged): a pod whose last-read reason is Completed shows the reason of a
// container that exited non-zero instead. HumanDuration is k8s.io/apimachinery/pkg/util/duration.
// Pure: the "now" that ages are measured against is an argument.
import { epochMs } from '../plumbing/time.mjs';

/**
 * @typedef {{ exitCode?: number, signal?: number, reason?: string, message?: string, startedAt?: string | null, finishedAt?: string | null }} Terminated
 * @typedef {{ waiting?: { reason?: string, message?: string } | null, running?: { startedAt?: string | null } | null, terminated?: Terminated | null }} ContainerState
 * @typedef {{ name: string, ready?: boolean, started?: boolean | null, restartCount?: number, state?: ContainerState, lastState?: ContainerState }} ContainerStatus
 * @typedef {{ name: string, restartPolicy?: string }} Container
 * @typedef {{ type: string, status: string, reason?: string }} PodCondition
 * @typedef {object} Pod
 * @property {{ name?: string, namespace?: string, uid?: string, creationTimestamp?: string | null, deletionTimestamp?: string | null }} [metadata]
 * @property {{ containers?: Container[], initContainers?: Container[] }} [spec]
 * @property {{ phase?: string, reason?: string, conditions?: PodCondition[], containerStatuses?: ContainerStatus[], initContainerStatuses?: ContainerStatus[] }} [status]
 */

/**
 * @typedef {object} PodRow
 * @property {string} name
 * @property {string} ready         READY, e.g. `0/1`
 * @property {string} status        STATUS, exactly as kubectl prints it
 * @property {number} restarts      the RESTARTS number
 * @property {string} restartsText  RESTARTS as printed, e.g. `5 (2m40s ago)`
 * @property {string | null} lastRestartAt ISO time of the latest container termination counted, or null
 * @property {string} age           AGE as printed, `<unknown>` without a creation time
 */

// pkg/util/node NodeUnreachablePodReason
const NODE_UNREACHABLE = 'NodeLost';

/** @param {Container | undefined} c */
function isRestartableInitContainer(c) {
  return c !== undefined && c.restartPolicy === 'Always';
}

/**
 * Whether the pod's condition of this type is True (kubectl's reading: the first of that type decides).
 * @param {PodCondition[] | undefined} conditions
 * @param {string} type
 */
export function conditionTrue(conditions, type) {
  for (const c of conditions ?? []) {
    if (c.type === type) return c.status === 'True';
  }
  return false;
}

/**
 * A terminated container's reason. Two writers, one rule each: the kubelet names an exit from what
 * the runtime reports (OOMKilled, else Completed for 0, Error otherwise: rehearse plays the kubelet),
 * and kubectl prints the reason a pod object carries, falling back to Signal:N or ExitCode:N when a
 * status has none (printPod, with "Init:" for init containers). kubectl never invents Error or
 * Completed, so the fallback is the caller's: `by`.
 * @param {{ reason?: string, signal?: number, exitCode?: number, oomKilled?: boolean }} t
 * @param {'kubelet' | 'kubectl'} [by]
 */
export function terminatedReason(t, by = 'kubelet') {
  if (t.reason) return t.reason;
  if (by === 'kubectl') return t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode ?? 0}`;
  if (t.oomKilled) return 'OOMKilled';
  return t.exitCode === 0 ? 'Completed' : 'Error';
}

/**
 * duration.HumanDuration (apimachinery): ~2-3 significant figures.
 * @param {number} ms
 */
export function humanDuration(ms) {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / 3600000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    return dy === 0 ? `${Math.trunc(hours / 24 / 365)}y` : `${Math.trunc(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/**
 * Parses a HumanDuration/ShortHumanDuration back into seconds (`2m46s`, `43m`, `5d1h`); null if not one.
 * @param {string} text
 * @returns {number | null}
 */
export function parseHumanDuration(text) {
  const t = text.trim();
  if (!/^(\d+[ydhms])+$/.test(t)) return null;
  /** @type {Record<string, number>} */
  const scale = { y: 365 * 86400, d: 86400, h: 3600, m: 60, s: 1 };
  let total = 0;
  for (const [, n, u] of t.matchAll(/(\d+)([ydhms])/g)) total += Number(n) * (scale[u ?? 's'] ?? 0);
  return total;
}

/**
 * READY, STATUS and RESTARTS of one pod, as `kubectl get pods` prints them at time `now`.
 * @param {Pod} pod
 * @param {{ now?: number }} [opts] now: epoch milliseconds (only used for the ages)
 * @returns {PodRow}
 */
export function printPod(pod, opts = {}) {
  const now = opts.now ?? Date.now();
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const meta = pod.metadata ?? {};

  let restarts = 0;
  let restartableInitContainerRestarts = 0;
  let totalContainers = (spec.containers ?? []).length;
  let readyContainers = 0;
  let lastRestartDate = 0;
  let lastRestartableInitContainerRestartDate = 0;

  const podPhase = status.phase ?? '';
  let reason = podPhase;
  if (status.reason) reason = status.reason;

  // If the Pod carries {type:PodScheduled, reason:SchedulingGated}, set reason to 'SchedulingGated'.
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  /** @type {Map<string, Container>} */
  const initContainers = new Map();
  for (const c of spec.initContainers ?? []) {
    initContainers.set(c.name, c);
    if (isRestartableInitContainer(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const container = /** @type {ContainerStatus} */ (initStatuses[i]);
    const state = container.state ?? {};
    const restartable = isRestartableInitContainer(initContainers.get(container.name));
    restarts += container.restartCount ?? 0;
    const lastFinished = epochMs(container.lastState?.terminated?.finishedAt);
    if (lastFinished !== null && lastRestartDate < lastFinished) lastRestartDate = lastFinished;
    if (restartable) {
      restartableInitContainerRestarts += container.restartCount ?? 0;
      if (lastFinished !== null && lastRestartableInitContainerRestartDate < lastFinished) {
        lastRestartableInitContainerRestartDate = lastFinished;
      }
    }
    if (state.terminated && (state.terminated.exitCode ?? 0) === 0) continue;
    if (restartable && container.started === true) {
      if (container.ready) readyContainers++;
      continue;
    }
    if (state.terminated) {
      // initialization is failed
      reason = `Init:${terminatedReason(state.terminated, 'kubectl')}`;
      initializing = true;
    } else if (state.waiting && state.waiting.reason && state.waiting.reason !== 'PodInitializing') {
      reason = `Init:${state.waiting.reason}`;
      initializing = true;
    } else {
      reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
      initializing = true;
    }
    break;
  }

  if (!initializing || conditionTrue(status.conditions, 'Initialized')) {
    restarts = restartableInitContainerRestarts;
    lastRestartDate = lastRestartableInitContainerRestartDate;
    let hasRunning = false;
    let errorReason = '';
    const statuses = status.containerStatuses ?? [];
    // kubectl walks the containers from the last to the first: the first container's state wins.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = /** @type {ContainerStatus} */ (statuses[i]);
      const state = container.state ?? {};
      restarts += container.restartCount ?? 0;
      const lastFinished = epochMs(container.lastState?.terminated?.finishedAt);
      if (lastFinished !== null && lastRestartDate < lastFinished) lastRestartDate = lastFinished;
      if (state.waiting && state.waiting.reason) {
        reason = state.waiting.reason;
      } else if (state.terminated) {
        reason = terminatedReason(state.terminated, 'kubectl');
        // PR #124766: remember a failed container's reason.
        if ((state.terminated.exitCode ?? 0) !== 0) errorReason = reason;
      } else if (container.ready && state.running) {
        hasRunning = true;
        readyContainers++;
      }
    }

    // change pod status back to "Running" if there is at least one container still reporting as "Running" status
    if (reason === 'Completed') {
      if (hasRunning && conditionTrue(status.conditions, 'Ready')) reason = 'Running';
      else if (errorReason !== '') reason = errorReason;
      else if (hasRunning) reason = 'NotReady';
    }
  }

  if (meta.deletionTimestamp && status.reason === NODE_UNREACHABLE) {
    reason = 'Unknown';
  } else if (meta.deletionTimestamp && podPhase !== 'Succeeded' && podPhase !== 'Failed') {
    reason = 'Terminating';
  }

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestartDate !== 0) {
    restartsText = `${restarts} (${humanDuration(now - lastRestartDate)} ago)`;
  }
  const created = epochMs(meta.creationTimestamp);
  return {
    name: meta.name ?? '',
    ready: `${readyContainers}/${totalContainers}`,
    status: reason,
    restarts,
    restartsText,
    lastRestartAt: lastRestartDate !== 0 ? new Date(lastRestartDate).toISOString() : null,
    age: created === null ? '<unknown>' : humanDuration(now - created),
  };
}
