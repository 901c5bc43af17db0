// What a target directory already holds, file by file, against the demo about to be written there,
// and whether writing it is allowed. crash-demo.json keeps a hash of every file it was written with,
// so a re-run can tell the generator's own files (replaced) from the user's edits (kept, unless the
// user says otherwise).
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync, statfsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
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
  if (!statSync(abs).isDirectory()) throw notADirectory(dir);
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
 * A path as a person reads it: from the working directory when it is below it, else from the home
 * directory (~/x), else absolute; never a climb of ../.. .
 */
export function displayPath(dir: string): string {
  const abs = resolve(dir);
  const below = (root: string) => {
    const rel = relative(root, abs);
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel) ? rel : undefined;
  };
  const here = below(process.cwd());
  if (here !== undefined || abs === process.cwd()) return here ?? '.';
  const home = homedir();
  if (home && home !== sep) {
    if (abs === home) return '~';
    const fromHome = below(home);
    if (fromHome !== undefined) return `~${sep}${fromHome}`;
  }
  return abs;
}

/** A target directory named in a message: quoted, or "the current directory (/its/path)". */
export function showDir(dir: string): string {
  const abs = resolve(dir);
  return abs === process.cwd() ? `the current directory (${abs})` : JSON.stringify(displayPath(abs));
}

const notADirectory = (dir: string) => new UsageError(`${showDir(dir)} exists and is not a directory: choose another target directory.`);

/**
 * The refusal for a non-empty target without --overwrite: the bin's, the generator's, and the
 * prompt's when the user answers no (asked before the demo's files are known: no count then).
 */
export function notEmpty(dir: string, target?: TargetState): UsageError {
  const n = target?.conflicts.length ?? 0;
  const fix = !target
    ? "pass --overwrite to replace the demo's files there"
    : n === 0
      ? "pass --overwrite to add the demo's files beside the ones there (none of them is one of the demo's: they all stay)"
      : `pass --overwrite to replace the demo's files there (${n} of them ${n === 1 ? 'is' : 'are'} there already; every other file stays)`;
  return new UsageError(`${showDir(dir)} is not empty: nothing was written. Choose a new directory, or ${fix}.`);
}

/** The refusal for --overwrite over files the user edited or wrote. */
export function wouldLoseWork(dir: string, target: TargetState): UsageError {
  return new UsageError(
    `${showDir(dir)}: ${target.kept.length} file(s) there are edited by you or were not generated (${some(target.kept)}): ` +
      `nothing was written. Move them away, or add --replace-edited to replace them too.`,
  );
}

/** --replace-edited on its own: it only widens what --overwrite replaces. */
export function replaceWithoutOverwrite(): UsageError {
  return new UsageError(
    '--replace-edited only applies with --overwrite (it lets --overwrite replace files you edited too): add --overwrite, or drop --replace-edited.',
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
  ENAMETOOLONG: 'a part of that path is longer than the file system allows (255 bytes)',
};

/** A file-system error as the one line a user can act on, or undefined for a bug. */
export function cannotWrite(dir: string, error: unknown): UsageError | undefined {
  const why = WRITE_ERRORS[(error as NodeJS.ErrnoException).code ?? ''];
  return why ? refuse(dir, why) : undefined;
}

const refuse = (dir: string, why: string, fix = 'Choose another target directory.') =>
  new UsageError(`Cannot write the demo to ${showDir(dir)}: ${why}. ${fix}`);

/**
 * Kernel file systems, by statfs magic number (linux/magic.h): they hold no files of anyone's, and
 * mkdir there fails in ways Node's recursive mkdir loops on (procfs: ENOENT, then EEXIST, forever).
 */
const KERNEL_FS: Record<number, string> = {
  0x9fa0: 'proc',
  0x62656572: 'sysfs',
  0x27e0eb: 'cgroup',
  0x63677270: 'cgroup2',
  0x64626720: 'debugfs',
  0x74726163: 'tracefs',
  0x73636673: 'securityfs',
  0x6165676c: 'pstore',
  0xcafe4a11: 'bpf',
  0x62656570: 'configfs',
  0x1cd1: 'devpts',
  0x19800202: 'mqueue',
  0xf97cff8c: 'selinuxfs',
  0xde5e81e4: 'efivarfs',
  0x65735543: 'fusectl',
  0x42494e4d: 'binfmt_misc',
  0x6e736673: 'nsfs',
};

/** The kernel file system `path` is on, or undefined (for an ordinary one, or where statfs says nothing). */
function kernelFs(path: string): string | undefined {
  try {
    return KERNEL_FS[statfsSync(path).type >>> 0];
  } catch {
    return undefined;
  }
}

/**
 * Throws, as one line a user can act on, when `dir` cannot take a demo whatever is in it: an empty
 * name, a symbolic link to nothing on the way (the target or a parent), a file where a directory
 * must be, a kernel file system (/proc, /sys), or a nearest existing directory this process cannot
 * write to. Reads only: asked before the first question and again before writing.
 */
export function checkTarget(dir: string): void {
  if (dir === '') {
    throw new UsageError(
      "The target directory is an empty name (''): name a new directory, e.g. my-demo, or use . for the current directory.",
    );
  }
  const abs = resolve(dir);
  let probe = abs;
  for (;;) {
    let entry;
    try {
      entry = lstatSync(probe, { throwIfNoEntry: false }); // no exception to build for the usual missing target
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw cannotWrite(dir, error) ?? error;
    }
    if (entry) {
      if (entry.isSymbolicLink() && !existsSync(probe)) {
        const link = resolve(dirname(probe), readlinkSync(probe));
        throw refuse(dir, `${showDir(probe)} is a symbolic link to ${JSON.stringify(link)}, which does not exist`, 'Create that directory, or choose another target directory.');
      }
      break;
    }
    if (dirname(probe) === probe) break;
    probe = dirname(probe);
  }
  // probe: the target itself, or its nearest existing parent
  if (!statSync(probe).isDirectory()) {
    if (probe === abs) throw notADirectory(dir);
    throw refuse(dir, `${showDir(probe)} is a file, not a directory`);
  }
  const kernel = kernelFs(probe);
  if (kernel) {
    throw refuse(dir, `${showDir(probe)} is on a kernel file system (${kernel}), which holds no files of yours`, 'Choose another target directory.');
  }
  try {
    accessSync(probe, constants.W_OK);
  } catch (error) {
    throw cannotWrite(dir, error) ?? error;
  }
}

/**
 * Throws what writing the demo to `dir` would throw, without writing: --replace-edited alone, a
 * non-empty directory without overwrite, the user's work in the way, or a target checkTarget
 * refuses, or a directory of the demo this process cannot write to. --dry-run and the real run both
 * ask this.
 */
export function checkWrite(dir: string, target: TargetState, allow: WritePermission): void {
  if (allow.replaceEdited && !allow.overwrite) throw replaceWithoutOverwrite();
  if (target.exists && !target.empty && !allow.overwrite) throw notEmpty(dir, target);
  if (target.kept.length && !allow.replaceEdited) throw wouldLoseWork(dir, target);
  checkTarget(dir);
  try {
    if (target.exists) {
      const nearest = (path: string): string => (existsSync(path) ? path : nearest(dirname(path)));
      for (const d of new Set(target.files.map((f) => nearest(dirname(join(target.dir, f.path)))))) accessSync(d, constants.W_OK);
    }
  } catch (error) {
    throw cannotWrite(dir, error) ?? error;
  }
}
