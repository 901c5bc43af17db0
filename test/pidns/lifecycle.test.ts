// Starting and stopping, as the container runtime does it: a bad environment variable stops PID 1
// at once with exit code 2 and one line naming it; SIGTERM sent to PID 1 from outside the
// namespace (the kubelet, `docker stop`) stops the demo cleanly with exit code 0 ("Completed").
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { PID1S, RUNTIMES, assertLayout } from '../support/crash-proof.js';
import { accepts } from '../support/loopback.js';
import { generateDemo, runDemo } from '../support/pidns-demo.js';

const opts = { timeout: 60_000 };

const INVALID: Array<[string, string]> = [
  ['CRASH_MODE', 'explode'],
  ['CRASH_TRIGGER', 'cron'],
  ['CRASH_PROBABILITY', '1.5'],
  ['CRASH_PROBABILITY', 'nan'],
  ['CRASH_AFTER_SECONDS', '0'],
  ['WORKERS', '17'],
  ['PORT', '80'],
  ['HOST', 'localhost'],
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

for (const runtime of RUNTIMES) {
  describe(`${runtime}: configuration from the environment`, () => {
    const demo = generateDemo({ runtime, pid1: 'exec' });
    after(() => demo.remove());
    for (const [name, value] of INVALID) {
      test(`${name}=${value} stops PID 1 with exit code 2 and one line that names it`, opts, async (t) => {
        const run = await runDemo(demo, { env: { [name]: value } });
        t.after(() => run.stop());
        const exit = await run.exit();
        const output = run.ns.output();
        assert.equal(exit.status, 2, output);
        const line = new RegExp(`^crash-demo: invalid ${escape(name)}=${escape(value)}: \\S.*$`, 'gm');
        assert.equal(output.match(line)?.length, 1, output);
      });
    }
  });

  describe(`${runtime}: where the app listens (/crash is an unauthenticated crash button)`, () => {
    const demo = generateDemo({ runtime, pid1: 'exec' });
    after(() => demo.remove());
    test('without HOST, as on a laptop outside a container: 127.0.0.1 only, a connect to 127.0.0.2 is refused', opts, async (t) => {
      const run = await runDemo(demo, { env: { HOST: null } });
      t.after(() => run.stop());
      await run.whoami();
      assert.equal(await accepts('127.0.0.2', run.port), false, run.ns.output());
    });
    test("with the image's own HOST, as in a container: every interface, 127.0.0.2 included", opts, async (t) => {
      const host = demo.imageEnv['HOST'];
      assert.equal(host, '0.0.0.0', 'the Dockerfile sets HOST=0.0.0.0');
      const run = await runDemo(demo, { env: { HOST: host } });
      t.after(() => run.stop());
      await run.whoami();
      assert.equal(await accepts('127.0.0.2', run.port), true, run.ns.output());
    });
  });

  describe(`${runtime}: SIGTERM to PID 1 from outside the namespace`, () => {
    for (const pid1 of PID1S) {
      const demo = generateDemo({ runtime, pid1 });
      after(() => demo.remove());
      test(`PID 1 ${pid1}: stops the supervisor and its workers, exit code 0`, opts, async (t) => {
        const run = await runDemo(demo);
        t.after(() => run.stop());
        assertLayout(await run.whoami(), demo.saved);
        run.ns.signalInit('SIGTERM');
        const exit = await run.exit();
        assert.equal(exit.status, 0, run.ns.output());
      });
    }
  });
}

describe('SIGKILL to PID 1 from outside the namespace (the kubelet after the grace period)', () => {
  for (const runtime of RUNTIMES) {
    const demo = generateDemo({ runtime, pid1: 'exec' });
    after(() => demo.remove());
    test(`${runtime}: even a supervisor that is PID 1 dies, exit status 137`, opts, async (t) => {
      const run = await runDemo(demo);
      t.after(() => run.stop());
      assertLayout(await run.whoami(), demo.saved);
      run.ns.signalInit('SIGKILL');
      const exit = await run.exit();
      assert.equal(exit.status, 137, `${JSON.stringify(exit)}\n${run.ns.output()}`);
    });
  }
});
