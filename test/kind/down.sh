#!/usr/bin/env bash
# Undoes up.sh: deletes every kind cluster in kind's own Docker engine (only clusters made there, so
# only ours), the Docker network up.sh made, and stops that engine. The built pieces stay cached
# ($KIND_CACHE and the engine's data root); `--purge` removes those too.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

purge=""
case "${1:-}" in
  "") ;;
  --purge) purge=1 ;;
  *) fail "unknown argument \"$1\"; down.sh takes nothing, or --purge to remove the cached builds too" ;;
esac
# Clusters live in the engine's data root even when it is stopped: start it to delete them.
[ ! -d "$KIND_DOCKER_ROOT" ] || start_kind_dockerd
if kind_docker_answers; then
  kind="$KIND_CACHE/bin/kind"
  if [ -x "$kind" ]; then
    for c in $("$kind" get clusters 2>/dev/null); do
      say "deleting kind cluster $c"
      "$kind" delete cluster --name "$c" --kubeconfig "$KIND_STATE/kubeconfig-$c" >/dev/null
    done
  fi
  # Containers of a kind build that was interrupted (kind-build-<time>-<n>).
  for c in $(docker ps -aq --filter name=kind-build-); do docker rm -f -v "$c" >/dev/null; done
  if docker network inspect "$KIND_NETWORK" >/dev/null 2>&1; then
    say "removing Docker network $KIND_NETWORK"
    docker network rm "$KIND_NETWORK" >/dev/null
  fi
fi
stop_kind_dockerd
rm -f "$KIND_STATE"/kubeconfig-* "$KIND_STATE"/*.yaml
if [ -e "$KIND_STATE/made-lib-modules" ]; then
  rmdir /lib/modules 2>/dev/null || say "/lib/modules (made by up.sh) is no longer empty; left in place"
  rm -f "$KIND_STATE/made-lib-modules"
fi
# Nothing of the engine may stay mounted; then its exec root and state go too.
left=$(cut -d' ' -f2 /proc/self/mounts | grep -E "^($KIND_STATE|$KIND_DOCKER_ROOT)/" || true)
[ -z "$left" ] || fail "mounts remain after kind's dockerd stopped: $(echo $left)"
rm -rf "$KIND_STATE"
if [ -n "$purge" ]; then
  say "removing $KIND_CACHE and $KIND_DOCKER_ROOT"
  rm -rf "$KIND_CACHE" "$KIND_DOCKER_ROOT"
fi
