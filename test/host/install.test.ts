// Issue 25 §3: the README's two commands do the whole job without a registry copy of
// create-crash-demo. A demo made from a checkout or from an npm-packed tarball carries that copy,
// packed, in vendor/, and installs with a real `npm install` (zx comes from the npm registry) in
// a folder far from this repository, as a speaker's zipped demo would on someone else's machine;
// before `npm install`, a script says in one line to run it. Needs the built dist/ (npm run
// build) and the npm registry (a warm npm cache makes each install a few seconds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDemo, planDemo, resolveOptions } from '../../src/index.js';
import { packedFiles } from '../../src/generator/pack.js';
import { scriptsFromOf } from '../../src/generator/package.js';
import { ROOT, runBin } from '../support/bin.js';
import { listTree, readTree, tempDir } from '../support/tree.js';
import { requireCurrentBuild } from '../support/build.js';

requireCurrentBuild();

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const TARBALL = `vendor/create-crash-demo-${version}.tgz`;

/** A command as a user types it in `cwd`; npm's colours and update notices off. */
function sh(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    input: '',
    timeout: 180_000,
    env: { ...process.env, NO_COLOR: '1', npm_config_color: 'false', npm_config_update_notifier: 'false' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Copies the demo in `dir` to a new temp dir with no node_modules and no checkout above it. */
function handedOver(dir: string): string {
  const far = join(tempDir('crash-demo-install-far-'), 'demo');
  cpSync(dir, far, { recursive: true });
  return far;
}

/** What npm packs, listed and read back: path -> bytes, from a .tgz. */
function unpacked(tgz: string): Map<string, Buffer> {
  const into = tempDir('crash-demo-install-untar-');
  const r = sh('tar', ['-xzf', tgz, '-C', into], into);
  assert.equal(r.code, 0, r.stderr);
  return readTree(join(into, 'package'));
}

/**
 * `npm install`, then `npm run build -- --help`, and every other npm script's command as
 * package.json says it (what npm runs, without npm's half second each) with --help: each one's
 * imports loaded from what npm installed.
 */
function installsAndRuns(demo: string): void {
  const install = sh('npm', ['install'], demo);
  assert.equal(install.code, 0, `npm install failed:\n${install.stderr}`);
  const build = sh('npm', ['run', 'build', '--', '--help'], demo);
  assert.equal(build.code, 0, build.stderr);
  assert.match(build.stdout, /^Usage: npm run build -- \[flags\]/m);
  assert.match(build.stdout, /^Build the demo image, tagged <name>:<version from package.json>\.$/m);
  const scripts = (JSON.parse(readFileSync(join(demo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.ok(Object.keys(scripts).length >= 9, Object.keys(scripts).join(' '));
  for (const [script, command] of Object.entries(scripts)) {
    const r = sh('sh', ['-c', `${command} --help`], demo);
    assert.equal(r.code, 0, `${command} --help: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^Usage: npm run ${script} -- \\[flags\\]`, 'm'), `${command} --help`);
  }
}

test('npm pack and create-crash-demo\'s own packer put the same files in the tarball', () => {
  const npm = sh('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT);
  assert.equal(npm.code, 0, npm.stderr);
  const listed = (JSON.parse(npm.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path).sort();
  assert.deepEqual(packedFiles(ROOT), listed);
});

test('the checkout\'s bin packs itself into the demo, says so, and the demo, copied far away, installs with npm install and every script runs', () => {
  const cwd = tempDir('crash-demo-install-');
  const r = runBin(['my-demo', '--yes'], cwd);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^  npm install +# create-crash-demo from ${TARBALL.replace(/\./g, '\\.')} \\(this copy, packed\\), zx from npm$`, 'm'));
  const demo = join(cwd, 'my-demo');
  const pkg = JSON.parse(readFileSync(join(demo, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  assert.equal(pkg.devDependencies['create-crash-demo'], `file:${TARBALL}`);
  assert.match(readFileSync(join(demo, 'README.md'), 'utf8'), new RegExp(`from \\[${TARBALL.replace(/\./g, '\\.')}\\]`));
  // The tarball is what this checkout's dist/ is now: the bin that ran is the copy the demo gets.
  const vendored = unpacked(join(demo, TARBALL));
  assert.deepEqual([...vendored.keys()], packedFiles(ROOT));
  for (const [path, bytes] of vendored) assert.ok(bytes.equals(readFileSync(join(ROOT, path))), `${path} is the checkout's`);

  // The same bytes on every run: regenerating leaves the tarball (and everything else) as it was.
  const again = runBin(['my-demo', '--yes', '--overwrite'], cwd);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^  files: \d+ identical \(identical files were left as they were\)$/m);

  const far = handedOver(demo);
  installsAndRuns(far);
  assert.ok(readFileSync(join(far, 'node_modules/create-crash-demo/dist/scripts.js')).equals(readFileSync(join(ROOT, 'dist/scripts.js'))));
  // The README's way to regenerate, `npx create-crash-demo . --overwrite`, runs the copy npm installed
  // from vendor/: it packs into the same tarball (whose integrity package-lock.json holds), and npm
  // install left every generated file as written, package.json too.
  const regenerated = sh('npx', ['create-crash-demo', '.', '--yes', '--overwrite'], far);
  assert.equal(regenerated.code, 0, regenerated.stderr);
  assert.match(regenerated.stdout, /^  files: \d+ identical \(identical files were left as they were\)$/m);
  assert.equal(sh('npm', ['install'], far).code, 0);
  // npm's own record of what it installed: the vendored copy from the file, zx from the registry.
  assert.equal(scriptsFromOf(join(far, 'node_modules', 'create-crash-demo')), 'vendor');
  assert.equal(scriptsFromOf(join(far, 'node_modules', 'zx')), 'registry');
});

test('before npm install, an npm script says in one line to run it, exits 1, and prints no stack trace', () => {
  const cwd = tempDir('crash-demo-install-');
  // A demo that pins the registry's version gets the same guard as a vendored one.
  for (const from of ['vendor', 'registry'] as const) {
    const demo = createDemo(join(cwd, from), { runtime: 'node' }, {}, from).dir;
    for (const script of ['build', 'watch']) {
      const r = sh('npm', ['run', script], demo);
      assert.equal(r.code, 1, `${from}: npm run ${script}`);
      const ours = r.stderr.split('\n').filter((l) => l && !/^npm (error|warn)/.test(l));
      assert.deepEqual(ours, [`create-crash-demo/scripts is not installed: run npm install in ${demo} first`], `${from}: npm run ${script}`);
      assert.doesNotMatch(r.stdout + r.stderr, /ERR_MODULE_NOT_FOUND|^\s+at /m);
    }
  }
});

/** npm pack of this checkout, installed by npm into a new project in a new temp dir. */
function packedAndInstalled(prefix: string) {
  const dir = tempDir(prefix);
  const pack = sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT);
  assert.equal(pack.code, 0, pack.stderr);
  const tgz = join(dir, (JSON.parse(pack.stdout) as Array<{ filename: string }>)[0]!.filename);
  const project = join(dir, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{ "name": "project", "private": true }\n');
  const install = sh('npm', ['install', tgz], project);
  assert.equal(install.code, 0, install.stderr);
  return { dir, tgz, project };
}

test('a tarball from npm pack, installed into a project, vendors itself too, and its demo installs and runs', () => {
  const { dir, tgz, project } = packedAndInstalled('crash-demo-install-tgz-');
  const installed = join(project, 'node_modules', 'create-crash-demo');
  assert.equal(scriptsFromOf(installed), 'vendor', 'npm recorded a file: tarball');

  const r = sh(join(project, 'node_modules', '.bin', 'create-crash-demo'), ['talk', '--runtime', 'node', '--yes'], dir);
  assert.equal(r.code, 0, r.stderr);
  const demo = join(dir, 'talk');
  assert.ok(existsSync(join(demo, TARBALL)));
  // What it vendored is what npm pack made, file for file.
  const fromNpm = unpacked(tgz);
  const vendored = unpacked(join(demo, TARBALL));
  assert.deepEqual([...vendored.keys()], [...fromNpm.keys()]);
  for (const [path, bytes] of vendored) assert.ok(bytes.equals(fromNpm.get(path)!), path);
  installsAndRuns(handedOver(demo));
});

test('a copy npm records as the registry\'s pins the registry version, writes no vendor/, and its package.json is the registry render\'s', () => {
  // npm's record of a registry install, as npm wrote it for zx above: a version and an integrity,
  // with the https `resolved` URL or (omit-lockfile-registry-resolved) without one. The copy is
  // the real packed package; only the lockfile entry says where it came from.
  const { dir, project } = packedAndInstalled('crash-demo-install-reg-');
  const lockfile = join(project, 'node_modules', '.package-lock.json');
  const lock = JSON.parse(readFileSync(lockfile, 'utf8')) as { packages: Record<string, { resolved?: string }> };
  for (const resolved of [undefined, `https://registry.npmjs.org/create-crash-demo/-/create-crash-demo-${version}.tgz`]) {
    const entry = lock.packages['node_modules/create-crash-demo']!;
    if (resolved) entry.resolved = resolved;
    else delete entry.resolved;
    writeFileSync(lockfile, JSON.stringify(lock, null, 2));
    const cwd = tempDir('crash-demo-install-reg-');
    const r = sh(join(project, 'node_modules', '.bin', 'create-crash-demo'), ['talk', '--yes'], cwd);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^  npm install$/m, String(resolved));
    assert.deepEqual(listTree(join(cwd, 'talk')).filter((p) => p.startsWith('vendor/')), []);
    const expected = planDemo(resolveOptions({}, { dir: join(cwd, 'talk') }), 'registry').files.get('package.json');
    assert.equal(readFileSync(join(cwd, 'talk', 'package.json'), 'utf8'), expected);
    assert.equal(JSON.parse(String(expected)).devDependencies['create-crash-demo'], version);
  }
});
