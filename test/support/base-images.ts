// Stand-in base images for the container tests. No image registry is reachable where the tests run,
// so python:3.13-slim and node:24-slim are replaced by images built from Debian packages with
// debootstrap and `docker import`. They give the generated Dockerfile what the official images
// give it: python3 + pip (and, preinstalled, what app/requirements.txt asks for, so pip needs no
// index), or node at /usr/local/bin/node behind a docker-entrypoint.sh ENTRYPOINT.
//
// Each image is tagged with a key derived from its package list, this file (the recipe) and, for
// node, the node binary's version: an existing tag is reused as is, and the rootfs tarball is kept
// under CACHE_DIR so even a removed image comes back in seconds.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { docker, imageExists, run, sleep } from './docker.js';

export type BaseRuntime = 'python' | 'node';

export const CACHE_DIR = process.env.CRASH_DEMO_CACHE ?? '/var/cache/create-crash-demo';
const SUITE = 'bookworm';

const PACKAGES: Record<BaseRuntime, readonly string[]> = {
  // python3-flask and gunicorn satisfy app/requirements.txt; tini makes the Dockerfile's
  // `apt-get install tini` a no-op (apt-get update still runs, against the real mirror).
  python: ['python3', 'python3-pip', 'python-is-python3', 'gunicorn', 'python3-flask', 'tini'],
  node: ['libstdc++6', 'tini'],
};

// What the official node image's entrypoint does: run the arguments with node unless the first one
// is a command. Our Dockerfile must replace this ENTRYPOINT, or the layout would not be the one asked for.
const NODE_ENTRYPOINT = `#!/bin/sh
set -e
if [ "\${1#-}" != "\${1}" ] || [ -z "$(command -v "\${1}")" ]; then
  set -- node "$@"
fi
exec "$@"
`;

// What Debian's official container images (debuerreotype) put in /etc/apt/apt.conf.d/, and so
// python:3.13-slim and node:24-slim too: without docker-clean, `apt-get update` leaves ~76 MB of
// /var/cache/apt/*.bin in the layer, and the image sizes measured here would mislead.
const APT_CONF: Record<string, string> = {
  'docker-clean': [
    'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };',
    'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };',
    'Dir::Cache::pkgcache "";',
    'Dir::Cache::srcpkgcache "";',
    '',
  ].join('\n'),
  'docker-no-languages': 'Acquire::Languages "none";\n',
  'docker-autoremove-suggests': 'Apt::AutoRemove::SuggestsImportant "false";\n',
};

const BASE_ENV = [
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  'ENV LANG=C.UTF-8',
];

const CHANGES: Record<BaseRuntime, readonly string[]> = {
  python: [...BASE_ENV, 'CMD ["python3"]'],
  node: [...BASE_ENV, 'ENTRYPOINT ["docker-entrypoint.sh"]', 'CMD ["node"]'],
};

const RECIPE = readFileSync(fileURLToPath(import.meta.url));

/** The content key: changes whenever what would go into the image changes. */
export function baseKey(runtime: BaseRuntime): string {
  const h = createHash('sha256');
  h.update(RECIPE);
  h.update(JSON.stringify({ runtime, suite: SUITE, packages: PACKAGES[runtime] }));
  if (runtime === 'node') h.update(process.version);
  return h.digest('hex').slice(0, 16);
}

export function baseTag(runtime: BaseRuntime): string {
  return `create-crash-demo-base/${runtime}:${baseKey(runtime)}`;
}

/** The Debian mirror this machine's apt uses, read from its sources (never written down anywhere). */
export async function debianMirror(): Promise<string> {
  const dir = '/etc/apt/sources.list.d';
  const names = existsSync(dir) ? (await readdir(dir)).sort() : [];
  for (const name of names.filter((n) => n.endsWith('.sources'))) {
    for (const stanza of (await readFile(join(dir, name), 'utf8')).split(/\n\s*\n/)) {
      const field = (key: string) =>
        stanza
          .split('\n')
          .find((l) => l.toLowerCase().startsWith(`${key.toLowerCase()}:`))
          ?.slice(key.length + 1)
          .trim()
          .split(/\s+/) ?? [];
      if (field('Enabled')[0] === 'no') continue;
      if (!field('Types').includes('deb') || !field('Suites').includes(SUITE)) continue;
      const uri = field('URIs')[0];
      if (uri) return uri;
    }
  }
  const lists = ['/etc/apt/sources.list', ...names.filter((n) => n.endsWith('.list')).map((n) => join(dir, n))];
  for (const file of lists.filter((f) => existsSync(f))) {
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line.trim());
      if (m?.[1] && m[2] === SUITE) return m[1];
    }
  }
  throw new Error(
    `no apt source for Debian ${SUITE} found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list; ` +
      'debootstrap needs a mirror to build the stand-in base images',
  );
}

// One build at a time across test processes (node --test runs files in parallel).
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = join(CACHE_DIR, 'build.lock');
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => '0'));
      if (owner && !isAlive(owner)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lock} held by pid ${owner} for 30 minutes; remove it if stale`);
      await sleep(1_000);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function buildRootfs(runtime: BaseRuntime, rootfs: string): Promise<void> {
  const mirror = await debianMirror();
  const debs = join(CACHE_DIR, 'debs');
  await mkdir(debs, { recursive: true });
  await rm(rootfs, { recursive: true, force: true });
  await run(
    'debootstrap',
    [
      '--variant=minbase',
      `--include=${PACKAGES[runtime].join(',')}`,
      `--cache-dir=${debs}`,
      SUITE,
      rootfs,
      mirror,
    ],
    { timeoutMs: 30 * 60_000 },
  );
  // Like the official slim images: no package lists or archives left behind.
  for (const d of ['var/lib/apt/lists', 'var/cache/apt/archives']) {
    for (const f of await readdir(join(rootfs, d)).catch(() => [])) {
      if (f !== 'partial' && f !== 'lock') await rm(join(rootfs, d, f), { recursive: true, force: true });
    }
  }
  for (const [name, text] of Object.entries(APT_CONF)) {
    await writeFile(join(rootfs, 'etc/apt/apt.conf.d', name), text);
  }
  for (const f of await readdir(join(rootfs, 'var/cache/apt'))) {
    if (f.endsWith('.bin')) await rm(join(rootfs, 'var/cache/apt', f), { force: true });
  }
  if (runtime === 'python') {
    // Without the PEP 668 marker, `pip install -r app/requirements.txt` finds Debian's flask and
    // gunicorn and is satisfied without an index, as it would be on python:3.13-slim with a mirror.
    for (const d of await readdir(join(rootfs, 'usr/lib'))) {
      if (/^python3\.\d+$/.test(d)) await rm(join(rootfs, 'usr/lib', d, 'EXTERNALLY-MANAGED'), { force: true });
    }
  } else {
    await copyFile(process.execPath, join(rootfs, 'usr/local/bin/node'));
    await chmod(join(rootfs, 'usr/local/bin/node'), 0o755);
    await writeFile(join(rootfs, 'usr/local/bin/docker-entrypoint.sh'), NODE_ENTRYPOINT, { mode: 0o755 });
  }
}

async function importTarball(runtime: BaseRuntime, tarball: string, tag: string): Promise<void> {
  const args = ['import'];
  for (const c of CHANGES[runtime]) args.push('--change', c);
  args.push('--message', `create-crash-demo stand-in for the ${runtime} base image`, tarball, tag);
  await docker(args, { timeoutMs: 10 * 60_000 });
}

export interface EnsureResult {
  tag: string;
  /** 'reused' = the tag existed; 'imported' = from the cached tarball; 'built' = debootstrap ran. */
  how: 'reused' | 'imported' | 'built';
  ms: number;
}

/** Returns the stand-in base image for the runtime, building it only when nothing can be reused. */
export async function ensureBaseImage(runtime: BaseRuntime): Promise<EnsureResult> {
  const t0 = Date.now();
  const tag = baseTag(runtime);
  if (await imageExists(tag)) return { tag, how: 'reused', ms: Date.now() - t0 };
  await mkdir(CACHE_DIR, { recursive: true });
  return withLock(async () => {
    if (await imageExists(tag)) return { tag, how: 'reused' as const, ms: Date.now() - t0 };
    const tarball = join(CACHE_DIR, `${runtime}-${baseKey(runtime)}.tar`);
    let how: EnsureResult['how'] = 'imported';
    if (!existsSync(tarball)) {
      how = 'built';
      const rootfs = join(CACHE_DIR, `rootfs-${runtime}-${baseKey(runtime)}`);
      await buildRootfs(runtime, rootfs);
      await run('tar', ['--numeric-owner', '--xattrs', '-C', rootfs, '-cf', `${tarball}.tmp`, '.'], {
        timeoutMs: 10 * 60_000,
      });
      await rename(`${tarball}.tmp`, tarball);
      await rm(rootfs, { recursive: true, force: true });
      // Tarballs of earlier recipes are dead weight (about 200 MB each).
      for (const f of await readdir(CACHE_DIR)) {
        if (f.startsWith(`${runtime}-`) && f.endsWith('.tar') && join(CACHE_DIR, f) !== tarball) {
          await rm(join(CACHE_DIR, f), { force: true });
        }
      }
    }
    await importTarball(runtime, tarball, tag);
    return { tag, how, ms: Date.now() - t0 };
  });
}

/** Both stand-in bases, python first. */
export async function ensureBaseImages(): Promise<Record<BaseRuntime, EnsureResult>> {
  const python = await ensureBaseImage('python');
  const node = await ensureBaseImage('node');
  return { python, node };
}
