// @ts-check
// The app's crash button (POST /crash) pressed from this machine through `kubectl port-forward`,
// --times N times: what crash.mjs does for --trigger http, and demo.mjs under a running watch. The
// script hands over its two kubectl commands; the waiting, the printing and the clean-up are here.
import { setTimeout as sleep } from 'node:timers/promises';
import { compactJson, dryRun, exitedLine, fail, prettyJson, say, stopBackground, UsageError } from '../plumbing/cli.mjs';
import { containerExits, MAX_TIMES } from './firing.mjs';
import { watchRestarts } from './restarts.mjs';

/** @typedef {import('zx').ProcessPromise} ProcessPromise */

/** Between POSTs to an app that refuses to crash: time for its supervisor to replace the worker. */
const REFUSING_PAUSE_S = 2;
const FORWARD_TIMEOUT_MS = 20_000;
const POST_TIMEOUT_MS = 10_000;
const INTERRUPTED = 'interrupted (Ctrl-C); the port-forward is stopped';
/** --crash hang --liveness off: how long GET /healthz waits for an answer, as a probe's timeout would. */
const HEALTHZ_TIMEOUT_MS = 3000;
/** Between the POST and that GET: the 202 is sent before the workers stop answering. */
const HANG_SETTLE_MS = 500;

/**
 * crash's --times, as its --help tells it.
 * @type {import('../plumbing/cli.mjs').FlagTable}
 */
export const CRASH_TIMES_FLAG = {
  times: {
    type: 'string',
    placeholder: 'N',
    default: '1',
    describe:
      `POST /crash N times (1 to ${MAX_TIMES}), each once the previous crash has been handled: the container ` +
      `restarted and the pod Ready again (an app that refuses to crash: ${REFUSING_PAUSE_S}s later). ` +
      'The 2nd crash is the first the kubelet backs off from, so 2 or more show CrashLoopBackOff',
  },
};

/**
 * @typedef {object} Presses
 * @property {number} times
 * @property {AbortSignal} [signal] abort it (Ctrl-C) to stop what runs in the background and fail
 *   with one line
 * @property {() => ProcessPromise | null} portForward starts `kubectl port-forward ... :<port>`
 *   (runBackground: null under --dry-run, the command printed)
 * @property {() => ProcessPromise | null} watchPods starts `kubectl get pod -l <podSelector> -w -o json`
 */

/**
 * POST /crash through a port-forward, `times` times. Prints the app's JSON answer (with --times > 1:
 * one line per POST). A container that exits takes its port-forward with it, so each of its POSTs
 * gets a new one, and each POST after the first waits until the kubelet has restarted it and the
 * pod is Ready again (one crash is not a crash loop); an app that refuses to crash keeps one
 * port-forward for all and only pauses between POSTs.
 * @param {import('../plumbing/cli.mjs').Demo} demo
 * @param {Presses} presses
 */
export async function pressCrashButton(demo, { times, signal, portForward, watchPods }) {
  const running = backgroundSet();
  const label = (/** @type {number} */ i) => (times > 1 ? `crash ${i}/${times}` : '');
  const port = (/** @type {ProcessPromise | null} */ forward) => forward && abortable(forwardedPort(forward), signal);
  if (hangsUnseen(demo.options)) return pressOnceAndProbe(demo, { times, signal, portForward, running, port });
  try {
    if (!containerExits(demo)) {
      const local = await port(running.start(portForward()));
      for (let i = 1; i <= times; i++) {
        await post(local, label(i), signal);
        if (i < times) await pause(REFUSING_PAUSE_S, signal);
      }
      return;
    }
    // Started before the first POST, so the restart count before each crash is known.
    const pods = times > 1 ? watchRestarts(running.start(watchPods()), demo.options) : null;
    if (pods) await abortable(pods.seen(), signal);
    for (let i = 1; i <= times; i++) {
      const before = pods?.state();
      const forward = running.start(portForward());
      try {
        await post(await port(forward), label(i), signal);
      } finally {
        await running.stop(forward);
      }
      if (i < times && pods) await abortable(pods.handled(before, label(i)), signal);
      else if (i < times) process.stdout.write('# wait until the container has restarted and the pod is Ready again\n');
    }
  } finally {
    await running.stopAll();
  }
}

/**
 * --crash hang with --liveness off: the app hangs for good after one POST and nothing restarts it,
 * so a second POST would hang as well. @param {import('../plumbing/cli.mjs').DemoOptions} o
 */
function hangsUnseen(o) {
  return o.crash === 'hang' && o.liveness === 'off';
}

/**
 * One POST, then the proof that nothing answers any more: GET /healthz (what a liveness probe
 * would ask) through the same port-forward, given HEALTHZ_TIMEOUT_MS.
 * @param {import('../plumbing/cli.mjs').Demo} demo
 * @param {{ times: number, signal?: AbortSignal, portForward: Presses['portForward'], running: ReturnType<typeof backgroundSet>,
 *   port: (forward: ProcessPromise | null) => Promise<number> | null }} how
 */
async function pressOnceAndProbe(demo, { times, signal, portForward, running, port }) {
  if (times > 1) {
    fail(
      `--times ${times} is not valid with --crash hang --liveness off: the first POST hangs the app for good and nothing ` +
        'restarts it, so a second POST would hang too. Use --times 1, or regenerate with --liveness on',
    );
  }
  try {
    const local = await port(running.start(portForward()));
    await post(local, '', signal);
    if (local === null) {
      process.stdout.write(`# GET http://127.0.0.1:<local port>/healthz, ${HEALTHZ_TIMEOUT_MS / 1000}s at most\n`);
      return;
    }
    await sleep(HANG_SETTLE_MS, undefined, { signal }).catch(() => {});
    const answer = await fetch(`http://127.0.0.1:${local}/healthz`, { signal: AbortSignal.timeout(HEALTHZ_TIMEOUT_MS) }).then(
      (r) => `answered ${r.status}`,
      () => null,
    );
    if (signal?.aborted) return fail(INTERRUPTED);
    if (answer) return fail(`GET /healthz ${answer} after the hang: the app did not hang; see its logs (npm run inspect)`);
    say(
      `GET /healthz: no answer within ${HEALTHZ_TIMEOUT_MS / 1000}s: the app hangs. There is no liveness probe (--liveness off), ` +
        'so nothing restarts it: kubectl get pods shows it Running, RESTARTS 0, READY 0/1 (the readiness probe fails).',
    );
  } finally {
    await running.stopAll();
  }
}

/** The background processes started so far, each stopped once: when done with it, or at the end. */
function backgroundSet() {
  /** @type {Set<ProcessPromise>} */
  const running = new Set();
  /** @param {ProcessPromise | null} p */
  const stop = async (p) => {
    if (p && running.delete(p)) await stopBackground(p);
  };
  return {
    /** @param {ProcessPromise | null} p */
    start(p) {
      if (p) running.add(p);
      return p;
    },
    stop,
    stopAll: () => Promise.all([...running].map(stop)),
  };
}

/**
 * @param {number | null} localPort null under --dry-run
 * @param {string} label 'crash 2/3', or '' for a single POST (its answer is printed in full)
 * @param {AbortSignal | undefined} signal
 */
async function post(localPort, label, signal) {
  if (localPort === null) {
    process.stdout.write('# POST http://127.0.0.1:<local port>/crash\n');
    return;
  }
  const url = `http://127.0.0.1:${localPort}/crash`;
  let answer;
  try {
    answer = await postCrash(url, { timeoutMs: POST_TIMEOUT_MS, signal });
  } catch (err) {
    if (signal?.aborted) return fail(INTERRUPTED);
    return fail(`POST ${url} failed: ${err instanceof Error ? err.message : err}`);
  }
  const { status, body } = answer;
  if (status !== 202) fail(`POST /crash answered ${status}, not 202: ${body.trim()}`);
  say(label ? `${label}: ${compactJson(body)}` : prettyJson(body));
}

/**
 * One press of the crash button: POST `url` (the app's /crash), and its answer. Throws when there
 * is none: no connection, `timeoutMs` passed, or `signal` aborted. crash does it through a
 * port-forward, rehearse on loopback.
 * @param {string} url
 * @param {{ timeoutMs: number, signal?: AbortSignal }} options
 * @returns {Promise<{ status: number, body: string }>}
 */
export async function postCrash(url, { timeoutMs, signal }) {
  const timeout = AbortSignal.timeout(timeoutMs);
  const response = await fetch(url, { method: 'POST', signal: signal ? AbortSignal.any([timeout, signal]) : timeout });
  return { status: response.status, body: await response.text() };
}

/**
 * @param {number} seconds
 * @param {AbortSignal | undefined} signal
 */
async function pause(seconds, signal) {
  if (dryRun()) {
    process.stdout.write(`# wait ${seconds}s\n`);
    return;
  }
  await abortable(sleep(seconds * 1000, undefined, { signal }), signal);
}

/**
 * Waits for kubectl's "Forwarding from 127.0.0.1:<port> -> <port>" line (`:<port>` let it pick).
 * @param {ProcessPromise} forward
 * @returns {Promise<number>}
 */
function forwardedPort(forward) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`kubectl port-forward did not start within ${FORWARD_TIMEOUT_MS / 1000}s`)), FORWARD_TIMEOUT_MS);
    forward.stdout.on('data', (chunk) => {
      seen += String(chunk);
      const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    forward.then((out) => {
      clearTimeout(timer);
      reject(new Error(exitedLine('kubectl port-forward', out)));
    });
  });
}

/**
 * The promise, unless the signal fires first: then one "interrupted" line.
 * @template T
 * @param {Promise<T>} promise
 * @param {AbortSignal | undefined} signal
 * @returns {Promise<T>}
 */
function abortable(promise, signal) {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new UsageError(INTERRUPTED));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
