// This package's own package.json, found and read once: its root (where templates/ is in a
// checkout), the version a demo pins, and the devDependencies whose versions a demo pins next to it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
