// How big a generated demo is, as issue 14 measures it: what a speaker reads outside app/ and
// README.md, and each script. bench/lines.mts prints it; test/unit/lines.test.ts holds the targets.
import type { DemoFiles } from '../src/index.js';

/** Issue 14's targets: the project outside app/ and README.md, and any one script. */
export const PROJECT_MAX = 800;
export const SCRIPT_MAX = 80;

export interface LineCounts {
  files: number;
  total: number;
  /** Every file but app/* and README.md. */
  outside: number;
  /** scripts/*, longest first. */
  scripts: Array<[path: string, lines: number]>;
}

export const linesOf = (text: string | Buffer) => String(text).split('\n').length - (String(text).endsWith('\n') ? 1 : 0);

export function lineCounts(files: DemoFiles): LineCounts {
  const counts: LineCounts = { files: files.size, total: 0, outside: 0, scripts: [] };
  for (const [path, contents] of files) {
    const n = linesOf(contents);
    counts.total += n;
    if (!path.startsWith('app/') && path !== 'README.md') counts.outside += n;
    if (path.startsWith('scripts/')) counts.scripts.push([path, n]);
  }
  counts.scripts.sort((a, b) => b[1] - a[1]);
  return counts;
}
