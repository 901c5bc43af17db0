#!/usr/bin/env bash
# Builds the test cluster's binaries from their upstream Go modules into a versioned cache outside
# the checkout, and the sandbox (pause) binary from kubernetes' own pause.c. Idempotent: a component
# whose binaries are already in the cache is not built again.
#
#   bash test/cluster/build.sh        prints the cache directory when done
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"

say() { printf 'cluster build: %s\n' "$*" >&2; }
fail() { printf 'cluster build: error: %s\n' "$*" >&2; exit 1; }
# Go's own install location, for a shell whose PATH lacks it.
command -v go >/dev/null || [ ! -x /usr/local/go/bin/go ] || PATH="/usr/local/go/bin:$PATH"
# The newest go directive among the pinned modules (containerd v2.4.2, cri-tools v1.37.0: go 1.26.6).
GO_MIN=1.26.6
command -v go >/dev/null || fail "go not found: the test cluster is built from Go modules (Go $GO_MIN or newer)"
go_v=$(go env GOVERSION); go_v=${go_v#go}
printf '%s\n%s\n' "$GO_MIN" "$go_v" | sort -V -C \
  || fail "go $go_v is too old: the pinned modules need Go $GO_MIN or newer (install it, or set GOTOOLCHAIN=go$GO_MIN)"
command -v gcc >/dev/null || fail "gcc not found: the pause binary is built with gcc -static"

bin="$CLUSTER_CACHE/bin"
src="$CLUSTER_CACHE/src"
mkdir -p "$bin" "$src"
export GOFLAGS="-mod=mod -buildvcs=false -trimpath"
# -s -w: no symbol table or DWARF; linking the Kubernetes binaries is much faster without them.
have() { for b in "$@"; do [ -x "$bin/$b" ] || return 1; done; }
moddir() { go mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p'; }

# --- Kubernetes: a wrapper module that requires k8s.io/kubernetes and replaces each staging module
# (k8s.io/api, k8s.io/client-go, ...) with its published v0.x.y, the list read from kubernetes' own
# go.mod: `go install k8s.io/kubernetes/cmd/...@v1.37.x` fails because of those ./staging replaces.
build_kubernetes() {
  have kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl && return 0
  local w="$src/kubernetes" up minor staging
  mkdir -p "$w"
  up=$(moddir "k8s.io/kubernetes@$K8S_VERSION")
  [ -n "$up" ] || fail "the Go module proxy did not serve k8s.io/kubernetes@$K8S_VERSION"
  staging="v0.${K8S_VERSION#v1.}"
  {
    printf 'module crashdemo.test/kubernetes\n\ngo 1.24.0\n\nrequire k8s.io/kubernetes %s\n\n' "$K8S_VERSION"
    sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/k8s\.io/[a-z0-9-]*$#replace \1 => \1 '"$staging"'#p' "$up/go.mod"
  } >"$w/go.mod"
  [ "$(grep -c '^replace' "$w/go.mod")" -ge 20 ] || fail "found too few staging replaces in $up/go.mod; its format changed"
  minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  local ld="-s -w" p
  for p in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    ld="$ld -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  local cmds=(kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl)
  say "Kubernetes $K8S_VERSION: ${cmds[*]} (a cold build takes a long while on 2 cores)"
  # Each package at the pinned version: a bare `go get PKG` would upgrade its module to the newest.
  local pinned=("${cmds[@]/#/k8s.io/kubernetes/cmd/}")
  (cd "$w" && go get "${pinned[@]/%/@$K8S_VERSION}" 2>/dev/null \
    && CGO_ENABLED=0 go build -ldflags "$ld" -o "$bin/" "${cmds[@]/#/k8s.io/kubernetes/cmd/}")
}

# --- etcd: a three-line main calling etcdmain.Main, as etcd's own main.go does.
build_etcd() {
  have etcd && return 0
  local w="$src/etcd"
  mkdir -p "$w"
  printf 'module crashdemo.test/etcd\n\ngo 1.24.0\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" >"$w/go.mod"
  printf 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n' >"$w/main.go"
  say "etcd $ETCD_VERSION"
  (cd "$w" && go mod tidy >/dev/null && CGO_ENABLED=0 go build -ldflags "-s -w" -o "$bin/etcd" .)
}

# --- containerd: cmd/containerd, cmd/ctr and the runc shim. Its go.mod's exclude directives (if
# any) do not apply to a module that requires it, so they are copied into the wrapper.
build_containerd() {
  have containerd ctr containerd-shim-runc-v2 && return 0
  local w="$src/containerd" up
  mkdir -p "$w"
  up=$(moddir "github.com/containerd/containerd/v2@$CONTAINERD_VERSION")
  [ -n "$up" ] || fail "the Go module proxy did not serve github.com/containerd/containerd/v2@$CONTAINERD_VERSION"
  {
    printf 'module crashdemo.test/containerd\n\ngo 1.24.0\n\nrequire github.com/containerd/containerd/v2 %s\n\n' "$CONTAINERD_VERSION"
    awk '/^exclude \(/{on=1; print; next} on{print; if ($0 ~ /^\)/) on=0; next} /^exclude /{print}' "$up/go.mod"
  } >"$w/go.mod"
  local cmds=(containerd ctr containerd-shim-runc-v2) pre=github.com/containerd/containerd/v2/cmd/
  say "containerd $CONTAINERD_VERSION: ${cmds[*]}"
  # No cgo: the btrfs snapshotter (the only cgo user) is left out; overlayfs is what the CRI uses.
  local pinned=("${cmds[@]/#/$pre}")
  (cd "$w" && go get "${pinned[@]/%/@$CONTAINERD_VERSION}" 2>/dev/null \
    && CGO_ENABLED=0 go build -tags "no_btrfs no_devmapper no_zfs" -ldflags "-s -w" -o "$bin/" "${cmds[@]/#/$pre}")
}

# --- crictl: the CRI client, so down.sh can stop pod sandboxes the way the kubelet does (the CNI
# teardown included) even when the kubelet is gone.
build_crictl() {
  have crictl && return 0
  local w="$src/cri-tools"
  mkdir -p "$w"
  printf 'module crashdemo.test/cri-tools\n\ngo 1.24.0\n\nrequire sigs.k8s.io/cri-tools %s\n' "$CRI_TOOLS_VERSION" >"$w/go.mod"
  say "crictl $CRI_TOOLS_VERSION"
  (cd "$w" && go get "sigs.k8s.io/cri-tools/cmd/crictl@$CRI_TOOLS_VERSION" 2>/dev/null \
    && CGO_ENABLED=0 go build -ldflags "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$CRI_TOOLS_VERSION" -o "$bin/crictl" sigs.k8s.io/cri-tools/cmd/crictl)
}

# --- pause: kubernetes' build/pause/linux/pause.c, linked statically, for a FROM-scratch image.
build_pause() {
  have pause && return 0
  local up
  up=$(moddir "k8s.io/kubernetes@$K8S_VERSION")
  say "pause (from $up/build/pause/linux/pause.c)"
  gcc -Os -Wall -Werror -static -DVERSION="${PAUSE_IMAGE##*:}-crash-demo" -o "$bin/pause" "$up/build/pause/linux/pause.c"
  strip "$bin/pause"
}

# What was built must be what versions.sh pins (a module resolved to another version would not be).
check_versions() {
  local v
  v=$("$bin/kubelet" --version); [ "$v" = "Kubernetes $K8S_VERSION" ] || fail "kubelet reports \"$v\", not $K8S_VERSION"
  v=$("$bin/containerd" --version); case "$v" in *" ${CONTAINERD_VERSION#v}+"* | *" ${CONTAINERD_VERSION#v} "*) ;; *) fail "containerd reports \"$v\", not $CONTAINERD_VERSION" ;; esac
  v=$("$bin/etcd" --version | sed -n 1p); [ "$v" = "etcd Version: ${ETCD_VERSION#v}" ] || fail "etcd reports \"$v\", not $ETCD_VERSION"
}

# Each component's wall time, for the cold-build figures in CONTRIBUTING.md (nothing printed when cached).
timed() {
  local t=$SECONDS
  "$1"
  [ "$((SECONDS - t))" -eq 0 ] || say "${1#build_} built in $((SECONDS - t))s"
}
started=$SECONDS
timed build_pause
timed build_etcd
timed build_containerd
timed build_crictl
timed build_kubernetes
check_versions
say "done in $((SECONDS - started))s: $bin"
echo "$CLUSTER_CACHE"
