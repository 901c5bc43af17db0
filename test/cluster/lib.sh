# Shared by up.sh, down.sh and the tests' helpers: where the cluster keeps its state, its addresses
# and ports, and how a component is started, checked and stopped. Sourced after versions.sh.
# shellcheck shell=bash

STATE="${CRASH_DEMO_CLUSTER_STATE:-$here/.state}"
LOGS="$STATE/logs"
PIDS="$STATE/pids"
BIN="$CLUSTER_CACHE/bin"
KUBECONFIG_FILE="$STATE/kubeconfig"
CONTEXT=crash-demo-test
NODE_NAME=127.0.0.1

# 100.64.0.0/10 only (shared address space): nothing else on this machine's networks uses it.
POD_SUBNET=100.64.7.0/24
POD_GATEWAY=100.64.7.1
SERVICE_SUBNET=100.64.8.0/24
SERVICE_FIRST_IP=100.64.8.1
BRIDGE=crashdemo0

ETCD_PORT=2379
ETCD_PEER_PORT=2380
ETCD_METRICS_PORT=2381
API_PORT=6443
API_URL="https://127.0.0.1:$API_PORT"
KCM_PORT=10257
SCHEDULER_PORT=10259
KUBELET_PORT=10250
KUBELET_HEALTHZ_PORT=10248

CONTAINERD_SOCK="$STATE/containerd/containerd.sock"
CNI_BIN_DIR=/usr/lib/cni
CNI_CONF_DIR="$STATE/cni/net.d"
# What the kubelet sets at start (pkg/kubelet/cm/container_manager_linux.go setupKernelTunables).
KUBELET_SYSCTLS="vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes"
# Started in this order, stopped in the reverse one.
COMPONENTS="etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet"

say() { printf 'cluster: %s\n' "$*" >&2; }
fail() { printf 'cluster: error: %s\n' "$*" >&2; exit 1; }

pid_of() { cat "$PIDS/$1.pid" 2>/dev/null || true; }
# Alive = the pid recorded at start still runs the binary that was started (not a recycled pid),
# also when that binary has since been replaced in the cache (a rebuild).
alive() {
  local pid; pid=$(pid_of "$1")
  [ -n "$pid" ] || return 1
  case "$(readlink "/proc/$pid/exe" 2>/dev/null)" in "$BIN/$1" | "$BIN/$1 (deleted)") return 0 ;; esac
  return 1
}

curl_ok() { curl -fsS --max-time 2 "$1" >/dev/null 2>&1; }
api_ok() {
  curl -fsS --max-time 2 --cacert "$STATE/pki/ca.crt" --cert "$STATE/pki/admin.crt" --key "$STATE/pki/admin.key" \
    "$API_URL$1" >/dev/null 2>&1
}
https_ok() { curl -fsSk --max-time 2 "https://127.0.0.1:$1/healthz" >/dev/null 2>&1; }
ctr_ok() { "$BIN/ctr" --address "$CONTAINERD_SOCK" version >/dev/null 2>&1; }

# wait_for WHAT SECONDS COMMAND...: run COMMAND every half second until it succeeds; fail naming
# WHAT when it has not after SECONDS.
wait_for() {
  local what="$1" limit="$2" started=$SECONDS; shift 2
  until "$@" >/dev/null 2>&1; do
    [ $((SECONDS - started)) -lt "$limit" ] || fail "waited ${limit}s for $what; logs: $LOGS"
    sleep 0.5
  done
}

# start NAME HEALTH-CHECK BINARY ARGS...: start BINARY from the cache unless it already runs, log to
# logs/NAME.log, record its pid, and wait until HEALTH-CHECK passes.
start() {
  local name="$1" check="$2"; shift 2
  local binary="$1"; shift
  if alive "$name"; then
    $check || fail "$name (pid $(pid_of "$name")) runs but is not healthy; its log: $LOGS/$name.log"
    return 0
  fi
  local port
  for port in $(ports_of "$name"); do
    if port_busy "$port"; then fail "port $port on 127.0.0.1 (for $name) is taken by another program: stop it, or run bash test/cluster/down.sh"; fi
  done
  setsid "$BIN/$binary" "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  local pid=$! started=$SECONDS
  echo "$pid" >"$PIDS/$name.pid"
  until $check; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 15 "$LOGS/$name.log" >&2 || true
      fail "$name exited at start; its log: $LOGS/$name.log"
    fi
    if [ $((SECONDS - started)) -ge 90 ]; then
      tail -n 15 "$LOGS/$name.log" >&2 || true
      fail "$name did not become healthy in 90s; its log: $LOGS/$name.log"
    fi
    sleep 0.5
  done
  say "$name is up (pid $(pid_of "$name"))"
}

ports_of() {
  case "$1" in
    etcd) echo "$ETCD_PORT $ETCD_PEER_PORT $ETCD_METRICS_PORT" ;;
    kube-apiserver) echo "$API_PORT" ;;
    kube-controller-manager) echo "$KCM_PORT" ;;
    kube-scheduler) echo "$SCHEDULER_PORT" ;;
    kubelet) echo "$KUBELET_PORT $KUBELET_HEALTHZ_PORT" ;;
  esac
}
port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# stop NAME: TERM, then KILL after 15 s, the process recorded at start (and only that one).
stop() {
  local name="$1" pid
  alive "$name" || { rm -f "$PIDS/$name.pid"; return 0; }
  pid=$(pid_of "$name")
  kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 30 ]; do sleep 0.5; waited=$((waited + 1)); done
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  rm -f "$PIDS/$name.pid"
  say "$name stopped"
}
