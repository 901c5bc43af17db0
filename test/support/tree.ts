// Helpers to look at what really landed on disk.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

const made: string[] = [];

/** A new temp dir, removed when the test process exits (node --test runs one process per file). */
export function tempDir(prefix = 'crash-demo-test-'): string {
  if (made.length === 0) process.once('exit', () => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Every file below `dir`, as sorted '/'-separated relative paths. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** path -> contents of every file below `dir`. */
export function readTree(dir: string): Map<string, Buffer> {
  return new Map(listTree(dir).map((p) => [p, readFileSync(join(dir, p))]));
}

export function isExecutable(path: string): boolean {
  return (statSync(path).mode & 0o111) !== 0;
}
