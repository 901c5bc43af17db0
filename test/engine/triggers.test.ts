// The crash settings baked into the image as ENV defaults drive the app with no request at all:
// a startup or timer trigger crashes the container by itself, and a bad value stops it at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { choicesOf, type Options, type RawOptions } from '../../src/index.js';
import { ensureBaseImage } from '../support/base-images.js';
import {
  buildDemo,
  removeBuiltImages,
  containerLogs,
  containerState,
  engineAnswers,
  freePort,
  generateDemo,
  removeContainer,
  runDemo,
  waitFor,
} from '../support/docker.js';

const runtimes = choicesOf('runtime') as Options['runtime'][];
const cleanups: Array<() => Promise<unknown>> = [];

before(async () => {
  assert.ok(await engineAnswers(), 'no Docker engine answers: run test/setup-machine.sh as root first');
});

after(async () => {
  for (const c of cleanups.reverse()) await c();
  await removeBuiltImages();
});

/** Builds the demo, runs it with no request and waits (bounded) for the container to end by itself. */
async function runUntilExit(base: string, raw: RawOptions, env: Record<string, string> = {}) {
  const demo = await generateDemo(raw);
  cleanups.push(demo.dispose);
  const tag = `crash-demo-test/${String(raw.name)}:${demo.saved.generator.version}`;
  await buildDemo(demo, tag, base);
  const id = await runDemo(tag, { port: await freePort(), env });
  cleanups.push(() => removeContainer(id));
  await waitFor('the container to exit by itself', async () => ((await containerState(id)).Running ? undefined : true), {
    timeoutMs: 90_000,
  });
  return { saved: demo.saved, state: await containerState(id), logs: await containerLogs(id) };
}

for (const runtime of runtimes) {
  describe(`${runtime}`, () => {
    let base = '';
    before(async () => {
      base = (await ensureBaseImage(runtime)).tag;
    });

    test('--trigger startup with halt-supervisor: the container exits 4 by itself, as predicted', async () => {
      const r = await runUntilExit(base, {
        name: `trig-startup-${runtime}`, runtime, pid1: 'exec', crash: 'halt-supervisor', trigger: 'startup',
      });
      assert.equal(r.saved.outcome.exitCode, 4);
      assert.equal(r.state.ExitCode, r.saved.outcome.exitCode, r.logs);
      assert.equal(r.state.OOMKilled, false);
      assert.match(r.logs, /<<<< crashing: halt-supervisor pid=\d+ ppid=1 >>>>/);
    });

    test('--trigger timer --after 1 with kill-parent under tini: the container exits 137 by itself', async () => {
      const r = await runUntilExit(base, {
        name: `trig-timer-${runtime}`, runtime, pid1: 'tini', crash: 'kill-parent', trigger: 'timer', after: 1,
      });
      assert.equal(r.saved.outcome.exitCode, 137);
      assert.equal(r.state.ExitCode, r.saved.outcome.exitCode, r.logs);
      assert.equal(r.state.OOMKilled, false);
      assert.match(r.logs, /<<<< crashing: kill-parent pid=\d+ ppid=\d+ >>>>/);
    });

    test('a bad CRASH_MODE at run time stops the container with exit 2 and one line saying what is valid', async () => {
      const r = await runUntilExit(base, { name: `trig-bad-${runtime}`, runtime, pid1: 'exec' }, { CRASH_MODE: 'explode' });
      assert.equal(r.state.ExitCode, 2, r.logs);
      // The app's list of valid modes is the options table's, in its order: the two cannot drift.
      const valid = choicesOf('crash').join(', ');
      assert.match(r.logs, new RegExp(`^crash-demo: invalid CRASH_MODE=explode: one of ${valid}$`, 'm'));
    });
  });
}
