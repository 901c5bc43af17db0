// Versions of the packages a generated project depends on: the ones this package is tested with,
// read from our own package.json so there is one place to bump them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './files.js';

let deps: Record<string, string> | undefined;

export function pinnedVersion(name: string): string {
  deps ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    devDependencies?: Record<string, string>;
  }).devDependencies ?? {};
  const version = deps[name];
  if (!version) throw new Error(`create-crash-demo: no pinned version for ${name} in package.json devDependencies`);
  return version;
}
