// Runs generated demos on a cgroup v2 node made here: Debian's cloud kernel under qemu (TCG),
// booted with cgroup_no_v1=all, its root a debootstrap of Debian's runc (test/cgroup2/setup.sh).
// Each demo's own image is built on the host from its Dockerfile, unchanged (only BASE_IMAGE is
// given: the stand-in base, no registry is reachable), exported as a root filesystem and run by
// runc in the guest as an OCI bundle with the kubelet's resources (oci.ts). All runs share one
// boot; test/cgroup2/guest.sh does them one after the other and reports over the second serial port.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile, copyFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { SavedDemo } from '../../src/index.js';
import { ensureBaseImage } from '../support/base-images.js';
import { buildImage, docker, run } from '../support/docker.js';
import { ociSpec, type ImageConfig, type PodContainer } from './oci.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** The guest's RAM: room for one demo at a time under its own memory limit, and runc. */
export const GUEST_MEMORY_MIB = 1536;
const BOOT_BUDGET_MS = 120_000;
const RUN_BUDGET_MS = 180_000;
/** Runs at once in the guest: the waits (readiness, a worker's replacement) overlap; 2 vCPUs do the work. */
const PARALLEL = 3;

export interface GuestAssets {
  kernel: string;
  initrd: string;
  system: string;
  kernelPackage: string;
}

/** What one run reports (the guest measured every field but `demo` and `oomGroup`). */
export interface RunResult {
  oomGroup: 0 | 1;
  pid1Exit: number | null;
  supervisorOutlivedWorker: boolean;
  oomKill: number | null;
  oomGroupKill: number | null;
  kernel: string;
  runc: string;
  demo: string;
  name: string;
  exited: boolean;
  workerDied: boolean;
  workerReplaced: boolean;
  crashAnnounced: boolean;
  runningAfterSeconds: number | null;
  readyAtEnd?: boolean;
  readySeconds: number;
  crashToEndSeconds: number;
  /** Set when the guest could not do this run (the app never answered, ...); the fields above are then partial. */
  error?: string;
}

/** Runs setup.sh (idempotent, cached) and returns the paths it printed. */
export async function guestAssets(): Promise<GuestAssets> {
  const r = await run('bash', [join(HERE, 'setup.sh')], { timeoutMs: 30 * 60_000 });
  const kv = new Map(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
  );
  const get = (k: string) => {
    const v = kv.get(k);
    if (!v) throw new Error(`test/cgroup2/setup.sh printed no ${k}=: ${r.stdout}`);
    return v;
  };
  return { kernel: get('kernel'), initrd: get('initrd'), system: get('system'), kernelPackage: get('kernel_package') };
}

interface Manifest {
  spec: {
    template: {
      spec: {
        securityContext?: { runAsUser?: number; runAsGroup?: number; fsGroup?: number };
        containers: Array<{
          name: string;
          command?: string[];
          args?: string[];
          env?: Array<{ name: string; value: string }>;
          resources?: PodContainer['resources'];
          securityContext?: { runAsUser?: number; runAsGroup?: number; readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
          volumeMounts?: Array<{ name: string; mountPath: string }>;
        }>;
        volumes?: Array<{ name: string; emptyDir?: unknown }>;
      };
    };
  };
}

/** The demo's container as its own workload manifest declares it. */
export async function podContainer(dir: string, saved: SavedDemo): Promise<PodContainer> {
  const file = join(dir, 'k8s', `${saved.options.workload}.yaml`);
  const m = parse(await readFile(file, 'utf8')) as Manifest;
  const pod = m.spec.template.spec;
  const c = pod.containers[0];
  if (!c) throw new Error(`${file} has no container`);
  const emptyDirs = new Set((pod.volumes ?? []).filter((v) => v.emptyDir !== undefined).map((v) => v.name));
  const runAsUser = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
  const runAsGroup = c.securityContext?.runAsGroup ?? pod.securityContext?.runAsGroup;
  if (runAsUser === undefined || runAsGroup === undefined) throw new Error(`${file} sets no runAsUser/runAsGroup`);
  return {
    env: c.env ?? [],
    resources: { requests: c.resources?.requests ?? {}, limits: c.resources?.limits ?? {} },
    runAsUser,
    runAsGroup,
    fsGroup: pod.securityContext?.fsGroup,
    readOnlyRootFilesystem: c.securityContext?.readOnlyRootFilesystem ?? false,
    allowPrivilegeEscalation: c.securityContext?.allowPrivilegeEscalation ?? true,
    emptyDirs: (c.volumeMounts ?? []).filter((v) => emptyDirs.has(v.name)).map((v) => v.mountPath),
    command: c.command,
    args: c.args,
  };
}

interface PreparedDemo {
  dir: string;
  saved: SavedDemo;
  image: ImageConfig;
  pod: PodContainer;
  /** Directory name under the run disk's rootfs/. */
  key: string;
}

/**
 * Builds the demo's image from its Dockerfile, unchanged, exports the image's file system into
 * `into`, and removes the image and the container it exported from.
 */
async function prepareDemo(dir: string, key: string, into: string, baseOverride?: string): Promise<PreparedDemo> {
  const saved = JSON.parse(await readFile(join(dir, 'crash-demo.json'), 'utf8')) as SavedDemo;
  const base = baseOverride ?? (await ensureBaseImage(saved.options.runtime)).tag;
  const tag = `crash-demo-cgroup2/${key}:${saved.generator.version}`;
  let container = '';
  try {
    await buildImage({
      context: dir,
      tag,
      buildArgs: { BASE_IMAGE: base },
      // apt-get install tini needs the Debian mirror; nothing else does.
      network: saved.options.pid1 === 'tini' ? 'host' : 'none',
    });
    const inspect = JSON.parse((await docker(['image', 'inspect', '--format', '{{json .Config}}', tag])).stdout) as ImageConfig;
    container = (await docker(['create', '--network', 'none', tag])).stdout.trim();
    await mkdir(into, { recursive: true });
    await exportInto(container, into);
    return { dir, saved, image: inspect, pod: await podContainer(dir, saved), key };
  } finally {
    if (container) await docker(['rm', '--force', container], { allowFail: true });
    await docker(['rmi', '--force', tag], { allowFail: true });
  }
}

/** `docker export ID | tar -x -C into`, owners kept (the image's files are root's, the app's too). */
function exportInto(container: string, into: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const exp = spawn('docker', ['export', container], { stdio: ['ignore', 'pipe', 'pipe'] });
    const tar = spawn('tar', ['--numeric-owner', '-x', '-C', into, '-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    exp.stderr.on('data', (b: Buffer) => (err += b.toString()));
    tar.stderr.on('data', (b: Buffer) => (err += b.toString()));
    exp.stdout.pipe(tar.stdin);
    let pending = 2;
    const done = (what: string) => (code: number | null) => {
      if (code !== 0) reject(new Error(`${what} exited ${code}: ${err.slice(-2000)}`));
      else if (--pending === 0) resolve();
    };
    exp.on('close', done('docker export'));
    tar.on('close', done('tar -x'));
    exp.on('error', reject);
    tar.on('error', reject);
  });
}

export interface RunRequest {
  demo: string;
  oomGroup: 0 | 1;
}

/** A run that went wrong: the message is one line; the guest console's last lines come with it. */
export class GuestError extends Error {
  constructor(
    message: string,
    readonly console: string,
  ) {
    super(message);
  }
}

interface GuestLine {
  [k: string]: unknown;
}

function serialLines(text: string): GuestLine[] {
  const out: GuestLine[] = [];
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf('CG2 {');
    if (i < 0) continue;
    try {
      out.push(JSON.parse(line.slice(i + 4)) as GuestLine);
    } catch {
      throw new Error(`the guest sent a result line that is not JSON: ${line}`);
    }
  }
  return out;
}

const lastLines = (text: string, n: number) => text.trim().split(/\r?\n/).slice(-n).join('\n');

/** Boots the guest once and does every run in it; returns one result per request, in order. */
export async function runInGuest(
  requests: RunRequest[],
  o: { base?: string; log?: (s: string) => void } = {},
): Promise<RunResult[]> {
  const log = o.log ?? (() => {});
  if (requests.length === 0) return [];
  let t = Date.now();
  const assets = await guestAssets();
  log(`kernel and guest root ready in ${Math.round((Date.now() - t) / 1000)}s (${assets.kernelPackage})`);
  const work = await mkdtemp(join(tmpdir(), 'crash-demo-cgroup2-'));
  try {
    const disk = join(work, 'disk');
    await mkdir(join(disk, 'bundles'), { recursive: true });
    const demos = new Map<string, PreparedDemo>();
    const t0 = Date.now();
    // Two builds at a time: the tini images wait on the Debian mirror (apt-get install tini).
    const dirs = [...new Set(requests.map((r) => r.demo))];
    let next = 0;
    const builder = async () => {
      for (let i = next++; i < dirs.length; i = next++) {
        const dir = dirs[i] ?? '';
        const key = `demo${i + 1}`;
        demos.set(dir, await prepareDemo(dir, key, join(disk, 'rootfs', key), o.base));
      }
    };
    await Promise.all([builder(), builder()]);
    log(`images built and exported in ${Math.round((Date.now() - t0) / 1000)}s`);
    const plan: string[] = [];
    const ids: string[] = [];
    for (const [i, r] of requests.entries()) {
      const d = demos.get(r.demo);
      if (!d) throw new Error(`no prepared demo for ${r.demo}`);
      const id = `run${i + 1}-oomgroup${r.oomGroup}`;
      ids.push(id);
      const volumeDirs = Object.fromEntries(d.pod.emptyDirs.map((m, j) => [m, `/work/volumes/${id}${j ? `-${j}` : ''}`]));
      const spec = ociSpec({
        id,
        hostname: `${d.saved.options.name}-cgroup2`,
        image: d.image,
        pod: d.pod,
        rootPath: `/work/rootfs/${d.key}`,
        volumeDirs,
        oomGroup: r.oomGroup,
        cgroupsPath: `/kubepods/${id}/ctr`,
        nodeMemoryBytes: GUEST_MEMORY_MIB * 2 ** 20,
      });
      await mkdir(join(disk, 'bundles', id));
      await writeFile(join(disk, 'bundles', id, 'config.json'), JSON.stringify(spec, null, 2));
      plan.push(`${id} ${d.saved.options.port} ${d.saved.options.workers} ${d.saved.options.crash}`);
    }
    await writeFile(join(disk, 'plan'), `${plan.join('\n')}\n`);
    await writeFile(join(disk, 'parallel'), `${PARALLEL}\n`);
    await copyFile(join(HERE, 'guest.sh'), join(disk, 'guest.sh'));

    t = Date.now();
    const image = join(work, 'run.ext4');
    const du = await run('du', ['-sm', disk]);
    const mib = Math.ceil(Number(du.stdout.split('\t')[0]) * 1.2) + 256;
    await run('mkfs.ext4', ['-q', '-F', '-L', 'cg2-run', '-d', disk, image, `${mib}M`], { timeoutMs: 10 * 60_000 });
    await rm(disk, { recursive: true, force: true });
    log(`run disk (${mib} MiB) made in ${Math.round((Date.now() - t) / 1000)}s`);

    const console = join(work, 'console.log');
    const results = join(work, 'results.log');
    const budget = BOOT_BUDGET_MS + RUN_BUDGET_MS * Math.ceil(requests.length / PARALLEL) * 2;
    const t1 = Date.now();
    const q = await run(
      'qemu-system-x86_64',
      [
        '-accel', 'tcg', '-cpu', 'max', '-smp', '2', '-m', String(GUEST_MEMORY_MIB),
        '-display', 'none', '-monitor', 'none', '-nic', 'none', '-no-reboot',
        '-kernel', assets.kernel, '-initrd', assets.initrd,
        '-append', 'console=ttyS0 cgroup_no_v1=all panic=-1',
        '-drive', `file=${assets.system},if=virtio,format=raw,readonly=on`,
        '-drive', `file=${image},if=virtio,format=raw`,
        '-serial', `file:${console}`,
        '-serial', `file:${results}`,
      ],
      { allowFail: true, timeoutMs: budget },
    );
    log(`guest ran ${requests.length} run(s) in ${Math.round((Date.now() - t1) / 1000)}s`);
    const consoleText = await readFile(console, 'utf8').catch(() => '');
    const lines = serialLines(await readFile(results, 'utf8').catch(() => ''));
    const boot = lines.find((l) => l['boot'] === true);
    const qemuSaid = q.stderr.trim().replace(/\s*\n\s*/g, ' ');
    const why = (s: string) => new GuestError(`${s} (qemu exit ${q.code}${qemuSaid ? `: ${qemuSaid}` : ''})`, lastLines(consoleText, 15));
    if (!boot) throw why('the cgroup v2 guest did not boot to its run script');
    const fatal = lines.find((l) => typeof l['fatal'] === 'string');
    if (fatal) throw why(`the guest could not set up cgroup v2: ${String(fatal['fatal'])}`);
    if (boot['cgroupV1Mounts'] !== '') throw why(`the guest mounted cgroup v1 hierarchies: ${String(boot['cgroupV1Mounts'])}`);
    if (!lines.some((l) => l['done'] === true)) throw why(`the guest did not finish its runs within ${budget / 1000}s`);

    return requests.map((r, i) => {
      const id = ids[i] ?? '';
      const l = lines.find((x) => x['run'] === id);
      if (!l) throw why(`the guest sent no result for ${id}`);
      const d = demos.get(r.demo);
      return {
        // A run that went wrong says so in its own line; the others still count.
        ...(typeof l['error'] === 'string' ? { error: `${id}: ${l['error']}` } : {}),
        oomGroup: r.oomGroup,
        pid1Exit: l['pid1Exit'] as number | null,
        supervisorOutlivedWorker: l['supervisorOutlivedWorker'] as boolean,
        oomKill: l['oomKill'] as number | null,
        oomGroupKill: l['oomGroupKill'] as number | null,
        kernel: String(boot['kernel']),
        runc: String(boot['runc']),
        demo: r.demo,
        name: d?.saved.options.name ?? '',
        exited: l['exited'] as boolean,
        workerDied: l['workerDied'] as boolean,
        workerReplaced: l['workerReplaced'] as boolean,
        crashAnnounced: l['crashAnnounced'] as boolean,
        runningAfterSeconds: l['runningAfterSeconds'] as number | null,
        ...(l['readyAtEnd'] === undefined ? {} : { readyAtEnd: l['readyAtEnd'] as boolean }),
        readySeconds: l['readySeconds'] as number,
        crashToEndSeconds: l['crashToEndSeconds'] as number,
      };
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** True when the path is a generated demo (it has the crash-demo.json the bin writes). */
export async function isDemo(dir: string): Promise<boolean> {
  return stat(join(dir, 'crash-demo.json')).then(
    (s) => s.isFile(),
    () => false,
  );
}
