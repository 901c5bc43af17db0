// @ts-check
// The container engine: which one build, load and rehearse use, what a failed build means, and the
// engine side of rehearse: the `run` command that gives the container what the pod spec gives it,
// and the few engine calls the restart loop needs (start, wait, inspect), through the engine's own
// CLI (docker or podman: same flags, same inspect fields).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { $, YAML } from 'zx';
import { dryRun, fail, hasTool, note, requireTool } from './cli.mjs';
import { MEMORY_LIMIT_RULE, memoryLimit } from '../../shared/memory.mjs';
import { isoTime } from './time.mjs';

/** Any engine that builds an image from the Dockerfile, in order of preference. */
export const BUILD_ENGINES = /** @type {const} */ (['docker', 'podman', 'nerdctl']);

/**
 * The --engine flag row of build and load (and so demo): load must read the image from the store
 * build put it in, so both pick the engine by the same rule (pickEngine over BUILD_ENGINES).
 * @type {import('./cli.mjs').FlagTable}
 */
export const ENGINE_FLAGS = {
  engine: { type: 'string', placeholder: 'NAME', choices: BUILD_ENGINES, describe: 'container engine (default: the first installed of docker, podman, nerdctl)' },
};

/** What docker, podman and nerdctl say when the FROM image cannot be fetched. */
const PULL_FAILED =
  /failed to resolve source metadata|pull access denied|manifest unknown|not found: manifest|failed to do request|connection refused|no such host|i\/o timeout|TLS handshake timeout|error pulling image|initializing source|requested access to the resource is denied|repository does not exist/i;

/** What docker, podman and nerdctl say when no engine answers: none running, or a socket this user cannot open. */
const NO_ANSWER = /cannot connect to the docker daemon|cannot connect to podman|permission denied while trying to connect to the docker daemon|cannot access containerd socket|containerd not running/i;

/** How to start each engine, for a user whose engine does not answer. @type {Record<string, string>} */
const START_HINTS = {
  docker: 'start it (Linux: sudo systemctl start docker; macOS, Windows: open Docker Desktop), or point DOCKER_HOST or `docker context use` at one that runs',
  podman: 'start it (macOS, Windows: podman machine start; a podman remote setup: systemctl --user start podman.socket), or check `podman system connection list`',
  nerdctl: 'start containerd (sudo systemctl start containerd; rootless: containerd-rootless-setuptool.sh install)',
};

/**
 * The one line for an engine that does not answer, from what it said (its last line), or null when
 * it said something else: a socket this user may not open gets the group fix, any other the way to start it.
 * @param {string} engine
 * @param {string} said
 */
export function noAnswer(engine, said) {
  if (!NO_ANSWER.test(said)) return null;
  const fix = /permission denied/i.test(said)
    ? `use it as a user allowed to (Linux: sudo usermod -aG ${engine} $USER, then log in again), or with sudo`
    : (START_HINTS[engine] ?? `start ${engine}`);
  return `${engine} does not answer (${said.trim()}): ${fix}`;
}

/**
 * What a failed build fails with: when the engine does not answer, that and how to start it; when
 * the base image could not be pulled, the fix too (the registry's words alone do not say that the
 * demo can be built on another base image); any other failure as it is.
 * @param {unknown} err what the engine's build failed with
 * @param {unknown} baseImage the --base-image value, if any
 * @param {string} engine
 * @returns {never}
 */
export function buildFailed(err, baseImage, engine) {
  const message = err instanceof Error ? err.message : String(err);
  const down = noAnswer(engine, message.replace(/^.*? failed \((exit \d+|signal \w+)\): /, ''));
  if (down) return fail(down);
  if (!PULL_FAILED.test(message)) throw err;
  const base = typeof baseImage === 'string' ? baseImage : 'the Dockerfile\'s BASE_IMAGE';
  return fail(`${message}. The base image (${base}) could not be pulled: pass one your engine already has or can pull, e.g. npm run build -- --base-image IMAGE`);
}

/** rehearse drives the engine's CLI (run, start, wait, inspect): only these two share it. */
export const REHEARSE_ENGINES = /** @type {const} */ (['docker', 'podman']);

const ENGINE_HINT = 'install Docker (https://docs.docker.com/get-docker/) or Podman (https://podman.io/docs/installation)';

/**
 * The engine to use: the one named with --engine (it must be installed), else the first of
 * `engines` on PATH. Under --dry-run a missing engine only warns (as requireTool does), and the
 * commands are printed for the first.
 * @param {unknown} named the --engine value, if any
 * @param {readonly string[]} engines
 * @returns {Promise<string>}
 */
export async function pickEngine(named, engines) {
  if (typeof named === 'string') {
    await requireTool(named);
    return named;
  }
  for (const engine of engines) if (await hasTool(engine)) return engine;
  const message = `no container engine found (looked for ${engines.join(', ')} on PATH): ${ENGINE_HINT}`;
  const first = engines[0];
  if (dryRun() && first) {
    note(`warning: ${message}`);
    return first;
  }
  return fail(message);
}

/** The label on every rehearsal container (value: the demo name), for finding leftovers. */
export const REHEARSE_LABEL = 'io.github.create-crash-demo.rehearse';

/**
 * The memory limit the generated manifest sets for the app container, and where it was read.
 * Falls back to the formula the manifest templates use (memory.mjs).
 * @param {string} root the project root
 * @param {{ workload: string, workers: number }} options
 * @returns {{ quantity: string, source: string }}
 */
export function manifestMemoryLimit(root, options) {
  const file = `k8s/${options.workload === 'statefulset' ? 'statefulset' : 'deployment'}.yaml`;
  const path = resolve(root, file);
  if (existsSync(path)) {
    for (const doc of YAML.parseAllDocuments(readFileSync(path, 'utf8'))) {
      /** @type {any} */
      const obj = doc.toJS();
      const containers = obj?.spec?.template?.spec?.containers;
      if (!Array.isArray(containers)) continue;
      const app = containers.find((c) => c?.name === 'app') ?? containers[0];
      const memory = app?.resources?.limits?.memory;
      if (typeof memory === 'string' || typeof memory === 'number') return { quantity: String(memory), source: file };
    }
  }
  return { quantity: memoryLimit(options.workers), source: `crash-demo.json (${MEMORY_LIMIT_RULE}, as the manifest)` };
}

/**
 * A Kubernetes memory quantity as a byte count for `--memory` (both engines take plain bytes).
 * @param {string} quantity e.g. 128Mi, 1Gi, 500M, 134217728
 */
export function quantityBytes(quantity) {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity.trim());
  if (!m) throw new RangeError(`memory limit ${JSON.stringify(quantity)}: not a Kubernetes quantity this script understands (e.g. 128Mi)`);
  /** @type {Record<string, number>} */
  const scale = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Math.round(Number(m[1]) * (m[2] ? (scale[m[2]] ?? 1) : 1));
}

/**
 * `<engine> run` flags (before the image): detached, named, and as close to the pod spec as an engine gets: the
 * manifest's memory limit (no swap), read-only root with a small /tmp, no capabilities, no privilege
 * escalation. No --restart: the restarts are the rehearsal's, on the kubelet's schedule.
 * @param {object} o
 * @param {string} o.name container name
 * @param {string} o.label value of REHEARSE_LABEL
 * @param {string | null} o.network --network value, or null for the engine's default
 * @param {string | null} o.publish `ADDR:HOSTPORT:PORT` for --publish, or null
 * @param {Record<string, string>} [o.env] --env on top of the image's ENV
 * @param {number} o.memoryBytes
 * @returns {string[]}
 */
export function runFlags(o) {
  return [
    '--detach',
    '--name',
    o.name,
    '--label',
    `${REHEARSE_LABEL}=${o.label}`,
    ...(o.network ? ['--network', o.network] : []),
    ...(o.publish ? ['--publish', o.publish] : []),
    ...Object.entries(o.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    '--memory',
    String(o.memoryBytes),
    '--memory-swap',
    String(o.memoryBytes),
    '--read-only',
    '--tmpfs',
    '/tmp:rw,size=16m',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
  ];
}

/**
 * What `inspect` says about the latest run, from `{{json .State}}` (docker and podman alike).
 * @param {string} text
 * @returns {import('../rehearse/rehearsal.mjs').RunState}
 */
export function parseState(text) {
  /** @type {Record<string, unknown>} */
  const s = JSON.parse(text);
  // A run that never started or ended reads as the epoch: the loop needs a time either way.
  const iso = (/** @type {unknown} */ t) => isoTime(typeof t === 'string' ? t : null) ?? new Date(0).toISOString();
  return {
    running: s['Running'] === true,
    exitCode: typeof s['ExitCode'] === 'number' ? s['ExitCode'] : -1,
    oomKilled: s['OOMKilled'] === true,
    startedAt: iso(s['StartedAt']),
    finishedAt: iso(s['FinishedAt']),
  };
}

/**
 * The engine calls of the restart loop. `create` runs the given run command (shown to the user by
 * the caller's runner); the rest are quiet: they are the kubelet's job, not the user's.
 * @param {object} o
 * @param {string} o.engine docker or podman
 * @param {string} o.name
 * @param {() => Promise<unknown>} o.create
 * @returns {import('../rehearse/rehearsal.mjs').Engine}
 */
export function cliEngine(o) {
  const q = $({ quiet: true, verbose: false, nothrow: true });
  /** @param {import('zx').ProcessOutput} r */
  const checked = (r) => {
    if (r.exitCode === 0) return r;
    const last = r.stderr.trim().split('\n').pop() ?? '';
    if (/no such container/i.test(last)) throw new ContainerGone(`container ${o.name} is gone: removed from outside (${o.engine} rm?) while the rehearsal ran`);
    throw new Error(`${o.engine} failed on container ${o.name} (exit ${r.exitCode}): ${last}`);
  };
  return {
    create: async () => {
      await o.create();
    },
    restart: async () => {
      checked(await q`${o.engine} start ${o.name}`);
    },
    wait: async (signal) => {
      if (signal.aborted) return;
      const child = background(o.engine, ['wait', o.name]);
      const abort = () => child.kill('SIGTERM');
      signal.addEventListener('abort', abort, { once: true });
      try {
        await new Promise((resolve) => child.once('close', resolve));
      } finally {
        signal.removeEventListener('abort', abort);
      }
    },
    inspect: async () => parseState(checked(await q`${o.engine} inspect --format ${'{{json .State}}'} ${o.name}`).stdout),
  };
}

/**
 * Follows the container's output from `since` until it stops, line by line.
 * @param {string} engine
 * @param {string} name
 * @param {string} since ISO time (the run's start)
 * @param {(line: string) => void} onLine
 * @returns {() => void} stop following
 */
export function followLogs(engine, name, since, onLine) {
  const child = background(engine, ['logs', '--follow', '--since', since, name]);
  let buf = '';
  /** @param {Buffer} chunk */
  const take = (chunk) => {
    buf += chunk.toString('utf8');
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const line of lines) onLine(line.replace(/\r$/, ''));
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return () => {
    child.kill('SIGTERM');
  };
}

/** The line the app logs just before it crashes, whatever the mode (app/crash.*). */
export const CRASH_MARK = '<<<< crashing:';

/**
 * Docker's events for the container, as they happen: `oom` (the kernel's OOM killer killed a process
 * in it; with Docker's default, no memory.oom.group, only that process) and `destroy` (someone ran
 * `docker rm -f` on it). Podman has no oom event; its `remove` event is followed the same way.
 * @param {string} engine
 * @param {string} name
 * @param {{ onOom: () => void, onGone: () => void }} on
 * @returns {() => void} stop listening
 */
export function watchContainer(engine, name, on) {
  const gone = engine === 'docker' ? 'destroy' : 'remove';
  const filters = ['--filter', `container=${name}`, '--filter', `event=${gone}`, ...(engine === 'docker' ? ['--filter', 'event=oom'] : [])];
  const child = background(engine, ['events', ...filters, '--format', engine === 'docker' ? '{{.Action}}' : '{{.Status}}']);
  let stopped = false;
  child.stdout?.on('data', (/** @type {Buffer} */ chunk) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (stopped) return;
      if (line.trim() === 'oom') on.onOom();
      if (line.trim() === gone) on.onGone();
    }
  });
  return () => {
    stopped = true;
    child.kill('SIGTERM');
  };
}

/**
 * Whether the app logged its crash line in the run that started at `since` (the container has
 * stopped, so its log of that run is complete). An exit without it was not the demo's crash.
 * @param {string} engine
 * @param {string} name
 * @param {string} since ISO time (the run's start)
 */
export async function crashLogged(engine, name, since) {
  const r = await $({ quiet: true, verbose: false, nothrow: true })`${engine} logs --since ${since} ${name}`;
  return (r.stdout + r.stderr).includes(CRASH_MARK);
}

/** The rehearsal's container is no more: removed from outside (docker rm -f) while it ran. */
export class ContainerGone extends Error {}

/**
 * A helper process of the rehearsal (wait, logs, events): no shell, no stdin, ended with kill().
 * @param {string} cmd
 * @param {string[]} args
 */
function background(cmd, args) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.on('error', () => {}); // a missing engine is reported by requireTool before any of this
  return child;
}

/** What docker and podman say when they answer that an image or container is not there. */
const MISSING = /no such (image|container|object)|image not known|no container with name or id/i;

/**
 * Whether the engine has the image or container: true or false only when it answered. An engine
 * that does not answer, or any other failure, fails with one line: read as "not there", a stopped
 * daemon would send the user to build an image they have.
 * @param {string} engine
 * @param {'image' | 'container'} kind
 * @param {string} ref
 */
async function engineHas(engine, kind, ref) {
  const r = await $({ quiet: true, verbose: false, nothrow: true })`${engine} ${kind} inspect --format ${'{{.Id}}'} ${ref}`;
  if (r.exitCode === 0) return true;
  const said = r.stderr.trim().split('\n').pop() ?? '';
  if (MISSING.test(said)) return false;
  return fail(noAnswer(engine, said) ?? `${engine} ${kind} inspect ${ref} failed (exit ${r.exitCode}): ${said}`);
}

/**
 * @param {string} engine
 * @param {string} ref
 */
export async function imageExists(engine, ref) {
  return engineHas(engine, 'image', ref);
}

/**
 * @param {string} engine
 * @param {string} name
 */
export async function containerExists(engine, name) {
  return engineHas(engine, 'container', name);
}
