// The OCI runtime spec (config.json) for one demo container, as a cgroup v2 node gives it to runc:
// the image's own config (ENTRYPOINT/CMD, env, working dir), the pod's securityContext and the
// resources the kubelet asks for. Pure: it reads nothing and writes nothing.
//
// What the kubelet asks for, read in kubernetes/kubernetes
// pkg/kubelet/kuberuntime/kuberuntime_container_linux.go (commit b94367cabf3edea99cfd7ecf7e8bafdc908d83ca):
//   - calculateLinuxResources, lines 289-292: CpuShares from the CPU request, and
//     `if memLimit != 0 { resources.MemoryLimitInBytes = memLimit }` (the manifest's limit);
//     lines 294-309: CpuQuota/CpuPeriod from the CPU limit (CFS quota, period 100000 µs), which
//     this harness leaves out on purpose: the manifest's 500m is half of a real core, and half of
//     an emulated (TCG) core is a small fraction of that, slow enough to time the boot out; it has
//     no part in what the OOM killer does;
//   - lines 311-319:
//       // runc requires cgroupv2 for unified mode
//       if isCgroup2UnifiedMode() && !ptr.Deref(m.singleProcessOOMKill, true) {
//           resources.Unified = map[string]string{ ... "memory.oom.group": "1", }
//     so singleProcessOOMKill: true (or cgroup v1) leaves memory.oom.group at the kernel's 0;
//   - generateLinuxContainerResources, lines 143-149, and configureContainerSwapResources /
//     ConfigureNoSwap / configureSwap: with the default NoSwap behaviour on cgroup v2,
//     `lcr.Unified[cm.Cgroup2MaxSwapFilename] = "0"`, i.e. memory.swap.max=0.
// containerd's CRI plugin turns MemoryLimitInBytes into linux.resources.memory.limit and passes
// Unified through as linux.resources.unified; runc writes them to memory.max and the named files.

/** The parts of the image config (`docker image inspect .Config`) a runtime uses. */
export interface ImageConfig {
  Entrypoint: string[] | null;
  Cmd: string[] | null;
  Env: string[] | null;
  WorkingDir: string;
  User: string;
}

/** The container and pod fields of the generated manifest that shape the runtime spec. */
export interface PodContainer {
  env: Array<{ name: string; value: string }>;
  resources: { requests: { cpu?: string; memory?: string }; limits: { cpu?: string; memory?: string } };
  runAsUser: number;
  runAsGroup: number;
  fsGroup: number | undefined;
  readOnlyRootFilesystem: boolean;
  allowPrivilegeEscalation: boolean;
  /** mountPath of each emptyDir volume. */
  emptyDirs: string[];
  command: string[] | undefined;
  args: string[] | undefined;
}

export interface SpecInput {
  id: string;
  hostname: string;
  image: ImageConfig;
  pod: PodContainer;
  /** The exported image's root filesystem, as the guest sees it. */
  rootPath: string;
  /** Where each emptyDir lives on the guest's disk, by mountPath. */
  volumeDirs: Record<string, string>;
  /** memory.oom.group: "1" is what the kubelet sets on cgroup v2; "0" is singleProcessOOMKill: true. */
  oomGroup: 0 | 1;
  cgroupsPath: string;
  /** The node's memory, for the kubelet's oom_score_adj of a Burstable container. */
  nodeMemoryBytes: number;
}

const BINARY_SUFFIX: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL_SUFFIX: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A Kubernetes quantity in bytes (memory) or units (cpu: "500m" = 0.5). */
export function quantity(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|m|k|M|G|T|)$/.exec(q.trim());
  if (!m) throw new Error(`not a Kubernetes quantity this harness reads: ${JSON.stringify(q)}`);
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix === 'm') return n / 1000;
  return n * (BINARY_SUFFIX[suffix] ?? DECIMAL_SUFFIX[suffix] ?? 1);
}

// pkg/kubelet/cm/helpers_linux.go: MilliCPUToShares.
const MIN_SHARES = 2;
const SHARES_PER_CPU = 1024;
function milliCpuToShares(milli: number): number {
  if (milli === 0) return MIN_SHARES;
  return Math.max(MIN_SHARES, Math.floor((milli * SHARES_PER_CPU) / 1000));
}

/** pkg/kubelet/qos/policy.go GetContainerOOMScoreAdjust, for a Burstable container. */
function burstableOomScoreAdj(memoryRequest: number, nodeMemory: number): number {
  const adj = 1000 - Math.floor((1000 * memoryRequest) / nodeMemory);
  if (adj < 1000 + -997) return 3;
  if (adj === 1000) return 999;
  return adj;
}

/** A variable from the pod's env overrides the image's of the same name, as containerd merges them. */
function mergeEnv(image: string[], pod: Array<{ name: string; value: string }>, hostname: string): string[] {
  const env = new Map<string, string>();
  for (const kv of image) {
    const i = kv.indexOf('=');
    env.set(i < 0 ? kv : kv.slice(0, i), i < 0 ? '' : kv.slice(i + 1));
  }
  env.set('HOSTNAME', hostname);
  for (const { name, value } of pod) env.set(name, value);
  return [...env].map(([k, v]) => `${k}=${v}`);
}

export function ociSpec(s: SpecInput): Record<string, unknown> {
  const { image, pod } = s;
  // Kubernetes: command replaces ENTRYPOINT, args replace CMD; the demo's manifests set neither.
  const args = [...(pod.command ?? image.Entrypoint ?? []), ...(pod.args ?? (pod.command ? [] : (image.Cmd ?? [])))];
  if (args.length === 0) throw new Error('the image has neither ENTRYPOINT nor CMD');
  const limits = pod.resources.limits;
  const requests = pod.resources.requests;
  const memoryLimit = limits.memory ? quantity(limits.memory) : 0;
  const memoryRequest = requests.memory ? quantity(requests.memory) : memoryLimit;
  const cpuRequestMilli = Math.round(quantity(requests.cpu ?? limits.cpu ?? '0') * 1000);
  const unified: Record<string, string> = { 'memory.swap.max': '0' };
  if (s.oomGroup === 1) unified['memory.oom.group'] = '1';
  else unified['memory.oom.group'] = '0'; // the kernel's default, written out so the control run says so

  const mounts: Array<Record<string, unknown>> = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    // containerd's default /dev/shm: 64 MiB (gunicorn keeps its worker heartbeat files there).
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
  ];
  for (const dest of pod.emptyDirs) {
    const source = s.volumeDirs[dest];
    if (!source) throw new Error(`no guest directory for the emptyDir at ${dest}`);
    mounts.push({ destination: dest, type: 'bind', source, options: ['rbind', 'rprivate', 'rw'] });
  }

  return {
    ociVersion: '1.0.2',
    hostname: s.hostname,
    process: {
      terminal: false,
      user: {
        uid: pod.runAsUser,
        gid: pod.runAsGroup,
        additionalGids: pod.fsGroup === undefined ? [] : [pod.fsGroup],
      },
      args,
      env: mergeEnv(image.Env ?? [], pod.env, s.hostname),
      cwd: image.WorkingDir || '/',
      // capabilities: drop: ["ALL"] and nothing added.
      capabilities: { bounding: [], effective: [], inheritable: [], permitted: [], ambient: [] },
      noNewPrivileges: !pod.allowPrivilegeEscalation,
      oomScoreAdj: burstableOomScoreAdj(memoryRequest, s.nodeMemoryBytes),
    },
    root: { path: s.rootPath, readonly: pod.readOnlyRootFilesystem },
    mounts,
    linux: {
      cgroupsPath: s.cgroupsPath,
      resources: {
        devices: [{ allow: false, access: 'rwm' }],
        memory: { limit: memoryLimit },
        cpu: { shares: milliCpuToShares(cpuRequestMilli) },
        unified,
      },
      namespaces: ['pid', 'ipc', 'uts', 'mount', 'network', 'cgroup'].map((type) => ({ type })),
      // containerd's defaults.
      maskedPaths: [
        '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
        '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
      ],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}
