// The one check every crash-mode test makes: fire the crash the way a user would (POST /crash),
// then hold what really happened in the PID namespace against the prediction in crash-demo.json.
import assert from 'node:assert/strict';
import { pid1Comm, type Behaviour, type Options, type SavedDemo } from '../../src/index.js';
import { memoryCgroupVersion } from './cgroup.js';
import type { WhoAmI } from './loopback.js';
import type { RunningDemo } from './pidns-demo.js';

export const RUNTIMES = ['python', 'node'] as const;
export const PID1S = ['exec', 'shell', 'tini'] as const;
/**
 * The crash modes the pidns crash matrix fires. hang is proven by test/pidns/hang.test.ts instead:
 * it checks the same no-kubelet prediction (nothing exits, no worker answers) and what each
 * supervisor does about a silent worker, which the matrix's proof does not ask.
 */
export const CRASH_MODES = ['exit-worker', 'kill-parent', 'halt-supervisor', 'oom'] as const;

/** Small, so the oom crash gets there fast; big enough for a supervisor and two idle workers. */
export const MEMORY_LIMIT = 256 * 1024 * 1024;

export type Prediction = Behaviour & { where: string };

/**
 * The prediction this machine can check. For oom the primary prediction is Kubernetes on cgroup v2
 * (memory.oom.group=1, which the tests set there too); on cgroup v1 it is the `elsewhere` entry.
 */
export function predictionHere(saved: SavedDemo): Prediction {
  const { outcome } = saved;
  if (saved.options.crash !== 'oom' || memoryCgroupVersion() === 2) return outcome;
  const v1 = outcome.elsewhere.find((e) => e.where.includes('cgroup v1'));
  if (!v1) throw new Error(`crash-demo.json has no cgroup v1 prediction for oom: ${JSON.stringify(outcome.elsewhere)}`);
  return v1;
}

/** The prediction as the end of a test name. */
export function predicted(p: Prediction): string {
  return p.containerExits
    ? `PID 1 exits ${p.exitCode}, so the container does`
    : 'PID 1 and the supervisor live on, the app still answers';
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Asserts what GET / says about the layout: the comm of PID 1, and whether the supervisor is PID 1. */
export function assertLayout(me: WhoAmI, saved: SavedDemo): void {
  const { runtime, pid1 } = saved.options;
  assert.equal(me.pid1, pid1Comm(runtime, pid1), '/proc/1/comm inside the namespace');
  assert.equal(me.pid1, saved.outcome.pid1, "crash-demo.json's outcome.pid1");
  assert.equal(me.runtime, runtime);
  assert.equal(me.ppid === 1, pid1 === 'exec', `the supervisor (the worker's parent, pid ${me.ppid}) is PID 1 exactly when pid1 is exec`);
}

/** Polls GET / until a worker booted after the first `workers` ones answers; returns it. */
export async function awaitReplacementWorker(run: RunningDemo, workers: number, timeoutMs = 30_000): Promise<WhoAmI> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const me = await run.whoami(Math.max(1000, deadline - Date.now()));
    if (me.worker > workers) return me;
    assert.ok(Date.now() < deadline, `no worker numbered above ${workers} answered within ${timeoutMs} ms\n${run.ns.output()}`);
  }
}

export async function proveCrashOverHttp(run: RunningDemo, saved: SavedDemo, expected: Prediction): Promise<void> {
  const { crash, workers } = saved.options;
  const before = await run.whoami();
  assertLayout(before, saved);

  const fired = await run.post('/crash');
  assert.equal(fired.status, 202, JSON.stringify(fired.body));
  assert.equal(fired.body['firing'], crash);
  const { pid, ppid } = fired.body as { pid: number; ppid: number };
  const announced = new RegExp(`^${escape(`<<<< crashing: ${crash} pid=${pid} ppid=${ppid} >>>>`)}$`, 'gm');
  await run.ns.waitForOutput(announced, 10_000);

  if (expected.containerExits) {
    const exit = await run.exit();
    assert.equal(exit.status, expected.exitCode, `PID 1's exit status (unshare: ${JSON.stringify(exit)})\n${run.ns.output()}`);
  } else if (crash === 'kill-parent') {
    // The worker lives on either way; it reports (0.5 s later) whether its parent did.
    await run.ns.waitForOutput(new RegExp(`my parent pid=${ppid} (is still alive|is gone)`), 10_000);
    assert.ok(run.ns.running(), 'PID 1 still runs');
    let same: WhoAmI | undefined;
    for (let i = 0; i < 50 && !same; i++) {
      const me = await run.whoami();
      assert.ok(me.worker <= workers, `no worker was replaced, but worker ${me.worker} answered`);
      if (me.pid === pid) same = me;
    }
    assert.ok(same, `the worker that sent the SIGKILL (pid ${pid}) answers again`);
    assert.equal(same.ppid, ppid, 'and its parent is still the same supervisor');
  } else {
    const replacement = await awaitReplacementWorker(run, workers);
    assert.notEqual(replacement.pid, pid, 'the replacement is a new process');
    assert.equal(replacement.ppid, before.ppid, 'forked by the same supervisor');
    assert.ok(run.ns.running(), 'PID 1 still runs');
  }
  assert.equal(run.ns.output().match(announced)?.length, 1, 'exactly one crash line for one POST /crash');
  if (crash === 'oom') assert.ok((run.cgroup?.oomKills() ?? 0) >= 1, "the kernel's OOM killer did it");
}

/** What the logs show once a survived crash has played out. */
export function aftermath(o: Options, workers: number): { what: string; seen: (logs: string) => boolean } {
  if (o.crash === 'kill-parent') {
    return { what: 'the worker reporting its parent still alive', seen: (l) => /is still alive after SIGKILL/.test(l) };
  }
  // exit-worker and oom: the supervisor boots a replacement worker.
  if (o.runtime === 'python') {
    return {
      what: `gunicorn booting worker number ${workers + 1}`,
      seen: (l) => (l.match(/Booting worker with pid/g) ?? []).length > workers,
    };
  }
  return { what: 'the primary forking a new worker', seen: (l) => /forking a new one/.test(l) };
}
