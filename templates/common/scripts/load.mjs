// @ts-check
// Put the built image into the local cluster behind the kube context, so no registry is needed.
// kind, minikube and k3d read images from Docker; an image built with podman or nerdctl is saved to
// an archive in a temp dir first, the cluster tool loads that file, and the dir is removed after.
// A containerd node (--cluster containerd) always gets the archive: `ctr -n k8s.io images import`.
// Under --dry-run the archive is shown as <OS temp dir>/crash-demo-load-XXXXXX/image.tar.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BUILD_ENGINES,
  CLUSTER_KINDS,
  CONTAINERD_DEFAULT_ADDRESS,
  dryRun,
  ENGINE_FLAGS,
  fail,
  imageRef,
  KUBE_FLAGS,
  kubeContext,
  loadImagePlan,
  main,
  note,
  parseFlags,
  pickEngine,
  readDemo,
  requireTool,
  resolveCluster,
  run,
  step,
} from 'create-crash-demo/scripts';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('create-crash-demo/scripts').FlagTable} */
export const LOAD_FLAGS = {
  ...ENGINE_FLAGS,
  cluster: {
    type: 'string',
    placeholder: 'KIND',
    choices: ['auto', ...CLUSTER_KINDS],
    describe: 'how to put the image into the cluster (default: the --cluster saved in crash-demo.json; auto = from the kube context)',
  },
  'containerd-address': {
    type: 'string',
    placeholder: 'SOCKET',
    describe: `with --cluster containerd: containerd's socket (default: $CONTAINERD_ADDRESS, else ${CONTAINERD_DEFAULT_ADDRESS})`,
  },
  ...KUBE_FLAGS,
};

const ARCHIVE_PREFIX = 'crash-demo-load-';
const ARCHIVE_NAME = 'image.tar';
/** What --dry-run shows for the temp dir mkdtemp would make (its suffix is random). */
const DRY_RUN_ARCHIVE = join(tmpdir(), `${ARCHIVE_PREFIX}XXXXXX`, ARCHIVE_NAME);

// ---- steps --------------------------------------------------------------------------------------

/**
 * @param {import('create-crash-demo/scripts').FlagValues} flags
 * @param {string} context the checked kube context
 */
export async function load(flags, context) {
  const demo = readDemo();
  const image = imageRef(demo);
  const wanted = typeof flags['cluster'] === 'string' ? flags['cluster'] : demo.options.cluster;
  const engine = await pickEngine(flags['engine'], BUILD_ENGINES);
  const address = typeof flags['containerd-address'] === 'string' ? flags['containerd-address'] : process.env['CONTAINERD_ADDRESS'] || CONTAINERD_DEFAULT_ADDRESS;
  /** @param {string} archive */
  const plan = (archive) => {
    try {
      return loadImagePlan(resolveCluster(wanted, context), context, image, engine, archive, address);
    } catch (err) {
      return fail(err instanceof Error ? err.message : String(err));
    }
  };
  const shown = plan(DRY_RUN_ARCHIVE);
  if (shown === null) {
    note(`${context} runs on the engine's own image store: ${image} is already there, nothing to load`);
    return;
  }
  await requireTool(shown.load.tool);
  if (shown.save === null || dryRun()) return loadFrom(shown, image, context);
  const dir = mkdtempSync(join(tmpdir(), ARCHIVE_PREFIX));
  try {
    // The same decision as shown, only with the real file.
    await loadFrom(/** @type {import('create-crash-demo/scripts').LoadPlan} */ (plan(join(dir, ARCHIVE_NAME))), image, context);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * @param {import('create-crash-demo/scripts').LoadPlan} plan
 * @param {string} image
 * @param {string} context
 */
async function loadFrom({ save, load }, image, context) {
  if (save) await step(`saving ${image} from ${save.tool} to an archive`, () => run`${save.tool} ${save.args}`);
  await step(`loading ${image} into ${context}`, () => run`${load.tool} ${load.args}`);
}

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  const flags = parseFlags({
    script: 'load',
    summary:
      'Load the built image into the local cluster (kind, minikube, k3d, a containerd node; nothing for Docker Desktop and friends). ' +
      'An image built with podman or nerdctl goes through an archive in a temp dir, removed afterwards.',
    flags: LOAD_FLAGS,
  });
  await load(flags, await kubeContext(flags));
});
