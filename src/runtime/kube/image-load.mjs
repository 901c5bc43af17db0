// @ts-check
// How load gets the built image into the cluster behind the kube context, so no registry is needed:
// the plan for the --cluster and --engine (loadImagePlan in context.mjs), and the archive it may go
// through. kind, minikube and k3d read images from Docker; an image built with podman or nerdctl is
// saved to an archive in a temp dir first, the cluster tool loads that file, and the dir is removed
// after. A containerd node (--cluster containerd) always gets the archive: `ctr -n k8s.io images
// import`. Under --dry-run the archive is shown as <OS temp dir>/crash-demo-load-XXXXXX/image.tar.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dryRun, fail, note, requireTool } from '../plumbing/cli.mjs';
import { CLUSTER_KINDS } from '../../shared/clusters.mjs';
import { CONTAINERD_DEFAULT_ADDRESS, loadImagePlan, resolveCluster } from '../guard/context.mjs';

/** @import { Demo, FlagTable, FlagValues } from '../plumbing/cli.mjs' */
/** @import { LoadPlan } from '../guard/context.mjs' */

/**
 * load's flag rows for where the image goes (between --engine and the kube flags in its --help).
 * @type {FlagTable}
 */
export const LOAD_CLUSTER_FLAGS = {
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
};

const ARCHIVE_PREFIX = 'crash-demo-load-';
const ARCHIVE_NAME = 'image.tar';
/** What --dry-run shows for the temp dir mkdtemp would make (its suffix is random). */
const DRY_RUN_ARCHIVE = join(tmpdir(), `${ARCHIVE_PREFIX}XXXXXX`, ARCHIVE_NAME);

/**
 * Runs `loadWith` with the commands that put `image` into the cluster behind `context`: the same
 * plan under --dry-run (with DRY_RUN_ARCHIVE) as for real (with a temp dir's archive, removed
 * after). Says so, and runs nothing, when the cluster already sees the engine's images; fails with
 * one line when the context cannot be the --cluster's.
 * @param {{ flags: FlagValues, demo: Demo, context: string, image: string, engine: string }} load
 * @param {(plan: LoadPlan) => Promise<void>} loadWith runs the plan's save (if any) and load
 */
export async function withLoadPlan({ flags, demo, context, image, engine }, loadWith) {
  const wanted = typeof flags['cluster'] === 'string' ? flags['cluster'] : demo.options.cluster;
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
  if (shown.save === null || dryRun()) return loadWith(shown);
  const dir = mkdtempSync(join(tmpdir(), ARCHIVE_PREFIX));
  try {
    // The same decision as shown, only with the real file.
    await loadWith(/** @type {LoadPlan} */ (plan(join(dir, ARCHIVE_NAME))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
