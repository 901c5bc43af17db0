// A generated demo project in a temp dir, and a way to run its scripts the way a user does:
// `node scripts/<name>.mjs`, with a PATH and a kubeconfig the test controls.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDemo, resolveOptions, writeDemo, type RawOptions } from '../../src/index.js';
import { linkDemoModules } from './demo-modules.js';
import { tempDir } from './tree.js';

export const REAL_KUBECTL = '/usr/bin/kubectl';

/** Renders and writes a demo (name `demo` unless given), with its node_modules (create-crash-demo packed, zx). */
export function makeProject(raw: RawOptions = {}): string {
  const dir = join(tempDir('crash-demo-scripts-'), 'demo');
  writeDemo(dir, renderDemo(resolveOptions({ name: 'demo', ...raw })));
  linkDemoModules(dir);
  return dir;
}

/** A closed loopback port: a context on it is local, and nothing can ever answer there. */
export const LOOPBACK_SERVER = 'https://127.0.0.1:1';
/**
 * A server no test ever contacts (TEST-NET-1, RFC 5737, reserved for documentation): a context on it
 * is remote, and a test using it proves the guard refused before any kubectl call went out.
 */
export const REMOTE_SERVER = 'https://192.0.2.10:6443';

/**
 * A kubeconfig with the given contexts and the given current context ('' = none set). Each
 * context has a cluster of its own, on LOOPBACK_SERVER unless `servers` gives another server, or
 * null: then the context names a cluster that is not in the kubeconfig.
 */
export function kubeconfig(current: string, contexts: string[] = [current], servers: Record<string, string | null> = {}): string {
  const names = [...new Set(contexts.filter(Boolean))];
  const file = join(tempDir('crash-demo-kube-'), 'config');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      ...names.flatMap((n) => (servers[n] === null ? [] : [`- name: cluster-${n}`, `  cluster: {server: "${servers[n] ?? LOOPBACK_SERVER}"}`])),
      'users:',
      '- name: nobody',
      '  user: {token: not-a-real-token}', // a user without credentials makes kubectl prompt
      'contexts:',
      ...names.flatMap((n) => [`- name: ${n}`, `  context: {cluster: cluster-${n}, user: nobody}`]),
      `current-context: "${current}"`,
      '',
    ].join('\n'),
  );
  return file;
}

export interface Bin {
  dir: string;
  /** Lines the logging shims recorded, one per invocation: `<tool> <args>`. */
  calls(): string[];
}

/**
 * A PATH directory holding only what the test asks for:
 *   'real'   -> a symlink to the installed tool (bash, kubectl, docker)
 *   'logged' -> a shim that records the call, then runs the real tool (kubectl)
 *   'placeholder' -> a stand-in for a tool this machine lacks (kind, podman...): records the call
 *                    and exits 99, so a test that means "never run" fails loudly if it is run
 * bash is always there: zx runs commands through it.
 */
export function makeBin(tools: Record<string, 'real' | 'logged' | 'placeholder'>): Bin {
  const dir = tempDir('crash-demo-bin-');
  const log = join(dir, '.calls');
  writeFileSync(log, '');
  const real: Record<string, string> = { bash: '/bin/bash', kubectl: REAL_KUBECTL, docker: '/usr/local/bin/docker' };
  for (const [name, how] of Object.entries({ bash: 'real' as const, ...tools })) {
    const path = join(dir, name);
    if (how === 'real') {
      symlinkSync(real[name] ?? `/usr/bin/${name}`, path);
      continue;
    }
    const tail = how === 'logged' ? `exec ${real[name]} "$@"` : 'exit 99';
    writeFileSync(path, `#!/bin/bash\nprintf '%s\\n' "${name} $*" >> '${log}'\n${tail}\n`);
    chmodSync(path, 0o755);
  }
  return {
    dir,
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout as lines, without the trailing empty one */
  lines: string[];
}

// The machine is shared: a few node processes at a time keep the scripts' timings sane.
const MAX_PARALLEL = 3;
let running = 0;
const waiting: Array<() => void> = [];
async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export function runScript(
  project: string,
  script: string,
  args: string[],
  options: { bin: Bin; kubeconfig: string; env?: Record<string, string> },
): Promise<Run> {
  return slot(() => spawnScript(project, script, args, options));
}

/**
 * `npm <args>` in the project, as a user types it (e.g. ['run', 'build', '--dry-run']): the real npm
 * with the real node and sh, added to the PATH of `bin`. npm's update check stays off (no registry).
 */
export function runNpm(
  project: string,
  args: string[],
  options: { bin: Bin; kubeconfig: string; env?: Record<string, string> },
): Promise<Run> {
  // npm runs a script with `sh -c`
  for (const [tool, path] of [['node', '/usr/bin/node'], ['npm', '/usr/bin/npm'], ['sh', '/bin/sh']] as const) {
    if (!existsSync(join(options.bin.dir, tool))) symlinkSync(path, join(options.bin.dir, tool));
  }
  const env = { npm_config_update_notifier: 'false', ...options.env };
  return slot(() => spawnIn(project, join(options.bin.dir, 'npm'), args, { ...options, env }));
}

function spawnScript(
  project: string,
  script: string,
  args: string[],
  options: { bin: Bin; kubeconfig: string; env?: Record<string, string> },
): Promise<Run> {
  return spawnIn(project, process.execPath, [join(project, 'scripts', `${script}.mjs`), ...args], options);
}

async function spawnIn(
  project: string,
  command: string,
  args: string[],
  { bin, kubeconfig: kc, env = {} }: { bin: Bin; kubeconfig: string; env?: Record<string, string> },
): Promise<Run> {
  const home = tempDir('crash-demo-home-');
  mkdirSync(join(home, '.kube'));
  const child = spawn(command, args, {
    cwd: project,
    // TMPDIR stays the test's own, so a path a script makes under os.tmpdir() is the one the test expects.
    env: { PATH: bin.dir, HOME: home, KUBECONFIG: kc, NO_COLOR: '1', FORCE_COLOR: '0', ...tmpdirEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr, lines: stdout.split('\n').filter(Boolean) };
}

// ---------------------------------------------------------------------------------------------
// A kubectl stand-in for the scripts that need a cluster (crash.mjs). There is no cluster here:
//   `kubectl ... port-forward ...`  starts a fake pod, an HTTP server on 127.0.0.1 that answers
//       FAKE_STATUS / FAKE_BODY and prints kubectl's "Forwarding from 127.0.0.1:<port>" line. With
//       FAKE_EXITS=1 the container is down between a POST and the kubelet's restart of it, and a
//       port-forward started then fails at once (a real one would forward to nothing).
//   `kubectl ... get pod ... -w -o json`  a fake kubelet: prints the pod as the API server does,
//       and after each POST /crash the states a real kubelet goes through (Error, CrashLoopBackOff
//       from the 2nd crash on, Running not Ready with restartCount + 1, Ready), quickly.
//   `kubectl ... get namespace NAME --ignore-not-found -o json`  a fake API server: nothing (the
//       namespace does not exist), or, when FAKE_NAMESPACE_LABELS is set (a JSON object), the
//       Namespace NAME with those labels.
//   `kubectl ... apply -k ...`, `delete -k ...`, `rollout status ...`  accepted: exit 0 (the call is
//       in bin.calls(), which is how a test proves what was, or was not, applied or deleted); with
//       FAKE_ROLLOUT_EXIT=N, rollout status times out as kubectl's does and exits N.
//   `kubectl ... get pods ...` (no -w), when FAKE_PODS is set: prints it (a List of pods).
//   anything else: the real kubectl (it reads the test's kubeconfig).
// Everything the fakes see goes to one log, in order: `argv <port-forward args>`, `POST /crash`,
// `stopped` (port-forward ended), `kubelet <get args>`, `restarted <n>` (written just before the
// Ready state is printed), `kubelet stopped`.

const FAKE_POD = `
import http from 'node:http';
import { appendFileSync, readFileSync } from 'node:fs';
const log = process.env.FAKE_LOG;
appendFileSync(log, 'argv ' + process.argv.slice(2).join(' ') + '\\n');
const lines = readFileSync(log, 'utf8').split('\\n');
const down = lines.filter((l) => l === 'POST /crash').length > lines.filter((l) => l.startsWith('restarted ')).length;
if (process.env.FAKE_EXITS === '1' && down) {
  console.error('error: the container crashed and the kubelet has not restarted it yet: nothing to forward to');
  process.exit(1);
}
const server = http.createServer((req, res) => {
  appendFileSync(log, req.method + ' ' + req.url + '\\n');
  res.writeHead(Number(process.env.FAKE_STATUS), { 'content-type': 'application/json' });
  res.end(process.env.FAKE_BODY);
});
process.on('SIGTERM', () => { appendFileSync(log, 'stopped\\n'); process.exit(0); });
server.listen(0, '127.0.0.1', () => console.log('Forwarding from 127.0.0.1:' + server.address().port + ' -> 8080'));
`;

const FAKE_KUBELET = `
import { appendFileSync, readFileSync } from 'node:fs';
const log = process.env.FAKE_LOG;
const write = (line) => appendFileSync(log, line + '\\n');
write('kubelet ' + process.argv.slice(2).join(' '));
process.on('SIGTERM', () => { write('kubelet stopped'); process.exit(0); });
if (process.env.FAKE_KUBELET === 'silent') process.exit(0);
const POD = 'demo-5d8c7b9f4-x2x4q';
const UID = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
const now = () => new Date().toISOString();
const pod = (restartCount, ready, state, lastState) => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: POD, namespace: 'crash-demo', uid: UID, labels: { 'app.kubernetes.io/name': 'demo' }, creationTimestamp: now() },
  spec: { containers: [{ name: 'app' }] },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    containerStatuses: [{ name: 'app', ready, restartCount, state, ...(lastState ? { lastState } : {}) }],
  },
});
const show = (p) => process.stdout.write(JSON.stringify(p, null, 4) + '\\n');
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
const posts = () => readFileSync(log, 'utf8').split('\\n').filter((l) => l === 'POST /crash').length;
show(pod(0, true, { running: { startedAt: now() } }));
let handled = 0;
let busy = false;
setInterval(async () => {
  if (busy || posts() <= handled) return;
  busy = true;
  const n = ++handled;
  const died = { terminated: { exitCode: 137, reason: 'Error', startedAt: now(), finishedAt: now() } };
  await pause(200);
  show(pod(n - 1, false, died));
  if (process.env.FAKE_KUBELET === 'dies') process.exit(1);
  if (n > 1) {
    const backoff = 10 * 2 ** (n - 2);
    show(pod(n - 1, false, { waiting: { reason: 'CrashLoopBackOff', message: 'back-off ' + backoff + 's restarting failed container=app pod=' + POD + '_crash-demo(' + UID + ')' } }, died));
    await pause(400);
  }
  show(pod(n, false, { running: { startedAt: now() } }, died));
  await pause(400);
  write('restarted ' + n);
  show(pod(n, true, { running: { startedAt: now() } }, died));
  busy = false;
}, 50);
`;

const FAKE_NAMESPACE = `
const args = process.argv.slice(2);
const name = args[args.indexOf('namespace') + 1];
const labels = process.env.FAKE_NAMESPACE_LABELS;
if (labels) {
  const metadata = { name, labels: { 'kubernetes.io/metadata.name': name, ...JSON.parse(labels) } };
  console.log(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata, status: { phase: 'Active' } }, null, 4));
}
`;

export interface StandIn {
  bin: Bin;
  /** Everything the fake pod and the fake kubelet saw, in order. */
  log(): string[];
  /** The env the script needs for the fakes; add FAKE_STATUS / FAKE_BODY, FAKE_NAMESPACE_LABELS. */
  env: Record<string, string>;
}

/** @param tools other tools for its PATH, as makeBin takes them (docker: 'logged', ...) */
export function kubectlStandIn(tools: Record<string, 'real' | 'logged' | 'placeholder'> = {}): StandIn {
  const bin = makeBin(tools);
  const pod = join(bin.dir, 'fake-pod.mjs');
  const kubelet = join(bin.dir, 'fake-kubelet.mjs');
  const namespace = join(bin.dir, 'fake-namespace.mjs');
  const log = join(bin.dir, 'fake.log');
  writeFileSync(pod, FAKE_POD);
  writeFileSync(kubelet, FAKE_KUBELET);
  writeFileSync(namespace, FAKE_NAMESPACE);
  writeFileSync(log, '');
  writeFileSync(
    join(bin.dir, 'kubectl'),
    [
      '#!/bin/bash',
      `printf '%s\\n' "kubectl $*" >> '${join(bin.dir, '.calls')}'`,
      'case "$*" in',
      `  *port-forward*) exec '${process.execPath}' '${pod}' "$@";;`,
      `  *" get pod "*" -w "*) exec '${process.execPath}' '${kubelet}' "$@";;`,
      `  *" get namespace "*) exec '${process.execPath}' '${namespace}' "$@";;`,
      '  *" rollout status "*) [ -n "$FAKE_ROLLOUT_EXIT" ] && { echo "error: timed out waiting for the condition" >&2; exit "$FAKE_ROLLOUT_EXIT"; }; exit 0;;',
      `  *" get pods "*) [ -n "$FAKE_PODS" ] && [[ "$*" != *" -w "* ]] && { printf '%s\\n' "$FAKE_PODS"; exit 0; }; exec ${REAL_KUBECTL} "$@";;`,
      '  *" apply -k "*|*" delete -k "*) exit 0;;',
      `  *) exec ${REAL_KUBECTL} "$@";;`,
      'esac',
      '',
    ].join('\n'),
  );
  chmodSync(join(bin.dir, 'kubectl'), 0o755);
  return { bin, log: () => readFileSync(log, 'utf8').split('\n').filter(Boolean), env: { FAKE_LOG: log } };
}

/** A script's failure as users see it: one red line (colour off in tests), no stack trace. */
export function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace');
  assert.match(lines[0]!, /^✖ /);
  return lines[0]!;
}

function tmpdirEnv(): Record<string, string> {
  const dir = process.env['TMPDIR'];
  return dir ? { TMPDIR: dir } : {};
}
