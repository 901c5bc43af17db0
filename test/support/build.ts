// The check every test of the built package makes first: dist/ is what `npm run build` makes of
// the sources as they are now (tools/build-record.ts). Otherwise an edit to src/ without a rebuild
// would be tested by some tests (the sources) and not by others (the old bundle), silently.
import { fileURLToPath } from 'node:url';
import { staleBuild } from '../../tools/build-record.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let checked: string | null | undefined;

/** Throws, in one line naming `npm run build`, when dist/ is missing or older than its sources. */
export function requireCurrentBuild(): void {
  if (checked === undefined) checked = staleBuild(ROOT);
  if (checked !== null) {
    const error = new Error(checked);
    error.stack = `Error: ${checked}`; // the one line is the whole story: no stack under it
    throw error;
  }
}
