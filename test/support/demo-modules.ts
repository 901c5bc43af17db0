// A generated demo's node_modules as its `npm install` gives it, without a registry: its two
// devDependencies, create-crash-demo from this repository's own packed tarball (`npm pack` of the
// built package, exactly what would be published) and zx, the repository's own copy of the version
// the demo pins. Packed once per test process; removed when it exits (tempDir).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './bin.js';
import { requireCurrentBuild } from './build.js';
import { tempDir } from './tree.js';

let modules: string | undefined;

/** The node_modules folder a demo links to: node_modules/create-crash-demo (packed) and node_modules/zx. */
export function demoModules(): string {
  if (modules) return modules;
  requireCurrentBuild();
  const dir = tempDir('crash-demo-modules-');
  // --ignore-scripts: `prepack` would rebuild dist/ under the other test processes' feet.
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  ) as Array<{ filename: string }>;
  const pkg = join(dir, 'node_modules', 'create-crash-demo');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, packed!.filename), '-C', pkg, '--strip-components=1']);
  symlinkSync(join(ROOT, 'node_modules', 'zx'), join(dir, 'node_modules', 'zx'));
  return (modules = join(dir, 'node_modules'));
}

/** Gives the demo in `dir` its node_modules (see demoModules). */
export function linkDemoModules(dir: string): void {
  symlinkSync(demoModules(), join(dir, 'node_modules'));
}

/** The version of create-crash-demo in the packed tarball (what a demo's package.json must pin). */
export function packedVersion(): string {
  return (JSON.parse(readFileSync(join(demoModules(), 'create-crash-demo', 'package.json'), 'utf8')) as { version: string }).version;
}
