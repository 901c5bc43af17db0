#!/usr/bin/env bash
# Stops the test cluster that up.sh started and leaves the machine as it found it: every process it
# started (by the pid recorded at start), the pod sandboxes (through the CRI, so the CNI plugin tears
# down each pod's network), the runc containers, mounts under the state dir, the pods' network
# namespaces, the bridge, the kubelet's cgroups, the kernel settings the kubelet changed, and the
# state dir itself. The built binaries stay in the cache (clean that with npm run test:clean).
#
#   bash test/cluster/down.sh
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"
# shellcheck source=lib.sh
. "$here/lib.sh"
[ "$(id -u)" = 0 ] || fail "run as root (it unmounts and removes network namespaces)"
[ -d "$STATE" ] || { say "nothing to stop (no $STATE)"; exit 0; }

# The kubelet first, or it would restart the pods removed below.
stop kubelet
if alive containerd && [ -x "$BIN/crictl" ]; then
  crictl() { "$BIN/crictl" --runtime-endpoint "unix://$CONTAINERD_SOCK" --timeout 30s "$@"; }
  n=$(crictl pods -q 2>/dev/null | wc -l)
  if [ "$n" -gt 0 ]; then
    say "removing $n pod sandbox(es)"
    crictl rmp -fa >/dev/null 2>&1 || say "crictl rmp -fa failed; cleaning up by hand below"
  fi
fi
for c in containerd kube-scheduler kube-controller-manager kube-apiserver etcd; do stop "$c"; done

# What a crash or a kill -9 of the above may have left behind.
for p in /proc/[0-9]*; do
  case "$(readlink "$p/exe" 2>/dev/null)" in
    "$BIN/containerd-shim-runc-v2" | "$BIN/containerd-shim-runc-v2 (deleted)") kill -KILL "${p#/proc/}" 2>/dev/null ;;
  esac
done
runc_root="$STATE/runc"
if [ -d "$runc_root" ]; then
  for ns in "$runc_root"/*; do
    [ -d "$ns" ] || continue
    for id in $(runc --root "$ns" list -q 2>/dev/null); do runc --root "$ns" delete -f "$id" >/dev/null 2>&1; done
  done
fi
findmnt -rn -o TARGET | awk -v s="$STATE" 'index($0, s) == 1' | sort -r | while read -r m; do
  umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || say "could not unmount $m"
done
for ns in $(ip netns list 2>/dev/null | awk '/^cni-/{print $1}'); do
  if ip -n "$ns" -4 addr show 2>/dev/null | grep -q "inet ${POD_SUBNET%.*}\."; then
    ip netns del "$ns" 2>/dev/null || say "could not remove network namespace $ns"
  fi
done
ip link show "$BRIDGE" >/dev/null 2>&1 && ip link del "$BRIDGE"
for link in $(find /var/log/containers -maxdepth 1 -type l 2>/dev/null); do
  case "$(readlink "$link")" in "$STATE"/*) rm -f "$link" ;; esac
done
for ctl in /sys/fs/cgroup/*/; do
  [ -d "$ctl/kubepods" ] || continue
  find "$ctl/kubepods" -depth -type d -exec rmdir {} \; 2>/dev/null || say "could not remove ${ctl}kubepods (processes left in it?)"
done
if [ -s "$STATE/sysctl.saved" ]; then
  while IFS= read -r kv; do sysctl -qw "$kv" >/dev/null 2>&1 || say "could not restore $kv"; done <"$STATE/sysctl.saved"
fi
if findmnt -rn -o TARGET | awk -v s="$STATE" 'index($0, s) == 1' | grep -q .; then
  fail "mounts are left under $STATE (findmnt lists them): not removing it"
fi
rm -rf "$STATE"
say "down: nothing left but the binaries in $CLUSTER_CACHE"
