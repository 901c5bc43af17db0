// @ts-check
// demo's last step: `npm run watch` on screen while the crashes happen, so the audience sees every
// transition as it happens. A container that exits crash-loops and `watch --until crashloop` ends
// by itself. An app that refuses to crash never crash-loops, so `--until crashloop` would never end:
// there watch runs without it and is stopped the way Ctrl-C stops it (SIGINT: it still prints its
// summary and the SVG) once the crash has had time to fire and the audience to see that nothing
// changed (Running, RESTARTS 0).
import { setTimeout as sleep } from 'node:timers/promises';
import { $ } from 'zx';
import { dryRun, fail, interruptible, note, projectRoot, signalExitCode } from '../plumbing/cli.mjs';
import { containerExits, selfFiring } from './firing.mjs';

/** Trigger timer: on top of its --after, for the worker's boot and the supervisor's replacing it. */
const TIMER_MARGIN_S = 5;
/** Trigger startup: the crash fires right after boot; deploy does not wait for it, so allow a start. */
const STARTUP_SHOW_S = 10;
/**
 * Trigger random has no bound: each request (the probes' every 5 s and 15 s included) fires with
 * its probability. A fixed window, long enough for a few probes' chances, short enough for a stage.
 */
const RANDOM_SHOW_S = 30;

/**
 * Starts `node scripts/watch.mjs <args>` on this terminal and leaves it running; null under
 * --dry-run (the command is printed). It stays in this process group, so Ctrl-C reaches it as
 * before; `exec` makes its pid the watch itself, so stopWatch() can signal it.
 * @param {string[]} args
 */
function startWatch(args) {
  const p = $({ cwd: projectRoot, quiet: true, verbose: false, halt: true, nothrow: true, stdio: 'inherit', prefix: 'set -euo pipefail;exec ' })`node scripts/watch.mjs ${args}`;
  if (dryRun()) {
    process.stdout.write(p.cmd + '\n');
    return null;
  }
  note(`$ ${p.cmd}`);
  return p.run();
}

/**
 * @param {import('zx').ProcessPromise} watch
 * @param {NodeJS.Signals} signal
 */
function stopWatch(watch, signal) {
  try {
    if (watch.pid !== undefined) process.kill(watch.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * How long to watch a self-firing app that refuses to crash: long enough for its crash to fire at
 * least once where that is bounded.
 * @param {import('../plumbing/cli.mjs').DemoOptions} o
 */
function refusingWindow(o) {
  switch (o.trigger) {
    case 'timer':
      // Each worker fires CRASH_AFTER_SECONDS (--after) after it booted, and deploy waited for the boot.
      return o.after + TIMER_MARGIN_S;
    case 'startup':
      return STARTUP_SHOW_S;
    default: // random
      return RANDOM_SHOW_S;
  }
}

/**
 * A self-firing trigger: says how the crash fires and, for an app that refuses to crash, how long
 * watch runs; returns those seconds (refusingWindow).
 * @param {import('../plumbing/cli.mjs').Demo} demo
 */
export function announceSelfFiring(demo) {
  const how = selfFiring(demo.options);
  if (how) note(how);
  const showSeconds = refusingWindow(demo.options);
  if (!containerExits(demo)) {
    const chance = demo.options.trigger === 'random' ? ' (trigger random: the crash may not fire in that time)' : '';
    const what = demo.options.crash === 'hang' ? 'the app hangs and, with no liveness probe, nothing restarts it' : 'the app refuses to crash';
    note(`${what}, so it never crash-loops: watch runs ${showSeconds}s${chance}, then stops as Ctrl-C does`);
  }
  return showSeconds;
}

/**
 * Watch on screen while `during` runs (the crashes demo fires, if any); resolves when watch has
 * ended. A container that exits: `watch --until crashloop` ends by itself. An app that refuses to
 * crash: watch is stopped as Ctrl-C stops it, `showSeconds` after `during`.
 * @param {string[]} kube the --context / --yes flags for watch
 * @param {{ loops: boolean, showSeconds: number, during: (signal: AbortSignal) => Promise<void> }} how
 */
export async function underWatch(kube, { loops, showSeconds, during }) {
  const watch = startWatch(loops ? ['--until', 'crashloop', ...kube] : kube);
  let stoppedWatch = false; // the show window ended: watch stopped as Ctrl-C stops it, exit 130 expected
  // Ctrl-C, kill, a closed terminal: crash's port-forward and pod watch run detached and need telling,
  // and watch is passed the signal (Ctrl-C reached it already: it stops once, on the first).
  const { out, signals } = await interruptible(
    async (signal, signals) => {
      try {
        await during(signal);
        if (!loops) stoppedWatch = await showFor(showSeconds, watch, signal);
      } catch (err) {
        // watch must not outlive the demo: stop it, and let it print its summary, before the error.
        if (watch && !signal.aborted) stopWatch(watch, 'SIGINT');
        await watch;
        throw err;
      }
      return { out: await watch, signals }; // a signal until then still reaches watch
    },
    (signal) => {
      if (watch) stopWatch(watch, signal);
    },
  );
  const expected = stoppedWatch ? signalExitCode('SIGINT') : 0;
  if (out && out.exitCode !== expected && !signals.received) {
    fail(`node scripts/watch.mjs failed (${out.exitCode !== null ? `exit ${out.exitCode}` : `signal ${out.signal}`})`);
  }
}

/**
 * Leaves watch on screen `seconds` longer, then stops it as Ctrl-C does; true when it did.
 * @param {number} seconds
 * @param {import('zx').ProcessPromise | null} watch null under --dry-run
 * @param {AbortSignal} signal
 */
async function showFor(seconds, watch, signal) {
  if (dryRun()) process.stdout.write(`# ${seconds}s later: stop watch as Ctrl-C does\n`);
  await sleep(seconds * 1000, undefined, { signal }).catch(() => {});
  if (!watch || signal.aborted) return false;
  stopWatch(watch, 'SIGINT');
  return true;
}
