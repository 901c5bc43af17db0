// What a target directory already holds, file by file, against the demo about to be written there,
// and whether writing it is allowed. crash-demo.json keeps a hash of every file it was written with,
// so a re-run can tell the generator's own files (replaced) from the user's edits (kept, unless the
// user says otherwise).
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './validate.js';

/** The file that records how a demo was generated; always rewritten. */
export const SAVED_FILE = 'crash-demo.json';

/**
 * new: not there yet. identical: there, byte for byte. changed: there as the last generation wrote
 * it, and this one writes it differently. edited: there, and changed since the last generation wrote
 * it. yours: there, and never written by create-crash-demo.
 */
export type FileState = 'new' | 'identical' | 'changed' | 'edited' | 'yours';

/** How a listing names each state. */
export const STATE_LABEL: Record<FileState, string> = {
  new: 'new',
  identical: 'identical',
  changed: 'changed',
  edited: 'edited by you',
  yours: 'not generated',
};

export interface TargetState {
  dir: string;
  exists: boolean;
  /** Exists and holds nothing but maybe a .git folder. */
  empty: boolean;
  /** Every file of the demo, in order, with what is there now. */
  files: Array<{ path: string; bytes: number; state: FileState }>;
  /** Files of the demo that already exist there. */
  conflicts: string[];
  /** Files replacing which would lose the user's work: edited since generation, or never generated. */
  kept: string[];
  /** Files an earlier generation wrote that this demo no longer has: listed, never removed. */
  stale: string[];
}

export function hashOf(contents: string | Buffer): string {
  return 'sha256:' + createHash('sha256').update(contents).digest('hex');
}

/** The hashes an earlier generation saved in crash-demo.json, if the file is one of ours. */
function savedHashes(abs: string): Record<string, string> | undefined {
  const file = join(abs, SAVED_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { generator?: { name?: string }; files?: Record<string, string> };
    if (saved.generator?.name !== 'create-crash-demo') return undefined;
    return saved.files ?? {};
  } catch {
    return undefined;
  }
}

/** Whether the directory `abs` holds something other than maybe a .git folder. */
const holdsEntries = (abs: string) => readdirSync(abs).some((e) => e !== '.git');

/** Whether `dir` exists, is a directory, and holds something other than maybe a .git folder. */
export function holdsFiles(dir: string): boolean {
  const abs = resolve(dir);
  return existsSync(abs) && statSync(abs).isDirectory() && holdsEntries(abs);
}

export function inspectTarget(dir: string, files: Map<string, string | Buffer>): TargetState {
  const abs = resolve(dir);
  const listing = [...files].map(([path, contents]) => ({ path, bytes: Buffer.byteLength(contents), state: 'new' as FileState }));
  if (!existsSync(abs)) return { dir: abs, exists: false, empty: true, files: listing, conflicts: [], kept: [], stale: [] };
  if (!statSync(abs).isDirectory()) {
    throw new UsageError(`${dir} exists and is not a directory: choose another target directory.`);
  }
  const empty = !holdsEntries(abs); // a directory: checked just above
  const hashes = savedHashes(abs);
  for (const f of listing) {
    const path = join(abs, f.path);
    if (!existsSync(path)) continue;
    const now = readFileSync(path);
    if (now.equals(Buffer.from(files.get(f.path)!))) f.state = 'identical';
    else if (f.path === SAVED_FILE) f.state = hashes ? 'changed' : 'yours';
    else if (hashes?.[f.path] === undefined) f.state = 'yours';
    else f.state = hashes[f.path] === hashOf(now) ? 'changed' : 'edited';
  }
  const stale = Object.keys(hashes ?? {}).filter((p) => !files.has(p) && existsSync(join(abs, p)));
  return {
    dir: abs,
    exists: true,
    empty,
    files: listing,
    conflicts: listing.filter((f) => f.state !== 'new').map((f) => f.path),
    kept: listing.filter((f) => f.state === 'edited' || f.state === 'yours').map((f) => f.path),
    stale,
  };
}

/** "a, b, c and 2 more" */
function some(paths: string[], n = 3): string {
  const shown = paths.slice(0, n).join(', ');
  return paths.length > n ? `${shown} and ${paths.length - n} more` : shown;
}

/**
 * The refusal for a non-empty target without --overwrite: the bin's, the generator's, and the
 * prompt's when the user answers no (asked before the demo's files are known: no count then).
 */
export function notEmpty(dir: string, target?: TargetState): UsageError {
  const count = target ? ` (${target.conflicts.length} exist; other files stay)` : '';
  return new UsageError(
    `${dir} is not empty: nothing was written. Choose a new directory, or pass --overwrite to replace the ` +
      `demo's files there${count}.`,
  );
}

/** The refusal for --overwrite over files the user edited or wrote. */
export function wouldLoseWork(dir: string, target: TargetState): UsageError {
  return new UsageError(
    `${dir}: ${target.kept.length} file(s) there are edited by you or were not generated (${some(target.kept)}): ` +
      `nothing was written. Move them away, or add --replace-edited to replace them too.`,
  );
}

export interface WritePermission {
  /** Replace the demo's files in a non-empty directory. */
  overwrite?: boolean;
  /** With overwrite: also replace files the user edited or wrote. */
  replaceEdited?: boolean;
}

/** File-system refusals a user can fix, as one line that names the path. */
const WRITE_ERRORS: Record<string, string> = {
  ENOTDIR: 'a part of that path is a file, not a directory',
  EEXIST: 'a part of that path is a file, not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
};

/** A file-system error as the one line a user can act on, or undefined for a bug. */
export function cannotWrite(dir: string, error: unknown): UsageError | undefined {
  const why = WRITE_ERRORS[(error as NodeJS.ErrnoException).code ?? ''];
  return why ? new UsageError(`Cannot write the demo to ${dir}: ${why}. Choose another target directory.`) : undefined;
}

/**
 * Throws what writing the demo to `dir` would throw, without writing: a non-empty directory without
 * overwrite, the user's work in the way, or a directory (or the nearest existing parent of a new
 * one) this process cannot write to. --dry-run and the real run both ask this.
 */
export function checkWrite(dir: string, target: TargetState, allow: WritePermission): void {
  if (target.exists && !target.empty && !allow.overwrite) throw notEmpty(dir, target);
  if (target.kept.length && !allow.replaceEdited) throw wouldLoseWork(dir, target);
  let probe = target.dir;
  while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
  try {
    if (!statSync(probe).isDirectory()) throw Object.assign(new Error(probe), { code: 'ENOTDIR' });
    accessSync(probe, constants.W_OK);
    if (target.exists) {
      const nearest = (path: string): string => (existsSync(path) ? path : nearest(dirname(path)));
      for (const d of new Set(target.files.map((f) => nearest(dirname(join(target.dir, f.path)))))) accessSync(d, constants.W_OK);
    }
  } catch (error) {
    throw cannotWrite(dir, error) ?? error;
  }
}
