// @ts-check
// rehearse's run: the restart loop (rehearsal.mjs) on the real engine, with what a pod would have
// around it: a readiness check on loopback, the crash fired on c or by --times, the app's own crash
// lines as they happen, exits that were not the demo's crash said as such; and at the end the
// container removed, the summary and the SVG, whatever ended it (--until, q, Ctrl-C, kill, a closed
// terminal, or the container removed from outside).
import { randomUUID } from 'node:crypto';
import { compactJson, fail, note, onKeys, onStop } from '../plumbing/cli.mjs';
import { postCrash } from '../crash/crashbutton.mjs';
import { cliEngine, ContainerGone, CRASH_MARK, crashLogged, followLogs, watchContainer } from '../plumbing/engine.mjs';
import { closingLines } from './rehearsal-text.mjs';
import { createPodState, realClock, runRehearsal } from './rehearsal.mjs';
import { createPrinter, createRecording } from '../watch/viewer.mjs';

/**
 * @typedef {object} SessionConfig  what a speaker may tune: the script's config block
 * @property {string} container the container's name in k8s/, so the kubelet's messages read the same
 * @property {{ periodMs: number, timeoutMs: number, failureThreshold: number }} readiness as the pod's readinessProbe
 * @property {number} unreachableHintAfter unanswered readiness checks after a start before saying what may be wrong
 * @property {number} refireMs --times: the least time between two POSTs, so one crash is not fired twice while it happens
 * @property {RegExp} keyLogLine the app's own lines worth showing as they happen
 */

/**
 * @typedef {import('./rehearsal-plan.mjs').RehearsalPlan & SessionConfig & {
 *   record: string | null, svg: string | null,
 *   start: () => Promise<unknown>, remove: () => Promise<unknown>,
 * }} SessionOptions  start: the engine's run command; remove: its rm --force
 */

/** @typedef {ReturnType<typeof createPrinter>} Printer */

/** A POST on loopback that has no answer after this long has none coming. */
const POST_TIMEOUT_MS = 5000;

/**
 * POST /crash on loopback, as npm run crash does through a port-forward.
 * @param {number} port
 * @returns {Promise<string>} one line: the app's answer, or why there was none
 */
async function pressCrash(port) {
  const url = `http://127.0.0.1:${port}/crash`;
  try {
    const { status, body } = await postCrash(url, { timeoutMs: POST_TIMEOUT_MS });
    return `POST /crash: ${status} ${compactJson(body)}`;
  } catch (err) {
    return `POST ${url} failed: ${err instanceof Error ? err.message : err}`;
  }
}

/**
 * POSTs to /crash: when c is pressed, or --times each time the app is ready again.
 * @param {SessionOptions} o
 * @param {Printer} printer
 */
function createFiring(o, printer) {
  let fired = 0;
  let lastFire = 0;
  /** @param {string} why */
  const fire = async (why) => {
    if (o.probePort === null) return;
    fired++;
    lastFire = Date.now();
    const answer = await pressCrash(o.probePort);
    printer.note(`${why}: ${answer}`);
  };
  return {
    fire,
    /** The app answered its readiness check: --times fires the next crash, unless one is under way. */
    ready() {
      if (o.times !== null && fired < o.times && Date.now() - lastFire >= o.refireMs) void fire(`crash ${fired + 1}/${o.times}`);
    },
  };
}

/** @param {string} url @param {number} timeoutMs */
async function answers(url, timeoutMs) {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const ok = r.status >= 200 && r.status < 400;
    await r.arrayBuffer();
    return ok;
  } catch {
    return false;
  }
}

/**
 * Readiness on loopback, like the pod's readinessProbe (failureThreshold); a start is not ready yet.
 * @param {SessionOptions} o
 * @param {{ running: () => boolean, signal: AbortSignal, printer: Printer, ready: () => void, setReady: (ok: boolean) => void }} on
 */
function startReadiness(o, on) {
  const port = o.probePort;
  if (port === null) return { started() {}, stop() {} };
  let generation = 0; // one per container start, so a late answer is not taken for the next run
  let failures = 0;
  let everReady = false;
  let hinted = false; // the app was never reached: said once
  const check = async () => {
    if (!on.running() || on.signal.aborted) return;
    const gen = generation;
    const ok = await answers(`http://127.0.0.1:${port}/readyz`, o.readiness.timeoutMs);
    if (gen !== generation || on.signal.aborted) return;
    failures = ok ? 0 : failures + 1;
    if (ok) on.ready();
    if (!ok && !hinted && !everReady && failures === o.unreachableHintAfter) {
      hinted = true;
      on.printer.note(
        `no answer on 127.0.0.1:${port}/readyz for ${(o.unreachableHintAfter * o.readiness.periodMs) / 1000}s after the start, so READY stays 0/1. ` +
          `If ${o.engine} has no bridge network here (dockerd --bridge=none, rootless podman), try --network host; or --no-publish to rehearse without the check`,
      );
    }
    if (ok) everReady = true;
    if (!ok && failures < o.readiness.failureThreshold) return;
    on.setReady(ok);
  };
  const timer = setInterval(check, o.readiness.periodMs);
  return {
    started() {
      generation++;
      failures = 0;
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * Runs the rehearsal until --until, q, a signal, or the container's removal from outside; then
 * removes the container and says what was seen.
 * @param {SessionOptions} o
 */
export async function rehearse(o) {
  const printer = createPrinter({ schedule: o.schedule, json: o.json, until: o.until, ticking: true });
  const id = { pod: o.name, namespace: o.options.namespace, uid: randomUUID(), container: o.container };
  const podState = createPodState({ ...id, creationTimestamp: new Date().toISOString() });
  const recording = createRecording(o.record, [o.engine, ...o.argv], o.schedule);
  const ac = new AbortController();
  // Ctrl-C, kill, a closed terminal: stop, remove the container, the summary and the SVG, exit 128 + signal.
  const signals = onStop(() => ac.abort());
  /** @type {import('./rehearsal-text.mjs').Seen & { gone: boolean, removing: boolean }} */
  const seen = { crashLines: 0, outsideKills: [], quit: false, reached: false, gone: false, removing: false };
  const firing = createFiring(o, printer);
  const keys = onKeys({
    c: () => (o.cannotFire ? note(`c: ${o.cannotFire}`) : void firing.fire('c pressed')),
    q: () => {
      seen.quit = true;
      ac.abort();
    },
  });
  let running = false;
  /** @param {string} time @param {import('../kube/podstatus.mjs').Pod} pod @returns {boolean} true: --until is met */
  const emit = (time, pod) => {
    running = Boolean(pod.status?.containerStatuses?.[0]?.state?.running);
    recording.write(time, pod);
    return printer.show({ time, pod });
  };
  const readiness = startReadiness(o, {
    running: () => running,
    signal: ac.signal,
    printer,
    ready: firing.ready,
    setReady: (ok) => {
      const pod = podState.setReady(ok);
      if (pod && emit(new Date().toISOString(), pod)) ac.abort();
    },
  });

  /** @type {() => void} */
  let stopLogs = () => {};
  /** @type {() => void} */
  let stopEvents = () => {};
  const engine = cliEngine({
    engine: o.engine,
    name: o.name,
    create: async () => {
      await o.start();
      stopEvents = watchContainer(o.engine, o.name, {
        onOom: () => printer.note(`${o.engine}: the kernel's OOM killer killed a process in ${o.name} (memory limit ${o.memory.quantity})`),
        onGone: () => {
          if (seen.removing) return;
          seen.gone = true;
          ac.abort(); // at once, also in the middle of a back-off
        },
      });
    },
  });

  printer.header();
  /** @type {unknown} */
  let error = null;
  try {
    const result = await runRehearsal({
      engine,
      clock: realClock,
      schedule: o.schedule,
      pod: podState,
      id,
      signal: ac.signal,
      emit,
      onStart: (r) => {
        readiness.started();
        stopLogs();
        // The app's own words when the crash fires: it did fire, whatever RESTARTS says.
        stopLogs = followLogs(o.engine, o.name, r.startedAt, (line) => {
          if (!o.keyLogLine.test(line)) return;
          if (line.includes(CRASH_MARK)) seen.crashLines++;
          printer.note(`app log: ${line.trim()}`);
        });
      },
      // An exit the app did not announce was not the demo's crash: docker kill, or the OOM killer
      // outside the crash. The kubelet restarts it all the same; the view says it was not the demo.
      onExit: async (r) => {
        if (seen.gone || (await crashLogged(o.engine, o.name, r.startedAt))) return;
        const what = `exit ${r.exitCode}${r.oomKilled ? ' (OOMKilled)' : ''} at ${r.finishedAt}`;
        seen.outsideKills.push(what);
        printer.note(`${what}: not the demo's crash (no "${CRASH_MARK}" line in the app's log): stopped from outside, e.g. ${o.engine} kill`);
      },
    });
    seen.reached = result.reason === 'until';
  } catch (err) {
    // Removed from outside in the middle of an engine call: said below, in one line.
    if (err instanceof ContainerGone) seen.gone = true;
    else error = err;
  } finally {
    printer.stop();
    keys.dispose();
    readiness.stop();
    stopLogs();
    seen.removing = true;
    stopEvents();
    signals.dispose();
    await recording.end();
    if (!seen.gone) {
      await o.remove().catch((err) => {
        note(`could not remove container ${o.name}: ${err instanceof Error ? err.message : err} (remove it with: ${o.engine} rm --force ${o.name})`);
      });
    }
  }
  if (error && !seen.gone) throw error;

  const after = closingLines(o, printer.view.summaryData().containers[0], seen);
  printer.finish({ after, svg: o.svg, title: `Restart timeline (rehearsal on ${o.engine})`, record: o.record });
  if (seen.gone) fail(`container ${o.name} was removed from outside (${o.engine} rm?) while the rehearsal ran: nothing left to restart`);
}
