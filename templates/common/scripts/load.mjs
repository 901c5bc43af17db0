// @ts-check
// Put the built image into the local cluster behind the kube context, so no registry is needed: the
// cluster tool loads it from Docker, or from an archive the engine saves first (withLoadPlan).
import {
  BUILD_ENGINES, ENGINE_FLAGS, imageRef, KUBE_FLAGS, kubeContext, LOAD_CLUSTER_FLAGS, main, parseFlags, pickEngine,
  readDemo, run, step, withLoadPlan,
} from 'create-crash-demo/scripts';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('create-crash-demo/scripts').FlagTable} */
export const LOAD_FLAGS = { ...ENGINE_FLAGS, ...LOAD_CLUSTER_FLAGS, ...KUBE_FLAGS };

// ---- steps --------------------------------------------------------------------------------------
/** @param {import('create-crash-demo/scripts').FlagValues} flags @param {string} context the checked kube context */
export async function load(flags, context) {
  const demo = readDemo();
  const image = imageRef(demo);
  const engine = await pickEngine(flags['engine'], BUILD_ENGINES);
  // e.g. `kind load docker-image IMAGE --name CLUSTER`; with podman, `podman save -o ARCHIVE IMAGE` first
  await withLoadPlan({ flags, demo, context, image, engine }, async ({ save, load }) => {
    if (save) await step(`saving ${image} from ${save.tool} to an archive`, () => run`${save.tool} ${save.args}`);
    await step(`loading ${image} into ${context}`, () => run`${load.tool} ${load.args}`);
  });
}

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  const flags = parseFlags({
    script: 'load',
    summary: 'Load the built image into the local cluster (kind, minikube, k3d, a containerd node; nothing for Docker Desktop and friends). ' +
      'An image built with podman or nerdctl goes through an archive in a temp dir, removed afterwards.',
    flags: LOAD_FLAGS,
  });
  await load(flags, await kubeContext(flags));
});
