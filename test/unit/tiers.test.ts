// The tiers' promises, read from the test files' imports (test/README.md): a unit test reaches
// nothing built (the bin, a demo with the packed package, the built generator, dist/), so the unit
// tier runs from the sources alone; and every test file of the other tiers that reaches the build
// checks first that it is current. A contributor's machine always has some dist/, so a unit test
// that used it would pass there and fail (or test an old bundle) elsewhere. What imports cannot
// show, a template script spawned from templates/ (it imports create-crash-demo/scripts, which is
// dist/), is for the author to see; the unit tier passing with dist/ removed shows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const TEST = fileURLToPath(new URL('..', import.meta.url));
const ROOT = resolve(TEST, '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? (name === 'fixtures' || name === 'snapshots' ? [] : files(path)) : [path];
  });
}
const rel = (path: string) => relative(ROOT, path);
const ALL = files(TEST).filter((f) => /\.(ts|mjs)$/.test(f));
const TESTS = ALL.filter((f) => f.endsWith('.test.ts'));
const inTier = (tier: string) => (f: string) => rel(f).startsWith(`test/${tier}/`);
const UNIT = TESTS.filter(inTier('unit'));

/** The helpers that run the build: the bin, a demo's packed node_modules, the built Yeoman generator. */
const BUILT_HELPERS = ['support/demo-modules', 'support/project', 'support/yo-run.mjs', 'support/yo-env.mjs'].map((m) => join(TEST, m));
const BIN_HELPER = join(TEST, 'support/bin');

interface Use {
  /** test/-relative modules it imports (relative specifiers, without extension), and the names. */
  imports: Array<{ module: string; names: string }>;
  text: string;
}
function uses(file: string): Use {
  const text = readFileSync(file, 'utf8');
  const imports = [...text.matchAll(/^import\s+(?:type\s+)?([^;]*?)\s+from\s+'(\.\.?\/[^']+)';/gms)].map((m) => ({
    names: m[1]!,
    module: resolve(dirname(file), m[2]!).replace(/\.(js|ts)$/, ''),
  }));
  for (const m of text.matchAll(/new URL\('(\.\.?\/[^']+)', import\.meta\.url\)/g)) imports.push({ names: '', module: resolve(dirname(file), m[1]!) });
  return { imports, text };
}

/** Why `file` (or a helper of test/ it imports, transitively) needs the build; null if it does not. */
function needsBuild(file: string, seen = new Set<string>()): string | null {
  if (seen.has(file)) return null;
  seen.add(file);
  const { imports, text } = uses(file);
  if (file !== SELF && /ROOT, 'dist'|\.\.\/dist\//.test(text)) return `${rel(file)} reads dist/`;
  for (const { module, names } of imports) {
    if (BUILT_HELPERS.includes(module)) return `${rel(file)} uses ${rel(module)}`;
    if (module === BIN_HELPER && /\b(BIN|runBin)\b/.test(names)) return `${rel(file)} runs the bin (${rel(module)})`;
    const helper = ALL.find((f) => f.replace(/\.(ts|mjs)$/, '') === module && !f.endsWith('.test.ts') && !rel(f).startsWith('test/support/build'));
    const why = helper && needsBuild(helper, seen);
    if (why) return why;
  }
  return null;
}

test('no unit test reaches the build (dist/, the bin, a packed demo, the built generator): the unit tier runs from the sources', () => {
  const reaching = UNIT.map((f) => needsBuild(f)).filter(Boolean);
  assert.deepEqual(reaching, []);
  assert.ok(UNIT.length > 10, `${UNIT.length} unit test files`);
});

test('every test file of the other tiers that runs the build checks it is current first (requireCurrentBuild)', () => {
  const others = TESTS.filter((f) => !UNIT.includes(f));
  const building = others.filter((f) => needsBuild(f) !== null);
  const unchecked = building.filter((f) => {
    const { imports, text } = uses(f);
    return !/^requireCurrentBuild\(\);$/m.test(text) && !imports.some((i) => i.module === join(TEST, 'cluster/support'));
  });
  assert.deepEqual(unchecked.map(rel), []);
  // Not vacuous: the rule sees the tests that run the bin, a demo's scripts, the generator, dist/ itself.
  for (const f of ['test/host/bin.test.ts', 'test/host/scripts/crash.test.ts', 'test/host/generator.test.ts', 'test/host/precompiled.test.ts', 'test/host/package.test.ts']) {
    assert.ok(building.map(rel).includes(f), `${f} is seen to need the build`);
  }
});

test('the cluster tests check through test/cluster/support.ts, which every one of them that runs the bin imports', () => {
  assert.match(readFileSync(join(TEST, 'cluster/support.ts'), 'utf8'), /^requireCurrentBuild\(\);$/m);
});
