// The outcome model: a pure function of the options that says, before anything runs, what the
// container and Kubernetes will do when the crash fires. Every branch follows docs/FACTS.md and
// is proven against real runs (PID-namespace and container tests).
import type { Options, Pid1, Runtime } from '../shared/options.js';
import { HALT_CODE, pid1Comm } from './layout.js';
import { RUNTIMES } from '../shared/runtimes/index.js';

export type TerminatedReason = 'Error' | 'Completed' | 'OOMKilled';
export type PodStatus = 'CrashLoopBackOff' | 'Running';

/** Who ended the container from outside: the kubelet, because its liveness probe failed. */
export type KilledBy = 'liveness';

export interface Behaviour {
  /**
   * Does the container end when the crash fires? By itself (PID 1 exits), or, when `killedBy` says
   * so, because the kubelet stopped it.
   */
  containerExits: boolean;
  /**
   * 'liveness': PID 1 stays up (the app hangs), the liveness probe fails and the kubelet stops the
   * container (SIGTERM to PID 1), then restarts it. Absent: nothing outside the container ends it.
   */
  killedBy?: KilledBy;
  /** With `killedBy`: seconds from the kubelet's SIGTERM until the container exits (the supervisor's own limit). */
  stopSeconds?: number;
  /** The container's exit code, when it exits. */
  exitCode: number | null;
  /** The terminated reason the runtime reports (kubectl's "Last State" reason). */
  reason: TerminatedReason | null;
  /** The STATUS `kubectl get pods` settles on once the crash has fired repeatedly. */
  podStatus: PodStatus;
  /** Why, in plain words. */
  why: string;
}

export interface Outcome extends Behaviour {
  /** Where this prediction holds. */
  where: string;
  /** One sentence for a slide. */
  headline: string;
  /** What /proc/1/comm says inside the container. */
  pid1: string;
  /** The STATUS values `kubectl get pods` cycles through. */
  statusCycle: string[];
  /** What makes the crash fire again after a restart. */
  repeats: string;
  /** Environments where the same demo behaves differently (today only `oom`); `label` is short, for tables. */
  elsewhere: Array<Behaviour & { where: string; label: string }>;
}

/** What the worker would have done, for the sentence about a crash that never fires. */
const CRASH_VERB: Record<Options['crash'], string> = {
  'exit-worker': 'exits',
  'kill-parent': 'sends its SIGKILL',
  'halt-supervisor': 'halts the supervisor',
  oom: 'allocates its memory',
  hang: 'hangs',
};

const KUBERNETES = 'Kubernetes (any version; for oom: cgroup v2 nodes, Kubernetes 1.28+)';

function supervisorName(runtime: Runtime): string {
  return RUNTIMES[runtime].supervisorName;
}

function pid1Phrase(runtime: Runtime, pid1: Pid1): string {
  switch (pid1) {
    case 'exec':
      return `${supervisorName(runtime)} is PID 1 itself (exec-form ENTRYPOINT)`;
    case 'shell':
      return `PID 1 is /bin/sh running app/start.sh, and ${supervisorName(runtime)} is its child (no \`exec\`)`;
    case 'tini':
      return `PID 1 is tini, and ${supervisorName(runtime)} is its child`;
  }
}

const runs = (why: string): Behaviour => ({
  containerExits: false,
  exitCode: null,
  reason: null,
  podStatus: 'Running',
  why,
});

const exits = (exitCode: number, reason: TerminatedReason, why: string): Behaviour => ({
  containerExits: true,
  exitCode,
  reason,
  podStatus: 'CrashLoopBackOff',
  why,
});

function exitWorker(o: Options): Behaviour {
  const replaces = RUNTIMES[o.runtime].replacesWorker;
  return runs(
    `The worker exits with code 1; ${replaces}. ${pid1Phrase(o.runtime, o.pid1)}, and nothing ` +
      'ends PID 1, so the container keeps running and RESTARTS stays 0: the app "refuses to crash" ' +
      'because the supervisor does exactly its job.',
  );
}

function killParent(o: Options): Behaviour {
  const sup = supervisorName(o.runtime);
  if (o.pid1 === 'exec') {
    return runs(
      `The worker sends SIGKILL to its parent, ${sup}. But ${sup} is PID 1 of the container's PID ` +
        'namespace, and from inside the namespace the kernel delivers to PID 1 only the signals it ' +
        'has a handler for. SIGKILL cannot have one, so the kernel silently drops it: nothing dies, ' +
        'the container keeps running and RESTARTS stays 0. Put tini or a shell in front ' +
        '(--pid1 tini or --pid1 shell) and the same SIGKILL lands.',
    );
  }
  const end =
    o.pid1 === 'shell'
      ? 'The shell\'s wait returns 128+9 = 137 and app/start.sh exits with it'
      : 'tini exits with its child\'s status, 128+9 = 137';
  return exits(
    137,
    'Error',
    `The worker sends SIGKILL to its parent, ${sup}. ${pid1Phrase(o.runtime, o.pid1)}, so ${sup} is ` +
      `not PID 1 and the signal lands: ${sup} dies at once. ${end}; PID 1 is gone, so the container ` +
      'exits 137 and Kubernetes restarts it with a growing back-off. 137 here is a SIGKILL from the ' +
      'worker, not an out-of-memory kill: the reason is Error, not OOMKilled.',
  );
}

function haltSupervisor(o: Options): Behaviour {
  const halt = RUNTIMES[o.runtime].halts(HALT_CODE);
  const pass =
    o.pid1 === 'exec'
      ? 'The supervisor is PID 1, so its exit is the container\'s'
      : o.pid1 === 'shell'
        ? 'app/start.sh passes the supervisor\'s status on when it exits'
        : 'tini exits with its child\'s status';
  return exits(
    HALT_CODE,
    'Error',
    `${halt} ${pass}: the container exits ${HALT_CODE} whoever is PID 1, and Kubernetes restarts it ` +
      'with a growing back-off.',
  );
}

function oomOnCgroupV2(): Behaviour {
  return exits(
    137,
    'OOMKilled',
    'The worker allocates memory until the container reaches its memory limit. On cgroup v2 nodes ' +
      'Kubernetes 1.28+ sets memory.oom.group=1, so the kernel\'s OOM killer takes down every ' +
      'process in the container, PID 1 included, even though the supervisor would have replaced ' +
      'the worker: exit 137, reason OOMKilled.',
  );
}

function oomSingleProcess(o: Options): Behaviour {
  return runs(
    'The worker allocates memory until the container reaches its memory limit. Without ' +
      'memory.oom.group the kernel\'s OOM killer kills only the biggest process, the worker; ' +
      `${supervisorName(o.runtime)} replaces it and the container keeps running.`,
  );
}

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** What a hang is, whoever watches it: every worker silent, nothing exits. */
function hangs(o: Options): string {
  const sup = supervisorName(o.runtime);
  return (
    `Every worker stops answering, and nothing exits: ${RUNTIMES[o.runtime].silentWorker}. ` +
    `${capitalized(pid1Phrase(o.runtime, o.pid1))}; PID 1 is fine, so nothing tells the container runtime that ` +
    `anything is wrong${o.runtime === 'python' ? ` (${sup} "being helpful" once more)` : ''}.`
  );
}

function hangKilledByLiveness(o: Options): Behaviour {
  const stop = RUNTIMES[o.runtime].stopLimitSeconds;
  return {
    containerExits: true,
    killedBy: 'liveness',
    stopSeconds: stop,
    exitCode: 0,
    reason: 'Completed',
    podStatus: HANG_POD_STATUS,
    why:
      `${hangs(o)} The readiness probe fails first (READY 0/1), then the liveness probe misses 3 ` +
      'answers 2 s apart, and the kubelet kills the container ("Container app failed liveness ' +
      `probe, will be restarted"): SIGTERM to PID 1, ${o.pid1 === 'exec' ? 'the supervisor itself' : 'which passes it to the supervisor'}; the hung ` +
      `workers never finish, so the supervisor exits after its own limit, ${stop} s, inside the ` +
      "pod's 10 s grace: exit code 0, reason Completed. Nothing in the container's status says " +
      '"liveness"; only the events do. The kubelet starts it again at once, RESTARTS grows by one ' +
      'per hang, and STATUS stays Running; only hangs that come faster than its back-off grows can ' +
      'still show CrashLoopBackOff (measured: once, at the 4th of 4 kills 17 s apart).',
  };
}

function hangUnseen(o: Options): Behaviour {
  return runs(
    `${hangs(o)} There is no liveness probe (--liveness off), so nothing restarts the container: ` +
      'the pod stays Running with RESTARTS 0, only READY turns 0/1 (the readiness probe fails), and ' +
      'every request times out: the state Kubernetes cannot see.',
  );
}

function hangWithoutKubelet(o: Options): Behaviour {
  return runs(
    `${hangs(o)} Docker and Podman have no liveness probe (a HEALTHCHECK only marks the container ` +
      'unhealthy), so nothing restarts it: the container keeps running and every request times out.',
  );
}

function repeats(o: Options): string {
  switch (o.trigger) {
    case 'http':
      return 'each POST /crash (npm run crash) fires it once';
    case 'random':
      return `by itself: every request, probes included, fires it with probability ${o.probability}`;
    case 'timer':
      return `by itself: ${o.after} s after each worker boots`;
    case 'startup':
      return 'by itself: right after each start of the container';
  }
}

function headline(o: Options, b: Behaviour): string {
  if (o.crash === 'hang') {
    return b.killedBy === 'liveness'
      ? 'The app hangs and PID 1 stays up; the liveness probe fails, and the kubelet restarts the container: exit 0 (Completed), RESTARTS grows, the pod stays Running.'
      : 'The app hangs and PID 1 stays up; with no liveness probe nothing restarts it: the pod stays Running with RESTARTS 0 and READY 0/1, and every request times out.';
  }
  if (!b.containerExits) {
    return o.crash === 'kill-parent'
      ? 'The app refuses to crash: the kernel drops the SIGKILL sent to PID 1, and the pod stays Running.'
      : 'The app refuses to crash: the supervisor replaces the worker, and the pod stays Running.';
  }
  return `The container exits ${b.exitCode} (${b.reason}) and the pod goes into CrashLoopBackOff.`;
}

/**
 * What STATUS shows for a hang the liveness probe ends, measured (docs/FACTS.md §4, "A liveness
 * kill"): the kubelet kills and restarts the container in one sync, so the printer never shows a
 * terminated state.
 */
const HANG_POD_STATUS: PodStatus = 'Running';

function statusCycle(b: Behaviour): string[] {
  if (!b.containerExits) return ['Running'];
  if (b.killedBy === 'liveness') return b.podStatus === 'Running' ? ['Running'] : ['Running', b.podStatus];
  return ['Running', b.reason ?? 'Error', 'CrashLoopBackOff'];
}

/** --trigger random with --probability 0: no request ever fires the crash, whatever the crash mode. */
function neverFires(o: Options): boolean {
  return o.trigger === 'random' && o.probability === 0;
}

export function predictOutcome(o: Options): Outcome {
  let b: Behaviour;
  const elsewhere: Outcome['elsewhere'] = [];
  if (neverFires(o)) {
    b = runs(
      `With --trigger random and --probability 0 no request ever fires the crash, so the worker never ${CRASH_VERB[o.crash]}: ` +
        'the container keeps running and RESTARTS stays 0. Give --probability a value above 0 to see the crash.',
    );
    return {
      ...b,
      where: 'anywhere (the crash never fires)',
      headline: 'The crash never fires (--probability 0): the pod stays Running with RESTARTS 0.',
      pid1: pid1Comm(o.runtime, o.pid1),
      statusCycle: ['Running'],
      repeats: 'never: every request fires it with probability 0',
      elsewhere,
    };
  }
  switch (o.crash) {
    case 'exit-worker':
      b = exitWorker(o);
      break;
    case 'kill-parent':
      b = killParent(o);
      break;
    case 'halt-supervisor':
      b = haltSupervisor(o);
      break;
    case 'oom':
      b = oomOnCgroupV2();
      elsewhere.push({
        where: 'cgroup v1 nodes, Kubernetes before 1.28 or with singleProcessOOMKill: true, and plain Docker or Podman',
        label: 'cgroup v1 nodes and plain Docker',
        ...oomSingleProcess(o),
      });
      break;
    case 'hang':
      b = o.liveness === 'on' ? hangKilledByLiveness(o) : hangUnseen(o);
      if (o.liveness === 'on') {
        elsewhere.push({
          where: 'plain Docker or Podman, or any run without a kubelet (no liveness probe)',
          label: 'plain Docker, no kubelet',
          ...hangWithoutKubelet(o),
        });
      }
      break;
  }
  return {
    ...b,
    where: KUBERNETES,
    headline: headline(o, b),
    pid1: pid1Comm(o.runtime, o.pid1),
    statusCycle: statusCycle(b),
    repeats: repeats(o),
    elsewhere,
  };
}
