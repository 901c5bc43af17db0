// Where create-crash-demo's own tests ran the demos on a real Kubernetes (test/cluster), for the
// generated README's "what was run" note. test/cluster/verified.test.ts fails when these differ from
// what the test cluster itself reports, so the note never names a version that was not run.
export const VERIFIED_CLUSTER = {
  kubernetes: 'v1.37.2',
  containerd: 'v2.4.2',
  runc: '1.1.5',
  etcd: 'v3.7.3',
  kernel: 'Linux 6.18',
  cgroup: 'v1',
} as const;

// Where `--crash oom` ran on cgroup v2 (test/cgroup2): a VM booted here, each demo's image under runc
// with the memory.oom.group the kubelet sets, not a kubelet. test/cgroup2/oom.test.ts fails when
// these differ from what the guest itself reports.
export const VERIFIED_CGROUP2 = {
  kernel: 'Linux 6.1.192',
  runc: '1.1.5',
  where: 'in a VM (qemu), runc with the memory.oom.group the kubelet sets',
} as const;
