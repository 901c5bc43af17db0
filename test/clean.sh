#!/usr/bin/env bash
# npm run test:clean — removes every cache the tests keep between runs (and takes the test cluster
# down first if it is up):
#   /var/cache/create-crash-demo (or $CRASH_DEMO_CACHE): the stand-in base image tarballs, the
#     debootstrap package cache, the test cluster's binaries (cluster-k8s-*) and the cgroup v2 VM's
#     kernel and guest root (cgroup2-kernel-*, cgroup2-guest-*, test/cgroup2/setup.sh);
#   the Docker images tagged create-crash-demo-base/* (the stand-in bases);
#   kind's own Docker engine and what it holds (test/kind/down.sh --purge: its clusters, network,
#     data root /var/lib/crash-demo-kind, and the kind builds under the cache root).
# The Go module and build caches (go env GOMODCACHE GOCACHE) are Go's own: `go clean -cache -modcache`.
set -uo pipefail
cd "$(dirname "$0")/.."
bash test/cluster/down.sh
bash test/kind/down.sh --purge
cache="${CRASH_DEMO_CACHE:-/var/cache/create-crash-demo}"
rm -rf "$cache" && echo "removed $cache"
if docker info >/dev/null 2>&1; then
  images=$(docker images --format '{{.Repository}}:{{.Tag}}' | grep '^create-crash-demo-base/' || true)
  # shellcheck disable=SC2086 # one image reference per word
  if [ -n "$images" ]; then docker rmi $images >/dev/null && echo "removed the stand-in base images"; fi
fi
