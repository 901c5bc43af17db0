// Writing a planned demo: the one side effect, kept apart from planning (render.ts).
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { DemoFiles } from './render.js';
import { cannotWrite, checkWrite, inspectTarget, type TargetState, type WritePermission } from './target.js';

function modeOf(path: string): number {
  return path.endsWith('.sh') ? 0o755 : 0o644;
}

/**
 * Makes `dir` and each missing parent, one mkdir at a time. Node's recursive mkdir loops forever
 * where mkdir answers ENOENT inside a directory that exists (procfs); checkTarget refuses those
 * first, and this fails at once should one get past it.
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.unshift(d);
  for (const d of missing) mkdirSync(d);
}

/** A name beside `path` that no other writer picks (no node:crypto: loading it costs the bin ~5 ms). */
let asides = 0;
function asideOf(path: string): string {
  return `${path}.${process.pid}-${Date.now().toString(36)}-${++asides}.tmp`;
}

/**
 * Writes every file below `root`. In a directory someone may look at (`beside`), each file is written
 * beside its target, then renamed, so a crash mid-write never leaves a half-written file; a staging
 * directory nobody sees until it is renamed whole needs no such step.
 */
function writeTree(root: string, files: DemoFiles, { beside }: { beside: boolean }): void {
  const made = new Set<string>();
  for (const [path, contents] of files) {
    const target = join(root, path);
    const dir = dirname(target);
    if (!made.has(dir)) makeDirs(dir);
    made.add(dir);
    if (!beside) {
      writeFileSync(target, contents, { mode: modeOf(path) });
      continue;
    }
    const tmp = asideOf(target);
    writeFileSync(tmp, contents, { mode: modeOf(path) });
    renameSync(tmp, target);
  }
}

/**
 * Writes a rendered demo. A new directory appears whole or not at all (written aside, then renamed).
 * An existing non-empty directory is refused unless `overwrite`, which replaces the demo's own files
 * (identical ones are left as they are) and no other file; a file the user edited since generation,
 * or never generated, is replaced only with `replaceEdited` too (see target.ts). `looked` is what
 * inspectTarget found there just before, when the caller has already looked.
 */
export function writeDemo(dir: string, files: DemoFiles, allow: WritePermission = {}, looked?: TargetState): TargetState {
  // A state taken for another directory is no answer for this one.
  const state = looked && looked.dir === resolve(dir) ? looked : inspectTarget(dir, files);
  checkWrite(dir, state, allow);
  try {
    if (!state.exists) {
      const staging = asideOf(join(dirname(state.dir), '.crash-demo'));
      makeDirs(dirname(state.dir));
      try {
        writeTree(staging, files, { beside: false });
        renameSync(staging, state.dir);
      } catch (error) {
        // Only a failed write leaves the staging directory (rmSync loads Node's rimraf: not on every run).
        rmSync(staging, { recursive: true, force: true });
        throw error;
      }
      return state;
    }
    const identical = new Set(state.files.filter((f) => f.state === 'identical').map((f) => f.path));
    writeTree(state.dir, new Map([...files].filter(([path]) => !identical.has(path))), { beside: true });
    return state;
  } catch (error) {
    throw cannotWrite(dir, error) ?? error;
  }
}
