// @ts-check
// Build the demo image with whichever container engine is installed, tagged <name>:<version>.
import { imageRef, main, parseFlags, run, step } from './lib/cli.mjs';
import { BUILD_ENGINES, ENGINE_FLAGS, pickEngine } from './lib/engine.mjs';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('./lib/cli.mjs').FlagTable} */
export const BUILD_FLAGS = {
  ...ENGINE_FLAGS,
  'base-image': { type: 'string', placeholder: 'IMAGE', describe: 'base image, passed as --build-arg BASE_IMAGE=IMAGE (default: the one in the Dockerfile)' },
  network: { type: 'string', placeholder: 'MODE', describe: 'network for RUN steps, passed to the engine (e.g. host, for machines without a bridge network)' },
};

// ---- steps --------------------------------------------------------------------------------------

/**
 * @param {import('./lib/cli.mjs').FlagValues} flags
 * @returns {Promise<string>} the image reference built
 */
export async function build(flags) {
  const engine = await pickEngine(flags['engine'], BUILD_ENGINES);
  const image = imageRef();
  const args = [
    'build',
    ...(typeof flags['network'] === 'string' ? ['--network', flags['network']] : []),
    ...(typeof flags['base-image'] === 'string' ? ['--build-arg', `BASE_IMAGE=${flags['base-image']}`] : []),
    '-t',
    image,
    '.',
  ];
  await step(`building ${image} with ${engine}`, () => run`${engine} ${args}`);
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
