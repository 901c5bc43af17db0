#!/usr/bin/env node
// Image figures on the stand-in bases: size of every runtime × pid1 image, and how long its
// generated Dockerfile takes to build cold (--no-cache) and again from the cache. Prints figures;
// asserts nothing. Needs a Docker engine (test/setup-machine.sh) and, for tini, the Debian mirror.
//
//   node bench/images.mjs                 reuse the stand-in bases when they exist
//   node bench/images.mjs --bases=import  re-import the bases from the cached rootfs tarballs
//   node bench/images.mjs --bases=build   debootstrap the bases from scratch (a fresh machine)
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The helpers are TypeScript: re-run under tsx when started with plain node.
if (!process.execArgv.some((a) => a.includes('tsx'))) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}

const bases = (process.argv.find((a) => a.startsWith('--bases=')) ?? '--bases=reuse').slice('--bases='.length);
if (!['reuse', 'import', 'build'].includes(bases) || process.argv.includes('--help')) {
  console.log('usage: node bench/images.mjs [--bases=reuse|import|build]');
  process.exit(process.argv.includes('--help') ? 0 : 2);
}

const { CACHE_DIR, baseKey, baseTag, ensureBaseImage } = await import('../test/support/base-images.ts');
const { buildDemo, docker, generateDemo, imageSize } = await import('../test/support/docker.ts');

const RUNTIMES = ['python', 'node'];
const PID1S = ['exec', 'shell', 'tini'];
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
  console.log(`# stand-in bases (--bases=${bases}; cache ${CACHE_DIR})`);
  const baseOf = {};
  for (const runtime of RUNTIMES) {
    if (bases !== 'reuse') await docker(['image', 'rm', baseTag(runtime)], { allowFail: true });
    if (bases === 'build') await rm(join(CACHE_DIR, `${runtime}-${baseKey(runtime)}.tar`), { force: true });
    const r = await ensureBaseImage(runtime);
    baseOf[runtime] = r.tag;
    console.log(`${runtime.padEnd(7)} ${r.how.padEnd(9)} ${s(r.ms).padStart(8)}  ${mb(await imageSize(r.tag)).padStart(9)}  ${r.tag}`);
  }

  console.log('\n# generated images (crash kill-parent; tini builds reach the Debian mirror for apt-get update)');
  console.log(`${'runtime'.padEnd(7)} ${'pid1'.padEnd(5)} ${'size'.padStart(9)} ${'+base'.padStart(9)} ${'cold'.padStart(8)} ${'cached'.padStart(8)}`);
  for (const runtime of RUNTIMES) {
    const baseSize = await imageSize(baseOf[runtime]);
    for (const pid1 of PID1S) {
      const demo = await generateDemo({ name: `bench-${runtime}-${pid1}`, runtime, pid1 });
      try {
        const tag = `crash-demo-bench/${runtime}-${pid1}:${demo.saved.generator.version}`;
        const cold = await buildDemo(demo, tag, baseOf[runtime], true);
        const cached = await buildDemo(demo, tag, baseOf[runtime]);
        const size = await imageSize(tag);
        console.log(
          `${runtime.padEnd(7)} ${pid1.padEnd(5)} ${mb(size).padStart(9)} ${mb(size - baseSize).padStart(9)} ${s(cold.ms).padStart(8)} ${s(cached.ms).padStart(8)}`,
        );
      } finally {
        await demo.dispose();
      }
    }
  }
}

main().catch((e) => {
  console.error(`\x1b[31mbench/images: ${e instanceof Error ? e.message.split('\n')[0] : e}\x1b[0m`);
  process.exit(1);
});
