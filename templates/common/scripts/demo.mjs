// @ts-check
// The whole demo in order: build -> load -> deploy -> watch, and (trigger http) the crashes fired
// while watch is already on screen, so the audience sees every transition as it happens.
// One crash is not a crash loop (the kubelet backs off only from the second), so a container that
// exits gets DEMO_CRASHES POSTs, each after the restart, and `watch --until crashloop` ends by itself.
// An app that refuses to crash never crash-loops, nor does a hang the liveness probe restarts at once:
// watch is stopped as Ctrl-C stops it, REFUSING_SHOW_S after the last POST has been handled.
import { build, BUILD_FLAGS } from './build.mjs';
import { crash } from './crash.mjs';
import { checkNamespace, deploy, DEPLOY_FLAGS } from './deploy.mjs';
import { load, LOAD_FLAGS } from './load.mjs';
import {
  announceSelfFiring, BUILD_ENGINES, containerExits, crashLoops, KUBE_FLAGS, kubeContext, main,
  parseFlags, pickEngine, readDemo, selfFiring, underWatch,
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
  const loops = crashLoops(demo);

  // One engine for both: load must take the image from the store build put it in.
  const steps = { ...flags, engine: await pickEngine(flags['engine'], BUILD_ENGINES) };
  await build(steps);
  await load(steps, context);
  await deploy(steps, context, { namespaceChecked: true });

  // watch.mjs runs its own guard; hand it the context already checked here.
  const kube = ['--context', context, ...(flags['yes'] === true ? ['--yes'] : [])];
  if (selfFiring(demo.options) === null) {
    const times = containerExits(demo) ? DEMO_CRASHES : 1;
    return underWatch(kube, { loops, showSeconds: REFUSING_SHOW_S, during: (signal) => crash(context, { times, signal }) });
  }
  // The crash fires by itself: watch is all there is to run (for a set time if it never crash-loops).
  await underWatch(kube, { loops, showSeconds: announceSelfFiring(demo), during: async () => {} });
});
