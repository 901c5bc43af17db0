// What fires the crash: timer and startup fire with no request at all, random fires on requests
// (probes included) with CRASH_PROBABILITY: 1 fires on the very first one, 0 never.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { RawOptions } from '../../src/index.js';
import { RUNTIMES, assertLayout, awaitReplacementWorker } from '../support/crash-proof.js';
import { generateDemo, runDemo, type GeneratedDemo } from '../support/pidns-demo.js';

const CRASH_LINE = /^<<<< crashing: (\S+) pid=(\d+) ppid=(\d+) >>>>$/gm;
const crashLines = (output: string) => [...output.matchAll(CRASH_LINE)];

function demoFor(raw: RawOptions): GeneratedDemo {
  const demo = generateDemo(raw);
  after(() => demo.remove());
  return demo;
}

const opts = { timeout: 90_000 };

for (const runtime of RUNTIMES) {
  describe(`${runtime}: CRASH_TRIGGER`, () => {
    const timerHalt = demoFor({ runtime, pid1: 'tini', crash: 'halt-supervisor', trigger: 'timer', after: 2 });
    test(`timer: with no request at all, a worker halts the supervisor ${timerHalt.saved.options.after} s after it booted, and PID 1 exits ${timerHalt.saved.outcome.exitCode}`, opts, async (t) => {
      const run = await runDemo(timerHalt);
      t.after(() => run.stop());
      const exit = await run.exit();
      assert.equal(exit.status, timerHalt.saved.outcome.exitCode, run.ns.output());
      assert.ok(crashLines(run.ns.output()).some((m) => m[1] === 'halt-supervisor'), run.ns.output());
    });

    const timerRepeat = demoFor({ runtime, pid1: 'exec', crash: 'exit-worker', trigger: 'timer', after: 1, workers: 1 });
    test('timer: every worker fires after it booted, replacements included, and the supervisor keeps replacing them', opts, async (t) => {
      assert.equal(timerRepeat.saved.outcome.containerExits, false);
      const run = await runDemo(timerRepeat);
      t.after(() => run.stop());
      // Worker 1 fired, worker 2 replaced it and fired in turn: a third worker answers.
      const third = await awaitReplacementWorker(run, 2);
      assertLayout(third, timerRepeat.saved);
      assert.ok(run.ns.running(), 'PID 1 still runs');
      const fired = new Set(crashLines(run.ns.output()).map((m) => m[2]));
      assert.ok(fired.size >= 2, `at least two different workers fired:\n${run.ns.output()}`);
    });

    const startupKill = demoFor({ runtime, pid1: 'shell', crash: 'kill-parent', trigger: 'startup' });
    test(`startup: with no request at all, the first worker kills the supervisor under a shell, and PID 1 exits ${startupKill.saved.outcome.exitCode}`, opts, async (t) => {
      const run = await runDemo(startupKill);
      t.after(() => run.stop());
      const exit = await run.exit();
      assert.equal(exit.status, startupKill.saved.outcome.exitCode, run.ns.output());
      assert.equal(crashLines(run.ns.output()).length, 1, run.ns.output());
    });

    const startupOnce = demoFor({ runtime, pid1: 'exec', crash: 'exit-worker', trigger: 'startup', workers: 1 });
    test('startup: only the first worker fires; its replacement serves on', opts, async (t) => {
      const run = await runDemo(startupOnce);
      t.after(() => run.stop());
      const first = await run.whoami();
      assert.equal(first.worker, 2, 'worker 1 fired before it served anything; worker 2 answers');
      for (let i = 0; i < 10; i++) assert.equal((await run.whoami()).pid, first.pid, 'the same worker keeps answering');
      assert.equal(crashLines(run.ns.output()).length, 1, run.ns.output());
      assert.ok(run.ns.running(), 'PID 1 still runs');
    });

    const alwaysFires = demoFor({ runtime, pid1: 'exec', crash: 'halt-supervisor', trigger: 'random', probability: 1, workers: 1 });
    test(`random, probability 1: the first request is answered, then fires, and PID 1 exits ${alwaysFires.saved.outcome.exitCode}`, opts, async (t) => {
      const run = await runDemo(alwaysFires);
      t.after(() => run.stop());
      const first = await run.whoami();
      const exit = await run.exit();
      assert.equal(exit.status, alwaysFires.saved.outcome.exitCode, run.ns.output());
      const lines = crashLines(run.ns.output());
      assert.equal(lines.length, 1, run.ns.output());
      assert.equal(Number(lines[0]?.[2]), first.pid, 'the worker that answered is the one that fired');
    });

    const neverFires = demoFor({ runtime, pid1: 'exec', crash: 'halt-supervisor', trigger: 'random', probability: 0, workers: 1 });
    test('random, probability 0: requests and probes never fire it', opts, async (t) => {
      const run = await runDemo(neverFires);
      t.after(() => run.stop());
      const first = await run.whoami();
      for (let i = 0; i < 10; i++) {
        for (const path of ['/', '/healthz', '/readyz']) assert.equal((await run.get(path)).status, 200, path);
      }
      assert.equal((await run.whoami()).pid, first.pid, 'the same worker still answers');
      assert.equal(crashLines(run.ns.output()).length, 0, run.ns.output());
      assert.ok(run.ns.running(), 'PID 1 still runs');
    });
  });
}
