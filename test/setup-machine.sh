#!/bin/sh
# Prepares a Debian machine for the container and cluster tests: installs the Debian packages they
# need (only the missing ones) and makes sure a Docker engine answers. Idempotent: run it as often as
# you like. (The test cluster's own components are built from Go modules by test/cluster/build.sh;
# runc and the CNI plugins come from here: Debian's runc 1.1 and containernetworking-plugins 1.1
# do all a single node needs, shown by the cluster tests. qemu-system-x86, cpio, kmod and e2fsprogs
# make the cgroup v2 VM of test/cgroup2: its kernel is downloaded, never installed here.)
#
# The engine is started without a bridge and without iptables rules: the tests only ever use
# --network host or --network none, and never talk to anything but 127.0.0.1.
set -eu

PACKAGES="docker.io gunicorn python3-flask tini debootstrap runc containernetworking-plugins openssl curl iproute2 util-linux qemu-system-x86 cpio kmod e2fsprogs"
DOCKERD_LOG="${DOCKERD_LOG:-/var/log/create-crash-demo-dockerd.log}"
ENGINE_WAIT_SECONDS="${ENGINE_WAIT_SECONDS:-60}"

say() { printf 'setup-machine: %s\n' "$*"; }
fail() { printf 'setup-machine: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (it installs Debian packages and may start dockerd)"
command -v apt-get >/dev/null 2>&1 || fail "apt-get not found: this script expects Debian (bookworm)"

missing=""
for p in $PACKAGES; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $p" ;;
  esac
done

if [ -n "$missing" ]; then
  say "installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  apt-get install -y --no-install-recommends $missing
else
  say "Debian packages already installed: $PACKAGES"
fi

engine_answers() { docker info >/dev/null 2>&1; }

if engine_answers; then
  say "a Docker engine already answers"
  exit 0
fi

command -v dockerd >/dev/null 2>&1 || fail "dockerd not found after installing docker.io"
started=""
if pgrep -x dockerd >/dev/null 2>&1; then
  say "dockerd is running but does not answer yet; waiting for it"
else
  started=1
  say "starting dockerd --bridge=none --iptables=false (log: $DOCKERD_LOG)"
  nohup dockerd --bridge=none --iptables=false >>"$DOCKERD_LOG" 2>&1 &
fi

waited=0
until engine_answers; do
  if [ "$waited" -ge "$ENGINE_WAIT_SECONDS" ]; then
    if [ -n "$started" ]; then
      tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || true
      fail "no answer from 'docker info' ${ENGINE_WAIT_SECONDS}s after starting dockerd; its log: $DOCKERD_LOG"
    fi
    fail "a dockerd is running but 'docker info' got no answer in ${ENGINE_WAIT_SECONDS}s (DOCKER_HOST=${DOCKER_HOST:-unset}): check that engine, or stop it and run this script again"
  fi
  sleep 1
  waited=$((waited + 1))
done
say "Docker engine answers after ${waited}s"
