# Shared by build.sh, up.sh and down.sh: kind's own dockerd (started only here, never the machine's).
# shellcheck source=versions.sh
. "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
kind_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

say() { printf 'kind: %s\n' "$*" >&2; }
fail() { printf 'kind: error: %s\n' "$*" >&2; exit 1; }
command -v go >/dev/null || [ ! -x /usr/local/go/bin/go ] || PATH="/usr/local/go/bin:$PATH"

# Every docker command here talks to kind's dockerd, never to the machine's.
export DOCKER_HOST="$KIND_DOCKER_HOST"
kind_docker_answers() { docker info >/dev/null 2>&1; }

kind_dockerd_pid() {
  local pid
  pid=$(cat "$KIND_STATE/docker.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Starts kind's dockerd unless it already answers. Its own data root, exec root, socket and pidfile;
# its containerd is the one dockerd manages under the exec root (a system containerd at the default
# socket would be shared instead, hence the check).
start_kind_dockerd() {
  kind_docker_answers && return 0
  [ "$(id -u)" = 0 ] || fail "kind's dockerd needs root (run as root)"
  command -v dockerd >/dev/null || fail "dockerd not found: run bash test/setup-machine.sh first"
  [ ! -S /run/containerd/containerd.sock ] \
    || fail "/run/containerd/containerd.sock exists: dockerd would share that containerd instead of running its own; stop it first"
  mkdir -p "$KIND_STATE" "$KIND_DOCKER_ROOT"
  say "starting kind's dockerd ($KIND_DOCKER_HOST, data root $KIND_DOCKER_ROOT; log $KIND_STATE/dockerd.log)"
  nohup dockerd \
    --host "$KIND_DOCKER_HOST" \
    --data-root "$KIND_DOCKER_ROOT" \
    --exec-root "$KIND_STATE/exec" \
    --pidfile "$KIND_STATE/docker.pid" \
    --bridge=none --iptables=false --ip-masq=false \
    --add-runtime "crash-demo-runc=$kind_here/runc-wrapper.sh" \
    --default-runtime crash-demo-runc \
    >>"$KIND_STATE/dockerd.log" 2>&1 &
  local i
  for i in $(seq 1 60); do
    kind_docker_answers && return 0
    sleep 1
  done
  fail "kind's dockerd did not answer within 60 s; see $KIND_STATE/dockerd.log"
}

stop_kind_dockerd() {
  local pid i
  pid=$(kind_dockerd_pid) || return 0
  say "stopping kind's dockerd (pid $pid)"
  kill "$pid"
  for i in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 1
  done
  fail "kind's dockerd (pid $pid) did not stop within 60 s"
}
