// @ts-check
// The whole demo in order: build -> load -> deploy -> crash (http trigger) -> watch until CrashLoopBackOff.
import { build, BUILD_FLAGS } from './build.mjs';
import { crash, selfFiring } from './crash.mjs';
import { deploy, DEPLOY_FLAGS } from './deploy.mjs';
import { load, LOAD_FLAGS } from './load.mjs';
import { KUBE_FLAGS, kubeContext, main, note, parseFlags, readDemo, runLive } from './lib/cli.mjs';

// ---- config -------------------------------------------------------------------------------------
// Every step's flags, the kube ones last (as in each script's --help).
const { context: _context, yes: _yes, ...STEP_FLAGS } = { ...BUILD_FLAGS, ...LOAD_FLAGS, ...DEPLOY_FLAGS };
/** @type {import('./lib/cli.mjs').FlagTable} */
export const DEMO_FLAGS = { ...STEP_FLAGS, ...KUBE_FLAGS };

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  const flags = parseFlags({
    script: 'demo',
    summary: 'Run the whole demo: build, load, deploy, crash (trigger http), then watch until CrashLoopBackOff.',
    flags: DEMO_FLAGS,
  });
  // The guard comes first: refusing a context after a two-minute build would be rude.
  const context = await kubeContext(flags);
  const { options } = readDemo();

  await build(flags);
  await load(flags, context);
  await deploy(flags, context);
  if (selfFiring(options) === null) await crash(context);
  else note(selfFiring(options) ?? '');

  // watch.mjs runs its own guard; hand it the context already checked here.
  const watchArgs = ['--until', 'crashloop', '--context', context, ...(flags['yes'] === true ? ['--yes'] : [])];
  await runLive`node scripts/watch.mjs ${watchArgs}`;
});
