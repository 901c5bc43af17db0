#!/usr/bin/env bash
# Gives each node of a kind cluster made with networking.disableDefaultCNI: true a CNI configuration
# of its own, in place of kindnetd (which cannot be built here, see README.md): the ptp and host-local
# plugins kind's base image ships, with the node's podCIDR from the apiserver, as kindnetd writes it,
# but with no masquerading (nothing in a pod reaches past the machine).
#
#   bash test/kind/cni.sh CLUSTER KUBECONFIG
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
[ $# -eq 2 ] || fail "usage: cni.sh CLUSTER KUBECONFIG"
cluster="$1" kubeconfig="$2"
kind="$KIND_CACHE/bin/kind"
nodes=$("$kind" get nodes --name "$cluster")
[ -n "$nodes" ] || fail "kind cluster \"$cluster\" has no nodes; create it first"
for node in $nodes; do
  cidr=""
  for _ in $(seq 1 60); do
    cidr=$("$CLUSTER_CACHE/bin/kubectl" --kubeconfig "$kubeconfig" get node "$node" -o jsonpath='{.spec.podCIDR}' 2>/dev/null || true)
    [ -n "$cidr" ] && break
    sleep 1
  done
  [ -n "$cidr" ] || fail "node $node got no podCIDR within 60 s (is networking.podSubnet set?)"
  say "CNI configuration for $node: ptp + host-local, $cidr"
  jq -n --arg cidr "$cidr" '{cniVersion: "0.4.0", name: "crash-demo", plugins: [
      {type: "ptp", ipMasq: false, mtu: 1500,
       ipam: {type: "host-local", dataDir: "/run/cni-ipam-state", ranges: [[{subnet: $cidr}]], routes: [{dst: "0.0.0.0/0"}]}},
      {type: "portmap", capabilities: {portMappings: true}}]}' \
    | docker exec -i "$node" sh -c 'mkdir -p /etc/cni/net.d && cat >/etc/cni/net.d/10-crash-demo.conflist'
done
