// Helpers for tests that drive a real Docker engine: run commands, build images with the classic
// builder, start containers that only ever see the loopback interface, read what Docker recorded.
import { spawn } from 'node:child_process';
import { createServer, request } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderDemo, resolveOptions, writeDemo, type RawOptions, type SavedDemo } from '../../src/index.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string | Buffer | NodeJS.ReadableStream;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Return a non-zero exit instead of throwing. */
  allowFail?: boolean;
  timeoutMs?: number;
}

/** Runs a command without a shell; throws (with its output) when it fails, unless allowFail. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const r: RunResult = {
        code: code ?? 128,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (r.code !== 0 && !opts.allowFail) {
        const why = signal ? `killed by ${signal}` : `exit ${r.code}`;
        reject(new Error(`${cmd} ${args.join(' ')}: ${why}\n${r.stderr.slice(-4000)}${r.stdout.slice(-2000)}`));
      } else resolve(r);
    });
    if (opts.input === undefined) child.stdin.end();
    else if (typeof opts.input === 'string' || Buffer.isBuffer(opts.input)) child.stdin.end(opts.input);
    else opts.input.pipe(child.stdin);
  });
}

// The classic builder on purpose: the generated Dockerfile must not need BuildKit.
const CLASSIC = { ...process.env, DOCKER_BUILDKIT: '0' };

export function docker(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return run('docker', args, { env: CLASSIC, ...opts });
}

export async function engineAnswers(): Promise<boolean> {
  const r = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { allowFail: true, timeoutMs: 20_000 }).catch(
    () => ({ code: 1 }),
  );
  return r.code === 0;
}

export async function imageExists(ref: string): Promise<boolean> {
  const r = await docker(['image', 'inspect', '--format', '{{.Id}}', ref], { allowFail: true });
  return r.code === 0;
}

export async function imageSize(ref: string): Promise<number> {
  const r = await docker(['image', 'inspect', '--format', '{{.Size}}', ref]);
  return Number(r.stdout.trim());
}

export interface BuildOptions {
  context: string;
  tag: string;
  buildArgs?: Record<string, string>;
  /** 'host' only when a RUN step must reach the Debian mirror (apt-get). */
  network?: 'host' | 'none';
  noCache?: boolean;
}

/** Every tag buildImage made in this test process, for removeBuiltImages(). */
const built = new Set<string>();

/** `docker build` with the classic builder; returns the build log. */
export async function buildImage(b: BuildOptions): Promise<string> {
  built.add(b.tag);
  const args = ['build', '--tag', b.tag, '--network', b.network ?? 'none'];
  for (const [k, v] of Object.entries(b.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
  if (b.noCache) args.push('--no-cache');
  args.push(b.context);
  const r = await docker(args, { timeoutMs: 15 * 60_000 });
  return r.stdout + r.stderr;
}

/** Removes every image buildImage made in this process (a test file's after() calls it). */
export async function removeBuiltImages(): Promise<void> {
  for (const tag of built) await docker(['rmi', '--force', tag], { allowFail: true });
  built.clear();
}

export interface ContainerState {
  Status: string;
  Running: boolean;
  ExitCode: number;
  OOMKilled: boolean;
  RestartCount: number;
}

export async function containerState(id: string): Promise<ContainerState> {
  const r = await docker(['container', 'inspect', '--format', '{{json .State}}{{"\\n"}}{{.RestartCount}}', id]);
  const [state = '{}', restarts = '0'] = r.stdout.trim().split('\n');
  const s = JSON.parse(state) as Omit<ContainerState, 'RestartCount'>;
  return {
    Status: s.Status,
    Running: s.Running,
    ExitCode: s.ExitCode,
    OOMKilled: s.OOMKilled,
    RestartCount: Number(restarts),
  };
}

export async function removeContainer(id: string): Promise<void> {
  await docker(['rm', '--force', '--volumes', id], { allowFail: true });
}

export async function containerLogs(id: string): Promise<string> {
  const r = await docker(['logs', id], { allowFail: true });
  return r.stdout + r.stderr;
}

export async function execIn(id: string, argv: readonly string[]): Promise<RunResult> {
  return docker(['exec', id, ...argv], { allowFail: true, timeoutMs: 30_000 });
}

/** A TCP port on 127.0.0.1 that nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** One HTTP request to 127.0.0.1; rejects on connection errors and after timeoutMs. */
export function http(method: string, port: number, path: string, timeoutMs = 5_000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until check() returns a value (not undefined); bounded, with a message that says what never happened. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs = 60_000, intervalMs = 250 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const tail = last instanceof Error ? `: last error: ${last.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${tail}`);
    }
    await sleep(intervalMs);
  }
}

/** Sleeps; for "it is still running after N seconds" observations, never as a timing assertion. */
export { sleep };

// ---- Generated demos in containers ----------------------------------------------------------

export interface GeneratedDemo {
  dir: string;
  saved: SavedDemo;
  dispose: () => Promise<void>;
}

/** Generates a demo with the library, exactly as a user would get it, into a fresh temp dir. */
export async function generateDemo(raw: RawOptions): Promise<GeneratedDemo> {
  const parent = await mkdtemp(join(tmpdir(), 'crash-demo-test-'));
  const dir = join(parent, String(raw.name ?? 'demo'));
  writeDemo(dir, renderDemo(resolveOptions(raw, { dir })));
  const saved = JSON.parse(await readFile(join(dir, 'crash-demo.json'), 'utf8')) as SavedDemo;
  return { dir, saved, dispose: () => rm(parent, { recursive: true, force: true }) };
}

/** Builds a generated demo's Dockerfile unchanged; apt-get needs the mirror only for tini. */
export async function buildDemo(demo: GeneratedDemo, tag: string, baseImage: string, noCache = false) {
  const t0 = Date.now();
  const log = await buildImage({
    context: demo.dir,
    tag,
    buildArgs: { BASE_IMAGE: baseImage },
    network: demo.saved.options.pid1 === 'tini' ? 'host' : 'none',
    noCache,
  });
  return { log, ms: Date.now() - t0 };
}

export const TEST_LABEL = 'create-crash-demo-test';

export interface RunDemoOptions {
  port: number;
  memory?: string;
  env?: Record<string, string>;
}

/**
 * Starts a demo image on the host's network namespace (the app is reached on 127.0.0.1 only),
 * read-only and without capabilities, as the generated manifests run it.
 */
export async function runDemo(tag: string, o: RunDemoOptions): Promise<string> {
  // The pod's securityContext from the manifests (PSS restricted), as docker run flags.
  const restricted = ['--read-only', '--tmpfs', '/tmp', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'];
  const args = ['run', '--detach', '--network', 'host', ...restricted, '--label', TEST_LABEL, '--env', `PORT=${o.port}`];
  for (const [k, v] of Object.entries(o.env ?? {})) args.push('--env', `${k}=${v}`);
  if (o.memory) args.push('--memory', o.memory, '--memory-swap', o.memory);
  args.push(tag);
  return (await docker(args)).stdout.trim();
}

export interface EventWatch {
  /** How many matching events arrived so far. */
  count: () => number;
  stop: () => void;
}

/**
 * Streams a container's events of one kind from now on. A query after the fact is not enough: the
 * engine keeps only its last 256 events, and parallel builds push an `oom` out of that window.
 */
export function watchEvents(id: string, event: string): Promise<EventWatch> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'docker',
      ['events', '--filter', `container=${id}`, '--filter', `event=${event}`, '--format', '{{.Action}}'],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let seen = 0;
    child.stdout.on('data', (b: Buffer) => {
      seen += b.toString('utf8').split('\n').filter((l) => l.trim() === event).length;
    });
    child.on('error', reject);
    // `docker events` prints nothing until an event: give it a moment to subscribe.
    setTimeout(() => resolve({ count: () => seen, stop: () => child.kill('SIGTERM') }), 500);
  });
}

/** The Name and Uid/Gid lines of /proc/1/status inside the container. */
export async function pid1Status(id: string): Promise<{ name: string; uid: string[]; gid: string[] }> {
  const r = await execIn(id, ['cat', '/proc/1/status']);
  if (r.code !== 0) throw new Error(`docker exec cat /proc/1/status: exit ${r.code}: ${r.stderr}`);
  const field = (k: string) => /^(\w+):\s*(.*)$/m.exec(r.stdout.split('\n').find((l) => l.startsWith(`${k}:`)) ?? '')?.[2] ?? '';
  return { name: field('Name'), uid: field('Uid').split(/\s+/), gid: field('Gid').split(/\s+/) };
}
