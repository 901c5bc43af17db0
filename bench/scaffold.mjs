#!/usr/bin/env node
// `npm init crash-demo` next to `npm create vite`, measured the way users meet both: from a registry.
// The bench starts its own verdaccio on 127.0.0.1, publishes the packed tarball to it, lets it fetch
// (once, through the public registry) every document npm asks for while resolving both commands and
// a generated demo's `npm install`, then restarts it with no uplinks and times, interleaved:
//   cold (empty npm cache) and warm runs of both commands, their peak memory, the installed bins
//   alone, `npm install` in a generated demo, and `npm run build` of its image on a cached base.
// Prints figures and the targets of issue 11; asserts nothing (no timed tests anywhere).
//
//   node bench/scaffold.mjs [--pairs 11] [--bin-runs 30] [--install-runs 5] [--no-image]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

// ---- config -------------------------------------------------------------------------------------
const VERDACCIO = '6.8.0';
const VITE = 'create-vite@9.3.0';
/** What a user types, word for word; `d` and `a` are the target directories. */
const COMMANDS = {
  ours: ['init', 'crash-demo', 'd', '--yes', '--', '--yes'],
  vite: ['create', VITE.replace('create-', ''), 'a', '--yes', '--', '--template', 'vanilla', '--no-interactive'],
};
const BINS = {
  ours: ['create-crash-demo', ['d', '--yes']],
  vite: ['create-vite', ['a', '--template', 'vanilla', '--no-interactive']],
};
/** The same npm settings for every timed run, whatever the user's ~/.npmrc says. */
const NPMRC = ['update-notifier=false', 'fund=false', 'audit=false'];
const TARGETS = { cold: 0.95, warm: 1.0, bin: 1.0 };

const { values: flags } = parseArgs({
  options: {
    pairs: { type: 'string', default: '11' },
    'bin-runs': { type: 'string', default: '30' },
    'install-runs': { type: 'string', default: '5' },
    'no-image': { type: 'boolean', default: false },
    'keep-ca-certs': { type: 'boolean', default: false },
    cache: { type: 'string', default: join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'create-crash-demo') },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(`usage: node bench/scaffold.mjs [--pairs N] [--bin-runs N] [--install-runs N] [--no-image] [--cache DIR]
  --pairs         interleaved pairs of runs for cold and for warm (default 11, at least 11 for the figures)
  --bin-runs      runs of each installed bin alone (default 30)
  --install-runs  cold and warm runs of npm install in a generated demo (default 5)
  --no-image      skip npm run build of the demo's image (needs a Docker engine and the stand-in base)
  --keep-ca-certs keep NODE_EXTRA_CA_CERTS for the timed runs (see TIMED_ENV)
  --cache         where verdaccio ${VERDACCIO} is installed once (default ~/.cache/create-crash-demo)`);
  process.exit(0);
}
const PAIRS = Number(flags.pairs);
const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const WORK = mkdtempSync(join(tmpdir(), 'ccd-bench-'));

// ---- helpers ------------------------------------------------------------------------------------
let dirs = 0;
const fresh = (name) => {
  const dir = join(WORK, `${name}-${++dirs}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const kb = (b) => `${(b / 1e3).toFixed(1)} kB`;
const spread = (xs, f = s) => `min ${f(Math.min(...xs))}  median ${f(median(xs))}  max ${f(Math.max(...xs))}`;
const verdict = (ratio, target) => `${ratio.toFixed(2)} (target <= ${target.toFixed(2)}: ${ratio <= target ? 'met' : 'NOT met'})`;

/**
 * The environment of every timed run and of npm's: no npm_config_* inherited from `npm run bench`,
 * and no NODE_EXTRA_CA_CERTS unless --keep-ca-certs. A machine behind a TLS proxy sets that (this
 * one does); every Node process then reads and parses the CA bundle at start-up, about 80 ms here,
 * which a user does not pay and which these runs, plain HTTP to loopback, do not need. It is the
 * same for both commands, and only makes their ratio look closer to 1.
 */
const TIMED_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && (flags['keep-ca-certs'] || k !== 'NODE_EXTRA_CA_CERTS')),
);
function npmEnv(npmrc, cache) {
  return { ...TIMED_ENV, npm_config_userconfig: npmrc, npm_config_cache: cache };
}

/** Runs a command to its end; throws with its output when it fails. */
function sh(cmd, args, { cwd = WORK, env = process.env } = {}) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${r.error ?? ''}${r.stderr.slice(-2000)}${r.stdout.slice(-1000)}`);
  return r.stdout;
}

/** Wall time of one run, and its peak memory (the largest process: npm or the bin it starts). */
function timed(cmd, args, opts) {
  const rusage = join(WORK, `time-${++dirs}.txt`);
  const t = performance.now();
  sh('/usr/bin/time', ['-v', '-o', rusage, cmd, ...args], opts);
  const ms = performance.now() - t;
  const kib = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(rusage, 'utf8'))?.[1]);
  return { ms, mib: kib / 1024 };
}

function duBytes(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += duBytes(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}
const countFiles = (dir) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

// ---- the local registry -------------------------------------------------------------------------

/** verdaccio, installed once into the cache dir from the public registry; never a dependency. */
function installVerdaccio() {
  const dir = join(flags.cache, `verdaccio-${VERDACCIO}`);
  const bin = join(dir, 'node_modules', '.bin', 'verdaccio');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  // verdaccio 6.8.0 pulls node-fetch 3 somewhere, which needs a newer Node than 20.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, dependencies: { verdaccio: VERDACCIO }, overrides: { 'node-fetch': '2.7.0' } }));
  console.log(`installing verdaccio ${VERDACCIO} into ${dir} (once)`);
  sh('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--registry', 'https://registry.npmjs.org/'], { cwd: dir });
  return bin;
}

/** The registry's config: `seed` proxies to the public registry (and keeps what it fetched); the timed one has no uplinks. */
function verdaccioConfig(storage, port, seed) {
  const uplink = seed ? `uplinks:\n  npmjs:\n    url: https://registry.npmjs.org/\n    cache: true\n` : '';
  const proxy = seed ? '    proxy: npmjs\n' : '';
  return `storage: ${storage}
auth:
  htpasswd:
    file: ${storage}/../htpasswd
    max_users: 1
${uplink}packages:
  # Ours comes only from the tarball published here, whatever the public registry holds.
  'create-crash-demo':
    access: $all
    publish: $authenticated
  '**':
    access: $all
    publish: $authenticated
${proxy}listen: 127.0.0.1:${port}
log: { type: stdout, format: json, level: http }
`;
}

async function startRegistry(bin, storage, port, seed) {
  const config = join(WORK, seed ? 'seed.yaml' : 'registry.yaml');
  writeFileSync(config, verdaccioConfig(storage, port, seed));
  const child = spawn(bin, ['--config', config], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
  const log = [];
  child.stdout.on('data', (b) => log.push(b.toString()));
  child.stderr.on('data', (b) => log.push(b.toString()));
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited: ${log.join('')}`);
    if (await fetch(`${url}-/ping`).then((r) => r.ok, () => false)) return { url, log, stop: () => stopRegistry(child) };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`verdaccio did not answer on ${url} within 30 s`);
}

function stopRegistry(child) {
  return new Promise((ok) => {
    if (child.exitCode !== null) return ok();
    child.once('exit', () => ok());
    child.kill('SIGTERM');
  });
}

/** The packuments npm asked for that were not there (404): a sign the seeding missed something. */
const missed = (log) =>
  log
    .join('')
    .split('\n')
    .flatMap((l) => {
      try {
        const j = JSON.parse(l);
        return j.status === 404 && j.request?.url ? [j.request.url] : [];
      } catch {
        return [];
      }
    });

// ---- the figures --------------------------------------------------------------------------------

async function main() {
  // 1. The tarball.
  execFileSync(process.execPath, ['build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  const packDir = fresh('pack');
  const [packed] = JSON.parse(sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: ROOT }));
  const tgz = join(packDir, packed.filename);
  console.log(`packed tarball: ${kb(packed.size)} (${packed.entryCount} files), unpacked ${kb(packed.unpackedSize)}`);
  console.log(`node ${process.version}, npm ${sh('npm', ['--version']).trim()}, ${PAIRS} pairs`);
  if (process.env.NODE_EXTRA_CA_CERTS) {
    console.log(`timed runs: NODE_EXTRA_CA_CERTS is ${flags['keep-ca-certs'] ? 'kept' : 'unset (--keep-ca-certs keeps it)'}`);
  }

  // 2. A registry that holds what the public one would answer for, then none but that.
  const verdaccio = installVerdaccio();
  const storage = join(WORK, 'registry', 'storage');
  mkdirSync(storage, { recursive: true });
  const port = await freePort();
  const rc = join(WORK, 'npmrc');
  writeFileSync(rc, [`registry=http://127.0.0.1:${port}/`, ...NPMRC].join('\n') + '\n');

  let registry = await startRegistry(verdaccio, storage, port, true);
  try {
    const user = await fetch(`${registry.url}-/user/org.couchdb.user:bench`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', password: 'bench-local-only' }),
    }).then((r) => r.json());
    // The token goes to the publish only: the timed runs are anonymous, as a user's are.
    sh('npm', ['publish', tgz, '--ignore-scripts', `--//127.0.0.1:${port}/:_authToken=${user.token}`], { env: npmEnv(rc, fresh('cache')) });
    for (const args of Object.values(COMMANDS)) sh('npm', args, { cwd: fresh('seed'), env: npmEnv(rc, fresh('cache')) });
    const demo = fresh('seed');
    sh('npm', COMMANDS.ours, { cwd: demo, env: npmEnv(rc, fresh('cache')) });
    sh('npm', ['install'], { cwd: join(demo, 'd'), env: npmEnv(rc, fresh('cache')) });
  } finally {
    await registry.stop();
  }
  const held = readdirSync(storage, { recursive: true }).filter((p) => String(p).endsWith('package.json')).map((p) => String(p).replace(/\/package\.json$/, ''));
  console.log(`local registry ${registry.url} (verdaccio ${VERDACCIO}, no uplinks) holds: ${held.sort().join(', ')}`);

  registry = await startRegistry(verdaccio, storage, port, false);
  try {
    await figures(registry, rc);
    const gaps = [...new Set(missed(registry.log))];
    console.log(gaps.length ? `npm asked the registry for documents it did not hold (404): ${gaps.join(', ')}` : 'npm got every document it asked for (no 404 from the registry)');
  } finally {
    await registry.stop();
  }
}

async function figures(registry, rc) {
  // 3. Installing each package alone: what lands in node_modules.
  const installed = {};
  for (const [who, pkg] of [['ours', 'create-crash-demo'], ['vite', VITE]]) {
    const project = fresh(`install-${who}`);
    writeFileSync(join(project, 'package.json'), '{ "private": true }\n');
    const { ms } = timed('npm', ['install', pkg], { cwd: project, env: npmEnv(rc, fresh('cache')) });
    const nm = join(project, 'node_modules');
    const pkgs = readdirSync(nm).filter((n) => !n.startsWith('.'));
    installed[who] = project;
    console.log(`npm install ${pkg.padEnd(18)} ${pkgs.length} package(s), ${countFiles(nm)} files, ${kb(duBytes(nm))} in node_modules, cold ${s(ms)}`);
  }

  // 4. The installed bins alone, interleaved.
  const binRuns = Number(flags['bin-runs']);
  const bin = { ours: [], vite: [] };
  for (let i = 0; i < binRuns; i++) {
    for (const who of i % 2 ? ['vite', 'ours'] : ['ours', 'vite']) {
      const [name, args] = BINS[who];
      bin[who].push(timed(join(installed[who], 'node_modules', '.bin', name), args, { cwd: fresh('bin'), env: TIMED_ENV }).ms);
    }
  }
  console.log(`\ninstalled bin alone, ${binRuns} runs each (interleaved)`);
  console.log(`  create-crash-demo  ${spread(bin.ours)}`);
  console.log(`  create-vite        ${spread(bin.vite)}`);
  console.log(`  median ours / create-vite: ${verdict(median(bin.ours) / median(bin.vite), TARGETS.bin)}`);

  // 5. The commands users type, cold and warm, interleaved pair by pair.
  const warmCache = { ours: fresh('cache'), vite: fresh('cache') };
  for (const who of ['ours', 'vite']) sh('npm', COMMANDS[who], { cwd: fresh('warmup'), env: npmEnv(rc, warmCache[who]) });
  const runs = { cold: { ours: [], vite: [] }, warm: { ours: [], vite: [] } };
  for (let i = 0; i < PAIRS; i++) {
    for (const kind of ['cold', 'warm']) {
      for (const who of i % 2 ? ['vite', 'ours'] : ['ours', 'vite']) {
        const cache = kind === 'cold' ? fresh('cache') : warmCache[who];
        runs[kind][who].push(timed('npm', COMMANDS[who], { cwd: fresh('run'), env: npmEnv(rc, cache) }));
      }
    }
  }
  for (const kind of ['cold', 'warm']) {
    const { ours, vite } = runs[kind];
    const ratios = ours.map((r, i) => r.ms / vite[i].ms);
    console.log(`\n${kind} (${kind === 'cold' ? 'empty npm cache' : 'npm cache from an earlier run'}), ${PAIRS} pairs`);
    console.log(`  npm ${COMMANDS.ours.join(' ')}`.padEnd(72) + spread(ours.map((r) => r.ms)));
    console.log(`  npm ${COMMANDS.vite.join(' ')}`.padEnd(72) + spread(vite.map((r) => r.ms)));
    console.log(`  median pair ratio ours / create-vite: ${verdict(median(ratios), TARGETS[kind])}  (pairs: ${spread(ratios, (x) => x.toFixed(2))})`);
    if (kind === 'cold') {
      const mib = (rs) => rs.map((r) => r.mib);
      const peak = (xs) => `${median(xs).toFixed(0)} MiB (max ${Math.max(...xs).toFixed(0)})`;
      const ok = median(mib(ours)) <= median(mib(vite));
      console.log(`  peak memory, median of cold runs: ours ${peak(mib(ours))}, create-vite ${peak(mib(vite))} (target <= create-vite's: ${ok ? 'met' : 'NOT met'})`);
    }
  }

  // 6. What the speaker waits for next: npm install in the demo, then its image.
  const demoRoot = fresh('demo');
  sh('npm', COMMANDS.ours, { cwd: demoRoot, env: npmEnv(rc, fresh('cache')) });
  const demo = join(demoRoot, 'd');
  const installRuns = Number(flags['install-runs']);
  const demoCache = fresh('cache');
  sh('npm', ['install'], { cwd: copyDemo(demo), env: npmEnv(rc, demoCache) });
  const inst = { cold: [], warm: [] };
  for (let i = 0; i < installRuns; i++) {
    inst.cold.push(timed('npm', ['install'], { cwd: copyDemo(demo), env: npmEnv(rc, fresh('cache')) }).ms);
    inst.warm.push(timed('npm', ['install'], { cwd: copyDemo(demo), env: npmEnv(rc, demoCache) }).ms);
  }
  console.log(`\nnpm install in a generated demo (no lockfile yet), ${installRuns} runs each`);
  console.log(`  cold  ${spread(inst.cold)}`);
  console.log(`  warm  ${spread(inst.warm)}`);

  if (!flags['no-image']) await imageBuild(demo, rc);
}

function copyDemo(demo) {
  const dir = fresh('copy');
  sh('cp', ['-a', `${demo}/.`, dir]);
  return dir;
}

/** `npm run build` as the speaker runs it, on the stand-in base (cached: built before the clock starts). */
async function imageBuild(demo, rc) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'base-image.ts'), 'python'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`\nnpm run build: skipped, no stand-in base image (${(r.stderr || r.stdout).trim().split('\n').pop()})`);
    return;
  }
  const base = r.stdout.trim();
  const saved = JSON.parse(readFileSync(join(demo, 'crash-demo.json'), 'utf8'));
  const tag = `${saved.options.name}:${JSON.parse(readFileSync(join(demo, 'package.json'), 'utf8')).version}`;
  sh('npm', ['install'], { cwd: demo, env: npmEnv(rc, fresh('cache')) });
  // --network host: this machine's Docker has no bridge network that reaches the Debian mirror.
  const args = ['run', 'build', '--', '--base-image', base, '--network', 'host'];
  try {
    const first = timed('npm', args, { cwd: demo, env: npmEnv(rc, fresh('cache')) });
    const again = timed('npm', args, { cwd: demo, env: npmEnv(rc, fresh('cache')) });
    console.log(`\nnpm run build (${saved.options.runtime}, --pid1 ${saved.options.pid1}; base ${base} cached)`);
    console.log(`  first build ${s(first.ms)} (apt-get install tini reaches the Debian mirror), rebuild ${s(again.ms)} (every layer cached)`);
  } finally {
    spawnSync('docker', ['image', 'rm', '--force', tag], { stdio: 'ignore' });
  }
}

main()
  .catch((error) => {
    console.error(`\x1b[31mbench/scaffold.mjs: ${error.message.split('\n')[0]}\x1b[0m`);
    if (process.env.DEBUG) console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(WORK, { recursive: true, force: true }));
