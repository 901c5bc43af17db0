// The dependency rule of docs/architecture.md ("Layout"), read from the code's own imports: the
// generator and the runtime the demos import (create-crash-demo/scripts) share only src/shared/;
// the bin, the library and the Yeoman generator are faces over the generator; the runtime's folders
// layer one way (guard, plumbing, kube, then watch and crash, then rehearse). Every import of every
// file under src/, generators/ and tools/, and build.mjs's, is held against it: static and dynamic
// imports, re-exports, and the JSDoc type imports of the .mjs files (a type is a dependency too).
// A broken rule fails here, one line per import: the file, the import, and what its folder may import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The folders of the rule, by path (repository-relative, '/'-separated). */
const PLACES: Array<[RegExp, string]> = [
  [/^src\/shared\//, 'shared'],
  [/^src\/generator\//, 'generator'],
  [/^src\/bin\//, 'bin'],
  [/^src\/index\.ts$/, 'library'],
  [/^src\/runtime\/index\.mjs$/, 'runtime'],
  [/^src\/runtime\/(guard|plumbing|kube|watch|crash|rehearse)\//, 'runtime/$1'],
  [/^generators\/app\//, 'yeoman'],
  [/^tools\//, 'tools'],
  [/^build\.mjs$/, 'build'],
];

const RUNTIME_GROUPS = ['runtime/guard', 'runtime/plumbing', 'runtime/kube', 'runtime/watch', 'runtime/crash', 'runtime/rehearse'];
/** What each folder may import: folders of the rule, packages by name, 'node:' for Node's builtins. */
const RULE: Record<string, { may: string[]; why: string }> = {
  shared: { may: ['shared', 'node:'], why: 'what the generator and the runtime both read imports neither' },
  generator: { may: ['generator', 'shared', 'node:', 'ejs'], why: 'the generator plans, renders and writes; it never imports the runtime the demos import' },
  bin: { may: ['bin', 'generator', 'shared', 'node:', '@clack/prompts'], why: 'the bin is a face over the generator' },
  library: { may: ['generator', 'shared'], why: 'the library API is the generator and the shared table' },
  yeoman: { may: ['yeoman', 'generator', 'shared', 'node:', 'yeoman-generator'], why: 'the Yeoman generator is a face over the generator' },
  tools: { may: ['tools', 'library', 'generator', 'shared', 'node:'], why: 'the tools read the library, never the runtime' },
  build: { may: ['tools', 'generator', 'node:', 'esbuild', 'rollup', 'rollup-plugin-dts', 'tsx'], why: 'build.mjs bundles the sources it names as entry points and imports only what renders the templates' },
  runtime: { may: [...RUNTIME_GROUPS, 'shared'], why: "the runtime's index re-exports its folders" },
  'runtime/guard': { may: ['runtime/guard', 'shared', 'node:', 'zx'], why: 'the guard (kube context, namespace ownership) judges and imports no other runtime folder' },
  'runtime/plumbing': { may: ['runtime/plumbing', 'runtime/guard', 'shared', 'node:', 'zx'], why: 'plumbing (flags, output, tools, engines) stands on the guard only' },
  'runtime/kube': { may: ['runtime/kube', 'runtime/plumbing', 'runtime/guard', 'shared', 'node:', 'zx'], why: "kube (kubectl's view, the kubelet's schedule) stands below watch, crash and rehearse" },
  'runtime/watch': { may: ['runtime/watch', 'runtime/kube', 'runtime/plumbing', 'runtime/guard', 'shared', 'node:', 'zx'], why: 'watch never imports crash or rehearse' },
  'runtime/crash': { may: ['runtime/crash', 'runtime/kube', 'runtime/plumbing', 'runtime/guard', 'shared', 'node:', 'zx'], why: 'crash never imports watch or rehearse' },
  'runtime/rehearse': { may: [...RUNTIME_GROUPS, 'shared', 'node:', 'zx'], why: 'rehearse is the top of the runtime' },
};

/** The imports the rule allows by name, each with why and the step that ends it. */
const EXCEPTIONS: Array<{ from: string; to: string; why: string }> = [
  {
    from: 'generators/app/index.ts',
    to: 'src/bin/args.ts',
    why: "the Yeoman generator describes --overwrite and --replace-edited in the bin's own words (CONTROL_FLAGS); goes when the control flags move beside the options table (a later step)",
  },
  {
    from: 'src/runtime/plumbing/engine.mjs',
    to: 'src/runtime/rehearse/rehearsal.mjs',
    why: "JSDoc types only (Engine, RunState: cliEngine is the rehearsal loop's engine); goes when the runtime becomes TypeScript and those types move beside cliEngine (a later step)",
  },
];

interface Import {
  from: string;
  spec: string;
  /** only for its types (import type, JSDoc): no edge at run time */
  type: boolean;
  /** the file it names (relative imports), or null for a package or a builtin */
  to: string | null;
}

/** The folder of the rule a path is in, or null. */
function placeOf(path: string): string | null {
  for (const [re, place] of PLACES) {
    const m = re.exec(path);
    if (m) return place.replace('$1', m[1] ?? '');
  }
  return null;
}

/**
 * Every module a source text names, and whether only for its types: import/export ... from at the
 * start of a line (`import type`/`export type`: types), a JSDoc `@import ... from` and `import('...').T`
 * (types), `import('...')` (a dynamic import), and build.mjs's tsImport('...'). Prose in comments
 * that quotes an import line is not read: such a line starts with `//` or `*`.
 */
function specifiers(text: string): Array<{ spec: string; type: boolean }> {
  const found: Array<{ spec: string; type: boolean }> = [];
  for (const m of text.matchAll(/^[ \t]*(import|export)(\s+type\b)?[^;'"]*?\bfrom\s*['"]([^'"\s]+)['"]/gm)) found.push({ spec: m[3]!, type: m[2] !== undefined });
  for (const m of text.matchAll(/^[ \t]*import\s*['"]([^'"\s]+)['"]/gm)) found.push({ spec: m[1]!, type: false });
  for (const m of text.matchAll(/@import\s[^*]*?\bfrom\s*['"]([^'"\s]+)['"]/g)) found.push({ spec: m[1]!, type: true });
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"\s]+)['"]\s*\)(\.)?/g)) found.push({ spec: m[1]!, type: m[2] !== undefined });
  for (const m of text.matchAll(/\btsImport\(\s*['"]([^'"\s]+)['"]/g)) found.push({ spec: m[1]!, type: false });
  return found;
}

/** The file a relative specifier names from `from`, as tsc and esbuild resolve it (.js names the .ts). */
function resolveFile(from: string, spec: string, exists: (path: string) => boolean): string | null {
  const path = posix.normalize(posix.join(posix.dirname(from), spec));
  for (const candidate of [path, path.replace(/\.js$/, '.ts'), path.replace(/\.mjs$/, '.mts'), `${path}/index.ts`, `${path}/index.mjs`]) {
    if (exists(candidate)) return candidate;
  }
  return null;
}

function importsOf(sources: Map<string, string>, exists: (path: string) => boolean): Import[] {
  return [...sources].flatMap(([from, text]) =>
    specifiers(text).map(({ spec, type }) => ({ from, spec, type, to: spec.startsWith('.') ? resolveFile(from, spec, exists) : null })),
  );
}

const packageOf = (spec: string) => (spec.startsWith('node:') ? 'node:' : spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/'));

/** One line per import the rule forbids, or that names no file: the file, the import, and the rule. */
function violations(imports: Import[]): string[] {
  const lines: string[] = [];
  for (const { from, spec, to } of imports) {
    const place = placeOf(from);
    if (place === null) continue; // a file in no folder of the rule is reported by unplaced()
    const rule = RULE[place]!;
    if (spec.startsWith('.') && to === null) {
      lines.push(`${from} imports '${spec}', which names no file`);
      continue;
    }
    const target = to === null ? packageOf(spec) : placeOf(to);
    if (target !== null && rule.may.includes(target)) continue;
    if (to !== null && EXCEPTIONS.some((e) => e.from === from && e.to === to)) continue;
    const what = to === null ? `the package ${target}` : `${to} (${target ?? 'in no folder of the rule'})`;
    lines.push(`${from} imports '${spec}', ${what}: ${place} may import only ${rule.may.join(', ')} (${rule.why})`);
  }
  return lines;
}

/** The first cycle of run-time imports between the files, as a path that returns to its start, or null. */
function cycle(imports: Import[]): string[] | null {
  const next = new Map<string, string[]>();
  for (const { from, to, type } of imports) if (to !== null && to !== from && !type) next.set(from, [...(next.get(from) ?? []), to]);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | null => {
    if (state.get(file) === 'done') return null;
    if (state.get(file) === 'open') return [...stack.slice(stack.indexOf(file)), file];
    state.set(file, 'open');
    stack.push(file);
    for (const to of next.get(file) ?? []) {
      const found = visit(to);
      if (found) return found;
    }
    stack.pop();
    state.set(file, 'done');
    return null;
  };
  for (const file of next.keys()) {
    const found = visit(file);
    if (found) return found;
  }
  return null;
}

function walk(dir: string): string[] {
  if (!existsSync(join(ROOT, dir))) return [];
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    return statSync(join(ROOT, path)).isDirectory() ? walk(path) : [path];
  });
}
/** The code the rule covers: src/ (all of it), the Yeoman generator's source (not its build, index.js), tools/, build.mjs. */
const CODE = [...walk('src'), ...walk('generators'), ...walk('tools'), 'build.mjs'].filter(
  (f) => /\.(ts|mts|mjs|cjs|js)$/.test(f) && f !== 'generators/app/index.js' && !f.endsWith('.d.ts'),
);
const SOURCES = new Map(CODE.map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]));
const exists = (path: string) => existsSync(join(ROOT, path)) && statSync(join(ROOT, path)).isFile();
const IMPORTS = importsOf(SOURCES, exists);

test('every import of src/, generators/, tools/ and build.mjs keeps the dependency rule of docs/architecture.md', () => {
  assert.deepEqual(violations(IMPORTS), []);
  // Not vacuous: it read the imports across the folders, the runtime's JSDoc type imports among them.
  assert.ok(IMPORTS.length > 200, `${IMPORTS.length} imports read`);
  const read = (from: string, to: string) => IMPORTS.some((i) => i.from === from && i.to === to);
  assert.ok(read('src/runtime/plumbing/cli.mjs', 'src/shared/options.ts'), 'the runtime reads the shared options table');
  assert.ok(read('src/generator/render.ts', 'src/shared/memory.mjs'), 'the generator reads the shared memory formula');
  assert.ok(read('src/runtime/crash/readiness.mjs', 'src/runtime/kube/podstatus.mjs'), 'a JSDoc type import is read');
});

test('every file of src/ is in a folder of the rule (shared/, generator/, bin/, runtime/<group>/, or the library index.ts)', () => {
  const unplaced = [...walk('src')].filter((f) => !f.endsWith('.json') && placeOf(f) === null);
  assert.deepEqual(unplaced, []);
});

test('no module imports itself back through others at run time (two modules may name each other\'s types)', () => {
  assert.equal(cycle(IMPORTS)?.join(' -> ') ?? null, null);
});

test('every exception of the rule is still needed: each names an import the code has, which the rule alone would refuse', () => {
  for (const e of EXCEPTIONS) {
    const used = IMPORTS.filter((i) => i.from === e.from && i.to === e.to);
    assert.ok(used.length > 0, `the exception ${e.from} -> ${e.to} names no import of the code: remove it`);
    const place = placeOf(e.from)!;
    assert.ok(!RULE[place]!.may.includes(placeOf(e.to) ?? ''), `${e.from} -> ${e.to} is allowed by the rule itself: remove the exception`);
  }
});

test('a forbidden import is refused in one line naming the file, the import and the rule', () => {
  // The real sources with one line added where the rule forbids it, each kind once.
  const cases: Array<[string, string, string]> = [
    [
      'src/generator/render.ts',
      "import { goDuration } from '../runtime/kube/backoff.mjs';",
      "src/generator/render.ts imports '../runtime/kube/backoff.mjs', src/runtime/kube/backoff.mjs (runtime/kube): generator may import only generator, shared, node:, ejs (the generator plans, renders and writes; it never imports the runtime the demos import)",
    ],
    [
      'src/runtime/kube/events.mjs',
      "/** @type {import('../watch/view.mjs').Crash} */",
      "src/runtime/kube/events.mjs imports '../watch/view.mjs', src/runtime/watch/view.mjs (runtime/watch): runtime/kube may import only runtime/kube, runtime/plumbing, runtime/guard, shared, node:, zx (kube (kubectl's view, the kubelet's schedule) stands below watch, crash and rehearse)",
    ],
    [
      'src/shared/memory.mjs',
      "import { $ } from 'zx';",
      "src/shared/memory.mjs imports 'zx', the package zx: shared may import only shared, node: (what the generator and the runtime both read imports neither)",
    ],
    ['src/bin/main.ts', "import { x } from './nowhere.js';", "src/bin/main.ts imports './nowhere.js', which names no file"],
  ];
  const before = new Set(violations(IMPORTS));
  for (const [file, line, said] of cases) {
    const sources = new Map(SOURCES).set(file, `${line}\n${SOURCES.get(file)}`);
    assert.deepEqual(violations(importsOf(sources, exists)).filter((l) => !before.has(l)), [said]);
  }
});

test('an import cycle is found and shown as the path that returns to its start', () => {
  const sources = new Map(SOURCES).set('src/runtime/plumbing/time.mjs', `import { goDuration } from '../kube/backoff.mjs';\n${SOURCES.get('src/runtime/plumbing/time.mjs')}`);
  sources.set('src/runtime/kube/backoff.mjs', `import { isoTime } from '../plumbing/time.mjs';\n${SOURCES.get('src/runtime/kube/backoff.mjs')}`);
  const found = cycle(importsOf(sources, exists));
  assert.ok(found, 'a cycle');
  assert.equal(found[0], found.at(-1));
  assert.deepEqual(new Set(found), new Set(['src/runtime/plumbing/time.mjs', 'src/runtime/kube/backoff.mjs']));
});
