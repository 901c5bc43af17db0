// A generated demo project in a temp dir, and a way to run its scripts the way a user does:
// `node scripts/<name>.mjs`, with a PATH and a kubeconfig the test controls.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDemo, resolveOptions, writeDemo, type RawOptions } from '../../src/index.js';
import { tempDir } from '../support/tree.js';

const MAIN_NODE_MODULES = new URL('../../node_modules', import.meta.url).pathname;
export const REAL_KUBECTL = '/usr/bin/kubectl';

/** Renders and writes a demo (name `demo` unless given); its node_modules is the repo's (for zx). */
export function makeProject(raw: RawOptions = {}): string {
  const dir = join(tempDir('crash-demo-scripts-'), 'demo');
  writeDemo(dir, renderDemo(resolveOptions({ name: 'demo', ...raw })));
  symlinkSync(MAIN_NODE_MODULES, join(dir, 'node_modules'));
  return dir;
}

/**
 * A kubeconfig with the given contexts (all pointing at a closed loopback port, so nothing can
 * ever reach a real cluster) and the given current context ('' = none set).
 */
export function kubeconfig(current: string, contexts: string[] = [current]): string {
  const names = [...new Set(contexts.filter(Boolean))];
  const file = join(tempDir('crash-demo-kube-'), 'config');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: loopback',
      '  cluster: {server: "https://127.0.0.1:1"}',
      'users:',
      '- name: nobody',
      '  user: {token: not-a-real-token}', // a user without credentials makes kubectl prompt
      'contexts:',
      ...names.flatMap((n) => [`- name: ${n}`, '  context: {cluster: loopback, user: nobody}']),
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

async function spawnScript(
  project: string,
  script: string,
  args: string[],
  { bin, kubeconfig: kc, env = {} }: { bin: Bin; kubeconfig: string; env?: Record<string, string> },
): Promise<Run> {
  const home = tempDir('crash-demo-home-');
  mkdirSync(join(home, '.kube'));
  const child = spawn(process.execPath, [join(project, 'scripts', `${script}.mjs`), ...args], {
    cwd: project,
    env: { PATH: bin.dir, HOME: home, KUBECONFIG: kc, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
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
