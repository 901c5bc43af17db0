// @ts-check
// The kubelet's crash-loop restart schedule, as pure functions of time given in seconds.
//
// Ported from (see create-crash-demo's docs/FACTS.md §4):
// - kubernetes/kubernetes pkg/kubelet/kubelet.go: initialCrashLoopBackOff = 10s,
//   MaxCrashLoopBackOff = 300s, reducedInitialCrashLoopBackOff = 1s, reducedMaxCrashLoopBackOff = 60s,
//   and newCrashLoopBackOff() (feature gates ReduceDefaultCrashLoopBackOffDecay and
//   KubeletCrashLoopBackOffMax; a node's maxContainerRestartPeriod wins, and lowers the initial
//   delay when it is smaller).
// - client-go util/flowcontrol/backoff.go: Next() doubles up to the max; hasExpired() forgives
//   everything after 2 x max without an update ("consider stable if it's ok for twice the
//   maxDuration"), which is the 600 s of the default schedule.
// - pkg/kubelet/kuberuntime/kuberuntime_manager.go doBackOff(): the waiting message
//   `back-off %s restarting failed container=%s pod=%s` with format.Pod() = `<name>_<ns>(<uid>)`,
//   and the event `Back-off restarting failed container %s in pod %s`.
// rehearse (Docker restarts on the kubelet's schedule) and watch (what a cluster did) share this file.

/**
 * @typedef {object} Schedule
 * @property {string} name           how the schedule came about, for people
 * @property {number} initialSeconds the first back-off (after the 2nd crash; the 1st restart is immediate)
 * @property {number} maxSeconds     the cap
 * @property {number} resetAfterSeconds no restart for this long forgives the back-off (2 x max)
 */

/**
 * @param {string} name
 * @param {number} initialSeconds
 * @param {number} maxSeconds
 * @returns {Schedule}
 */
function schedule(name, initialSeconds, maxSeconds) {
  return Object.freeze({ name, initialSeconds, maxSeconds, resetAfterSeconds: 2 * maxSeconds });
}

/** Every kubelet without the KEP-4603 gates: 10s, 20s, 40s, 80s, 160s, then 300s. */
export const DEFAULT_SCHEDULE = schedule('kubelet default (10s doubling, 5m0s cap)', 10, 300);

/**
 * The schedule a kubelet uses for the given KEP-4603 settings: a port of newCrashLoopBackOff().
 * @param {{ reduceDefaultDecay?: boolean, maxContainerRestartPeriod?: number | null }} [settings]
 *   reduceDefaultDecay: feature gate ReduceDefaultCrashLoopBackOffDecay (1s initial, 60s cap);
 *   maxContainerRestartPeriod: seconds (1..300) from the node's KubeletConfiguration
 *   crashLoopBackOff.maxContainerRestartPeriod (feature gate KubeletCrashLoopBackOffMax).
 * @returns {Schedule}
 */
export function kubeletSchedule(settings = {}) {
  const reduced = settings.reduceDefaultDecay === true;
  let initial = reduced ? 1 : 10;
  let max = reduced ? 60 : 300;
  const period = settings.maxContainerRestartPeriod;
  if (period !== undefined && period !== null) {
    if (!Number.isFinite(period) || period < 1 || period > 300) {
      throw new RangeError(
        `maxContainerRestartPeriod=${period}: the kubelet accepts 1s to 300s (KubeletConfiguration crashLoopBackOff.maxContainerRestartPeriod)`,
      );
    }
    max = period;
    if (max < initial) initial = max;
  }
  if (!reduced && (period === undefined || period === null)) return DEFAULT_SCHEDULE;
  const parts = [];
  if (reduced) parts.push('ReduceDefaultCrashLoopBackOffDecay');
  if (period !== undefined && period !== null) parts.push(`maxContainerRestartPeriod ${goDuration(period)}`);
  return schedule(`kubelet with ${parts.join(' + ')} (${goDuration(initial)} doubling, ${goDuration(max)} cap)`, initial, max);
}

/**
 * The schedule a demo generated with --fast-backoff expects (KEP-4603 gate on, optional node cap).
 * @param {{ maxContainerRestartPeriod?: number | null }} [settings]
 */
export function fastSchedule(settings = {}) {
  return kubeletSchedule({ reduceDefaultDecay: true, maxContainerRestartPeriod: settings.maxContainerRestartPeriod ?? null });
}

/**
 * How long the kubelet waits before restart number `n` (1-based) of a container that keeps crashing
 * quickly (never running for resetAfterSeconds): restart 1 is immediate, then initial, doubling, cap.
 * @param {number} n
 * @param {Schedule} [s]
 */
export function delayBeforeRestart(n, s = DEFAULT_SCHEDULE) {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`restart number ${n}: must be an integer >= 1`);
  if (n === 1) return 0;
  // Doubling from the initial value, stopping at the cap (no overflow for large n).
  let d = s.initialSeconds;
  for (let i = 2; i < n && d < s.maxSeconds; i++) d *= 2;
  return Math.min(d, s.maxSeconds);
}

/**
 * The first `count` waits of a crash loop: [0, 10, 20, 40, 80, 160, 300, ...] by default.
 * @param {number} count
 * @param {Schedule} [s]
 */
export function scheduleDelays(count, s = DEFAULT_SCHEDULE) {
  return Array.from({ length: count }, (_, i) => delayBeforeRestart(i + 1, s));
}

/**
 * The back-off values the kubelet writes into its messages, in order: [10, 20, 40, 80, 160, 300, 300...].
 * @param {number} count
 * @param {Schedule} [s]
 */
export function backoffSequence(count, s = DEFAULT_SCHEDULE) {
  return Array.from({ length: count }, (_, i) => delayBeforeRestart(i + 2, s));
}

// ---- When the restart really comes ---------------------------------------------------------------
// The back-off is the earliest a restart may come, not when it comes. A sync that finds the container
// still backing off fails, and the pod worker requeues the pod (pkg/kubelet/pod_workers.go
// completeWork). Since Kubernetes 1.35 it requeues for the back-off's expiry
// (kubecontainer.MinBackoffExpiration), the time left d capped at the kubelet's resync interval
// (SyncFrequency, 1m) and jittered by wait.Jitter(d, 0.5): anywhere from d to 1.5 x d. So a restart
// comes up to half its back-off late, and never more than half a resync interval (30s) late. Then the
// sync loop's 1 s tick picks the pod up and the runtime starts the container. Kubelets before 1.35
// requeued every wait.Jitter(10s, 0.5) whatever the back-off, so there a restart can come up to 15s
// late even for a 1s back-off. create-crash-demo's prediction is the 1.35+ one (1.34 is past its end
// of life); docs/FACTS.md §4 has the measured lateness per version.

/** The kubelet's default resync interval (KubeletConfiguration syncFrequency). */
export const KUBELET_RESYNC_SECONDS = 60;
/** wait.Jitter's factor in the pod worker's requeue (workerBackOffPeriodJitterFactor). */
const REQUEUE_JITTER = 0.5;
/**
 * From the requeue firing to the new container's start: the sync loop's 1 s tick, the sync and
 * the runtime's create and start, on a busy 2-core node (measured: docs/FACTS.md §4).
 */
export const START_LAG_SECONDS = 3;

/**
 * When restart number-whatever with this back-off comes, in seconds after the crash: never before
 * the back-off, at the latest the back-off plus the requeue's jitter plus the start lag.
 * `jitterSeconds` is the part that is random; rehearse draws from it as the kubelet does.
 * @param {number} backoffSeconds 0 for the first restart (at once)
 * @returns {{ earliestSeconds: number, latestSeconds: number, jitterSeconds: number }}
 */
export function restartWindow(backoffSeconds) {
  const jitterSeconds = REQUEUE_JITTER * Math.min(backoffSeconds, KUBELET_RESYNC_SECONDS);
  return { earliestSeconds: backoffSeconds, latestSeconds: backoffSeconds + jitterSeconds + START_LAG_SECONDS, jitterSeconds };
}

/**
 * @typedef {object} BackoffEntry  client-go's per-container backoffEntry
 * @property {number} backoffSeconds the current back-off
 * @property {number} lastUpdate     when Next() last ran (= the last restart), seconds
 */

/**
 * What the kubelet does when a container exits at `finishedAt` (seconds): a port of doBackOff() +
 * client-go Backoff.IsInBackOffSince()/Next(), and of the pod worker's jittered requeue.
 * @param {BackoffEntry | null} entry the state after the previous restart (null: never restarted)
 * @param {number} finishedAt
 * @param {Schedule} [s]
 * @param {number} [draw] where in the requeue's jitter the restart falls, 0..1 (0: at the back-off's
 *   expiry; rehearse passes Math.random(), as wait.Jitter does)
 * @returns {{ backoffSeconds: number | null, restartAt: number, entry: BackoffEntry }}
 *   backoffSeconds: the duration in the CrashLoopBackOff message, or null for an immediate restart.
 */
export function planRestart(entry, finishedAt, s = DEFAULT_SCHEDULE, draw = 0) {
  const expired = entry === null || finishedAt - entry.lastUpdate > s.resetAfterSeconds;
  if (expired) {
    // No entry (or forgiven): IsInBackOffSince is false, restart at once; Next() starts at initial.
    return { backoffSeconds: null, restartAt: finishedAt, entry: { backoffSeconds: s.initialSeconds, lastUpdate: finishedAt } };
  }
  if (!(draw >= 0 && draw <= 1)) throw new RangeError(`draw ${draw}: must be from 0 to 1`);
  const restartAt = finishedAt + entry.backoffSeconds + draw * restartWindow(entry.backoffSeconds).jitterSeconds;
  return {
    backoffSeconds: entry.backoffSeconds,
    restartAt,
    entry: { backoffSeconds: Math.min(entry.backoffSeconds * 2, s.maxSeconds), lastUpdate: restartAt },
  };
}

const UNITS = /** @type {const} */ ([
  ['h', 3600],
  ['m', 60],
  ['s', 1],
  ['ms', 1e-3],
  ['us', 1e-6],
  ['µs', 1e-6],
  ['ns', 1e-9],
]);

/**
 * Go's time.Duration.String() for a number of seconds: 10s, 1m20s, 2m40s, 5m0s, 1h0m0s, 1.5s, 500ms.
 * @param {number} seconds
 */
export function goDuration(seconds) {
  if (!Number.isFinite(seconds)) throw new RangeError(`duration ${seconds}: not a number of seconds`);
  const neg = seconds < 0;
  // Whole nanoseconds, like a Go Duration.
  let ns = Math.round(Math.abs(seconds) * 1e9);
  let out;
  if (ns === 0) out = '0s';
  else if (ns < 1e3) out = `${ns}ns`;
  else if (ns < 1e6) out = `${trimFraction(ns / 1e3)}µs`;
  else if (ns < 1e9) out = `${trimFraction(ns / 1e6)}ms`;
  else {
    const h = Math.floor(ns / 3600e9);
    ns -= h * 3600e9;
    const m = Math.floor(ns / 60e9);
    ns -= m * 60e9;
    const s = `${trimFraction(ns / 1e9)}s`;
    out = h > 0 ? `${h}h${m}m${s}` : m > 0 ? `${m}m${s}` : s;
  }
  return neg ? `-${out}` : out;
}

/** @param {number} x */
function trimFraction(x) {
  return String(Number(x.toFixed(9)));
}

/**
 * Parses a Go duration (`5m0s`, `1m20s`, `300ms`) into seconds; null when it is not one.
 * @param {string} text
 * @returns {number | null}
 */
export function parseGoDuration(text) {
  const t = text.trim();
  if (!/^-?(\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$/.test(t)) return null;
  let total = 0;
  for (const [, num, unit] of t.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) {
    const scale = UNITS.find(([u]) => u === unit)?.[1] ?? 0;
    total += Number(num) * scale;
  }
  total = Number(total.toFixed(9));
  return t.startsWith('-') ? -total : total;
}

/**
 * The schedule a recording was made against, from its header: `schedule` (the name) and `backoff`
 * ({ initialSeconds, maxSeconds }); a header from before `backoff` was written gives the name only,
 * which ends in "(<initial> doubling, <cap> cap)". null when the header says neither.
 * @param {{ schedule?: unknown, backoff?: unknown }} header
 * @returns {Schedule | null}
 */
export function scheduleFromRecording(header) {
  if (typeof header.schedule !== 'string') return null;
  const b = /** @type {{ initialSeconds?: unknown, maxSeconds?: unknown } | null} */ (
    typeof header.backoff === 'object' && header.backoff !== null ? header.backoff : null
  );
  if (typeof b?.initialSeconds === 'number' && typeof b.maxSeconds === 'number' && b.initialSeconds > 0 && b.maxSeconds >= b.initialSeconds) {
    return schedule(header.schedule, b.initialSeconds, b.maxSeconds);
  }
  const m = /\((\S+) doubling, (\S+) cap\)$/.exec(header.schedule);
  const initial = m?.[1] ? parseGoDuration(m[1]) : null;
  const max = m?.[2] ? parseGoDuration(m[2]) : null;
  return initial !== null && max !== null && initial > 0 && max >= initial ? schedule(header.schedule, initial, max) : null;
}

/**
 * format.Pod() of the kubelet: `<name>_<namespace>(<uid>)`.
 * @param {{ pod: string, namespace: string, uid: string }} p
 */
export function kubeletPodRef(p) {
  return `${p.pod}_${p.namespace}(${p.uid})`;
}

/**
 * The waiting message of a container in CrashLoopBackOff, in the kubelet's words.
 * @param {{ backoffSeconds: number, container: string, pod: string, namespace: string, uid: string }} p
 */
export function backoffMessage(p) {
  return `back-off ${goDuration(p.backoffSeconds)} restarting failed container=${p.container} pod=${kubeletPodRef(p)}`;
}

/**
 * The Warning/BackOff event message of kubelets since 1.26 (older ones said only the first four words).
 * @param {{ container: string, pod: string, namespace: string, uid: string }} p
 */
export function backoffEventMessage(p) {
  return `Back-off restarting failed container ${p.container} in pod ${kubeletPodRef(p)}`;
}

/**
 * @typedef {object} ParsedBackoff
 * @property {'waiting' | 'event'} form waiting: container state message; event: a BackOff event
 * @property {number | null} backoffSeconds null for the event form, which carries no duration
 * @property {string | null} duration the Go duration as written
 * @property {string | null} container
 * @property {string | null} pod
 * @property {string | null} namespace
 * @property {string | null} uid
 * @property {string} text the message exactly as found (whitespace runs folded to one space)
 */

// Pod names and namespaces are DNS names: no `_`, `(` or whitespace, so format.Pod() splits cleanly.
const POD_REF = String.raw`([^_\s()]+)_([^_\s()]+)\(([^)\s]*)\)`;
// Kubelets before 1.26 (dockertools and early kuberuntime) wrote "Back-off", later "back-off".
const WAITING_RE = new RegExp(
  String.raw`[Bb]ack-off\s+(\S+)\s+restarting\s+failed\s+container=(\S+)\s+pod=${POD_REF}`,
  'g',
);
const EVENT_RE = new RegExp(
  String.raw`Back-off\s+restarting\s+failed\s+(?:docker\s+)?container(?:\s+(\S+)\s+in\s+pod\s+${POD_REF})?`,
  'g',
);

/**
 * Every kubelet back-off message in a text (a waiting message, a describe event, a tool's output).
 * @param {string} text
 * @returns {ParsedBackoff[]}
 */
export function findBackoffMessages(text) {
  /** @type {Array<ParsedBackoff & { index: number }>} */
  const found = [];
  for (const m of text.matchAll(WAITING_RE)) {
    const secs = parseGoDuration(m[1] ?? '');
    found.push({
      index: m.index ?? 0,
      form: 'waiting',
      backoffSeconds: secs,
      duration: m[1] ?? null,
      container: m[2] ?? null,
      pod: m[3] ?? null,
      namespace: m[4] ?? null,
      uid: m[5] ?? null,
      text: m[0].replace(/\s+/g, ' '),
    });
  }
  for (const m of text.matchAll(EVENT_RE)) {
    found.push({
      index: m.index ?? 0,
      form: 'event',
      backoffSeconds: null,
      duration: null,
      container: m[1] ?? null,
      pod: m[2] ?? null,
      namespace: m[3] ?? null,
      uid: m[4] ?? null,
      text: m[0].replace(/\s+/g, ' '),
    });
  }
  return found.sort((a, b) => a.index - b.index).map(({ index: _index, ...rest }) => rest);
}

/**
 * The first back-off message in a text, or null.
 * @param {string | null | undefined} text
 * @returns {ParsedBackoff | null}
 */
export function parseBackoffMessage(text) {
  if (!text) return null;
  return findBackoffMessages(text)[0] ?? null;
}

/**
 * The schedule a kind cluster's kubelet uses, from its config (kind-config.yaml as parsed YAML):
 * featureGates.ReduceDefaultCrashLoopBackOffDecay, and crashLoopBackOff.maxContainerRestartPeriod
 * from a KubeletConfiguration in kubeadmConfigPatches (each patch is a YAML string: pass a parser).
 * @param {unknown} config
 * @param {(text: string) => unknown} parseYaml
 * @returns {Schedule}
 */
export function scheduleFromKindConfig(config, parseYaml) {
  const c = /** @type {{ featureGates?: Record<string, unknown>, kubeadmConfigPatches?: unknown[] }} */ (config ?? {});
  const reduceDefaultDecay = c.featureGates?.['ReduceDefaultCrashLoopBackOffDecay'] === true;
  /** @type {number | null} */
  let maxContainerRestartPeriod = null;
  for (const patch of c.kubeadmConfigPatches ?? []) {
    if (typeof patch !== 'string') continue;
    const doc = /** @type {{ kind?: string, crashLoopBackOff?: { maxContainerRestartPeriod?: unknown } } | null} */ (parseYaml(patch));
    const period = doc?.kind === 'KubeletConfiguration' ? doc.crashLoopBackOff?.maxContainerRestartPeriod : undefined;
    if (typeof period === 'string') maxContainerRestartPeriod = parseGoDuration(period);
  }
  return kubeletSchedule({ reduceDefaultDecay, maxContainerRestartPeriod });
}

/**
 * The schedule a demo runs on (watch compares with it, rehearse follows it): the kubelet default, or the one a --fast-backoff demo's kind cluster uses
 * (read from its kind-config.yaml when there is one).
 * @param {boolean} fast
 * @param {string | null} kindConfigText kind-config.yaml's text, or null when the project has none
 * @param {(text: string) => unknown} parseYaml
 * @returns {Schedule}
 */
export function demoSchedule(fast, kindConfigText, parseYaml) {
  if (!fast) return DEFAULT_SCHEDULE;
  if (kindConfigText !== null) return scheduleFromKindConfig(parseYaml(kindConfigText), parseYaml);
  return fastSchedule();
}
