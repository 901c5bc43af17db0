#!/usr/bin/env bash
# The whole test suite, as `npm test` runs it after the build and the type-check. It installs and
# starts what the tests need (idempotently; the slow parts are cached, see CONTRIBUTING.md):
#   1. test/setup-machine.sh: Debian packages, and a Docker engine if none answers;
#   2. test/cluster/up.sh: the single-node Kubernetes the cluster tests run demos on (built once
#      from upstream Go modules into /var/cache/create-crash-demo);
#   3. every test file;
# and afterwards, pass or fail, takes the cluster down (test/cluster/down.sh) and stops the Docker
# engine if this script started it. Extra arguments go to node's test runner (e.g. a file list).
set -uo pipefail
cd "$(dirname "$0")/.."

started_dockerd=0
docker info >/dev/null 2>&1 || started_dockerd=1
bash test/setup-machine.sh || exit 1

finish() {
  local status=$?
  bash test/cluster/down.sh || status=1
  if [ "$started_dockerd" = 1 ]; then pkill -x dockerd 2>/dev/null || true; fi
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$SECONDS
bash test/cluster/up.sh >/dev/null || exit 1
echo "test cluster up in $((SECONDS - t0))s"

# What a run may not leave behind: temp directories of the tests, containers, images other than the
# named, reused caches (create-crash-demo-base/*, removed by npm run test:clean), and mounts.
leftovers() {
  ls -d "${TMPDIR:-/tmp}"/crash-demo-* 2>/dev/null | sed 's/^/temp directory /'
  docker ps --all --format 'container {{.ID}} {{.Image}} {{.Names}}' 2>/dev/null
  docker images --format 'image {{.Repository}}:{{.Tag}}' 2>/dev/null | grep -v '^image create-crash-demo-base/'
  findmnt -rn -o TARGET 2>/dev/null | grep -E 'crash-demo' | sed 's/^/mount /'
}
before=$(leftovers | sort)

if [ $# -gt 0 ]; then files=("$@"); else files=(test/*.test.ts test/*/*.test.ts); fi
node --import tsx --test --test-reporter=spec "${files[@]}"
status=$?

left=$(comm -13 <(printf '%s\n' "$before") <(leftovers | sort) | sed '/^$/d')
if [ -n "$left" ]; then
  echo "test/run.sh: the tests left these behind (a test that creates something must remove it):"
  printf '%s\n' "$left" | sed 's/^/  /'
  status=1
else
  echo "test/run.sh: nothing left behind (temp directories, containers, images, mounts)"
fi
exit "$status"
