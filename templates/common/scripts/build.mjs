// @ts-check
// Build the demo image with whichever container engine is installed, tagged <name>:<version>.
import {
  BUILD_ENGINES, buildFailed, dryRun, ENGINE_FLAGS, imageRef, main, parseFlags, pickEngine, run, say, step,
} from 'create-crash-demo/scripts';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('create-crash-demo/scripts').FlagTable} */
export const BUILD_FLAGS = {
  ...ENGINE_FLAGS,
  'base-image': { type: 'string', placeholder: 'IMAGE', describe: 'base image, passed as --build-arg BASE_IMAGE=IMAGE (default: the one in the Dockerfile)' },
  network: { type: 'string', placeholder: 'MODE', describe: 'network for RUN steps, passed to the engine (e.g. host, for machines without a bridge network)' },
};

// ---- steps --------------------------------------------------------------------------------------
/** @param {import('create-crash-demo/scripts').FlagValues} flags @returns {Promise<string>} the image built */
export async function build(flags) {
  const engine = await pickEngine(flags['engine'], BUILD_ENGINES);
  const image = imageRef();
  const network = typeof flags['network'] === 'string' ? ['--network', flags['network']] : [];
  const baseImage = typeof flags['base-image'] === 'string' ? ['--build-arg', `BASE_IMAGE=${flags['base-image']}`] : [];
  await step(`building ${image} with ${engine}`, () => run`${engine} build ${[...network, ...baseImage, '-t', image, '.']}`)
    .catch((err) => buildFailed(err, flags['base-image'], engine)); // a stopped engine, a base image that cannot be pulled: says what to do
  if (!dryRun()) say(`built ${image} with ${engine}: next, npm run load (a cluster) or npm run rehearse (no cluster)`);
  return image;
}

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  const flags = parseFlags({
    script: 'build',
    summary: 'Build the demo image, tagged <name>:<version from package.json>.',
    flags: BUILD_FLAGS,
  });
  await build(flags);
});
