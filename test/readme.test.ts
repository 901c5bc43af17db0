// README.md's flag and outcome tables are generated from the code: they must not drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { README, renderReadme } from '../tools/readme.js';
import { renderDemo, resolveOptions } from '../src/index.js';
import { execFileSync } from 'node:child_process';
import { ROOT } from './support/bin.js';

test('README.md shows the current flags and outcome table (npx tsx tools/readme.ts rewrites them)', () => {
  const text = readFileSync(README, 'utf8');
  assert.equal(text, renderReadme(text));
});

test('README.md gives the two commands for a fresh machine, and .ci/run runs the same test command', () => {
  const text = readFileSync(README, 'utf8');
  // The bin the README runs is the one package.json declares (npm links that file).
  const { bin } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string> };
  // No `prepare` builds at `npm ci` (the packed package.json would carry it to every install): the build is a step.
  assert.ok(text.includes(`npm ci && npm run build && node ${bin['create-crash-demo']} my-demo`), `README.md builds, then runs ${bin['create-crash-demo']}`);
  assert.match(text, /^npm test$/m);
  const ci = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8');
  assert.match(ci, /^npm test$/m);
});

test("README.md's tree of the generated project names every script and every helper a demo has", () => {
  const text = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const tree = text.slice(text.indexOf('## The generated project'), text.indexOf('## As a library'));
  const files = [...renderDemo(resolveOptions({ name: 'demo' })).keys()];
  const scripts = files.flatMap((f) => /^scripts\/([^/]+)\.mjs$/.exec(f)?.[1] ?? []);
  // The machinery is the package's own create-crash-demo/scripts: every module of src/scripts/ is named.
  const modules = readdirSync(new URL('../src/scripts', import.meta.url)).flatMap((f) => /^(.+)\.mjs$/.exec(f)?.[1] ?? []).filter((m) => m !== 'index');
  const listed = (line: RegExp) => (tree.match(line)?.[1] ?? '').split(/,\s*/).map((s) => s.trim());
  assert.deepEqual(listed(/scripts\/ +zx, one per npm script: ([^\n]+)/), scripts);
  assert.deepEqual(listed(/create-crash-demo\/scripts \(in node_modules\): ([^`]+?)\n +kind-config/).join(',').replace(/\s+/g, ''), modules.sort().join(','));
  // No helper is copied into the demo, save one: the check every npm script loads first (package.json's
  // node --import), which must work before npm install, so cannot come from create-crash-demo/scripts.
  assert.deepEqual(files.filter((f) => f.startsWith('scripts/') && !/^scripts\/[^/]+\.mjs$/.test(f)), ['scripts/preload/installed.mjs']);
  assert.match(tree, /^ +scripts\/preload\/installed\.mjs +\S/m, 'the tree names it');
});

test('docs/FACTS.md is in the repository, and every "FACTS.md §N" the code and tests cite is one of its sections', () => {
  const facts = readFileSync(new URL('../docs/FACTS.md', import.meta.url), 'utf8');
  const sections = new Set([...facts.matchAll(/^## (\d+)\. /gm)].map((m) => m[1]));
  assert.ok(sections.size >= 7, 'the facts page has its sections');
  const cited = execFileSync('grep', ['-rhoE', 'FACTS\\.md §[0-9]+', 'src', 'test', 'templates', 'README.md'], { cwd: ROOT, encoding: 'utf8' });
  const refs = [...new Set(cited.split('\n').filter(Boolean).map((r) => r.replace('FACTS.md §', '')))];
  assert.ok(refs.length > 0);
  for (const n of refs) assert.ok(sections.has(n), `§${n} is a section of docs/FACTS.md`);
});
