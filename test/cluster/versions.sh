# Versions of the test cluster's components, in one place. build.sh, up.sh and the tests read them.
# Kubernetes 1.34 is the newest minor whose kubelet runs on a cgroup v1 host without overrides
# (1.35 turns failCgroupV1 on; KEP-5573). etcd 3.6 is what 1.34 is tested with. containerd 2.2
# supports Kubernetes 1.32 to 1.35 and pins the sandbox image (Debian's 1.6.20 cannot).
K8S_VERSION=v1.34.4
ETCD_VERSION=v3.6.16
CONTAINERD_VERSION=v2.2.9
CRI_TOOLS_VERSION=v1.34.0
# The sandbox image is built here from kubernetes' build/pause/linux/pause.c; this is the name the
# kubelet and containerd are told to use, so no registry is ever asked for it.
PAUSE_IMAGE=registry.k8s.io/pause:3.10.1

CACHE_ROOT="${CRASH_DEMO_CACHE:-/var/cache/create-crash-demo}"
CLUSTER_CACHE="$CACHE_ROOT/cluster-k8s-$K8S_VERSION-etcd-$ETCD_VERSION-containerd-$CONTAINERD_VERSION"
