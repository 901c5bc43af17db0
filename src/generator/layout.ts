// The one place where the container's start command lives. The Dockerfile's ENTRYPOINT, the
// PID-namespace tests and crash-demo.json all take it from here, so they cannot drift apart.
import type { Pid1, Runtime } from '../shared/options.js';
import { RUNTIMES, byRuntime } from '../shared/runtimes/index.js';

/** The pre-fork supervisor for each runtime, run from the project root. */
export const SUPERVISOR: Record<Runtime, readonly string[]> = byRuntime('supervisor');

/** What /proc/1/comm says inside the container for each layout. */
export function pid1Comm(runtime: Runtime, pid1: Pid1): string {
  if (pid1 === 'shell') return 'sh';
  if (pid1 === 'tini') return 'tini';
  return RUNTIMES[runtime].comm;
}

/** The exit code with which a halted supervisor ends (gunicorn's APP_LOAD_ERROR; node mirrors it). */
export const HALT_CODE = 4;

/** The exact argv PID 1 is started with. */
export function startCommand(runtime: Runtime, pid1: Pid1): string[] {
  const supervisor = SUPERVISOR[runtime];
  switch (pid1) {
    case 'exec':
      return [...supervisor];
    case 'shell':
      // No `exec` in app/start.sh, on purpose: the shell stays PID 1 and the supervisor is its child.
      return ['/bin/sh', 'app/start.sh', ...supervisor];
    case 'tini':
      return ['tini', '--', ...supervisor];
  }
}
