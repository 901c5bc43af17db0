#!/usr/bin/env node
// Install weight and start-up of create-crash-demo, next to create-vite in the same run.
// Prints figures; asserts nothing (targets live here, not in timed tests).
//   node bench/scaffold.mjs [--runs 5] [--vite create-vite@9.3.0]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, vite: { type: 'string', default: 'create-vite@9.3.0' } } });
const RUNS = Number(values.runs);
const ROOT = resolve(new URL('..', import.meta.url).pathname);
const npm = (args, opts = {}) => execFileSync('npm', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
const temp = (p) => mkdtempSync(join(tmpdir(), p));

function duBytes(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += duBytes(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}
const mb = (b) => `${(b / 1e6).toFixed(2)} MB`;
const kb = (b) => `${(b / 1e3).toFixed(1)} kB`;

function timed(cmd, args, cwd, env = {}) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;

// 1. The tarball.
execFileSync('node', ['build.mjs'], { cwd: ROOT, stdio: 'inherit' });
const packDir = temp('ccd-pack-');
const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', packDir], { cwd: ROOT }));
const tgz = join(packDir, packed.filename);
console.log(`packed tarball: ${kb(packed.size)} (${packed.entryCount} files), unpacked ${kb(packed.unpackedSize)}`);

// 2. A fresh install from it, with an empty cache.
const inst = temp('ccd-install-');
npm(['init', '-y'], { cwd: inst });
const installMs = timed('npm', ['install', '--cache', temp('ccd-cache-'), '--no-audit', '--no-fund', tgz], inst);
const pkgs = readdirSync(join(inst, 'node_modules')).flatMap((n) => (n.startsWith('@') ? readdirSync(join(inst, 'node_modules', n)) : n === '.bin' || n.startsWith('.') ? [] : [n]));
console.log(`fresh install from the tarball: ${pkgs.length} package(s), ${mb(duBytes(join(inst, 'node_modules')))} in node_modules, ${s(installMs)}`);

// 3. Warm scaffold by the installed bin.
const bin = join(inst, 'node_modules', '.bin', 'create-crash-demo');
const warmBin = Array.from({ length: RUNS }, (_, i) => timed(bin, [`demo-${i}`, '--yes'], temp('ccd-out-')));
console.log(`installed bin, scaffold a demo: median ${s(median(warmBin))} over ${RUNS} (target < 0.50 s)`);

// 4. npm exec cold (empty cache) and warm, for us and for create-vite.
function execTimes(label, pkg, args) {
  const cache = temp('ccd-cache-');
  const run = () => timed('npm', ['exec', '--yes', '--cache', cache, '--package', pkg, '--', ...args], temp('ccd-out-'));
  const cold = run();
  const warm = median(Array.from({ length: RUNS }, run));
  console.log(`${label}: npm exec cold ${s(cold)}, warm median ${s(warm)}`);
  return { cold, warm };
}
const ours = execTimes('create-crash-demo', tgz, ['create-crash-demo', 'demo', '--yes']);
const vite = execTimes(values.vite, values.vite, ['create-vite', 'app', '--template', 'vanilla', '--no-interactive']);
console.log(`cold npm exec ratio create-crash-demo / create-vite: ${(ours.cold / vite.cold).toFixed(2)} (target <= 2.00)`);
rmSync(packDir, { recursive: true, force: true });
