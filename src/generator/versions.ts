// Versions of the packages a generated project depends on: the ones this package is tested with,
// read from our own package.json (src/generator/package.ts) so there is one place to bump them.
import { ownManifest } from './package.js';

export function pinnedVersion(name: string): string {
  const version = ownManifest().devDependencies[name];
  if (!version) throw new Error(`create-crash-demo: no pinned version for ${name} in package.json devDependencies`);
  return version;
}
