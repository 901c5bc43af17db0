// @ts-check
// Build the demo image with whichever container engine is installed, tagged <name>:<version>.
import {
  BUILD_ENGINES,
  dryRun,
  ENGINE_FLAGS,
  fail,
  imageRef,
  main,
  parseFlags,
  pickEngine,
  run,
  say,
  step,
} from 'create-crash-demo/scripts';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('create-crash-demo/scripts').FlagTable} */
export const BUILD_FLAGS = {
  ...ENGINE_FLAGS,
  'base-image': { type: 'string', placeholder: 'IMAGE', describe: 'base image, passed as --build-arg BASE_IMAGE=IMAGE (default: the one in the Dockerfile)' },
  network: { type: 'string', placeholder: 'MODE', describe: 'network for RUN steps, passed to the engine (e.g. host, for machines without a bridge network)' },
};

/** What docker, podman and nerdctl say when the FROM image cannot be fetched. */
const PULL_FAILED =
  /failed to resolve source metadata|pull access denied|manifest unknown|not found: manifest|failed to do request|connection refused|no such host|i\/o timeout|TLS handshake timeout|error pulling image|initializing source|requested access to the resource is denied|repository does not exist/i;

// ---- steps --------------------------------------------------------------------------------------

/**
 * @param {import('create-crash-demo/scripts').FlagValues} flags
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
  try {
    await step(`building ${image} with ${engine}`, () => run`${engine} ${args}`);
  } catch (err) {
    // The registry's words alone do not say that the demo can be built on another base image.
    const message = err instanceof Error ? err.message : String(err);
    if (!PULL_FAILED.test(message)) throw err;
    const base = typeof flags['base-image'] === 'string' ? flags['base-image'] : 'the Dockerfile\'s BASE_IMAGE';
    fail(`${message}. The base image (${base}) could not be pulled: pass one your engine already has or can pull, e.g. npm run build -- --base-image IMAGE`);
  }
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
