// @ts-check
// Fire the crash. For --trigger http: port-forward to the pod and POST /crash, --times N times; the
// other triggers fire by themselves, so this only says when.
// One crash is not a crash loop: the kubelet restarts a container at once after its first crash and
// backs off (10s, 20s, ... : CrashLoopBackOff) only from the second one on. So with --times N each
// POST waits until the previous crash has been handled: the container restarted and the pod Ready.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  asPods,
  compactJson,
  containerExits,
  createJsonSplitter,
  delayBeforeRestart,
  dryRun,
  fail,
  goDuration,
  KUBE_FLAGS,
  kubeArgs,
  kubeContext,
  main,
  MAX_TIMES,
  note,
  onStop,
  parseFlags,
  parseTimes,
  prettyJson,
  readDemo,
  requireTool,
  runBackground,
  say,
  selfFiring,
  stopBackground,
  UsageError,
} from 'create-crash-demo/scripts';

// ---- config -------------------------------------------------------------------------------------
const FORWARD_TIMEOUT_MS = 20_000;
/** Between POSTs to an app that refuses to crash: time for its supervisor to replace the worker. */
const REFUSING_PAUSE_S = 2;
/** How long `kubectl get pod -w` may take to show the pod at all. */
const POD_SEEN_TIMEOUT_S = 30;
/**
 * Allowed on top of the kubelet's back-off for a restart: noticing the exit, starting the
 * container, booting the app, a readiness probe every 5s, all on a busy laptop.
 */
const RESTART_MARGIN_S = 90;
/**
 * --crash oom: how long after a POST the container is given to be taken down. Only a node that kills
 * the whole container's cgroup on OOM (cgroup v2 with memory.oom.group=1) restarts it; elsewhere
 * the supervisor replaces the worker and the pod stays Ready (crash-demo.json's outcome.elsewhere).
 */
const OOM_SETTLE_S = 20;
const SELECTOR_LABEL = 'app.kubernetes.io/name';
const INTERRUPTED = 'interrupted (Ctrl-C); the port-forward is stopped';

/** @type {import('create-crash-demo/scripts').FlagTable} */
export const CRASH_FLAGS = {
  times: {
    type: 'string',
    placeholder: 'N',
    default: '1',
    describe:
      `POST /crash N times (1 to ${MAX_TIMES}), each once the previous crash has been handled: the container ` +
      `restarted and the pod Ready again (an app that refuses to crash: ${REFUSING_PAUSE_S}s later). ` +
      'The 2nd crash is the first the kubelet backs off from, so 2 or more show CrashLoopBackOff',
  },
  ...KUBE_FLAGS,
};

// ---- steps --------------------------------------------------------------------------------------

/**
 * POST /crash through a port-forward, `times` times. Prints the app's JSON answer (with --times > 1:
 * one line per POST). A container that exits takes its port-forward with it, so each of its POSTs
 * gets a new one; an app that refuses to crash keeps one for all.
 * @param {string} context the checked kube context
 * @param {{ times?: number, signal?: AbortSignal }} [opts] signal: abort it (Ctrl-C) to stop what
 *   runs in the background and fail with one line
 */
export async function crash(context, { times = 1, signal } = {}) {
  const demo = readDemo();
  const { options } = demo;
  const selfFired = selfFiring(options);
  if (selfFired) {
    say(selfFired + '. Watch it: npm run watch');
    return;
  }
  await requireTool('kubectl');
  /** @type {Set<import('zx').ProcessPromise>} */
  const background = new Set();
  const start = (/** @type {import('zx').ProcessPromise | null} */ p) => {
    if (p) background.add(p);
    return p;
  };
  const stop = async (/** @type {import('zx').ProcessPromise | null} */ p) => {
    if (p && background.delete(p)) await stopBackground(p);
  };
  const label = (/** @type {number} */ i) => (times > 1 ? `crash ${i}/${times}` : '');
  try {
    if (!containerExits(demo)) {
      const forward = start(portForward(context, options));
      const port = forward && (await abortable(forwardedPort(forward), signal));
      for (let i = 1; i <= times; i++) {
        await post(port, label(i), signal);
        if (i < times) await pause(REFUSING_PAUSE_S, signal);
      }
      return;
    }
    // Started before the first POST, so the restart count before each crash is known.
    const pods = times > 1 ? followPods(start, context, options) : null;
    if (pods) await abortable(pods.seen(), signal);
    for (let i = 1; i <= times; i++) {
      const before = pods?.state();
      const forward = start(portForward(context, options));
      try {
        await post(forward && (await abortable(forwardedPort(forward), signal)), label(i), signal);
      } finally {
        await stop(forward);
      }
      if (i < times && pods && options.crash === 'oom') await abortable(pods.restartedUnlessSurvived(before, label(i)), signal);
      else if (i < times && pods) await abortable(pods.restarted(before, label(i)), signal);
      else if (i < times) process.stdout.write('# wait until the container has restarted and the pod is Ready again\n');
    }
  } finally {
    await Promise.all([...background].map(stop));
  }
}

/**
 * @param {string} context
 * @param {import('create-crash-demo/scripts').DemoOptions} options
 */
function portForward(context, options) {
  // `:<port>` lets kubectl pick a free local port; it prints which one.
  return runBackground`kubectl ${kubeArgs(context)} -n ${options.namespace} port-forward --address 127.0.0.1 ${`${options.workload}/${options.name}`} :${options.port}`;
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
  let response;
  let body;
  try {
    const timeout = AbortSignal.timeout(10_000);
    response = await fetch(url, { method: 'POST', signal: signal ? AbortSignal.any([timeout, signal]) : timeout });
    body = await response.text();
  } catch (err) {
    if (signal?.aborted) return fail(INTERRUPTED);
    return fail(`POST ${url} failed: ${err instanceof Error ? err.message : err}`);
  }
  if (response.status !== 202) fail(`POST /crash answered ${response.status}, not 202: ${body.trim()}`);
  say(label ? `${label}: ${compactJson(body)}` : prettyJson(body));
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
 * One `kubectl get pod -w` for the whole run: a single command on the screen (a poll would print
 * one every few seconds, under a live `npm run watch`), and each change seen as it happens.
 * @param {(p: import('zx').ProcessPromise | null) => import('zx').ProcessPromise | null} start
 * @param {string} context
 * @param {import('create-crash-demo/scripts').DemoOptions} options
 */
function followPods(start, context, options) {
  const selector = `${SELECTOR_LABEL}=${options.name}`;
  const p = start(runBackground`kubectl ${kubeArgs(context)} -n ${options.namespace} get pod -l ${selector} -w -o json`);
  if (p === null) return null; // --dry-run: the command was printed

  /** @type {Map<string, import('create-crash-demo/scripts').Pod>} */
  const pods = new Map();
  /** @type {string | null} why the stream ended */
  let ended = null;
  /** @type {Set<() => void>} */
  const waiters = new Set();
  const wake = () => waiters.forEach((w) => w());
  const splitter = createJsonSplitter();
  p.stdout.on('data', (chunk) => {
    try {
      for (const value of splitter.push(String(chunk))) {
        for (const pod of asPods(value)) pods.set(pod.metadata?.name ?? '', pod);
      }
    } catch (err) {
      ended ??= `kubectl get pod -w printed something that is not JSON: ${err instanceof Error ? err.message : err}`;
    }
    wake();
  });
  p.then((out) => {
    const why = out.stderr.trim().split('\n').pop() ?? '';
    ended ??= `kubectl get pod -w exited (${out.exitCode ?? out.signal})${why ? `: ${why}` : ''}`;
    wake();
  });

  const state = () => {
    const live = [...pods.values()].filter((pod) => !pod.metadata?.deletionTimestamp);
    const restarts = live.flatMap((pod) => pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
    const ready = live.length > 0 && live.every((pod) => (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'));
    return { seen: live.length > 0, restarts, ready };
  };

  /**
   * Resolves once test(state()) holds; after `seconds`, fails with one line naming what it waited for.
   * @param {(s: ReturnType<typeof state>) => boolean} test
   * @param {number} seconds
   * @param {(s: ReturnType<typeof state>) => string} failure
   * @returns {Promise<void>}
   */
  const until = (test, seconds, failure) =>
    new Promise((resolve, reject) => {
      const done = (/** @type {Error | null} */ err) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (err) reject(err);
        else resolve();
      };
      const check = () => {
        if (test(state())) done(null);
        else if (ended) done(new UsageError(`${failure(state())}: ${ended}`));
      };
      const timer = setTimeout(() => done(new UsageError(`${failure(state())} within ${goDuration(seconds)}`)), seconds * 1000);
      waiters.add(check);
      check();
    });

  const where = `pod -l ${selector} in namespace ${options.namespace}`;
  /**
   * After a POST: the restart count has grown past `before` and the pod is Ready again. The
   * kubelet's back-off for this crash follows the restart count (10s, 20s, ... after a restart
   * that did not stay up 600 s): the bound allows for it, assuming it was never forgiven.
   * @param {ReturnType<typeof state> | undefined} before
   * @param {string} label
   */
  const restarted = (before, label) => {
    const from = before?.restarts ?? 0;
    const backoff = delayBeforeRestart(from + 1);
    note(`${label}: waiting for the kubelet to restart the container (back-off ${backoff ? `up to ${goDuration(backoff)}, CrashLoopBackOff meanwhile` : 'none, the first restart is at once'}) and for the pod to be Ready again`);
    return until(
      (s) => s.restarts > from && s.ready,
      backoff + RESTART_MARGIN_S,
      (s) =>
        `after ${label} the ${where} did not restart and become Ready again (restarts ${from} -> ${s.restarts}, ` +
        `${s.ready ? 'Ready' : 'not Ready'}; ${backoff ? `the kubelet's back-off was at most ${goDuration(backoff)}` : 'a first crash is restarted at once'})`,
    );
  };
  return {
    state,
    restarted,
    /**
     * --crash oom: restarted as above when the node kills the whole container; when it is still
     * Ready and not restarted OOM_SETTLE_S after the POST, the node killed only the worker: say so.
     * @param {ReturnType<typeof state> | undefined} before
     * @param {string} label
     */
    restartedUnlessSurvived: async (before, label) => {
      const from = before?.restarts ?? 0;
      try {
        await until((s) => s.restarts > from || !s.ready, OOM_SETTLE_S, () => '');
      } catch {
        const s = state();
        if (s.restarts === from && s.ready) {
          note(
            `${label}: the container is still running ${OOM_SETTLE_S}s later, never restarted: this node's OOM killer took only the ` +
              'worker (cgroup v1, or no memory.oom.group) and the supervisor replaced it; see outcome.elsewhere in crash-demo.json',
          );
          return;
        }
      }
      await restarted(before, label);
    },
    seen: () => until((s) => s.seen, POD_SEEN_TIMEOUT_S, () => `no ${where} (deploy first: npm run deploy)`),
  };
}

/**
 * Waits for kubectl's "Forwarding from 127.0.0.1:<port> -> <port>" line.
 * @param {import('zx').ProcessPromise} forward
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
      const why = out.stderr.trim().split('\n').pop() ?? '';
      reject(new Error(`kubectl port-forward exited (${out.exitCode ?? out.signal})${why ? `: ${why}` : ''}`));
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
  const { options } = readDemo();
  // Self-firing triggers touch no cluster, so they need no context.
  if (selfFiring(options)) return crash('');
  const context = await kubeContext(flags);
  // Ctrl-C, kill, a closed terminal: stop the port-forward and the pod watch too (they run in their
  // own process groups); the one "interrupted" line, exit 128 + signal.
  const interrupt = new AbortController();
  const signals = onStop(() => interrupt.abort());
  try {
    await crash(context, { times, signal: interrupt.signal });
  } finally {
    signals.dispose();
  }
});
