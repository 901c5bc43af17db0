// Where create-crash-demo's own tests ran the demos on a real Kubernetes (test/cluster), for the
// generated README's "what was run" note. test/cluster/verified.test.ts fails when these differ from
// what the test cluster itself reports, so the note never names a version that was not run.
export const VERIFIED_CLUSTER = {
  kubernetes: 'v1.34.4',
  containerd: 'v2.2.9',
  runc: '1.1.5',
  etcd: 'v3.6.16',
  kernel: 'Linux 6.18',
  cgroup: 'v1',
} as const;
