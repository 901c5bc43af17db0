// npm run rehearse, end to end, on the real Docker engine: a demo scaffolded by the real bin, its
// image built by its own scripts/build.mjs, and its own scripts/rehearse.mjs restarting the container
// on the kubelet's schedule. What is asserted comes from the engine (docker events: each start and
// each die with its exit code; docker logs; the app's HTTP answers on 127.0.0.1) and from what
// rehearse printed (--json), never from anything this file printed. Loopback only: --network host.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Options, SavedDemo } from '../../src/index.js';
import { restartWindow } from '../../src/runtime/kube/backoff.mjs';
import { BIN } from '../support/bin.js';
import { linkDemoModules } from '../support/demo-modules.js';
import { ensureBaseImage } from '../support/base-images.js';
import { docker, engineAnswers, run, waitFor } from '../support/docker.js';
import { accepts, asWhoAmI, freePort, request } from '../support/loopback.js';
import { hostProcesses } from '../support/processes.js';
import { Terminal } from '../support/pty.js';
import { requireCurrentBuild } from '../support/build.js';

requireCurrentBuild();

const RUNTIMES: Options['runtime'][] = ['python', 'node'];
// rehearse restarts where the kubelet would: a random point of the requeue's jitter after the
// back-off, so anywhere in restartWindow(B) (backoff.mjs, the window the countdown shows). The
// machine may be loaded (load 20+ on 2 cores): a start may come this much past the window's end,
// never earlier than the back-off minus the clock skew between the engine's die event and its FinishedAt.
const LOAD_S = 3;
const EARLY_S = 0.5;
const waitsFit = (w: number, backoff: number) => w >= backoff - EARLY_S && w <= restartWindow(backoff).latestSeconds + LOAD_S;

const scratch = mkdtempSync(join(tmpdir(), 'crash-demo-e2e-'));
const images = new Set<string>();

before(async () => {
  assert.ok(await engineAnswers(), 'no Docker engine answers: run test/setup-machine.sh as root first');
});

after(async () => {
  // Containers and images always go, even when a test failed half-way: a run leaves nothing behind.
  for (const image of images) await removeContainersOf(image);
  for (const image of images) await docker(['rmi', '--force', image], { allowFail: true });
  rmSync(scratch, { recursive: true, force: true });
});

async function removeContainersOf(image: string): Promise<void> {
  const ids = (await docker(['ps', '--all', '--quiet', '--filter', `ancestor=${image}`], { allowFail: true })).stdout.split('\n').filter(Boolean);
  if (ids.length > 0) await docker(['rm', '--force', ...ids], { allowFail: true });
}

interface Demo {
  dir: string;
  saved: SavedDemo;
  port: number;
  image: string;
}

/** Scaffolds with the real bin, non-interactively, and builds the image with the demo's own build.mjs. */
async function scaffoldAndBuild(runtime: Options['runtime'], name: string, flags: string[]): Promise<Demo> {
  const dir = join(scratch, name);
  const port = await freePort();
  await run(process.execPath, [BIN, dir, '--yes', '--name', name, '--runtime', runtime, '--port', String(port), ...flags], {
    env: { ...process.env, NO_COLOR: '1' },
    timeoutMs: 60_000,
  });
  linkDemoModules(dir);
  const saved = JSON.parse(readFileSync(join(dir, 'crash-demo.json'), 'utf8')) as SavedDemo;
  const image = `${name}:${saved.generator.version}`;
  images.add(image);
  const base = (await ensureBaseImage(runtime)).tag;
  const built = await run(process.execPath, [join(dir, 'scripts', 'build.mjs'), '--base-image', base, '--network', 'host'], {
    env: { ...process.env, NO_COLOR: '1', DOCKER_BUILDKIT: '0' },
    timeoutMs: 15 * 60_000,
  });
  // The success line, and the image it names is there (the engine says so, not the script).
  assert.match(built.stdout, new RegExp(`^built ${image} with docker: next, npm run load \\(a cluster\\) or npm run rehearse \\(no cluster\\)$`, 'm'));
  assert.equal((await docker(['image', 'inspect', '--format', '{{.Id}}', image])).code, 0);
  return { dir, saved, port, image };
}

interface EngineEvent {
  action: string;
  id: string;
  t: number; // seconds
  exitCode: number | null;
}

/** `docker events` for containers of one image, from now on: what the engine itself did, and when. */
function engineEvents(image: string) {
  const child = spawn('docker', ['events', '--filter', 'type=container', '--filter', `image=${image}`, '--format', '{{json .}}'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const events: EngineEvent[] = [];
  let buf = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      const e = JSON.parse(line) as { Action: string; id: string; timeNano: number; Actor?: { Attributes?: Record<string, string> } };
      const code = e.Actor?.Attributes?.['exitCode'];
      events.push({ action: e.Action, id: e.id, t: e.timeNano / 1e9, exitCode: code === undefined ? null : Number(code) });
    }
  });
  return {
    of: (action: string) => events.filter((e) => e.action === action),
    stop: () => child.kill('SIGTERM'),
    // `docker events` prints nothing until something happens: give it a moment to subscribe.
    ready: new Promise((r) => setTimeout(r, 1000)),
  };
}

interface JsonState {
  pod: string;
  container: string;
  status: string;
  restarts: number;
  lastExitCode: number | null;
  lastReason: string | null;
  backoffSeconds: number | null;
}

/** The demo's own rehearse.mjs, on the host network unless args name another, printing --json. */
function rehearse(demo: Demo, args: string[]) {
  const network = args.includes('--network') ? [] : ['--network', 'host'];
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [join(demo.dir, 'scripts', 'rehearse.mjs'), ...network, '--json', '--no-svg', ...args],
    { cwd: demo.dir, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    exited,
    states: () =>
      stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as JsonState),
    stderr: () => stderr,
  };
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

async function containersOf(image: string): Promise<string[]> {
  return (await docker(['ps', '--all', '--quiet', '--filter', `ancestor=${image}`])).stdout.split('\n').filter(Boolean);
}

test('npm run build with a base image that cannot be pulled: the engine\'s error and the --base-image hint in one line, exit 1', { timeout: 5 * 60_000 }, async () => {
  const dir = join(scratch, 'unpullable');
  await run(process.execPath, [BIN, dir, '--yes', '--name', 'unpullable'], { env: { ...process.env, NO_COLOR: '1' }, timeoutMs: 60_000 });
  linkDemoModules(dir);
  images.add('unpullable:0.1.0');
  // A registry on a closed loopback port: the pull fails at once, and nothing leaves this machine.
  const r = await run(process.execPath, [join(dir, 'scripts', 'build.mjs'), '--base-image', '127.0.0.1:1/none:1', '--network', 'host'], {
    env: { ...process.env, NO_COLOR: '1' },
    timeoutMs: 4 * 60_000,
    allowFail: true,
  });
  assert.equal(r.code, 1, r.stderr);
  // Besides the step ('→ building ...') and the command ('$ docker build ...'): one line, the error.
  const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('→ ') && !l.startsWith('$ '));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^✖ docker build .* failed \(exit 1\): /);
  assert.match(lines[0]!, /connection refused/);
  assert.match(lines[0]!, /The base image \(127\.0\.0\.1:1\/none:1\) could not be pulled: pass one your engine already has or can pull, e\.g\. npm run build -- --base-image IMAGE$/);
  assert.doesNotMatch(r.stdout, /^built /m);
});

describe('npm run rehearse on the real engine', { concurrency: true }, () => {
  for (const runtime of RUNTIMES) {
    describe(runtime, () => {
      test(
        `--crash kill-parent --pid1 tini --trigger startup: CrashLoopBackOff, restarts at once, then after 10s and 20s`,
        { timeout: 6 * 60_000 },
        async () => {
          const demo = await scaffoldAndBuild(runtime, `e2e-rh-crash-${runtime}`, ['--crash', 'kill-parent', '--pid1', 'tini', '--trigger', 'startup']);
          assert.equal(demo.saved.outcome.containerExits, true);
          const events = engineEvents(demo.image);
          try {
            await events.ready;
            const r = rehearse(demo, ['--backoff', 'kubelet', '--until', '3-restarts']);
            const code = await withTimeout(r.exited, 4 * 60_000, 'rehearse --until 3-restarts to end');
            assert.equal(code, 0, r.stderr());

            // What rehearse showed: the kubelet's statuses, RESTARTS up to 3, the exit the model predicted.
            const states = r.states();
            assert.ok(states.some((s) => s.status === 'CrashLoopBackOff'), JSON.stringify(states));
            assert.ok(states.some((s) => s.status === demo.saved.outcome.reason), 'the terminated reason shows as STATUS');
            assert.ok(Math.max(...states.map((s) => s.restarts)) >= 3);
            const exits = states.filter((s) => s.lastExitCode !== null);
            assert.ok(exits.length > 0);
            for (const s of exits) assert.deepEqual([s.lastExitCode, s.lastReason], [demo.saved.outcome.exitCode, demo.saved.outcome.reason]);
            const announced = states.filter((s) => s.status === 'CrashLoopBackOff').map((s) => s.backoffSeconds);
            assert.deepEqual(announced, [10, 20], 'the back-offs the kubelet would announce');

            // What the engine did: every exit is the model's exit code, and the waits follow the schedule.
            const dies = events.of('die');
            const starts = events.of('start');
            assert.ok(dies.length >= 3 && starts.length >= 4, `engine events: ${dies.length} die, ${starts.length} start`);
            for (const d of dies.slice(0, 3)) assert.equal(d.exitCode, demo.saved.outcome.exitCode);
            const waits = [1, 2, 3].map((n) => (starts[n]?.t ?? NaN) - (dies[n - 1]?.t ?? NaN));
            const [w1 = NaN, w2 = NaN, w3 = NaN] = waits;
            const shown = `measured waits ${waits.map((w) => w.toFixed(2)).join(' ')} s`;
            assert.ok(w1 >= 0 && w1 < 10 - EARLY_S, `restart 1 is immediate (before any back-off): ${shown}`);
            assert.ok(waitsFit(w2, 10), `restart 2 inside the 10s back-off's window (${restartWindow(10).latestSeconds}s): ${shown}`);
            assert.ok(waitsFit(w3, 20), `restart 3 inside the doubled, 20s back-off's window (${restartWindow(20).latestSeconds}s): ${shown}`);
            process.stderr.write(`# ${runtime}: ${shown}\n`);

            // Gone when it ends.
            assert.deepEqual(await containersOf(demo.image), []);
          } finally {
            events.stop();
            await removeContainersOf(demo.image);
          }
        },
      );

      test('faults end cleanly: `docker rm -f` during a back-off is said at once (exit 1); SIGHUP removes the container and every helper (exit 129)', { timeout: 6 * 60_000 }, async () => {
        const demo = await scaffoldAndBuild(runtime, `e2e-rh-fault-${runtime}`, ['--crash', 'kill-parent', '--pid1', 'tini', '--trigger', 'startup']);
        const name = `${demo.saved.options.name}-rehearse`;
        try {
          // 1. Removed from outside in the middle of the 10s back-off.
          const r = rehearse(demo, ['--backoff', 'kubelet']);
          await withTimeout(
            waitFor('the first CrashLoopBackOff', async () => (r.states().some((s) => s.status === 'CrashLoopBackOff') ? true : undefined), { timeoutMs: 120_000, intervalMs: 200 }),
            130_000,
            'CrashLoopBackOff',
          );
          const removedAt = Date.now();
          await docker(['rm', '--force', name]);
          const code = await withTimeout(r.exited, 60_000, 'rehearse to notice the removal');
          const noticedS = (Date.now() - removedAt) / 1000;
          assert.equal(code, 1, r.stderr());
          assert.match(r.stderr(), new RegExp(`✖ container ${name} was removed from outside \\(docker rm\\?\\) while the rehearsal ran: nothing left to restart\\n$`));
          assert.ok(noticedS < 8, `noticed ${noticedS.toFixed(1)} s after the removal, not at the end of the 10s back-off`);
          assert.doesNotMatch(r.stderr(), /Error response from daemon/);

          // 2. SIGHUP (the terminal closed): container removed, no docker helper left, exit 128 + 1.
          const h = rehearse(demo, ['--backoff', 'kubelet']);
          await withTimeout(
            waitFor('the container to run', async () => (h.states().some((s) => s.status === 'Running') ? true : undefined), { timeoutMs: 120_000, intervalMs: 200 }),
            130_000,
            'Running',
          );
          h.child.kill('SIGHUP');
          assert.equal(await withTimeout(h.exited, 60_000, 'rehearse to stop on SIGHUP'), 129, h.stderr());
          assert.deepEqual(await containersOf(demo.image), [], 'SIGHUP removed the container');
          const helpers = hostProcesses()
            .map(({ argv }) => argv.join(' '))
            .filter((cmd) => /^docker (events|logs|wait)\b/.test(cmd) && cmd.includes(name));
          assert.deepEqual(helpers, [], 'no docker events / logs / wait left running');
        } finally {
          await removeContainersOf(demo.image);
        }
      });

      test('`docker kill` from outside: named as not the demo\'s crash, restarted like the kubelet would; with --network host the app listens on 127.0.0.1 only', { timeout: 5 * 60_000 }, async () => {
        // --trigger http: nothing crashes until someone POSTs /crash, so the only exit is the kill.
        const demo = await scaffoldAndBuild(runtime, `e2e-rh-kill-${runtime}`, ['--crash', 'kill-parent', '--pid1', 'exec', '--trigger', 'http']);
        const events = engineEvents(demo.image);
        try {
          await events.ready;
          const r = rehearse(demo, ['--backoff', 'kubelet']);
          await waitFor('GET / on 127.0.0.1 to answer', () => request(demo.port, 'GET', '/'), { timeoutMs: 120_000, intervalMs: 500 });
          // /crash is an unauthenticated crash button: on the host network, not on every interface.
          assert.equal(await accepts('127.0.0.2', demo.port), false, 'a connect to 127.0.0.2 is refused: the app listens on 127.0.0.1 only');

          const [id] = await containersOf(demo.image);
          assert.ok(id, 'the rehearsal container exists');
          await docker(['kill', id]);
          await waitFor('the engine to start the container again', async () => (events.of('start').length >= 2 ? true : undefined), { timeoutMs: 60_000, intervalMs: 200 });
          assert.deepEqual(events.of('die').map((e) => e.exitCode), [137], 'docker kill: SIGKILL to PID 1, exit 137');
          await waitFor('GET / after the restart', () => request(demo.port, 'GET', '/'), { timeoutMs: 60_000, intervalMs: 500 });
          await waitFor('rehearse to name the exit', async () => (/exit 137 at \S+: not the demo's crash/.test(r.stderr()) ? true : undefined), { timeoutMs: 30_000, intervalMs: 200 });

          r.child.kill('SIGINT');
          assert.equal(await withTimeout(r.exited, 60_000, 'rehearse to stop after Ctrl-C'), 130, r.stderr());
          assert.match(r.stderr(), /1 exit\(s\) were not the demo's crash \(no crash line in the app's log; stopped from outside\): exit 137 at /);
          assert.match(r.stderr(), /the crash never fired \(no "<<<< crashing:" line in the app's log\): press c while it runs, or pass --times N/);
          const restarted = r.states().filter((s) => s.restarts === 1);
          assert.ok(restarted.length > 0, JSON.stringify(r.states()));
          for (const s of restarted) assert.deepEqual([s.lastExitCode, s.lastReason], [137, 'Error']);
        } finally {
          events.stop();
          await removeContainersOf(demo.image);
        }
      });

      const refusing: Array<{ title: string; name: string; flags: string[]; mode: string }> = [
        {
          title: '--crash kill-parent --pid1 exec --trigger timer --after 2',
          name: `e2e-rh-exec-${runtime}`,
          flags: ['--crash', 'kill-parent', '--pid1', 'exec', '--trigger', 'timer', '--after', '2'],
          mode: 'kill-parent',
        },
        {
          title: '--crash exit-worker --trigger timer --after 2',
          name: `e2e-rh-exitw-${runtime}`,
          flags: ['--crash', 'exit-worker', '--pid1', 'tini', '--trigger', 'timer', '--after', '2'],
          mode: 'exit-worker',
        },
      ];
      for (const c of refusing) {
        test(`${c.title}: the crash fires, RESTARTS stays 0, the app keeps answering; Ctrl-C removes the container`, { timeout: 5 * 60_000 }, async () => {
          const demo = await scaffoldAndBuild(runtime, c.name, c.flags);
          assert.equal(demo.saved.outcome.containerExits, false);
          const events = engineEvents(demo.image);
          try {
            await events.ready;
            const r = rehearse(demo, []);
            const exitedEarly = r.exited.then((code) => {
              throw new Error(`rehearse ended by itself (exit ${code}): ${r.stderr()}`);
            });
            exitedEarly.catch(() => {});
            const first = asWhoAmI(
              await Promise.race([waitFor('GET / on 127.0.0.1 to answer', () => request(demo.port, 'GET', '/'), { timeoutMs: 120_000, intervalMs: 500 }), exitedEarly]),
            );
            const [id] = await containersOf(demo.image);
            assert.ok(id, 'the rehearsal container exists');
            const crashLine = new RegExp(`<<<< crashing: ${c.mode} pid=\\d+ ppid=\\d+ >>>>`);
            await Promise.race([
              waitFor(
                `the app to log its ${c.mode} crash`,
                async () => {
                  const logs = await docker(['logs', id], { allowFail: true });
                  return crashLine.test(logs.stdout + logs.stderr) ? true : undefined;
                },
                { timeoutMs: 60_000, intervalMs: 500 },
              ),
              exitedEarly,
            ]);
            // After the crash: still answering on loopback, and the engine never saw the container stop.
            const later = asWhoAmI(await waitFor('GET / after the crash', () => request(demo.port, 'GET', '/'), { timeoutMs: 30_000, intervalMs: 500 }));
            assert.equal(later.pid1, first.pid1);
            assert.deepEqual(events.of('die'), [], 'the container never exited');
            assert.equal(events.of('start').length, 1, 'started once, never restarted');

            if (c.mode === 'kill-parent') {
              // The refusing demo's punch line, from the app's own log, shown as it happens.
              await waitFor(
                'the dropped SIGKILL in the view',
                async () => (/app log: crash-demo: my parent pid=1 is still alive after SIGKILL: it is PID 1, and the kernel dropped the signal/.test(r.stderr()) ? true : undefined),
                { timeoutMs: 30_000, intervalMs: 200 },
              );
            }

            r.child.kill('SIGINT'); // Ctrl-C
            const code = await withTimeout(r.exited, 60_000, 'rehearse to stop after Ctrl-C');
            assert.equal(code, 130, `stopped by Ctrl-C, not by itself: exit 128 + SIGINT\n${r.stderr()}`);
            assert.match(r.stderr(), /the crash fired [1-9]\d* time\(s\)/, 'the summary says it fired');
            const states = r.states();
            assert.ok(states.length > 0);
            for (const s of states) assert.deepEqual([s.status, s.restarts], ['Running', 0], JSON.stringify(s));
            assert.deepEqual(await containersOf(demo.image), [], 'Ctrl-C removed the container');
          } finally {
            events.stop();
            await removeContainersOf(demo.image);
          }
        });
      }
    });
  }

  test('at a terminal: c fires the crash (POST /crash), the container exits as predicted and is restarted; q quits with exit 0 and removes the container', { timeout: 5 * 60_000 }, async () => {
    const demo = await scaffoldAndBuild('python', 'e2e-rh-keys', ['--crash', 'kill-parent', '--pid1', 'tini', '--trigger', 'http']);
    const events = engineEvents(demo.image);
    const term = new Terminal([process.execPath, join(demo.dir, 'scripts', 'rehearse.mjs'), '--network', 'host', '--no-svg', '--backoff', 'kubelet'], demo.dir);
    try {
      await events.ready;
      await term.waitFor(`Fire the crash: press c (q quits), or from another terminal: curl -X POST http://127.0.0.1:${demo.port}/crash`, 120_000);
      await waitFor('GET / on 127.0.0.1 to answer', () => request(demo.port, 'GET', '/'), { timeoutMs: 120_000, intervalMs: 500 });
      await term.waitFor(/1\/1\s+Running/, 60_000); // rehearse saw the app ready
      term.type('c');
      await term.waitFor(/c pressed: POST \/crash: 202 /, 30_000);
      await waitFor('the engine to restart the container', async () => (events.of('start').length >= 2 ? true : undefined), { timeoutMs: 60_000, intervalMs: 200 });
      assert.deepEqual(events.of('die').map((e) => e.exitCode), [demo.saved.outcome.exitCode], 'the exit crash-demo.json predicts');
      assert.doesNotMatch(term.output, /not the demo's crash/, 'the crash line was in the log');
      term.type('q');
      assert.equal(await withTimeout(term.exited, 60_000, 'rehearse to quit on q'), 0, term.output);
      assert.match(term.output, /the crash fired 1 time\(s\)/);
      assert.doesNotMatch(term.output, /was not reached/);
      // The closing line points at the cluster run, which watches by itself (no "then npm run watch").
      assert.match(term.output, /This was a rehearsal of the kubelet's restart policy on docker; on a cluster: npm run demo/);
      assert.doesNotMatch(term.output, /npm run watch/);
      assert.deepEqual(await containersOf(demo.image), [], 'q removed the container');
    } finally {
      term.kill();
      events.stop();
      await removeContainersOf(demo.image);
    }
  });

  test("at a terminal, a demo that refuses to crash shows the app's own punch line on screen as it happens: its parent, PID 1, is still alive after SIGKILL", { timeout: 5 * 60_000 }, async () => {
    const demo = await scaffoldAndBuild('python', 'e2e-rh-punch', ['--crash', 'kill-parent', '--pid1', 'exec', '--trigger', 'http']);
    const events = engineEvents(demo.image);
    const term = new Terminal([process.execPath, join(demo.dir, 'scripts', 'rehearse.mjs'), '--network', 'host', '--no-svg'], demo.dir);
    try {
      await events.ready;
      await term.waitFor(/1\/1\s+Running/, 120_000);
      term.type('c');
      await term.waitFor(/c pressed: POST \/crash: 202 /, 30_000);
      await term.waitFor(/app log: crash-demo: my parent pid=1 is still alive after SIGKILL/, 30_000);
      assert.deepEqual(events.of('die').map((e) => e.exitCode), [], 'the container never exited: the kernel dropped the SIGKILL');
      term.type('q');
      assert.equal(await withTimeout(term.exited, 60_000, 'rehearse to quit on q'), 0, term.output);
      assert.match(term.output, /the crash fired 1 time\(s\)/);
      assert.match(term.output, /RESTARTS 0/);
    } finally {
      term.kill();
      events.stop();
      await removeContainersOf(demo.image);
    }
  });

  test('an app the readiness check cannot reach (--network none: a published port goes nowhere) is said after 10s, with what to try', { timeout: 5 * 60_000 }, async () => {
    const demo = await scaffoldAndBuild('node', 'e2e-rh-nonet', ['--crash', 'kill-parent', '--pid1', 'tini', '--trigger', 'http']);
    try {
      const r = rehearse(demo, ['--network', 'none']);
      await waitFor(
        'the unreachable hint',
        async () => (/no answer on 127\.0\.0\.1:\d+\/readyz for 10s after the start, so READY stays 0\/1\. If docker has no bridge network here .*try --network host/.test(r.stderr()) ? true : undefined),
        { timeoutMs: 120_000, intervalMs: 500 },
      );
      const [id] = await containersOf(demo.image);
      assert.ok(id, 'the container runs');
      assert.equal((await docker(['inspect', '--format', '{{.State.Running}}', id])).stdout.trim(), 'true', 'it runs: only the check cannot reach it');
      assert.ok(r.states().every((s) => s.status === 'Running' || s.status === 'ContainerCreating'), JSON.stringify(r.states()));
      r.child.kill('SIGINT');
      assert.equal(await withTimeout(r.exited, 60_000, 'rehearse to stop after Ctrl-C'), 130, r.stderr());
      assert.equal(r.stderr().match(/no answer on 127\.0\.0\.1/g)?.length, 1, 'said once');
    } finally {
      await removeContainersOf(demo.image);
    }
  });

  test('--times 2 fires the crash by itself, each time the app is ready again: --until 2-restarts is reached, both exits the predicted one', { timeout: 5 * 60_000 }, async () => {
    const demo = await scaffoldAndBuild('node', 'e2e-rh-times', ['--crash', 'halt-supervisor', '--pid1', 'exec', '--trigger', 'http']);
    const events = engineEvents(demo.image);
    try {
      await events.ready;
      const r = rehearse(demo, ['--backoff', 'fast', '--times', '2', '--until', '2-restarts']);
      assert.equal(await withTimeout(r.exited, 4 * 60_000, 'rehearse --times 2 --until 2-restarts to end'), 0, r.stderr());
      assert.match(r.stderr(), /crash 1\/2: POST \/crash: 202 [^\n]*\n(.*\n)*.*crash 2\/2: POST \/crash: 202 /);
      // The two crashes; a third die is rehearse's own rm --force of the restarted container at the end.
      assert.deepEqual(events.of('die').slice(0, 2).map((e) => e.exitCode), [demo.saved.outcome.exitCode, demo.saved.outcome.exitCode]);
      assert.match(r.stderr(), /the crash fired 2 time\(s\)/);
      assert.ok(Math.max(...r.states().map((s) => s.restarts)) >= 2);
      assert.deepEqual(await containersOf(demo.image), []);
    } finally {
      events.stop();
      await removeContainersOf(demo.image);
    }
  });
});
