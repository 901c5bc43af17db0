// What the last `npm run build` read and wrote, so that a test of the build can tell it is current.
// Several tests run dist/ (the bin, the packed package, the demos' create-crash-demo/scripts); after
// an edit to src/ without a rebuild they would silently test the old bundle. build.mjs records a
// hash of every input and every output here; requireCurrentBuild (test/support/build.ts) recomputes
// both and refuses in one line naming `npm run build`. Hashes, not mtimes: a checkout, a branch
// switch or a copy moves mtimes without changing a byte, and an edit can keep one.
// The record lives outside dist/: npm packs all of dist/, and a demo vendors that tarball.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What build.mjs reads: its own code, the package's manifest and lockfile, the sources, the templates. */
export const BUILD_INPUTS = ['build.mjs', 'tools/build-record.ts', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'templates', 'generators'];
/** What build.mjs writes (generators/app/index.js sits among the inputs, and is not one). */
export const BUILD_OUTPUTS = ['dist', 'generators/app/index.js'];
export const RECORD = '.cache/build-record.json';

export type Hashes = Record<string, string>;
export interface BuildRecord {
  inputs: Hashes;
  outputs: Hashes;
}

const OUTPUT_FILES = new Set(BUILD_OUTPUTS);
/** What the build never reads, as src/generator/templates.ts ignores it (a demo's app run in place leaves __pycache__). */
const UNREAD = /^(node_modules|__pycache__|\.pytest_cache|\.DS_Store)$|\.pyc$/;

function walk(root: string, rel: string, out: string[]): void {
  const path = join(root, rel);
  if (!existsSync(path)) return;
  if (!statSync(path).isDirectory()) {
    out.push(rel);
    return;
  }
  for (const name of readdirSync(path).sort()) if (!UNREAD.test(name)) walk(root, `${rel}/${name}`, out);
}

/** sha256 of every file under `paths` (relative to `root`, '/'-separated, sorted). */
export function hashFiles(root: string, paths: string[], skip: Set<string> = new Set()): Hashes {
  const files: string[] = [];
  for (const p of paths) walk(root, p, files);
  return Object.fromEntries(
    files
      .filter((f) => !skip.has(f))
      .sort()
      .map((f) => [f, createHash('sha256').update(readFileSync(join(root, f))).digest('hex')]),
  );
}

export const hashInputs = (root: string): Hashes => hashFiles(root, BUILD_INPUTS, OUTPUT_FILES);
export const hashOutputs = (root: string): Hashes => hashFiles(root, BUILD_OUTPUTS);

/** The files that differ between two hash lists, each with how: "src/a.ts changed", "src/b.ts is new", "src/c.ts was removed". */
export function differences(before: Hashes, now: Hashes): string[] {
  const out: string[] = [];
  for (const [f, h] of Object.entries(now)) {
    if (!(f in before)) out.push(`${f} is new`);
    else if (before[f] !== h) out.push(`${f} changed`);
  }
  for (const f of Object.keys(before)) if (!(f in now)) out.push(`${f} was removed`);
  return out.sort();
}

const some = (diffs: string[]) => diffs[0] + (diffs.length > 1 ? `, and ${diffs.length - 1} more` : '');

/**
 * Why the build at `root` is not current, in one line naming the fix; null when it is: the
 * record is there, every output is what the build wrote, and every input is what it read.
 */
export function staleBuild(root: string): string | null {
  const fix = 'run `npm run build`';
  const file = join(root, RECORD);
  if (!existsSync(file)) return `dist/ has no build record (${RECORD}: written by npm run build): ${fix}`;
  const record = JSON.parse(readFileSync(file, 'utf8')) as BuildRecord;
  const outputs = differences(record.outputs, hashOutputs(root));
  if (outputs.length > 0) return `dist/ is not what the last build wrote (${some(outputs)}): ${fix}`;
  const inputs = differences(record.inputs, hashInputs(root));
  if (inputs.length > 0) return `dist/ is older than its sources (${some(inputs)}): ${fix}`;
  return null;
}
