// This package's own package.json, found and read once: its root (where templates/ is in a
// checkout), the version a demo pins, and the devDependencies whose versions a demo pins next to it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface OwnManifest {
  name: 'create-crash-demo';
  version: string;
  devDependencies: Record<string, string>;
}

let found: { root: string; manifest: OwnManifest } | undefined;

/** Walks up from src/, dist/ or generators/app/ to the package.json named create-crash-demo. */
function find(): { root: string; manifest: OwnManifest } {
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as Partial<OwnManifest>;
      if (pkg.name === 'create-crash-demo') {
        const manifest = { name: pkg.name, version: String(pkg.version), devDependencies: pkg.devDependencies ?? {} };
        return (found = { root: dir, manifest });
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('create-crash-demo: cannot find its own package.json');
    dir = up;
  }
}

/** The package's root: where its package.json is (and templates/, in a checkout; the bundles hold them). */
export function packageRoot(): string {
  return find().root;
}

/** create-crash-demo's version: the bin's --version, and what a demo's package.json pins. */
export function ownVersion(): string {
  return find().manifest.version;
}

/** Our package.json, as read once. */
export function ownManifest(): OwnManifest {
  return find().manifest;
}

/**
 * Where a demo's `npm install` gets create-crash-demo, the runtime its scripts import: the
 * registry's version, pinned as today, or this very copy packed into the demo's vendor/ folder.
 */
export type ScriptsFrom = 'registry' | 'vendor';

/**
 * 'registry' for a copy npm installed from a registry; 'vendor' for anything else, which the
 * registry may not have (a checkout, an unpacked tarball), or may have with other contents
 * (`npm install ./create-crash-demo-0.1.0.tgz`, `npm exec --package ./create-crash-demo-0.1.0.tgz`).
 * Under node_modules, npm's lockfile tells them apart: a tarball or folder is `resolved` to a
 * `file:` spec there; a registry copy to an https URL, or to nothing under
 * omit-lockfile-registry-resolved. Without a lockfile (a global install, pnpm, yarn) the copy is
 * taken for the registry's, as every copy was before vendoring existed.
 */
export function scriptsFromOf(root: string): ScriptsFrom {
  const parts = root.split(sep);
  const at = parts.indexOf('node_modules');
  if (at < 0) return 'vendor';
  const project = parts.slice(0, at).join(sep) || sep;
  const key = parts.slice(at).join('/');
  for (const lock of [join(project, 'node_modules', '.package-lock.json'), join(project, 'package-lock.json')]) {
    if (!existsSync(lock)) continue;
    const entry = (JSON.parse(readFileSync(lock, 'utf8')) as { packages?: Record<string, { resolved?: string }> }).packages?.[key];
    if (entry) return entry.resolved?.startsWith('file:') ? 'vendor' : 'registry';
  }
  return 'registry';
}

/** Where a demo made by this running copy gets create-crash-demo from (see scriptsFromOf). */
export function ownScriptsFrom(): ScriptsFrom {
  return scriptsFromOf(packageRoot());
}
