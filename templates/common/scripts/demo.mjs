// @ts-check
// The whole demo in order: build -> load -> deploy -> watch, and (trigger http) the crashes fired
// while watch is already on screen, so the audience sees every transition as it happens.
//
// One crash is not a crash loop: the kubelet restarts a container at once after its first crash and
// shows CrashLoopBackOff only from the second on. So when the container exits (crash-demo.json's
// outcome.containerExits), crash POSTs DEMO_CRASHES times, each after the restart, and
// `watch --until crashloop` ends by itself; a self-firing trigger (random, timer, startup) crashes
// it by itself, and the same watch ends there.
// An app that refuses to crash never crash-loops, so `--until crashloop` would never end: there watch
// runs without it and is stopped the way Ctrl-C stops it (SIGINT: it still prints its summary and
// the SVG) once the crash has had time to fire and the audience to see that nothing changed
// (Running, RESTARTS 0): REFUSING_SHOW_S after the one POST, or refusingWindow() for a self-firing one.
import { setTimeout as sleep } from 'node:timers/promises';
import { $ } from 'zx';
import { build, BUILD_FLAGS } from './build.mjs';
import { crash } from './crash.mjs';
import { checkNamespace, deploy, DEPLOY_FLAGS } from './deploy.mjs';
import { load, LOAD_FLAGS } from './load.mjs';
import {
  BUILD_ENGINES,
  containerExits,
  dryRun,
  fail,
  KUBE_FLAGS,
  kubeContext,
  main,
  note,
  onStop,
  parseFlags,
  pickEngine,
  projectRoot,
  readDemo,
  selfFiring,
  signalExitCode,
} from 'create-crash-demo/scripts';

// ---- config -------------------------------------------------------------------------------------
// Every step's flags, the kube ones last (as in each script's --help).
const { context: _context, yes: _yes, ...STEP_FLAGS } = { ...BUILD_FLAGS, ...LOAD_FLAGS, ...DEPLOY_FLAGS };
/** @type {import('create-crash-demo/scripts').FlagTable} */
export const DEMO_FLAGS = { ...STEP_FLAGS, ...KUBE_FLAGS };

// Two: the second crash is the first the kubelet answers with CrashLoopBackOff, and watch ends there.
const DEMO_CRASHES = 2;
/** After the POST to an app that refuses to crash (trigger http). */
const REFUSING_SHOW_S = 5;
/** Trigger timer: on top of its --after, for the worker's boot and the supervisor's replacing it. */
const TIMER_MARGIN_S = 5;
/** Trigger startup: the crash fires right after boot; deploy does not wait for it, so allow a start. */
const STARTUP_SHOW_S = 10;
/**
 * Trigger random has no bound: each request (the probes' every 5 s and 15 s included) fires with
 * its probability. A fixed window, long enough for a few probes' chances, short enough for a stage.
 */
const RANDOM_SHOW_S = 30;

// ---- steps --------------------------------------------------------------------------------------

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
 * @param {import('create-crash-demo/scripts').DemoOptions} o
 */
export function refusingWindow(o) {
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
 * Watch on screen while `during` runs (the crashes demo fires, if any); resolves when watch has
 * ended. A container that exits: `watch --until crashloop` ends by itself. An app that refuses to
 * crash: watch is stopped as Ctrl-C stops it, `showSeconds` after `during`.
 * @param {string[]} kube the --context / --yes flags for watch
 * @param {{ loops: boolean, showSeconds: number, during: (signal: AbortSignal) => Promise<void> }} how
 */
async function underWatch(kube, { loops, showSeconds, during }) {
  const watch = startWatch(loops ? ['--until', 'crashloop', ...kube] : kube);
  // Ctrl-C, kill, a closed terminal: crash's port-forward and pod watch run detached and need telling,
  // and watch is passed the signal (Ctrl-C reached it already: it stops once, on the first).
  const interrupt = new AbortController();
  const signals = onStop((signal) => {
    interrupt.abort();
    if (watch) stopWatch(watch, signal);
  });
  let stoppedWatch = false; // the show window ended: watch stopped as Ctrl-C stops it, exit 130 expected
  /** @type {Awaited<typeof watch>} */
  let out = null;
  try {
    try {
      await during(interrupt.signal);
      if (!loops) {
        if (dryRun()) process.stdout.write(`# ${showSeconds}s later: stop watch as Ctrl-C does\n`);
        await sleep(showSeconds * 1000, undefined, { signal: interrupt.signal }).catch(() => {});
        if (watch && !interrupt.signal.aborted) {
          stoppedWatch = true;
          stopWatch(watch, 'SIGINT');
        }
      }
    } catch (err) {
      // watch must not outlive the demo: stop it, and let it print its summary, before the error.
      if (watch && !interrupt.signal.aborted) stopWatch(watch, 'SIGINT');
      await watch;
      throw err;
    }
    out = await watch; // a signal until then still reaches watch through onStop
  } finally {
    signals.dispose();
  }
  const expected = stoppedWatch ? signalExitCode('SIGINT') : 0;
  if (out && out.exitCode !== expected && !signals.received) {
    fail(`node scripts/watch.mjs failed (${out.exitCode !== null ? `exit ${out.exitCode}` : `signal ${out.signal}`})`);
  }
}

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  const flags = parseFlags({
    script: 'demo',
    summary:
      'Run the whole demo: build, load, deploy, then watch until CrashLoopBackOff while crash (trigger http) ' +
      `POSTs ${DEMO_CRASHES} times, each after the restart, or the crash fires by itself (other triggers). ` +
      'An app that refuses to crash never crash-loops: a short watch instead, stopped once the crash has had time to fire.',
    flags: DEMO_FLAGS,
  });
  // The guards come first: refusing a context or a namespace after a two-minute build would be rude.
  const context = await kubeContext(flags);
  await checkNamespace(context);
  const demo = readDemo();
  const loops = containerExits(demo);

  // One engine for both: load must take the image from the store build put it in.
  const steps = { ...flags, engine: await pickEngine(flags['engine'], BUILD_ENGINES) };
  await build(steps);
  await load(steps, context);
  await deploy(steps, context, { namespaceChecked: true });

  // watch.mjs runs its own guard; hand it the context already checked here.
  const kube = ['--context', context, ...(flags['yes'] === true ? ['--yes'] : [])];
  const selfFired = selfFiring(demo.options);
  if (selfFired === null) {
    return underWatch(kube, {
      loops,
      showSeconds: REFUSING_SHOW_S,
      during: (signal) => crash(context, { times: loops ? DEMO_CRASHES : 1, signal }),
    });
  }
  note(selfFired);
  const showSeconds = refusingWindow(demo.options);
  if (!loops) {
    const chance = demo.options.trigger === 'random' ? ' (trigger random: the crash may not fire in that time)' : '';
    note(`the app refuses to crash, so it never crash-loops: watch runs ${showSeconds}s${chance}, then stops as Ctrl-C does`);
  }
  await underWatch(kube, { loops, showSeconds, during: async () => {} });
});
