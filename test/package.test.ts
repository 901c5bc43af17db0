// What `npm exec create-crash-demo` really downloads: the packed tarball.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ROOT } from './support/bin.js';
import { renderDemo, resolveOptions } from '../src/index.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
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

test('the tarball holds the bin, the bundles, the generator and the templates, and no sources or tests', () => {
  for (const path of ['bin/create-crash-demo.js', 'dist/cli.js', 'dist/index.js', 'generators/app/index.js', 'templates/common/_gitignore', 'package.json']) {
    assert.ok(paths.includes(path), `${path} is packed`);
  }
  assert.deepEqual(paths.filter((p) => /^(src|test|tools|bench)\//.test(p) || p.endsWith('.ts') && !p.endsWith('.d.ts')), []);
});

test('a generated project gets a .gitignore although npm never packs one', () => {
  const files = renderDemo(resolveOptions({ name: 'demo' }));
  assert.match(String(files.get('.gitignore')), /^node_modules\/$/m);
  assert.equal(files.has('_gitignore'), false);
});
