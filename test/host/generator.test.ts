// The Yeoman face, run through yeoman-test over the option matrix: the built generator that `yo`
// would load, real prompts answered by yeoman-test's dummy prompt, files checked on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { ownScriptsFrom, resolveOptions, renderDemo, type RawOptions } from '../../src/index.js';
import { readTree, tempDir } from '../support/tree.js';
import { matchSnapshot } from '../support/snapshot.js';
import { requireCurrentBuild } from '../support/build.js';

requireCurrentBuild();

const RUNNER = fileURLToPath(new URL('../support/yo-run.mjs', import.meta.url));
const SNAPSHOTS = new URL('../snapshots/generator-trees.json', import.meta.url);

const flagsOf = (raw: RawOptions): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k === 'namespace' ? 'kube-namespace' : k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()), v]),
  );

interface Case {
  raw: RawOptions;
  answers?: Record<string, unknown>;
}
interface Generated {
  dir: string;
  tree: Map<string, Buffer>;
  asked: string[];
  /** An error the run threw (a bug: user errors are reported, not thrown). */
  error?: string;
  /** What the generator wrote to stderr, and the exit status it set. */
  stderr: string;
  exitCode: number;
}

/** Runs every case through the real generator in one batch; results by case. */
function generateAll(cases: Case[]): Generated[] {
  const specs = cases.map((c) => ({ dir: tempDir('crash-demo-yo-'), args: ['demo'], options: flagsOf(c.raw), answers: c.answers ?? {} }));
  const out = JSON.parse(execFileSync(process.execPath, [RUNNER, JSON.stringify(specs)], { encoding: 'utf8', maxBuffer: 1 << 26 })) as Array<{
    asked?: string[];
    error?: string;
    stderr?: string;
    exitCode?: number;
  }>;
  return out.map((r, i) => {
    const dir = join(specs[i]!.dir, 'demo');
    const reported = { stderr: r.stderr ?? '', exitCode: r.exitCode ?? 0 };
    if (r.error) return { dir, tree: new Map(), asked: [], error: r.error, ...reported };
    return { dir, tree: existsSync(dir) ? readTree(dir) : new Map(), asked: r.asked!, ...reported };
  });
}

const MATRIX: RawOptions[] = [];
for (const runtime of ['python', 'node'])
  for (const pid1 of ['exec', 'shell', 'tini'])
    for (const crash of ['exit-worker', 'kill-parent', 'halt-supervisor', 'oom', 'hang']) MATRIX.push({ name: 'demo', runtime, pid1, crash });
MATRIX.push(
  { name: 'demo', runtime: 'python', workload: 'statefulset', fastBackoff: true, trigger: 'random', probability: '0.5' },
  { name: 'demo', runtime: 'node', workload: 'statefulset', trigger: 'timer', after: '12', workers: '4', port: '9090', namespace: 'talks' },
  { name: 'demo', runtime: 'node', trigger: 'startup', cluster: 'kind', fastBackoff: true },
  { name: 'demo', runtime: 'python', crash: 'hang', liveness: 'off' },
  { name: 'demo', runtime: 'node', crash: 'hang', liveness: 'off', workload: 'statefulset' },
);

const PROMPTED = {
  none: { raw: {}, answers: { runtime: 'node', crash: 'oom', pid1: 'exec' } },
  random: { raw: { name: 'demo' }, answers: { trigger: 'random', probability: '0.25' } },
  some: { raw: { runtime: 'python', crash: 'exit-worker', trigger: 'timer' } },
  bad: { raw: { name: 'demo', runtime: 'ruby' } },
  reservedNamespace: { raw: { name: 'demo', namespace: 'kube-system', yes: true } as RawOptions },
  replaceAlone: { raw: { name: 'demo', yes: true, replaceEdited: true } as RawOptions },
  namespace: { raw: { name: 'demo', namespace: 'talks' } },
} satisfies Record<string, Case>;

// One batch for the whole file: yeoman-environment loads once.
const cases: Case[] = [...MATRIX.map((raw) => ({ raw: { ...raw, yes: true } as RawOptions })), ...Object.values(PROMPTED)];
const results = generateAll(cases);
const prompted = Object.fromEntries(Object.keys(PROMPTED).map((k, i) => [k, results[MATRIX.length + i]!])) as Record<
  keyof typeof PROMPTED,
  Generated
>;
const savedOf = (g: Generated) => JSON.parse(g.tree.get('crash-demo.json')!.toString());

MATRIX.forEach((raw, i) => {
  const key = Object.entries(raw).filter(([k]) => k !== 'name').map(([k, v]) => `${k}=${v}`).join(' ');
  test(`yo crash-demo demo ${key} --yes: asks nothing, writes exactly the library's files, saves the answers`, () => {
    const { tree, asked, error } = results[i]!;
    assert.equal(error, undefined);
    assert.deepEqual(asked, [], 'a value given as a flag is never asked');
    // Run from this checkout, the generator packs itself into vendor/ as the bin does.
    const expected = renderDemo(resolveOptions(raw), ownScriptsFrom());
    assert.ok(expected.has('vendor/create-crash-demo-0.1.0.tgz'), 'a checkout vendors');
    assert.deepEqual([...tree.keys()], [...expected.keys()]);
    for (const [path, contents] of expected) assert.ok(tree.get(path)!.equals(Buffer.from(contents)), path);
    assert.deepEqual(savedOf(results[i]!).options, resolveOptions(raw));
    matchSnapshot(SNAPSHOTS, key, [...tree.keys()]);
  });
});

test('without flags it asks every question in table order, skipping probability and after for http', () => {
  const g = prompted.none;
  assert.equal(g.error, undefined);
  assert.deepEqual(g.asked, ['name', 'runtime', 'crash', 'pid1', 'trigger', 'workers', 'workload', 'namespace', 'port', 'cluster', 'fastBackoff']);
  const saved = savedOf(g);
  assert.equal(saved.options.name, 'demo', 'the default name is the directory name');
  assert.equal(saved.options.runtime, 'node');
  assert.equal(saved.outcome.reason, 'OOMKilled');
});

test('answering the random trigger asks for the probability, and only then', () => {
  const g = prompted.random;
  assert.ok(g.asked.includes('probability'));
  assert.ok(!g.asked.includes('after'));
  assert.equal(savedOf(g).options.probability, 0.25);
});

test('flags given are not asked; the rest are', () => {
  assert.deepEqual(prompted.some.asked, ['name', 'pid1', 'after', 'workers', 'workload', 'namespace', 'port', 'cluster', 'fastBackoff']);
});

test('a bad flag makes the run reject with the bin\'s one-line message, before any question and any file; the host decides what to print', () => {
  const g = prompted.bad;
  assert.equal(g.error, '--runtime "ruby" is not a valid choice: use one of python, node.');
  assert.equal(g.stderr, '', 'the generator prints nothing itself: the embedding tool reports the rejection');
  assert.equal(g.exitCode, 0, 'the embedding process\'s exit status is its own');
  assert.equal(existsSync(g.dir), false);
});

test('a refusal under yo names the option as yo spells it: --kube-namespace, never --namespace', () => {
  assert.equal(
    prompted.reservedNamespace.error,
    '--kube-namespace "kube-system" belongs to the cluster itself: the demo labels its namespace for the restricted Pod Security ' +
      'profile and teardown deletes it. Use a namespace of its own, e.g. --kube-namespace crash-demo.',
  );
  assert.equal(existsSync(prompted.reservedNamespace.dir), false);
});

test('--replace-edited without --overwrite is refused under yo as by the bin', () => {
  assert.equal(
    prompted.replaceAlone.error,
    '--replace-edited only applies with --overwrite (it lets --overwrite replace files you edited too): add --overwrite, or drop --replace-edited.',
  );
  assert.equal(existsSync(prompted.replaceAlone.dir), false);
});

test('the Kubernetes namespace is --kube-namespace under yo (Yeoman owns --namespace)', () => {
  assert.equal(savedOf(prompted.namespace).options.namespace, 'talks');
});

test("docs/usage.md's yeoman-environment snippet really scaffolds a demo", () => {
  const usage = readFileSync(new URL('../../docs/usage.md', import.meta.url), 'utf8');
  const snippet = /## The Yeoman generator[\s\S]*?```js\n([\s\S]*?)```/.exec(usage)?.[1];
  assert.ok(snippet, 'docs/usage.md has the snippet');
  // Inside the package, 'create-crash-demo' resolves to itself (package self-reference).
  const file = fileURLToPath(new URL(`../../.snippet-${process.pid}.mjs`, import.meta.url));
  writeFileSync(file, snippet);
  const cwd = tempDir('crash-demo-snippet-');
  try {
    execFileSync(process.execPath, [file], { cwd, encoding: 'utf8' });
  } finally {
    rmSync(file, { force: true });
  }
  const saved = JSON.parse(readFileSync(join(cwd, 'my-demo', 'crash-demo.json'), 'utf8'));
  assert.equal(saved.options.runtime, 'node');
  assert.equal(saved.options.name, 'my-demo');
});
