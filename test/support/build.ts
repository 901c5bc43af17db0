// The check every test of the built package makes first: dist/ is what `npm run build` makes of
// the sources as they are now (tools/build-record.ts). Otherwise an edit to src/ without a rebuild
// would be tested by some tests (the sources) and not by others (the old bundle), silently.
import { fileURLToPath } from 'node:url';
import { staleBuild } from '../../tools/build-record.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let checked: string | null | undefined;

/**
 * Ends the test process, with one line naming `npm run build`, when dist/ is missing or older than
 * its sources: before any test of the file runs (call it at the top), so none reports a result
 * from an old bundle. An exit rather than a throw: a throw at the top of a file prints Node's
 * internals around the line, and inside a test it would fail only that test.
 */
export function requireCurrentBuild(): void {
  if (checked === undefined) checked = staleBuild(ROOT);
  if (checked !== null) {
    process.stderr.write(`${checked}\n`);
    process.exit(1);
  }
}
