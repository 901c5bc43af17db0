// The host's processes as the kernel lists them (/proc: no ps needed), for tests that check a script
// left nothing running.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

/** Every process's pid and argv, read from /proc; processes that end meanwhile are skipped. */
export function hostProcesses(): Array<{ pid: number; argv: string[] }> {
  const out: Array<{ pid: number; argv: string[] }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      out.push({ pid: Number(entry), argv: readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Resolves once `pid` is gone (or a zombie); fails after 10 s, naming `what`. */
export async function waitGone(pid: number, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    let state = '';
    try {
      state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0] ?? '';
    } catch {
      return;
    }
    if (state === 'Z') return;
    if (Date.now() > deadline) assert.fail(`${what} (pid ${pid}) still runs 10 s later`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
