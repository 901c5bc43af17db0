// @ts-check
// What crash --times waits for between two POSTs: the kubelet has restarted the container and the
// pod is Ready again, read from one `kubectl get pod -w` for the whole run (a poll would print a
// command every few seconds, under a live `npm run watch`, and could miss a change).
import { delayBeforeRestart, goDuration, restartWindow } from '../kube/backoff.mjs';
import { exitedLine, note, UsageError } from '../plumbing/cli.mjs';
import { asPods } from '../kube/events.mjs';
import { followPods, podSelector } from '../kube/follow.mjs';
import { conditionTrue } from '../kube/podstatus.mjs';

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

/** @typedef {{ seen: boolean, restarts: number, ready: boolean }} PodsState the demo's live pods, summed up */

/**
 * The demo's pods as `p` (a started `kubectl get pod -l <podSelector> -w -o json`) reports them,
 * and the waits crash needs; null under --dry-run (p is null: the command was printed).
 * @param {import('zx').ProcessPromise | null} p
 * @param {import('../plumbing/cli.mjs').DemoOptions} options
 */
export function watchRestarts(p, options) {
  if (p === null) return null;
  const pods = trackPods(p);
  const where = `pod -l ${podSelector(options)} in namespace ${options.namespace}`;

  /**
   * After a POST: the restart count has grown past `before` and the pod is Ready again. The
   * kubelet's back-off for this crash follows the restart count (10s, 20s, ... after a restart
   * that did not stay up 600 s): the bound allows for it, assuming it was never forgiven.
   * @param {PodsState | undefined} before
   * @param {string} label
   */
  const restarted = (before, label) => {
    const from = before?.restarts ?? 0;
    const backoff = delayBeforeRestart(from + 1);
    const latest = restartWindow(backoff).latestSeconds;
    // --crash hang: nothing exits; the liveness probe fails and the kubelet kills the container.
    const who = options.crash === 'hang' ? 'the liveness probe to fail and the kubelet' : 'the kubelet';
    note(
      `${label}: waiting for ${who} to restart the container (back-off ${backoff ? `up to ${goDuration(backoff)}, the restart within ${goDuration(latest)}, CrashLoopBackOff meanwhile` : 'none, the first restart is at once'}) and for the pod to be Ready again`,
    );
    return pods.until(
      (s) => s.restarts > from && s.ready,
      latest + RESTART_MARGIN_S,
      (s) =>
        `after ${label} the ${where} did not restart and become Ready again (restarts ${from} -> ${s.restarts}, ` +
        `${s.ready ? 'Ready' : 'not Ready'}; ${backoff ? `the kubelet's back-off was at most ${goDuration(backoff)}` : 'a first crash is restarted at once'})`,
    );
  };

  /**
   * --crash oom: restarted as above when the node kills the whole container; when it is still
   * Ready and not restarted OOM_SETTLE_S after the POST, the node killed only the worker: say so.
   * @param {PodsState | undefined} before
   * @param {string} label
   */
  const restartedUnlessSurvived = async (before, label) => {
    const from = before?.restarts ?? 0;
    try {
      await pods.until((s) => s.restarts > from || !s.ready, OOM_SETTLE_S, () => '');
    } catch {
      const s = pods.state();
      if (s.restarts === from && s.ready) {
        note(
          `${label}: the container is still running ${OOM_SETTLE_S}s later, never restarted: this node's OOM killer took only the ` +
            'worker (cgroup v1, or no memory.oom.group) and the supervisor replaced it; see outcome.elsewhere in crash-demo.json',
        );
        return;
      }
    }
    await restarted(before, label);
  };

  return {
    state: pods.state,
    /** The crash `label` fired after `before` has been handled, as this demo's crash is handled. */
    handled: options.crash === 'oom' ? restartedUnlessSurvived : restarted,
    seen: () => pods.until((s) => s.seen, POD_SEEN_TIMEOUT_S, () => `no ${where} (deploy first: npm run deploy)`),
  };
}

/**
 * The latest state of each pod `p` reported, and waits on it that fail with one line when kubectl
 * ends first or time runs out.
 * @param {import('zx').ProcessPromise} p
 */
function trackPods(p) {
  /** @type {Map<string, import('../kube/podstatus.mjs').Pod>} */
  const pods = new Map();
  /** @type {string | null} why the stream ended */
  let ended = null;
  /** @type {Set<() => void>} */
  const waiters = new Set();
  const wake = () => waiters.forEach((w) => w());
  const badJson = (/** @type {unknown} */ err) => {
    ended ??= `kubectl get pod -w printed something that is not JSON: ${err instanceof Error ? err.message : err}`;
    wake();
  };
  (async () => {
    for await (const { values } of followPods(p, badJson)) {
      for (const pod of values.flatMap(asPods)) pods.set(pod.metadata?.name ?? '', pod);
      wake();
    }
  })().catch(() => {}); // a broken pipe: the exit below says why it ended
  p.then((out) => {
    ended ??= exitedLine('kubectl get pod -w', out);
    wake();
  });

  /** @returns {PodsState} */
  const state = () => {
    const live = [...pods.values()].filter((pod) => !pod.metadata?.deletionTimestamp);
    const restarts = live.flatMap((pod) => pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
    const ready = live.length > 0 && live.every((pod) => conditionTrue(pod.status?.conditions, 'Ready'));
    return { seen: live.length > 0, restarts, ready };
  };

  /**
   * Resolves once test(state()) holds; after `seconds`, fails with one line naming what it waited for.
   * @param {(s: PodsState) => boolean} test
   * @param {number} seconds
   * @param {(s: PodsState) => string} failure
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

  return { state, until };
}
