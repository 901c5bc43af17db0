// The check that dist/ is current (tools/build-record.ts), on a copy of this repository's build
// inputs in a temp dir, recorded as build.mjs records them; then one byte, one file more or one
// file less, in the sources or in what the build wrote, and the check must refuse, naming the file
// and `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_INPUTS, RECORD, hashInputs, hashOutputs, staleBuild } from '../../tools/build-record.js';
import { tempDir } from '../support/tree.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A copy of the build's inputs and a stand-in dist/ (the unit tier builds nothing), recorded as build.mjs does. */
function builtCopy(): string {
  const root = tempDir('crash-demo-build-record-');
  for (const path of [...BUILD_INPUTS, 'test/support/build.ts']) cpSync(join(ROOT, path), join(root, path), { recursive: true, filter: (src) => !src.includes('node_modules') });
  for (const [path, text] of [['dist/scripts.js', 'export {};\n'], ['dist/cli.cjs', '"use strict";\n'], ['generators/app/index.js', 'export default class {}\n']]) {
    mkdirSync(dirname(join(root, path!)), { recursive: true });
    writeFileSync(join(root, path!), text!);
  }
  mkdirSync(join(root, '.cache'), { recursive: true });
  writeFileSync(join(root, RECORD), JSON.stringify({ inputs: hashInputs(root), outputs: hashOutputs(root) }));
  return root;
}

test('a build whose inputs and outputs are as recorded is current', () => {
  assert.equal(staleBuild(builtCopy()), null);
});

test('the copy holds the real sources: the view module, the templates, the generator', () => {
  const inputs = Object.keys(hashInputs(builtCopy()));
  for (const f of ['src/runtime/watch/view.mjs', 'src/index.ts', 'templates/common/scripts/watch.mjs', 'generators/app/index.ts', 'build.mjs']) assert.ok(inputs.includes(f), f);
  assert.ok(!inputs.includes('generators/app/index.js'), 'the built generator is an output, not an input');
});

test('one byte changed in src/runtime/watch/view.mjs: refused, naming the file and npm run build', () => {
  const root = builtCopy();
  appendFileSync(join(root, 'src/runtime/watch/view.mjs'), ' ');
  assert.equal(staleBuild(root), 'dist/ is older than its sources (src/runtime/watch/view.mjs changed): run `npm run build`');
});

test('a template changed, a source added and one removed: refused, naming the first and counting the rest', () => {
  const root = builtCopy();
  writeFileSync(join(root, 'templates/common/scripts/watch.mjs'), readFileSync(join(root, 'templates/common/scripts/watch.mjs'), 'utf8').replace('kubectl', 'kubectI'));
  writeFileSync(join(root, 'src/new.ts'), 'export {};\n');
  rmSync(join(root, 'src/runtime/plumbing/time.mjs'));
  assert.equal(staleBuild(root), 'dist/ is older than its sources (src/new.ts is new, and 2 more): run `npm run build`');
});

test('what the build never reads (Python caches of an app run in place, node_modules) changes nothing', () => {
  const root = builtCopy();
  mkdirSync(join(root, 'templates/python/app/__pycache__'), { recursive: true });
  writeFileSync(join(root, 'templates/python/app/__pycache__/main.cpython-311.pyc'), 'x');
  mkdirSync(join(root, 'templates/node_modules'), { recursive: true });
  writeFileSync(join(root, 'templates/node_modules/x.js'), 'x');
  assert.equal(staleBuild(root), null);
});

test('a changed dependency (package-lock.json) or build script is a stale build too', () => {
  for (const file of ['package-lock.json', 'build.mjs']) {
    const root = builtCopy();
    appendFileSync(join(root, file), '\n');
    assert.equal(staleBuild(root), `dist/ is older than its sources (${file} changed): run \`npm run build\``);
  }
});

test('dist/ changed or lost after the build (another build, a hand edit): refused', () => {
  const root = builtCopy();
  appendFileSync(join(root, 'dist/scripts.js'), '// edited\n');
  assert.equal(staleBuild(root), 'dist/ is not what the last build wrote (dist/scripts.js changed): run `npm run build`');
  rmSync(join(root, 'dist'), { recursive: true });
  assert.equal(staleBuild(root), 'dist/ is not what the last build wrote (dist/cli.cjs was removed, and 1 more): run `npm run build`');
});

test('no record (never built, or a build that failed half-way): refused', () => {
  const root = builtCopy();
  rmSync(join(root, RECORD));
  assert.equal(staleBuild(root), `dist/ has no build record (${RECORD}: written by npm run build): run \`npm run build\``);
});

/** A test file's first line, `requireCurrentBuild()`, run in the copy at `root` as node --test runs a file. */
function requireIn(root: string) {
  const code = `await import(${JSON.stringify(join(root, 'test/support/build.ts'))}).then((m) => m.requireCurrentBuild()); console.log('tests run');`;
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('requireCurrentBuild: a current build lets the file run; a stale one ends it with exit 1 and the one line, before any test', () => {
  const root = builtCopy();
  assert.deepEqual(requireIn(root), { code: 0, stdout: 'tests run\n', stderr: '' });
  appendFileSync(join(root, 'src/runtime/watch/view.mjs'), ' ');
  assert.deepEqual(requireIn(root), { code: 1, stdout: '', stderr: 'dist/ is older than its sources (src/runtime/watch/view.mjs changed): run `npm run build`\n' });
});
