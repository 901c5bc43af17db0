// @ts-check
// Put the built image into the local cluster behind the kube context, so no registry is needed.
import { loadImageCommand, resolveCluster } from './lib/context.mjs';
import { KUBE_FLAGS, fail, imageRef, kubeContext, main, note, parseFlags, readDemo, requireTool, run, step } from './lib/cli.mjs';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('./lib/cli.mjs').FlagTable} */
export const LOAD_FLAGS = {
  cluster: {
    type: 'string',
    placeholder: 'KIND',
    choices: ['auto', 'kind', 'minikube', 'k3d', 'docker-desktop'],
    describe: 'how to put the image into the cluster (default: the --cluster saved in crash-demo.json; auto = from the kube context)',
  },
  ...KUBE_FLAGS,
};

// ---- steps --------------------------------------------------------------------------------------

/**
 * @param {import('./lib/cli.mjs').FlagValues} flags
 * @param {string} context the checked kube context
 */
export async function load(flags, context) {
  const demo = readDemo();
  const image = imageRef(demo);
  const wanted = typeof flags['cluster'] === 'string' ? flags['cluster'] : demo.options.cluster;
  /** @type {ReturnType<typeof loadImageCommand>} */
  let command;
  try {
    command = loadImageCommand(resolveCluster(wanted, context), context, image);
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  if (command === null) {
    note(`${context} runs on the engine's own image store: ${image} is already there, nothing to load`);
    return;
  }
  await requireTool(command.tool);
  await step(`loading ${image} into ${context}`, () => run`${command.tool} ${command.args}`);
}

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  const flags = parseFlags({
    script: 'load',
    summary: 'Load the built image into the local cluster (kind, minikube, k3d; nothing for Docker Desktop and friends).',
    flags: LOAD_FLAGS,
  });
  await load(flags, await kubeContext(flags));
});
