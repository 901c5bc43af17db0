// A generated demo, run like its container would be, minus the image: the project tree comes from
// the library (resolveOptions -> renderDemo -> writeDemo), the start command and the prediction
// from its crash-demo.json, the environment from its Dockerfile's ENV lines (PORT overridden to a
// free loopback port, as `docker run -e PORT=...` would, and HOST to 127.0.0.1, as rehearse does
// with --network host: the namespace shares this machine's network), and PID 1 is PID 1 of a new
// PID namespace.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DockerfileParser, Env } from 'dockerfile-ast';
import { renderDemo, resolveOptions, writeDemo, type RawOptions, type SavedDemo } from '../../src/index.js';
import { createMemoryCgroup, type MemoryCgroup } from './cgroup.js';
import { asWhoAmI, freePort, request, type Answer, type WhoAmI } from './loopback.js';
import { startInPidNamespace, type ExitStatus, type PidNamespace } from './pidns.js';

export interface GeneratedDemo {
  dir: string;
  saved: SavedDemo;
  /** The ENV of the generated Dockerfile: the container's configuration. */
  imageEnv: Record<string, string>;
  remove(): void;
}

/** Writes a demo into a new temp dir with the library, exactly as the bin would. */
export function generateDemo(raw: RawOptions): GeneratedDemo {
  const parent = mkdtempSync(join(tmpdir(), 'crash-demo-pidns-'));
  const dir = join(parent, 'pidns-demo');
  writeDemo(dir, renderDemo(resolveOptions(raw, { dir })));
  const saved = JSON.parse(readFileSync(join(dir, 'crash-demo.json'), 'utf8')) as SavedDemo;
  const imageEnv: Record<string, string> = {};
  for (const instruction of DockerfileParser.parse(readFileSync(join(dir, 'Dockerfile'), 'utf8')).getInstructions()) {
    if (!(instruction instanceof Env)) continue;
    for (const p of instruction.getProperties()) imageEnv[p.getName()] = p.getValue() ?? '';
  }
  return { dir, saved, imageEnv, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

export interface RunningDemo {
  ns: PidNamespace;
  port: number;
  cgroup: MemoryCgroup | null;
  get(path: string, timeoutMs?: number): Promise<Answer>;
  post(path: string): Promise<Answer>;
  /** GET / once the app answers (retries while it is still starting). */
  whoami(timeoutMs?: number): Promise<WhoAmI>;
  /** PID 1's exit, or a failure after timeoutMs that shows the output. */
  exit(timeoutMs?: number): Promise<ExitStatus>;
  stop(): Promise<void>;
}

export interface RunOptions {
  /** Put the namespace into a new memory cgroup with this limit. */
  memoryLimitBytes?: number;
  /** Environment on top of the image's, like `docker run -e`; null unsets a variable. */
  env?: Record<string, string | null>;
}

// Just enough for the start commands: node, gunicorn (Debian's, run by /usr/bin/python3), tini, sh.
const PATH = [...new Set([dirname(process.execPath), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'])].join(':');

function withoutNulls(env: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== null));
}

export async function runDemo(demo: GeneratedDemo, opts: RunOptions = {}): Promise<RunningDemo> {
  const port = await freePort();
  const cgroup = opts.memoryLimitBytes === undefined ? null : createMemoryCgroup(opts.memoryLimitBytes);
  let ns: PidNamespace;
  try {
    ns = await startInPidNamespace({
      argv: demo.saved.start,
      cwd: demo.dir,
      env: withoutNulls({ PATH, HOME: demo.dir, ...demo.imageEnv, HOST: '127.0.0.1', PORT: String(port), ...opts.env }),
      ...(cgroup ? { cgroupProcs: cgroup.procsFile } : {}),
    });
  } catch (e) {
    await cgroup?.remove();
    throw e;
  }
  const withOutput = (e: unknown) => new Error(`${(e as Error).message}\n--- output of the namespace ---\n${ns.output()}`);
  return {
    ns,
    port,
    cgroup,
    get: (path, timeoutMs) => request(port, 'GET', path, timeoutMs),
    post: (path) => request(port, 'POST', path),
    async whoami(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          return asWhoAmI(await request(port, 'GET', '/'));
        } catch (e) {
          if (!ns.running() || Date.now() > deadline) throw withOutput(e);
          await sleep(100);
        }
      }
    },
    async exit(timeoutMs = 30_000) {
      const timer = new AbortController();
      const timeout = sleep(timeoutMs, undefined, { signal: timer.signal }).then(() => {
        throw withOutput(new Error(`PID 1 still runs after ${timeoutMs} ms`));
      });
      timeout.catch(() => {}); // aborted once PID 1 is gone
      try {
        return await Promise.race([ns.exited, timeout]);
      } finally {
        timer.abort();
      }
    },
    async stop() {
      await ns.destroy();
      await cgroup?.remove();
    },
  };
}
