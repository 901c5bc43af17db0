# Versions of the test cluster's components, in one place. build.sh, up.sh and the tests read them.
# Kubernetes 1.37 is the newest minor the Go module proxy serves. From 1.35 the kubelet refuses a
# cgroup v1 host unless told failCgroupV1: false (KEP-5573), which up.sh's kubelet configuration
# says. etcd 3.7 is what 1.37 is tested with (its build/dependencies.yaml: etcd 3.7.0); v3.7.3 is
# that minor's newest patch. containerd's RELEASES.md recommends 2.4.0+ or 2.3.0+ for Kubernetes
# 1.37; it still supports cgroup v1 (deprecated, kept until at least 2029) and pins the sandbox
# image (Debian's 1.6.20 cannot).
K8S_VERSION=v1.37.2
ETCD_VERSION=v3.7.3
CONTAINERD_VERSION=v2.4.2
CRI_TOOLS_VERSION=v1.37.0
# The sandbox image is built here from kubernetes' build/pause/linux/pause.c; this is the name the
# kubelet and containerd are told to use, so no registry is ever asked for it. 3.10.2 is the tag
# Kubernetes 1.37 expects (build/dependencies.yaml, kubeadm's PauseVersion).
PAUSE_IMAGE=registry.k8s.io/pause:3.10.2

CACHE_ROOT="${CRASH_DEMO_CACHE:-/var/cache/create-crash-demo}"
CLUSTER_CACHE="$CACHE_ROOT/cluster-k8s-$K8S_VERSION-etcd-$ETCD_VERSION-containerd-$CONTAINERD_VERSION"
