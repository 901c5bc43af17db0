// This copy of create-crash-demo packed as `npm pack` packs it, for a demo's vendor/ folder: a
// gzipped tar of package.json, the README and LICENSE, and what package.json's "files" names, each
// under package/. Written here rather than by spawning npm: no npm on PATH needed, no half a
// second per scaffold, and the same bytes every time (fixed mtimes and modes), so a regenerated
// demo finds its tarball unchanged. test/install holds the list equal to `npm pack`'s.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { UsageError } from './validate.js';
import { ownVersion, packageRoot } from './package.js';

/** Where a demo keeps the packed copy, and what its package.json's dependency says. */
export const vendoredFile = (version: string) => `vendor/create-crash-demo-${version}.tgz`;

/** What npm packs from any folder it walks, whatever "files" says (npm-packlist's own rules). */
const NEVER = /^(\.git|\.svn|CVS|node_modules|\.DS_Store|\.npmrc|package-lock\.json|npm-debug\.log|\.[^/]*\.swp|\._.*|.*\.orig)$/;
/** Packed from the package's root whether "files" names them or not. */
const ALWAYS = /^(package\.json|readme(\.[^.]*)?|licen[cs]e(\.[^.]*)?|copying(\.[^.]*)?)$/i;

/** npm pack's mtime for every entry (1985-10-26T08:15:00Z), which makes its tarballs reproducible. */
const MTIME = Math.floor(Date.UTC(1985, 9, 26, 8, 15, 0) / 1000);

function walk(root: string, rel: string): string[] {
  const path = join(root, rel);
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [rel];
  return readdirSync(path).flatMap((name) => (NEVER.test(name) ? [] : walk(root, rel ? `${rel}/${name}` : name)));
}

/** The files of the package at `root` that npm pack puts in its tarball, sorted, '/'-separated. */
export function packedFiles(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files?: string[] };
  const named = (pkg.files ?? ['']).flatMap((entry) => walk(root, entry.replace(/^\.?\/+|\/+$/g, '')));
  const always = readdirSync(root).filter((name) => ALWAYS.test(name) && statSync(join(root, name)).isFile());
  return [...new Set([...always, ...named])].sort();
}

/** One 512-byte ustar header. */
function header(name: string, size: number, mode: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`create-crash-demo: cannot pack ${name}: a path over 100 bytes`);
  const h = Buffer.alloc(512);
  const octal = (n: number, at: number, width: number) => h.write(`${n.toString(8).padStart(width - 1, '0')}\0`, at, width, 'ascii');
  h.write(name, 0, 100, 'utf8');
  octal(mode, 100, 8);
  octal(0, 108, 8); // uid
  octal(0, 116, 8); // gid
  octal(size, 124, 12);
  octal(MTIME, 136, 12);
  h.fill(' ', 148, 156); // the checksum counts its own field as spaces
  h.write('0', 156, 1, 'ascii'); // a regular file
  h.write('ustar\u000000', 257, 8, 'ascii');
  const sum = h.reduce((a, b) => a + b, 0);
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return h;
}

/** The package at `root` as npm pack would pack it: a .tgz whose entries are package/<file>. */
export function packPackage(root: string): Buffer {
  const blocks: Buffer[] = [];
  for (const file of packedFiles(root)) {
    const path = join(root, file);
    const body = readFileSync(path);
    blocks.push(header(`package/${file}`, body.length, statSync(path).mode & 0o111 ? 0o755 : 0o644), body);
    if (body.length % 512) blocks.push(Buffer.alloc(512 - (body.length % 512)));
  }
  blocks.push(Buffer.alloc(1024)); // two empty blocks end the archive
  return gzipSync(Buffer.concat(blocks), { level: 9 });
}

/**
 * Run from the sources (tsx: the tests, a contributor's script), the copy to pack is dist/ as last
 * built, and it must be what the sources say: refused when missing, or older than a source.
 */
function checkBuilt(root: string): void {
  if (!fileURLToPath(import.meta.url).endsWith('.ts')) return; // the bundles are dist/ itself
  const built = join(root, 'dist', 'scripts.js');
  const fix = `run npm run build in ${root} first`;
  if (!existsSync(built)) throw new UsageError(`cannot vendor create-crash-demo: ${relative(root, built)} is missing: ${fix}`);
  const builtAt = statSync(built).mtimeMs;
  const newer = ['src', 'templates', 'generators']
    .flatMap((folder) => walk(root, folder))
    .filter((file) => !file.endsWith('.js') && statSync(join(root, file)).mtimeMs > builtAt);
  if (newer.length) throw new UsageError(`cannot vendor create-crash-demo: dist/ is older than ${newer[0]!.split(sep).join('/')}: ${fix}`);
}

let packed: { file: string; tarball: Buffer } | undefined;

/** This running copy of create-crash-demo, packed once per process, and its path in a demo. */
export function packOwnPackage(): { file: string; tarball: Buffer } {
  if (packed) return packed;
  const root = packageRoot();
  checkBuilt(root);
  return (packed = { file: vendoredFile(ownVersion()), tarball: packPackage(root) });
}
