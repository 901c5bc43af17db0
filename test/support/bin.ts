// Runs the real, built bin as a user would: a child process without a terminal.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { requireCurrentBuild } from './build.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/create-crash-demo.cjs', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `timeout`: a bin that has not exited by then is killed, and its code is null. */
export function runBin(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeout = 60_000): Run {
  requireCurrentBuild();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    input: '', // stdin is a pipe, not a TTY: the bin must never wait for input
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
