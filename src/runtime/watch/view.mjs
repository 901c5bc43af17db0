// @ts-check
// The live crash-loop view: one line per change, a --json object per observed container state,
// the restart history for the timeline, and a final summary that holds what was seen against the
// kubelet's schedule. Pure: every time comes from the events (or an argument), never from a clock.
// watch (kubectl) and rehearse (Docker on the kubelet's schedule) both print through createView().
import { DEFAULT_SCHEDULE, goDuration, restartWindow } from '../kube/backoff.mjs';
import { humanDuration } from '../kube/podstatus.mjs';
import { epochMs } from '../plumbing/time.mjs';

/** @import { WatchEvent } from '../kube/events.mjs' */
/** @import { Schedule } from '../kube/backoff.mjs' */

/**
 * @typedef {object} JsonState  what --json prints per observed container state, and nothing else
 * @property {string | null} pod
 * @property {string | null} container
 * @property {string | null} status
 * @property {number | null} restarts
 * @property {number | null} lastExitCode
 * @property {string | null} lastReason
 * @property {number | null} backoffSeconds
 */

/**
 * @typedef {object} Restart
 * @property {number | null} t              seconds on the view's clock
 * @property {number} restartCount
 * @property {number | null} observedDelaySeconds  from the crash's finishedAt to the new startedAt
 * @property {number | null} kubeletDelaySeconds   the back-off the kubelet announced before it (0: restarted at once)
 */

/**
 * @typedef {object} Crash
 * @property {number | null} t
 * @property {number | null} exitCode
 * @property {string | null} reason
 */

/**
 * @typedef {object} Track  one container's history
 * @property {string | null} pod
 * @property {string | null} container
 * @property {number | null} firstRestarts
 * @property {WatchEvent | null} last
 * @property {number[]} backoffs        back-offs the kubelet announced, one per crash, in order
 * @property {Array<{ t: number | null, seconds: number }>} backoffMarks
 * @property {number | null} pendingBackoff the back-off announced since the last restart
 * @property {boolean} sawCrashLoop
 * @property {Restart[]} restarts
 * @property {Crash[]} crashes
 * @property {string | null} lastFinishedAt
 */

/**
 * The fields of --json, in order. Nothing else is printed.
 * @param {WatchEvent} e
 * @returns {JsonState}
 */
export function jsonState(e) {
  return {
    pod: e.pod,
    container: e.container,
    status: e.status,
    restarts: e.restarts,
    lastExitCode: e.lastExitCode,
    lastReason: e.lastReason,
    backoffSeconds: e.backoffSeconds,
  };
}

/**
 * When the next restart comes, as the kubelet will do it: a window that opens when the back-off
 * expires and closes when the kubelet's jittered retry has surely started the container
 * (restartWindow in backoff.mjs), counted from `nowS`.
 * @param {number} finishedS the crash, seconds
 * @param {number} backoffSeconds
 * @param {number} nowS
 */
export function nextRestart(finishedS, backoffSeconds, nowS) {
  const w = restartWindow(backoffSeconds);
  const opens = finishedS + w.earliestSeconds - nowS;
  const closes = finishedS + w.latestSeconds - nowS;
  if (opens > 0.5) return `next restart in ${shortDuration(opens)}-${shortDuration(closes)}`;
  if (closes > 0.5) return `restart due, within ${shortDuration(closes)}`;
  return 'restart due now';
}

/**
 * Seconds as a short clock reading: 0s, 9s, 1m20s, 1h2m (whole seconds, Go style without `0s` tails).
 * @param {number} s
 */
export function shortDuration(s) {
  const whole = Math.max(0, Math.round(s));
  if (whole < 60) return `${whole}s`;
  const m = Math.floor(whole / 60);
  if (m < 60) return `${m}m${whole % 60}s`;
  return `${Math.floor(m / 60)}h${m % 60}m`;
}

/** A terminated-looking STATUS: the container has just exited (kubectl's reasons for it). */
const EXITED = /^(Error|Completed|OOMKilled|ContainerCannotRun|StartError|ExitCode:\d+|Signal:\d+)$/;

/**
 * Does a seen sequence of back-offs follow the kubelet's doubling schedule from where it starts?
 * @param {number[]} seen
 * @param {Schedule} s
 * @returns {{ expected: number[], matches: boolean }}
 */
export function compareWithSchedule(seen, s) {
  if (seen.length === 0) return { expected: [], matches: true };
  /** @type {number[]} */
  const ladder = [];
  for (let d = s.initialSeconds; ; d *= 2) {
    if (d >= s.maxSeconds) {
      ladder.push(s.maxSeconds);
      break;
    }
    ladder.push(d);
  }
  // Join the ladder at the first value seen (a watch may start in the middle of a loop).
  const startAt = ladder.indexOf(/** @type {number} */ (seen[0]));
  const from = startAt === -1 ? 0 : startAt;
  const expected = seen.map((_, i) => ladder[Math.min(from + i, ladder.length - 1)] ?? s.maxSeconds);
  return { expected, matches: startAt !== -1 && expected.every((d, i) => d === seen[i]) };
}

/**
 * @param {{ schedule?: Schedule }} [opts] schedule: the one the demo expects (default or --fast-backoff)
 */
export function createView(opts = {}) {
  const schedule = opts.schedule ?? DEFAULT_SCHEDULE;
  /** @type {Map<string, Track>} */
  const tracks = new Map();
  /** @type {number | null} */
  let origin = null;
  let clock = /** @type {'time' | 'age' | null} */ (null);
  let count = 0;

  /** @param {string | null} iso */
  const tOf = (iso) => {
    const v = epochMs(iso);
    if (v === null || origin === null) return null;
    return (v - origin) / 1000;
  };

  /** @param {WatchEvent} e */
  const eventT = (e) => {
    if (e.time) {
      const v = /** @type {number} */ (epochMs(e.time));
      if (origin === null) origin = v;
      clock ??= 'time';
      return (v - origin) / 1000;
    }
    if (e.ageSeconds !== null) {
      clock ??= 'age';
      return e.ageSeconds;
    }
    return null;
  };

  /**
   * Takes one event: updates the history and returns its line and its --json object.
   * @param {WatchEvent} e
   * @returns {{ line: string, json: JsonState, restart: Restart | null, crash: Crash | null }}
   */
  function update(e) {
    count++;
    const key = `${e.pod ?? ''}/${e.container ?? ''}`;
    let track = tracks.get(key);
    if (!track) {
      track = {
        pod: e.pod,
        container: e.container,
        firstRestarts: e.restarts,
        last: null,
        backoffs: [],
        backoffMarks: [],
        pendingBackoff: null,
        sawCrashLoop: false,
        restarts: [],
        crashes: [],
        lastFinishedAt: null,
      };
      tracks.set(key, track);
    }
    const t = eventT(e);
    const prev = track.last;

    /** @type {Crash | null} */
    let crash = null;
    if (e.lastFinishedAt && e.lastFinishedAt !== track.lastFinishedAt) {
      // A termination we had not seen (the first one may predate the watch: it still happened then).
      crash = { t: tOf(e.lastFinishedAt) ?? t, exitCode: e.lastExitCode, reason: e.lastReason };
      track.lastFinishedAt = e.lastFinishedAt;
    } else if (!e.lastFinishedAt && e.status && EXITED.test(e.status) && prev?.status !== e.status) {
      crash = { t, exitCode: e.lastExitCode, reason: e.lastReason ?? e.status };
    }
    if (crash) track.crashes.push(crash);

    // A new back-off: one per crash, told by its message (or a new value of it).
    if (e.backoffSeconds !== null) {
      if (crash !== null || track.pendingBackoff === null || prev?.backoffSeconds !== e.backoffSeconds) {
        track.backoffs.push(e.backoffSeconds);
        track.backoffMarks.push({ t: tOf(e.lastFinishedAt) ?? crash?.t ?? t, seconds: e.backoffSeconds });
      }
      track.pendingBackoff = e.backoffSeconds;
    }
    if (e.status === 'CrashLoopBackOff') track.sawCrashLoop = true;

    /** @type {Restart | null} */
    let restart = null;
    if (prev && prev.restarts !== null && e.restarts !== null && e.restarts > prev.restarts) {
      const started = epochMs(e.startedAt);
      const finished = epochMs(e.lastFinishedAt);
      const observed = started !== null && finished !== null ? (started - finished) / 1000 : null;
      // Restart 1 is immediate on every kubelet; later ones wait for the announced back-off.
      const kubelet = track.pendingBackoff ?? (e.restarts === 1 ? 0 : null);
      restart = {
        t: tOf(e.startedAt) ?? t,
        restartCount: e.restarts,
        observedDelaySeconds: observed,
        kubeletDelaySeconds: kubelet,
      };
      track.restarts.push(restart);
      track.pendingBackoff = null;
    }
    track.last = e;
    return { line: formatLine(e, t, restart), json: jsonState(e), restart, crash };
  }

  /**
   * @param {WatchEvent} e
   * @param {number | null} t
   * @param {Restart | null} restart
   */
  function formatLine(e, t, restart) {
    const when = t === null ? '' : clock === 'age' ? `age ${humanDuration(t * 1000)}` : `+${shortDuration(t)}`;
    const last =
      e.lastExitCode !== null
        ? `exit ${e.lastExitCode}${e.lastReason ? ` ${e.lastReason}` : ''}`
        : e.lastReason ?? '-';
    const cells = [
      when.padEnd(10),
      (e.pod ?? '?').padEnd(28),
      (e.container ?? '-').padEnd(12),
      (e.ready ?? '-').padEnd(5),
      (e.status ?? '?').padEnd(26),
      String(e.restarts ?? '?').padEnd(4),
      last.padEnd(16),
    ];
    const notes = [];
    if (e.backoffSeconds !== null) {
      let note = `kubelet back-off ${goDuration(e.backoffSeconds)}`;
      const finished = epochMs(e.lastFinishedAt);
      const now = epochMs(e.time);
      if (finished !== null && now !== null) {
        note += `, ${nextRestart(finished / 1000, e.backoffSeconds, now / 1000)}`;
      }
      notes.push(note);
    }
    if (restart) {
      const observed = restart.observedDelaySeconds;
      const kubelet = restart.kubeletDelaySeconds;
      let note = `restart #${restart.restartCount}`;
      if (observed !== null) note += ` after ${shortDuration(observed)}`;
      if (kubelet !== null) note += kubelet === 0 ? ' (kubelet: at once)' : ` (kubelet back-off ${goDuration(kubelet)})`;
      notes.push(note);
    }
    return (cells.join(' ') + ' ' + notes.join('; ')).trimEnd();
  }

  /** The column titles of the text view. */
  function header() {
    return [
      'TIME'.padEnd(10),
      'POD'.padEnd(28),
      'CONTAINER'.padEnd(12),
      'READY',
      'STATUS'.padEnd(26),
      'RST'.padEnd(4),
      'LAST EXIT'.padEnd(16),
      'KUBELET',
    ].join(' ');
  }

  /**
   * While a container waits out its back-off: the time left at `nowMs` (for a ticking line).
   * @param {number} nowMs
   * @returns {string | null}
   */
  function countdown(nowMs) {
    const parts = [];
    for (const track of tracks.values()) {
      const e = track.last;
      if (!e || e.status !== 'CrashLoopBackOff' || e.backoffSeconds === null) continue;
      const finished = epochMs(e.lastFinishedAt);
      if (finished === null) continue;
      parts.push(`${e.pod}/${e.container}: ${nextRestart(finished / 1000, e.backoffSeconds, nowMs / 1000)} (back-off ${goDuration(e.backoffSeconds)})`);
    }
    return parts.length > 0 ? parts.join('  ') : null;
  }

  /** What was seen, per container, against the schedule. */
  function summaryData() {
    const containers = [...tracks.values()].map((track) => {
      const cmp = compareWithSchedule(track.backoffs, schedule);
      const e = track.last;
      return {
        pod: track.pod,
        container: track.container,
        status: e?.status ?? null,
        firstRestarts: track.firstRestarts,
        lastRestarts: e?.restarts ?? null,
        restartsObserved: track.restarts.length,
        lastExitCode: e?.lastExitCode ?? null,
        lastReason: e?.lastReason ?? null,
        reachedCrashLoopBackOff: track.sawCrashLoop,
        backoffs: track.backoffs,
        expectedBackoffs: cmp.expected,
        matchesSchedule: cmp.matches,
        observedDelays: track.restarts.map((r) => r.observedDelaySeconds),
      };
    });
    return { events: count, schedule: schedule.name, containers };
  }

  /** The summary as text. */
  function summary() {
    const data = summaryData();
    const lines = [`Summary: ${data.events} change(s) seen; schedule: ${data.schedule}`];
    for (const c of data.containers) {
      const who = c.container ? `${c.pod ?? '?'} / ${c.container}` : `${c.pod ?? '?'}`;
      const restarts =
        c.firstRestarts !== null && c.lastRestarts !== null && c.firstRestarts !== c.lastRestarts
          ? `restarts ${c.firstRestarts} -> ${c.lastRestarts}`
          : `restarts ${c.lastRestarts ?? '?'}`;
      const last = c.lastExitCode !== null ? `, last exit ${c.lastExitCode}${c.lastReason ? ` (${c.lastReason})` : ''}` : '';
      lines.push(`  ${who}: ${c.status ?? '?'}, ${restarts}${last}`);
      if (c.backoffs.length > 0) {
        lines.push(`    kubelet back-offs seen: ${c.backoffs.map(goDuration).join(' ')}`);
        lines.push(
          `    the schedule says:      ${c.expectedBackoffs.map(goDuration).join(' ')}  ${c.matchesSchedule ? 'match' : 'DIFFERENT: another schedule, a reset (a run over ' + goDuration(schedule.resetAfterSeconds) + '), or missed changes'}`,
        );
      }
      const observed = c.observedDelays.filter((d) => d !== null);
      if (observed.length > 0) {
        lines.push(`    observed restart delays: ${observed.map((d) => shortDuration(/** @type {number} */ (d))).join(' ')}`);
      }
    }
    return lines.join('\n');
  }

  /** The restart history for timeline-svg.mjs. */
  function timeline() {
    return {
      clock: clock ?? 'time',
      origin: origin === null ? null : new Date(origin).toISOString(),
      schedule,
      containers: [...tracks.values()].map((track) => ({
        label: track.container ? `${track.pod ?? '?'} / ${track.container}` : track.pod ?? '?',
        crashes: track.crashes,
        restarts: track.restarts,
        backoffs: track.backoffMarks,
      })),
    };
  }

  return { update, header, countdown, summary, summaryData, timeline };
}

