// Runs a command as PID 1 of a fresh PID namespace, the way a container runtime does:
//   unshare --pid --fork --mount-proc --kill-child -- <argv>
// --fork: unshare forks, and its child (our argv) is PID 1 of the new namespace; --mount-proc
// gives it a /proc of its own, so /proc/1/comm inside is the command itself; --kill-child: if
// unshare dies, its child is SIGKILLed, and with PID 1 the whole namespace goes.
//
// How unshare reports PID 1's end (util-linux 2.38.1, checked on this machine):
// - PID 1 exits with code n: unshare exits with n. This is the case for every layout the demo has:
//   sh and tini exit with 128+9 = 137 themselves when their child was SIGKILLed.
// - PID 1 is killed by a signal: only SIGKILL can do that (the kernel drops any other signal to a
//   namespace's PID 1 that has no handler, even from outside). unshare then tries to re-raise it on
//   itself, signal(SIGKILL, SIG_DFL) fails with EINVAL, and it exits 1 after printing
//   "unshare: sigprocmask unblock failed: Invalid argument". `status` maps that to 137, what a
//   container runtime reports for a SIGKILLed PID 1; any other signal would be 128+signal.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** PID 1's exit status as a container runtime reports it: n, or 128+signal. */
  status: number;
}

export interface PidNamespace {
  /** PID 1 of the namespace, as seen from here (null if it was gone before we saw it). */
  init: number | null;
  /** Settles when PID 1, and with it the whole namespace, is gone. */
  exited: Promise<ExitStatus>;
  running(): boolean;
  /** Everything the namespace's processes wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first match in the output; rejects after timeoutMs or when PID 1 is gone. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Sends a signal to PID 1 from outside the namespace, as the kubelet or `docker stop` does. */
  signalInit(signal: NodeJS.Signals): void;
  /** SIGKILLs the namespace (if it still runs) and waits until it is gone. */
  destroy(): Promise<void>;
}

export interface StartOptions {
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** A cgroup.procs file: PID 1 moves itself there before it execs argv, so all it forks is inside. */
  cgroupProcs?: string;
}

const SIGKILL_DEATH = /^unshare: sigprocmask unblock failed: Invalid argument$/m;

function childOf(pid: number): number | null {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0];
    return first ? Number(first) : null;
  } catch {
    return null;
  }
}

export async function startInPidNamespace(opts: StartOptions): Promise<PidNamespace> {
  // `echo 0 > cgroup.procs` moves the writer itself (the shell that is PID 1), then exec keeps PID 1.
  const argv = opts.cgroupProcs
    ? ['/bin/sh', '-c', 'echo 0 > "$0" && exec "$@"', opts.cgroupProcs, ...opts.argv]
    : [...opts.argv];
  const child = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', '--', ...argv], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const append = (b: Buffer) => {
    out += b.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);

  let done = false;
  const exited = new Promise<ExitStatus>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      done = true;
      for (const l of listeners) l();
      let status: number;
      if (signal) status = 128 + (constants.signals[signal] ?? 0);
      else if (code === 1 && SIGKILL_DEATH.test(out)) status = 128 + constants.signals.SIGKILL;
      else status = code ?? -1;
      resolve({ code, signal, status });
    });
  });
  exited.catch(() => {}); // observed through `exited` by the caller

  const pid = child.pid;
  if (pid === undefined) {
    await exited; // rejects with the spawn error (e.g. no unshare on PATH)
    throw new Error('unshare did not start');
  }
  let init: number | null = null;
  for (let i = 0; i < 200 && !done && init === null; i++) {
    init = childOf(pid);
    if (init === null) await sleep(10);
  }

  const ns: PidNamespace = {
    init,
    exited,
    running: () => !done,
    output: () => out,
    waitForOutput(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(out);
          if (m) finish(() => resolve(m));
          else if (done) finish(() => reject(new Error(`PID 1 is gone and the output never matched ${pattern}\n${out}`)));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`no ${pattern} in the output within ${timeoutMs} ms\n${out}`))),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    signalInit(signal) {
      if (init === null || done) throw new Error(`PID 1 is not running; cannot send ${signal}`);
      process.kill(init, signal);
    },
    async destroy() {
      if (!done) {
        // PID 1 first: when it dies, the kernel SIGKILLs every other process of the namespace.
        if (init !== null && existsSync(`/proc/${init}`)) process.kill(init, 'SIGKILL');
        else child.kill('SIGKILL');
        const timer = new AbortController();
        const late = sleep(10_000, false, { signal: timer.signal }).catch(() => false);
        const gone = await Promise.race([exited.then(() => true), late]);
        timer.abort();
        if (!gone) child.kill('SIGKILL'); // --kill-child takes the namespace with it
        await exited;
      }
    },
  };
  return ns;
}
