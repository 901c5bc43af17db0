// What a TypeScript user of the package gets: the packed tarball's declarations, one bundled file per
// entry (dist/index.d.ts for '.', dist/scripts.d.ts for './scripts'; every file in the tarball costs
// npm's extract phase on each cold `npm init crash-demo`). A consumer project installs the tarball and
// tsc checks it with skipLibCheck off, so the bundles themselves are checked too; each misuse marked
// with ts-expect-error fails the check if the types ever degrade to `any`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/bin.js';
import { requireCurrentBuild } from '../support/build.js';

requireCurrentBuild();

const DECLARATIONS = ['dist/index.d.ts', 'dist/scripts.d.ts'];
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** `npm pack` of the built package into dir (--ignore-scripts: `prepack` would rebuild dist/ under the other tests' feet). */
function pack(dir: string): { filename: string; files: Array<{ path: string }> } {
  if (!existsSync(join(ROOT, 'dist', 'index.d.ts'))) throw new Error('dist/index.d.ts is missing: run `npm run build` first (npm test does)');
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return packed!;
}

// Real names from both entries, used as a user would; never run, only type-checked.
const CONSUMER = `import { choicesOf, createDemo, ownScriptsFrom, planDemo, predictOutcome, resolveOptions, UsageError, type DemoPlan, type Options, type Runtime, type ScriptsFrom } from 'create-crash-demo';
import { backoffSequence, clusterKindOf, conditionTrue, delayBeforeRestart, goDuration, parseGoDuration, runBackground, stopBackground, type ClusterKind, type Schedule } from 'create-crash-demo/scripts';

export function make(dir: string): { runtime: Runtime; scripts: string[]; files: string[]; vendored: string | null } {
  const options: Options = resolveOptions({ name: 'demo', runtime: 'node' });
  const plan: DemoPlan = planDemo(options);
  const runtimes: string[] = choicesOf('runtime');
  const headline: string = predictOutcome(options).headline;
  if (!runtimes.includes(options.runtime) || headline === '') throw new UsageError('no such runtime');
  const from: ScriptsFrom = ownScriptsFrom();
  const made = createDemo(dir, { runtime: options.runtime }, { overwrite: true }, from);
  return { runtime: made.options.runtime, scripts: plan.scripts, files: made.files, vendored: made.vendored ?? plan.vendored };
}

export async function watch(): Promise<{ delays: number[]; first: number; text: string; seconds: number | null; kind: ClusterKind | null; ready: boolean }> {
  const schedule: Schedule = { name: 'kubelet', initialSeconds: 10, maxSeconds: 300, resetAfterSeconds: 600 };
  const delays: number[] = backoffSequence(5, schedule);
  const text: string = goDuration(delays[1] ?? 0);
  const p = runBackground\`kubectl get pods -w -o json\`;
  if (p) await stopBackground(p);
  return { delays, first: delayBeforeRestart(2), text, seconds: parseGoDuration(text), kind: clusterKindOf('kind-demo'), ready: conditionTrue([{ type: 'Ready', status: 'True' }], 'Ready') };
}

// Misuses: each line must be a type error.
export function misuse(options: Options): void {
  // @ts-expect-error runtime is one of the choices, not any string
  const wrong: Options = { ...options, runtime: 'cobol' };
  // @ts-expect-error createDemo's options are typed from the options table: no runtime ruby
  createDemo('x', { runtime: 'ruby' });
  // @ts-expect-error a port is a number
  createDemo('x', { port: '8080' });
  // @ts-expect-error no option of that name
  createDemo('x', { runtme: 'node' });
  // @ts-expect-error planDemo takes resolved options
  planDemo(42);
  // @ts-expect-error a demo gets create-crash-demo from 'registry' or 'vendor', nothing else
  planDemo(options, 'npm');
  // @ts-expect-error backoffSequence gives numbers
  const delays: string[] = backoffSequence(3);
  // @ts-expect-error a ClusterKind is one of the known kinds
  const kind: ClusterKind = 'openshift';
  // @ts-expect-error stopBackground takes zx's ProcessPromise (zx's types come through)
  void stopBackground('kubectl');
  void wrong;
  void delays;
  void kind;
}
`;

test('the tarball has one declaration file per entry, and package.json points at them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crash-demo-pack-'));
  try {
    const paths = pack(dir).files.map((f) => f.path);
    assert.deepEqual(paths.filter((p) => p.startsWith('dist/types/')), []);
    assert.deepEqual(paths.filter((p) => /\.d\.[cm]?ts$/.test(p)).sort(), DECLARATIONS);
    assert.equal(pkg.types, './dist/index.d.ts');
    assert.equal(pkg.exports['.'].types, './dist/index.d.ts');
    assert.equal(pkg.exports['./scripts'].types, './dist/scripts.d.ts');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a project that installed the tarball type-checks against its declarations (strict, skipLibCheck off)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'crash-demo-types-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tarball = join(dir, pack(dir).filename);
  const consumer = join(dir, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }) + '\n');
  // The tarball has no dependencies: nothing to fetch.
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: consumer, stdio: ['ignore', 'pipe', 'pipe'] });
  // What a demo also has: zx (dist/scripts.d.ts imports its types) and @types/node, this repository's copies.
  const modules = join(consumer, 'node_modules');
  mkdirSync(join(modules, '@types', 'fs-extra'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules', 'zx'), join(modules, 'zx'));
  symlinkSync(join(ROOT, 'node_modules', '@types', 'node'), join(modules, '@types', 'node'));
  // zx's own declarations name @types/fs-extra, which zx neither ships nor depends on: a stand-in for
  // that one package (zx's, not ours), or skipLibCheck off fails on zx alone.
  writeFileSync(join(modules, '@types', 'fs-extra', 'package.json'), JSON.stringify({ name: '@types/fs-extra', version: '0.0.0', types: 'index.d.ts' }) + '\n');
  writeFileSync(join(modules, '@types', 'fs-extra', 'index.d.ts'), "declare module 'fs-extra' {\n  const fs: any;\n  export = fs;\n}\n");
  writeFileSync(join(consumer, 'consumer.ts'), CONSUMER);

  for (const resolution of ['node16', 'bundler']) {
    const module = resolution === 'bundler' ? 'esnext' : 'node16';
    const config = `tsconfig.${resolution}.json`;
    const compilerOptions = { module, moduleResolution: resolution, target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] };
    writeFileSync(join(consumer, config), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }, null, 2) + '\n');
    const r = spawnSync(process.execPath, [TSC, '-p', config, '--listFiles'], { cwd: consumer, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, `tsc (${resolution}):\n${r.stdout}${r.stderr}`);
    const ours = r.stdout
      .split('\n')
      .filter((f) => f.includes('/node_modules/create-crash-demo/'))
      .map((f) => f.slice(f.indexOf('/node_modules/create-crash-demo/') + '/node_modules/create-crash-demo/'.length))
      .sort();
    assert.deepEqual(ours, DECLARATIONS, `the declarations tsc read (${resolution})`);
  }
  assert.ok(realpathSync(join(modules, 'create-crash-demo')).startsWith(realpathSync(consumer)), 'the package is the installed tarball, not a link to this repository');

  // Without @types/node the declarations say what they need, by name, instead of failing on Buffer and
  // NodeJS.Signals one by one.
  rmSync(join(modules, '@types', 'node'));
  const bare = { compilerOptions: { module: 'esnext', moduleResolution: 'bundler', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: [] }, files: ['consumer.ts'] };
  writeFileSync(join(consumer, 'tsconfig.bare.json'), JSON.stringify(bare, null, 2) + '\n');
  const r = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.bare.json'], { cwd: consumer, encoding: 'utf8', timeout: 120_000 });
  assert.notEqual(r.status, 0, 'tsc passed without @types/node');
  const ours = r.stdout.split('\n').filter((l) => l.includes('node_modules/create-crash-demo/'));
  assert.deepEqual(
    ours.map((l) => l.replace(/^.*?node_modules\/create-crash-demo\//, '').replace(/\(\d+,\d+\)/, '')),
    DECLARATIONS.map((d) => `${d}: error TS2688: Cannot find type definition file for 'node'.`),
    r.stdout,
  );
});
