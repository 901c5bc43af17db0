#!/usr/bin/env bash
# Brings a one-node kind cluster up from the node image built here and waits for the node to be
# Ready, then deletes it (unless --keep): the check that kind, the node image and the engine work
# together on this machine. The cluster configuration holds only what this machine needs: the
# networking fields (subnets in 100.64.0.0/10, no kindnetd, see README.md) and failCgroupV1: false.
#
#   bash test/kind/smoke.sh [--keep]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"
keep=""
case "${1:-}" in "") ;; --keep) keep=1 ;; *) fail "unknown argument \"$1\"; smoke.sh takes nothing, or --keep" ;; esac
eval "$(bash "$here/up.sh")"
name=crash-demo-smoke
kubeconfig="$KIND_STATE/kubeconfig-$name"
config="$KIND_STATE/$name.yaml"
cat >"$config" <<'YAML'
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
networking:
  apiServerAddress: 127.0.0.1
  podSubnet: 100.64.16.0/20
  serviceSubnet: 100.64.10.0/24
  disableDefaultCNI: true
kubeadmConfigPatches:
  - |
    kind: KubeletConfiguration
    failCgroupV1: false
YAML
kubectl() { "$CLUSTER_CACHE/bin/kubectl" --kubeconfig "$kubeconfig" "$@"; }
cleanup() { [ -n "$keep" ] || kind delete cluster --name "$name" --kubeconfig "$kubeconfig" >&2 || true; }
trap cleanup EXIT
t=$SECONDS
kind create cluster --name "$name" --image "$CRASH_DEMO_KIND_IMAGE" --config "$config" --kubeconfig "$kubeconfig" >&2
say "kind create cluster returned after $((SECONDS - t))s"
bash "$here/cni.sh" "$name" "$kubeconfig"
kubectl wait --for=condition=Ready node --all --timeout=180s >&2
say "node Ready $((SECONDS - t))s after kind create cluster started"
kubectl get nodes -o wide
kubectl get pods -A -o wide
