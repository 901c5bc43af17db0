// What `npm exec create-crash-demo` really downloads: the packed tarball.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/bin.js';
import { demoModules, packedVersion } from '../support/demo-modules.js';
import { renderDemo, resolveOptions, type RawOptions } from '../../src/index.js';
import { readTree, tempDir } from '../support/tree.js';
import { requireCurrentBuild } from '../support/build.js';

requireCurrentBuild();

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }))[0] as {
  files: Array<{ path: string }>;
};
const paths = packed.files.map((f) => f.path);

test('the package has no runtime dependencies and no peers: the bin is bundled, yeoman-generator is the Yeoman user\'s own', () => {
  // npm 11 fetches the full metadata of optional peers (and of their peers) on every cold
  // `npm init crash-demo`, although it installs none of them: about a second for yeoman-generator.
  assert.equal(pkg.dependencies, undefined);
  assert.equal(pkg.peerDependencies, undefined);
  assert.equal(pkg.peerDependenciesMeta, undefined);
  assert.equal(pkg.optionalDependencies, undefined);
});

test('the tarball holds the bin, the bundles and the generator, and no templates, sources or tests', () => {
  for (const path of ['bin/create-crash-demo.cjs', 'dist/cli.cjs', 'dist/index.js', 'dist/scripts.js', 'generators/app/index.js', 'package.json']) {
    assert.ok(paths.includes(path), `${path} is packed`);
  }
  assert.deepEqual(paths.filter((p) => /^(src|test|tools|bench)\//.test(p) || p.endsWith('.ts') && !p.endsWith('.d.ts')), []);
  // The bundles hold every template (build.mjs): each packed file costs npm's extract phase on
  // every cold `npm init crash-demo`.
  assert.deepEqual(paths.filter((p) => p.startsWith('templates/')), []);
  // Exactly these: a file added to the package is a choice made here, not by accident.
  assert.deepEqual(paths.map((p) => p.replace(/^dist\/chunks\/chunk-[A-Z0-9]+\.js$/, 'dist/chunks/chunk-HASH.js')).sort(), [
    'README.md',
    'bin/create-crash-demo.cjs',
    'dist/chunks/chunk-HASH.js',
    'dist/clack.cjs',
    'dist/cli.cjs',
    'dist/index.d.ts',
    'dist/index.js',
    'dist/scripts.d.ts',
    'dist/scripts.js',
    'generators/app/index.js',
    'package.json',
  ]);
});

test('the packed bin, with no templates/ folder, writes the same demo, byte for byte, as the sources render', () => {
  const installed = join(demoModules(), 'create-crash-demo');
  assert.equal(existsSync(join(installed, 'templates')), false);
  const cases: Array<[RawOptions, string[]]> = [
    [{ runtime: 'python', pid1: 'shell' }, ['--runtime', 'python', '--pid1', 'shell']],
    [{ runtime: 'node', workload: 'statefulset', fastBackoff: true }, ['--runtime', 'node', '--workload', 'statefulset', '--fast-backoff']],
  ];
  for (const [raw, flags] of cases) {
    const cwd = tempDir('crash-demo-packed-');
    execFileSync(process.execPath, [join(installed, 'bin', 'create-crash-demo.cjs'), 'd', '--yes', ...flags], { cwd, stdio: 'pipe' });
    const expected = renderDemo(resolveOptions(raw, { dir: join(cwd, 'd') }));
    const written = readTree(join(cwd, 'd'));
    assert.deepEqual([...written.keys()].sort(), [...expected.keys()].sort(), JSON.stringify(raw));
    for (const [path, contents] of expected) assert.ok(written.get(path)!.equals(Buffer.from(contents)), `${path} differs for ${JSON.stringify(raw)}`);
  }
});

test('a generated project gets a .gitignore although npm never packs one', () => {
  const files = renderDemo(resolveOptions({ name: 'demo' }));
  assert.match(String(files.get('.gitignore')), /^node_modules\/$/m);
  assert.equal(files.has('_gitignore'), false);
});

test('create-crash-demo/scripts imports nothing but Node\'s own modules and zx, the demo\'s other dependency', () => {
  assert.equal(pkg.exports['./scripts'].default, './dist/scripts.js');
  const bundle = readFileSync(new URL('../../dist/scripts.js', import.meta.url), 'utf8');
  const specifiers = [...bundle.matchAll(/^import\s[^;]*?from\s*["']([^"']+)["']/gm), ...bundle.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!);
  assert.ok(specifiers.includes('zx'), 'zx is imported, not bundled');
  assert.deepEqual([...new Set(specifiers.filter((s) => s !== 'zx' && !s.startsWith('node:')))], []);
});

test('a demo\'s package.json pins create-crash-demo to the version that generated it, next to zx', () => {
  const demo = JSON.parse(String(renderDemo(resolveOptions({ name: 'demo' })).get('package.json'))) as { devDependencies: Record<string, string> };
  assert.deepEqual(demo.devDependencies, { 'create-crash-demo': pkg.version, zx: pkg.devDependencies.zx });
  // What tests install into demos is this package, packed: the same name and version.
  assert.equal(packedVersion(), pkg.version);
  assert.ok(existsSync(join(demoModules(), 'create-crash-demo', 'dist', 'scripts.js')));
});

test('the packed package.json has no script npm runs at install time, and installing the tarball asks for no script approval', () => {
  const dir = tempDir('crash-demo-pack-');
  const [tarball] = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  ) as Array<{ filename: string }>;
  const packedPkg = JSON.parse(execFileSync('tar', ['-xOzf', join(dir, tarball!.filename), 'package/package.json'], { encoding: 'utf8' }));
  const lifecycle = ['preinstall', 'install', 'postinstall', 'prepare', 'preprepare', 'postprepare'];
  assert.deepEqual(Object.keys(packedPkg.scripts ?? {}).filter((s) => lifecycle.includes(s)), []);
  // npm 11 lists every installed package with such a script as "not yet covered by allowScripts".
  const project = join(dir, 'project');
  execFileSync('mkdir', [project]);
  execFileSync('npm', ['init', '-y'], { cwd: project, stdio: 'pipe' });
  const r = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(dir, tarball!.filename)], { cwd: project, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /install scripts|allowScripts/);
  assert.ok(existsSync(join(project, 'node_modules', 'create-crash-demo', 'bin', 'create-crash-demo.cjs')));
});
