// A fresh memory cgroup with a small limit, so the oom crash meets a limit as it would in a pod.
// cgroup v2 (what current Kubernetes nodes run): memory.max, and memory.oom.group=1 as the kubelet
// sets it since 1.28. cgroup v1 (this kind of machine, older nodes, plain Docker): only
// memory.limit_in_bytes; there is no oom.group, so the kernel kills one process.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export type CgroupVersion = 1 | 2;

const ROOT = '/sys/fs/cgroup';

/** Which cgroup version holds the memory controller here, or null when none is mounted. */
export function memoryCgroupVersion(): CgroupVersion | null {
  const v2 = join(ROOT, 'cgroup.controllers');
  if (existsSync(v2) && readFileSync(v2, 'utf8').split(/\s+/).includes('memory')) return 2;
  if (existsSync(join(ROOT, 'memory', 'cgroup.procs'))) return 1;
  return null;
}

/** This process's own cgroup path in the hierarchy that matches `pick` (a /proc/self/cgroup line). */
function ownPath(pick: (controllers: string, hierarchy: string) => boolean): string {
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n')) {
    const [hierarchy = '', controllers = '', ...path] = line.split(':');
    if (pick(controllers, hierarchy)) return path.join(':');
  }
  throw new Error('cannot find this process in /proc/self/cgroup');
}

export interface MemoryCgroup {
  version: CgroupVersion;
  dir: string;
  /** Write "0" here and the writing process moves itself into the cgroup. */
  procsFile: string;
  /** How many processes the kernel's OOM killer has killed in this cgroup. */
  oomKills(): number;
  /** Removes the cgroup once its processes are gone (retries for a few seconds). */
  remove(): Promise<void>;
}

function counter(file: string, name: string): number {
  const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(readFileSync(file, 'utf8'));
  return m ? Number(m[1]) : 0;
}

export function createMemoryCgroup(limitBytes: number): MemoryCgroup {
  const version = memoryCgroupVersion();
  if (version === null) throw new Error('no memory cgroup controller on this machine');
  const name = `crash-demo-test-${randomBytes(4).toString('hex')}`;
  let dir: string;
  if (version === 1) {
    // Below our own memory cgroup, so whatever limits the test run also limits the demo.
    dir = join(ROOT, 'memory', ownPath((c) => c.split(',').includes('memory')), name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limitBytes));
  } else {
    // A v2 cgroup that holds processes cannot enable controllers for children ("no internal
    // processes"), so the new cgroup is a sibling of our own.
    const own = ownPath((_c, h) => h === '0');
    const parent = own === '/' ? ROOT : join(ROOT, own, '..');
    const subtree = join(parent, 'cgroup.subtree_control');
    if (!readFileSync(subtree, 'utf8').split(/\s+/).includes('memory')) writeFileSync(subtree, '+memory');
    dir = join(parent, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'memory.max'), String(limitBytes));
    if (existsSync(join(dir, 'memory.swap.max'))) writeFileSync(join(dir, 'memory.swap.max'), '0');
    writeFileSync(join(dir, 'memory.oom.group'), '1'); // what the kubelet sets on cgroup v2 (1.28+)
  }
  const events = version === 1 ? join(dir, 'memory.oom_control') : join(dir, 'memory.events');
  return {
    version,
    dir,
    procsFile: join(dir, 'cgroup.procs'),
    oomKills: () => counter(events, 'oom_kill'),
    async remove() {
      for (let i = 0; ; i++) {
        try {
          rmdirSync(dir);
          return;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
          if (i >= 50) throw new Error(`cannot remove cgroup ${dir}: ${(e as Error).message}`);
          await sleep(100); // dying processes leave it a moment later
        }
      }
    },
  };
}
