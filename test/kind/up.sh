#!/usr/bin/env bash
# Makes kind usable on this machine, idempotently: builds or reuses kind and the node image
# (build.sh), makes sure kind's own Docker engine answers (lib.sh) and that the Docker network kind's
# nodes join exists (100.64.9.0/24, no IPv6, no masquerading), then prints the export lines a shell
# or a test evaluates:  eval "$(bash test/kind/up.sh)"
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 0 ] || fail "up.sh takes no arguments (got \"$1\"); it prints export lines: eval \"\$(bash test/kind/up.sh)\""
[ "$(id -u)" = 0 ] || fail "run as root: kind's Docker engine and its network are machine set-up"
start_kind_dockerd
# kind mounts the host's /lib/modules into every node (`-v`, which would create it anyway); this
# machine's kernel has no modules directory. Made here, recorded, and removed by down.sh if still empty.
if [ ! -e /lib/modules ]; then
  mkdir -p "$KIND_STATE" /lib/modules && touch "$KIND_STATE/made-lib-modules"
fi
image=$(bash "$kind_here/build.sh")

if ! docker network inspect "$KIND_NETWORK" >/dev/null 2>&1; then
  say "creating Docker network $KIND_NETWORK ($KIND_NETWORK_SUBNET)"
  docker network create --driver bridge --subnet "$KIND_NETWORK_SUBNET" --gateway "$KIND_NETWORK_GATEWAY" \
    -o com.docker.network.bridge.enable_ip_masquerade=false -o com.docker.network.driver.mtu=1500 \
    --label crash-demo.kind=1 "$KIND_NETWORK" >/dev/null
fi
subnet=$(docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}} {{end}}' "$KIND_NETWORK")
[ "$subnet" = "$KIND_NETWORK_SUBNET " ] || fail "Docker network $KIND_NETWORK has subnet(s) \"$subnet\", not $KIND_NETWORK_SUBNET only; remove it (bash test/kind/down.sh) and run up.sh again"

printf 'export PATH=%q\n' "$KIND_CACHE/bin:$PATH"
printf 'export DOCKER_HOST=%q\n' "$KIND_DOCKER_HOST"
printf 'export KIND_EXPERIMENTAL_DOCKER_NETWORK=%q\n' "$KIND_NETWORK"
printf 'export CRASH_DEMO_KIND_IMAGE=%q\n' "$image"
