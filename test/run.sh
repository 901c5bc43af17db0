#!/usr/bin/env bash
# The test suite, tier by tier (test/README.md has the table): `bash test/run.sh [TIER...]` runs the
# tiers named, every tier when none is (what `npm test` runs after the build and the type-check).
# A tier is what its tests need, and a folder of test/:
#   unit     test/unit: the sources only, run through tsx;
#   host     test/host: the build (each test checks dist/ is current), npm, tar, kubectl, a pty;
#   engine   test/engine: a Docker engine;
#   pidns    test/pidns: root, to run the demos as PID 1 of their own PID namespace;
#   cluster  test/cluster: the single-node Kubernetes of test/cluster/up.sh;
#   vm       test/cgroup2: a cgroup v2 VM under qemu, and the engine that builds its images.
# It installs and starts only what the tiers named need (idempotently; the slow parts are cached):
# test/setup-machine.sh (Debian packages, and a Docker engine if none answers) for engine, pidns,
# cluster and vm; test/cluster/up.sh for cluster. Afterwards, pass or fail, it takes the cluster down
# and stops the Docker engine if this script started them. All the files of the tiers named run in
# one `node --test`, as many at once as it runs. Arguments that are not tier names go to node's
# test runner instead (e.g. a file list), with what the tiers named beside them need set up, or
# everything when no tier is named.
set -uo pipefail
cd "$(dirname "$0")/.."
shopt -s globstar nullglob

TIERS=(unit host engine pidns cluster vm)
tier_dirs() {
  case "$1" in
    unit) echo test/unit ;;
    host) echo test/host ;;
    engine) echo test/engine ;;
    pidns) echo test/pidns ;;
    cluster) echo test/cluster ;;
    vm) echo test/cgroup2 ;;
  esac
}
tier_files() {
  local dir
  dir=$(tier_dirs "$1")
  for f in "$dir"/**/*.test.ts; do echo "$f"; done
}

# A test file in no tier's folder would be run by no command: refuse to start without it.
stray=$(comm -23 <(printf '%s\n' test/**/*.test.ts | sort) <(for t in "${TIERS[@]}"; do tier_files "$t"; done | sort))
if [ -n "$stray" ]; then
  echo "test/run.sh: in no tier, so run by no npm script (move each into test/unit, test/host, test/engine, ... by what it needs; see test/README.md):" >&2
  printf '  %s\n' $stray >&2
  exit 1
fi

tiers=()
files=()
if [ $# -eq 0 ]; then
  tiers=("${TIERS[@]}")
else
  for arg in "$@"; do
    if [[ " ${TIERS[*]} " == *" $arg "* ]]; then tiers+=("$arg"); else files+=("$arg"); fi
  done
  # Anything else than tier names goes to node (e.g. a file list): with tier names beside it, only
  # those tiers are set up (`bash test/run.sh cluster test/cluster/stop.test.ts`); without, all are.
  if [ ${#files[@]} -gt 0 ] && [ ${#tiers[@]} -eq 0 ]; then tiers=("${TIERS[@]}"); fi
fi
by_tier=0
if [ ${#files[@]} -eq 0 ]; then
  by_tier=1
  for t in "${tiers[@]}"; do mapfile -t -O "${#files[@]}" files < <(tier_files "$t"); done
fi
needs() { [[ " ${tiers[*]} " == *" $1 "* ]]; }

machine=0
for t in engine pidns cluster vm; do needs "$t" && machine=1; done
started_dockerd=0
cluster_up=0
if [ "$machine" = 1 ]; then
  docker info >/dev/null 2>&1 || started_dockerd=1
  bash test/setup-machine.sh || exit 1
fi

finish() {
  local status=$?
  if [ "$cluster_up" = 1 ]; then bash test/cluster/down.sh || status=1; fi
  if [ "$started_dockerd" = 1 ]; then pkill -x dockerd 2>/dev/null || true; fi
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if needs cluster; then
  cluster_up=1
  t0=$SECONDS
  bash test/cluster/up.sh >/dev/null || exit 1
  echo "test cluster up in $((SECONDS - t0))s"
fi

# What a run may not leave behind: temp directories of the tests, containers, images other than the
# named, reused caches (create-crash-demo-base/*, removed by npm run test:clean), and mounts.
leftovers() {
  ls -d "${TMPDIR:-/tmp}"/crash-demo-* 2>/dev/null | sed 's/^/temp directory /'
  docker ps --all --format 'container {{.ID}} {{.Image}} {{.Names}}' 2>/dev/null
  docker images --format 'image {{.Repository}}:{{.Tag}}' 2>/dev/null | grep -v '^image create-crash-demo-base/'
  findmnt -rn -o TARGET 2>/dev/null | grep -E 'crash-demo' | sed 's/^/mount /'
}
before=$(leftovers | sort)

# node runs one file fewer at once than there are cores. The unit tier's files share nothing, no
# port, no engine, no cluster: alone, they get every core (on 2 cores, 2 files at once, not 1).
concurrency=()
if [ "$by_tier" = 1 ] && [ "${tiers[*]}" = unit ]; then
  concurrency=(--test-concurrency="$(nproc)")
fi
echo "test/run.sh: ${tiers[*]} (${#files[@]} files)"
node --import tsx --test --test-reporter=spec "${concurrency[@]}" "${files[@]}"
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
