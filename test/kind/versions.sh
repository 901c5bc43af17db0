# Versions and places of the kind pieces built here, in one place. build.sh, up.sh and down.sh read them.
# The Kubernetes binaries, etcd, containerd, crictl and pause are the test cluster's (../cluster/versions.sh).
# shellcheck source=../cluster/versions.sh
. "$(dirname "${BASH_SOURCE[0]}")/../cluster/versions.sh"

KIND_VERSION=v0.33.0
# What kubeadm v1.37.2 names (cmd/kubeadm/app/constants/constants.go: CoreDNSVersion, DefaultEtcdVersion).
COREDNS_VERSION=v1.14.6
KUBEADM_ETCD_TAG=3.7.0-0
# What kind v0.33.0 pulls into every node image (pkg/build/nodeimage/const_*.go) and the sandbox image
# its containerd config pins (images/base/files/etc/containerd/config.toml).
KINDNETD_IMAGE=docker.io/kindest/kindnetd:v20260820-69b56db7
LOCAL_PATH_PROVISIONER_IMAGE=docker.io/kindest/local-path-provisioner:v20260820-69b56db7
LOCAL_PATH_HELPER_IMAGE=docker.io/kindest/local-path-helper:v20260131-7181c60a
KIND_PAUSE_IMAGE=registry.k8s.io/pause:3.10
# kind's local-path-provisioner image is v0.0.34 (images/local-path-provisioner/Makefile); the Go
# module proxy serves github.com/rancher/local-path-provisioner at v0.0.30 only.
LOCAL_PATH_PROVISIONER_VERSION=v0.0.30
DEBIAN_SUITE=bookworm

KIND_CACHE="$CACHE_ROOT/kind-$KIND_VERSION-k8s-$K8S_VERSION"
BASE_IMAGE_TAG="crash-demo/kind-base:$KIND_VERSION"
NODE_IMAGE_TAG="crash-demo/kind-node:$K8S_VERSION-kind-$KIND_VERSION"

# kind's own Docker engine: a dockerd of its own beside the machine's (whose configuration other work
# relies on), whose default runtime drops CAP_SYS_RESOURCE (see runc-wrapper.sh), no default bridge,
# no iptables rules (so nothing a container sends is NATed past the machine).
KIND_STATE="${CRASH_DEMO_KIND_STATE:-/run/crash-demo-kind}"
KIND_DOCKER_ROOT="${CRASH_DEMO_KIND_DOCKER_ROOT:-/var/lib/crash-demo-kind/docker}"
KIND_DOCKER_HOST="unix://$KIND_STATE/docker.sock"
# The Docker network kind's nodes join (KIND_EXPERIMENTAL_DOCKER_NETWORK); the test cluster uses
# 100.64.7.0/24 (pods) and 100.64.8.0/24 (services).
KIND_NETWORK=crash-demo-kind
KIND_NETWORK_SUBNET=100.64.9.0/24
KIND_NETWORK_GATEWAY=100.64.9.1
