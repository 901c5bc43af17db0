// CRASH_MODE=hang as PID 1 of a real PID namespace: once the crash fired, no worker answers, and
// nothing exits, so nothing tells the container runtime (or the kubelet) that anything is wrong.
// What each supervisor does about a silent worker is part of the lesson, so it is checked here on
// the real thing: gunicorn's arbiter kills a sync worker that missed its heartbeat for `timeout`
// seconds and boots a new one, which hangs at its first request (the hang marker); a node:cluster
// primary does nothing. Then SIGTERM to PID 1, as the kubelet's stop: the hung workers ignore the
// supervisor's polite stop, so it takes the supervisor's own limit, which the generated files set
// below the pod's terminationGracePeriodSeconds (10 s): exit code 0, no SIGKILL needed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { PID1S, RUNTIMES, assertLayout } from '../support/crash-proof.js';
import { generateDemo, runDemo, type RunningDemo } from '../support/pidns-demo.js';

/**
 * gunicorn's worker timeout for these runs (its default, 30 s, is too long for a test). Long enough
 * that the workers the arbiter boots, hung by the requests after the respawn, are still alive when
 * SIGTERM comes: with none hung, the stop would be prompt.
 */
const GUNICORN_TIMEOUT_S = 6;
/** How long a node:cluster primary is watched doing nothing about its silent workers. */
const NODE_WATCH_S = 6;
/** How long a request waits before it counts as unanswered. */
const NO_ANSWER_MS = 1500;

/** How long the supervisor gives its workers after SIGTERM, read from the generated files. */
function stopLimitSeconds(dir: string, runtime: (typeof RUNTIMES)[number]): number {
  if (runtime === 'python') {
    const conf = readFileSync(join(dir, 'app', 'gunicorn.conf.py'), 'utf8');
    const m = /^graceful_timeout = (\d+)$/m.exec(conf);
    assert.ok(m, 'app/gunicorn.conf.py sets graceful_timeout');
    return Number(m[1]);
  }
  const server = readFileSync(join(dir, 'app', 'server.mjs'), 'utf8');
  const m = /setTimeout\(\(\) => process\.exit\(code\), (\d+)\)/.exec(server);
  assert.ok(m, "app/server.mjs's stop has a time limit");
  return Number(m[1]) / 1000;
}

/** Fails unless `count` requests in a row get no answer at all within NO_ANSWER_MS each. */
async function assertNoAnswers(run: RunningDemo, count: number, why: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    await assert.rejects(
      run.get('/healthz', NO_ANSWER_MS),
      /no answer within/,
      `${why}: GET /healthz #${i + 1} was answered\n${run.ns.output()}`,
    );
  }
}

const TERMINATION_GRACE_S = 10; // templates/partials/workload-spec.yaml.ejs

// The three layouts of a runtime run at once: each has its own PID namespace and port, and a test
// spends most of its time waiting (for the arbiter's timeout, for the supervisor's stop).
for (const runtime of RUNTIMES) {
  describe(`${runtime}: --crash hang`, { concurrency: true }, () => {
    for (const pid1 of PID1S) {
      const demo = generateDemo({ runtime, pid1, crash: 'hang', trigger: 'http', workers: 2 });
      after(() => demo.remove());
      test(`PID 1 ${pid1}: after POST /crash no worker answers and nothing exits; SIGTERM then stops it within the supervisor's limit, exit code 0`, { timeout: 90_000 }, async (t) => {
        // This is the demo's prediction without a kubelet (no liveness probe): PID 1 runs on, nothing exits.
        const here = demo.saved.outcome.elsewhere.find((e) => /without a kubelet/.test(e.where));
        assert.ok(here, `crash-demo.json has a prediction for a run without a kubelet: ${JSON.stringify(demo.saved.outcome.elsewhere)}`);
        assert.equal(here.containerExits, false);
        const env: Record<string, string> = {};
        if (runtime === 'python') env['GUNICORN_CMD_ARGS'] = `--timeout ${GUNICORN_TIMEOUT_S}`;
        const run = await runDemo(demo, { env });
        t.after(() => run.stop());
        assertLayout(await run.whoami(), demo.saved);

        const fired = await run.post('/crash');
        assert.equal(fired.status, 202, JSON.stringify(fired.body));
        assert.equal(fired.body['firing'], 'hang');
        await run.ns.waitForOutput(new RegExp(`^<<<< crashing: hang pid=${String(fired.body['pid'])} `, 'm'), 10_000);
        await assertNoAnswers(run, 3, 'right after the hang fired');

        const crashedAt = run.ns.output().length;
        if (runtime === 'python') {
          // The arbiter notices the silent worker, kills it and boots a new one...
          await run.ns.waitForOutput(/\[CRITICAL\] WORKER TIMEOUT \(pid:\d+\)/, (GUNICORN_TIMEOUT_S + 10) * 1000);
          await run.ns.waitForOutput(/WORKER TIMEOUT[\s\S]*Booting worker with pid: \d+/, 10_000);
          await sleep(1000);
          // ...which hangs at its first request: the hang outlives the respawn.
          await assertNoAnswers(run, 2, "after gunicorn's arbiter replaced a silent worker");
        } else {
          await sleep(NODE_WATCH_S * 1000);
          const since = run.ns.output().slice(crashedAt);
          assert.doesNotMatch(since, /died|forking a new one/, 'the node:cluster primary does nothing about a silent worker');
          await assertNoAnswers(run, 2, 'seconds later');
        }
        assert.ok(run.ns.running(), `PID 1 still runs: nothing exited\n${run.ns.output()}`);

        const limit = stopLimitSeconds(demo.dir, runtime);
        // What crash-demo.json predicts for the kubelet's liveness kill is this same SIGTERM's stop.
        assert.equal(demo.saved.outcome.stopSeconds, limit, "crash-demo.json's stopSeconds is the generated files' limit");
        assert.ok(limit < TERMINATION_GRACE_S, `the supervisor's stop limit (${limit} s) is below the pod's grace period`);
        const t0 = Date.now();
        run.ns.signalInit('SIGTERM');
        const exit = await run.exit(30_000);
        const took = (Date.now() - t0) / 1000;
        assert.equal(exit.status, 0, `exit status after SIGTERM\n${run.ns.output()}`);
        // Not prompt: a hung worker never finishes, so the supervisor waits its whole limit
        // (gunicorn: graceful_timeout, then SIGKILL to the workers; node: the primary's timer).
        assert.ok(took >= limit - 0.5, `stopped in ${took} s, before the supervisor's limit of ${limit} s\n${run.ns.output()}`);
        assert.ok(took < limit + 2.5, `stopped in ${took} s, more than 2.5 s after the supervisor's limit of ${limit} s\n${run.ns.output()}`);
        t.diagnostic(`stop after SIGTERM: ${took.toFixed(2)} s (limit ${limit} s)`);
      });
    }
  });
}
