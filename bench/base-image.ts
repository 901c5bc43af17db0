// Prints the tag of the stand-in base image for a runtime (test/support/base-images.ts), importing
// or building it first when it is missing, so that the bench times builds on a cached base.
//   node --import tsx bench/base-image.ts python|node
import { ensureBaseImage, type BaseRuntime } from '../test/support/base-images.js';

const runtime = process.argv[2] as BaseRuntime;
if (runtime !== 'python' && runtime !== 'node') {
  console.error(`bench/base-image.ts: the runtime must be python or node, not ${JSON.stringify(runtime)}`);
  process.exit(2);
}
const base = await ensureBaseImage(runtime);
console.error(`stand-in ${runtime} base ${base.how} in ${(base.ms / 1000).toFixed(1)} s`);
console.log(base.tag);
