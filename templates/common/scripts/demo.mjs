// @ts-check
// The whole demo in order: build -> load -> deploy -> watch, and (trigger http) the crashes fired
// while watch is already on screen, so the audience sees every transition as it happens.
//
// One crash is not a crash loop: the kubelet restarts a container at once after its first crash and
// shows CrashLoopBackOff only from the second on. So when the container exits, crash POSTs
// DEMO_CRASHES times, each after the restart, and `watch --until crashloop` ends by itself.
// An app that refuses to crash never crash-loops: there watch runs without --until, crash POSTs
// once, and watch is stopped the way Ctrl-C stops it (SIGINT: it still prints its summary and the
// SVG) REFUSING_SHOW_S later, long enough to see that nothing changed (Running, RESTARTS 0).
import { setTimeout as sleep } from 'node:timers/promises';
import { $ } from 'zx';
import { build, BUILD_FLAGS } from './build.mjs';
import { containerExits, crash, selfFiring } from './crash.mjs';
import { deploy, DEPLOY_FLAGS } from './deploy.mjs';
import { load, LOAD_FLAGS } from './load.mjs';
import { KUBE_FLAGS, dryRun, fail, kubeContext, main, note, parseFlags, projectRoot, readDemo, runLive } from './lib/cli.mjs';

// ---- config -------------------------------------------------------------------------------------
// Every step's flags, the kube ones last (as in each script's --help).
const { context: _context, yes: _yes, ...STEP_FLAGS } = { ...BUILD_FLAGS, ...LOAD_FLAGS, ...DEPLOY_FLAGS };
/** @type {import('./lib/cli.mjs').FlagTable} */
export const DEMO_FLAGS = { ...STEP_FLAGS, ...KUBE_FLAGS };

// Two: the second crash is the first the kubelet answers with CrashLoopBackOff, and watch ends there.
const DEMO_CRASHES = 2;
const REFUSING_SHOW_S = 5;

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

/** @param {import('zx').ProcessPromise} watch */
function stopWatch(watch) {
  try {
    if (watch.pid !== undefined) process.kill(watch.pid, 'SIGINT');
  } catch {
    // already gone
  }
}

/**
 * Watch first, then the crashes under it; resolves when watch has ended.
 * @param {string} context the checked kube context
 * @param {string[]} kube the --context / --yes flags for watch
 */
async function crashUnderWatch(context, kube) {
  const loops = containerExits(readDemo());
  const watch = startWatch(loops ? ['--until', 'crashloop', ...kube] : kube);
  // Ctrl-C reaches watch directly; crash's port-forward and pod watch run detached and need telling.
  const interrupt = new AbortController();
  const onInterrupt = () => interrupt.abort();
  process.once('SIGINT', onInterrupt);
  try {
    await crash(context, { times: loops ? DEMO_CRASHES : 1, signal: interrupt.signal });
    if (!loops) {
      if (dryRun()) process.stdout.write(`# ${REFUSING_SHOW_S}s later: stop watch as Ctrl-C does\n`);
      await sleep(REFUSING_SHOW_S * 1000, undefined, { signal: interrupt.signal }).catch(() => {});
      if (watch && !interrupt.signal.aborted) stopWatch(watch);
    }
  } catch (err) {
    // A second SIGINT would cut watch's summary short: only signal it if Ctrl-C has not.
    if (watch && !interrupt.signal.aborted) stopWatch(watch);
    await watch;
    throw err;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
  const out = await watch;
  if (out && out.exitCode !== 0 && !interrupt.signal.aborted) {
    fail(`node scripts/watch.mjs failed (${out.exitCode !== null ? `exit ${out.exitCode}` : `signal ${out.signal}`})`);
  }
}

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  const flags = parseFlags({
    script: 'demo',
    summary:
      'Run the whole demo: build, load, deploy, then watch until CrashLoopBackOff while crash (trigger http) ' +
      `POSTs ${DEMO_CRASHES} times, each after the restart (once, and a short watch, for an app that refuses to crash).`,
    flags: DEMO_FLAGS,
  });
  // The guard comes first: refusing a context after a two-minute build would be rude.
  const context = await kubeContext(flags);
  const { options } = readDemo();

  await build(flags);
  await load(flags, context);
  await deploy(flags, context);

  // watch.mjs runs its own guard; hand it the context already checked here.
  const kube = ['--context', context, ...(flags['yes'] === true ? ['--yes'] : [])];
  const selfFired = selfFiring(options);
  if (selfFired === null) return crashUnderWatch(context, kube);
  note(selfFired);
  await runLive`node scripts/watch.mjs ${['--until', 'crashloop', ...kube]}`;
});
