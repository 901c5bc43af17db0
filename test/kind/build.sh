#!/usr/bin/env bash
# Builds kind and a kind node image here, from upstream pieces, into a versioned cache outside the
# checkout ($KIND_CACHE) and into kind's own dockerd (lib.sh). Nothing is downloaded but Go modules
# (through the Go module proxy) and Debian packages; no image registry is ever asked. Idempotent:
# what is already built is not built again. Needs the test cluster's binaries (../cluster/build.sh).
#
#   bash test/kind/build.sh [PIECE...]   all pieces (prints the node image's tag), or only those named
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

bin="$KIND_CACHE/bin"
src="$KIND_CACHE/src"
images="$KIND_CACHE/images"
mkdir -p "$bin" "$src" "$images"
export GOFLAGS="-mod=mod -buildvcs=false -trimpath"
have() { for b in "$@"; do [ -e "$b" ] || return 1; done; }
moddir() { go mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p'; }
cluster_bin="$CLUSTER_CACHE/bin"

# --- kind itself.
build_kind() {
  have "$bin/kind" && return 0
  say "kind $KIND_VERSION"
  (cd "$src" && CGO_ENABLED=0 GOBIN="$bin" go install -ldflags "-s -w" "sigs.k8s.io/kind@$KIND_VERSION")
}

# --- kubeadm and kube-proxy, which the test cluster does not need: from a copy of the cluster's
# wrapper module (../cluster/build.sh), so they are the same Kubernetes build, stamped the same way.
build_kube_extra() {
  have "$bin/kubeadm" "$bin/kube-proxy" && return 0
  local w="$src/kubernetes" ld="-s -w" p minor
  [ -f "$CLUSTER_CACHE/src/kubernetes/go.mod" ] || fail "no $CLUSTER_CACHE/src/kubernetes/go.mod: run bash test/cluster/build.sh first"
  mkdir -p "$w"
  cp "$CLUSTER_CACHE/src/kubernetes/go.mod" "$CLUSTER_CACHE/src/kubernetes/go.sum" "$w/"
  minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  for p in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    ld="$ld -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  say "kubeadm and kube-proxy $K8S_VERSION"
  (cd "$w" && go get "k8s.io/kubernetes/cmd/kubeadm@$K8S_VERSION" "k8s.io/kubernetes/cmd/kube-proxy@$K8S_VERSION" 2>/dev/null \
    && CGO_ENABLED=0 go build -ldflags "$ld" -o "$bin/" k8s.io/kubernetes/cmd/kubeadm k8s.io/kubernetes/cmd/kube-proxy)
}

# --- CoreDNS at the version kubeadm deploys.
build_coredns() {
  have "$bin/coredns" && return 0
  say "coredns $COREDNS_VERSION"
  (cd "$src" && CGO_ENABLED=0 GOBIN="$bin" go install -ldflags "-s -w" "github.com/coredns/coredns@$COREDNS_VERSION")
}

# --- local-path-provisioner, at the newest version the proxy serves (kind's image holds v0.0.34).
build_local_path_provisioner() {
  have "$bin/local-path-provisioner" && return 0
  say "local-path-provisioner $LOCAL_PATH_PROVISIONER_VERSION"
  (cd "$src" && CGO_ENABLED=0 GOBIN="$bin" go install -ldflags "-s -w" "github.com/rancher/local-path-provisioner@$LOCAL_PATH_PROVISIONER_VERSION")
}

# --- A stand-in for kindnetd's image that refuses to run: kindnetd's module is not served by the Go
# module proxy (neither sigs.k8s.io/kindnet nor github.com/aojea/kindnet), so it cannot be built
# here, but `kind build node-image` fails unless every image it would pull is in the tarball. Clusters
# made from this node image must say networking.disableDefaultCNI: true (then kind never deploys it);
# cni.sh gives the node a CNI configuration instead.
build_kindnetd_refusal() {
  have "$bin/kindnetd-not-built" && return 0
  say "kindnetd: not buildable here; a refusing stand-in"
  printf '%s\n' '#include <stdio.h>' \
    'int main(void) { fputs("kindnetd was not built here (its Go module is not served); create the cluster with networking.disableDefaultCNI: true\n", stderr); return 1; }' \
    >"$src/kindnetd-not-built.c"
  gcc -Os -static -o "$bin/kindnetd-not-built" "$src/kindnetd-not-built.c"
  strip "$bin/kindnetd-not-built"
}

# --- kind's base image (images/base in the kind module) on a Debian root built here. The Dockerfile's
# first stage is done step by step on a debootstrapped root (its packages are installed by debootstrap,
# which is what its clean-install would do); its build stages clone containerd, runc, crictl, the CNI
# plugins and fuse-overlayfs-snapshotter from GitHub, which cannot be reached: containerd, ctr, the
# shim and crictl are the test cluster's builds, runc and the CNI plugins are Debian's, and
# containerd-fuse-overlayfs (used only for rootless nodes) is left out. One change to kind's files:
# containerd's restrict_oom_score_adj is set to true (see the README).
base_packages=(systemd conntrack iptables nftables iproute2 ethtool util-linux mount kmod libseccomp2 pigz fuse-overlayfs
  nfs-common open-iscsi e2fsprogs bash ca-certificates curl jq procps runc containernetworking-plugins)
build_base_rootfs() {
  have "$KIND_CACHE/base-rootfs.tar" && return 0
  local kindmod root="$KIND_CACHE/rootfs-base" f
  kindmod=$(moddir "sigs.k8s.io/kind@$KIND_VERSION")/images/base/files
  [ -d "$kindmod" ] || fail "no images/base/files in sigs.k8s.io/kind@$KIND_VERSION"
  if [ ! -x "$root/usr/bin/systemctl" ]; then
    rm -rf "$root"
    say "Debian $DEBIAN_SUITE root for kind's base image (debootstrap)"
    debootstrap --variant=minbase "--include=$(IFS=,; echo "${base_packages[*]}")" \
      "--cache-dir=$CACHE_ROOT/debs" "$DEBIAN_SUITE" "$root" "$(debian_mirror)" >"$KIND_CACHE/debootstrap.log" 2>&1 \
      || fail "debootstrap failed; see $KIND_CACHE/debootstrap.log"
  fi
  say "kind's images/base steps on the Debian root"
  # COPY --chmod=0755 files/usr/local/bin/*, files/kind/ (0644, bin/ 0755), LICENSES, etc/...
  install -m 0755 "$kindmod"/usr/local/bin/* "$root/usr/local/bin/"
  mkdir -p "$root/kind" "$root/LICENSES"
  cp -r "$kindmod/kind/." "$root/kind/"
  find "$root/kind" -type f -exec chmod 0644 {} +
  chmod 0755 "$root/kind" "$root/kind/bin" "$root"/kind/bin/*
  install -m 0644 "$kindmod"/LICENSES/* "$root/LICENSES/"
  install -m 0644 "$kindmod/etc/crictl.yaml" "$root/etc/"
  mkdir -p "$root/etc/containerd" "$root/etc/default" "$root/etc/sysctl.d" "$root/etc/systemd/system/kubelet.service.d"
  install -m 0644 "$kindmod"/etc/containerd/* "$root/etc/containerd/"
  install -m 0644 "$kindmod"/etc/default/* "$root/etc/default/"
  install -m 0644 "$kindmod"/etc/sysctl.d/* "$root/etc/sysctl.d/"
  for f in "$kindmod"/etc/systemd/system/*; do [ -f "$f" ] && install -m 0644 "$f" "$root/etc/systemd/system/"; done
  install -m 0644 "$kindmod"/etc/systemd/system/kubelet.service.d/* "$root/etc/systemd/system/kubelet.service.d/"
  # The adaptation this machine needs (and kind's own entrypoint makes for nodes in a user namespace):
  # root here lacks CAP_SYS_RESOURCE, so no process in a node may lower an oom_score_adj.
  sed -i 's/restrict_oom_score_adj = false/restrict_oom_score_adj = true/' "$root/etc/containerd/config.toml"
  grep -q 'restrict_oom_score_adj = true' "$root/etc/containerd/config.toml" || fail "kind's containerd config.toml changed: no restrict_oom_score_adj line"
  # The RUN after clean-install.
  find "$root/lib/systemd/system/sysinit.target.wants/" -name "systemd-tmpfiles-setup.service" -delete
  rm -f "$root"/lib/systemd/system/multi-user.target.wants/* "$root"/etc/systemd/system/*.wants/* \
    "$root"/lib/systemd/system/local-fs.target.wants/* "$root"/lib/systemd/system/sockets.target.wants/*udev* \
    "$root"/lib/systemd/system/sockets.target.wants/*initctl* "$root"/lib/systemd/system/basic.target.wants/*
  grep -q '^ReadKMsg=no' "$root/etc/systemd/journald.conf" || echo "ReadKMsg=no" >>"$root/etc/systemd/journald.conf"
  ln -sfn /usr/lib/systemd/systemd "$root/sbin/init"
  systemctl --root="$root" enable kubelet.service containerd.service undo-mount-hacks.service >/dev/null 2>&1
  systemctl --root="$root" mask systemd-binfmt.service >/dev/null 2>&1
  mkdir -p "$root/etc/kubernetes/manifests"
  # The final stage: containerd, ctr, the shim, crictl (the test cluster's), runc (Debian's, where
  # kind puts its own), the CNI plugins kind installs (Debian's), the base runtime spec.
  install -m 0755 "$cluster_bin/containerd" "$cluster_bin/ctr" "$cluster_bin/containerd-shim-runc-v2" "$cluster_bin/crictl" "$root/usr/local/bin/"
  ln -sfn /usr/sbin/runc "$root/usr/local/sbin/runc"
  mkdir -p "$root/opt/cni/bin"
  for f in host-local loopback ptp portmap; do install -m 0755 "$root/usr/lib/cni/$f" "$root/opt/cni/bin/"; done
  "$cluster_bin/ctr" oci spec 2>/dev/null \
    | jq '.hooks.createContainer[.hooks.createContainer| length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' \
    | jq 'del(.process.rlimits)' >"$root/etc/containerd/cri-base.json"
  jq -e .process "$root/etc/containerd/cri-base.json" >/dev/null || fail "ctr oci spec gave no spec"
  # Like the Debian slim images: no package lists or archives.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
  tar --numeric-owner --xattrs -C "$root" -cf "$KIND_CACHE/base-rootfs.tar.tmp" .
  mv "$KIND_CACHE/base-rootfs.tar.tmp" "$KIND_CACHE/base-rootfs.tar"
  rm -rf "$root"
}

# The image's metadata, as the Dockerfile's last stage sets it.
build_base_image() {
  docker image inspect "$BASE_IMAGE_TAG" >/dev/null 2>&1 && return 0
  say "importing $BASE_IMAGE_TAG into kind's dockerd"
  docker import --change 'ENV container=docker' \
    --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' \
    --message "kind $KIND_VERSION images/base on Debian $DEBIAN_SUITE, built here" \
    "$KIND_CACHE/base-rootfs.tar" "$BASE_IMAGE_TAG-rootfs" >/dev/null
  # `docker import --change` takes no STOPSIGNAL: one metadata-only build step adds it.
  local ctx
  ctx=$(mktemp -d "${TMPDIR:-/tmp}/crash-demo-kind-base-XXXXXX")
  printf 'FROM %s\nSTOPSIGNAL SIGRTMIN+3\n' "$BASE_IMAGE_TAG-rootfs" >"$ctx/Dockerfile"
  DOCKER_BUILDKIT=0 docker build -q -t "$BASE_IMAGE_TAG" "$ctx" >/dev/null
  rm -rf "$ctx"
  docker rmi "$BASE_IMAGE_TAG-rootfs" >/dev/null
}

# --- kind's images/local-path-helper: its stage-binary-and-deps.sh copies sh (bash), rm and mkdir
# with their libraries out of a Debian trixie root onto distroless. On bookworm that script stops at
# its dpkg-query (dpkg there knows /bin/bash, not the /usr/bin/bash realpath gives), so the same
# staging (the binaries and what ldd names) is done here in the base image, onto scratch with the
# symlinks distroless has; the per-package copyright and dpkg status files are left out.
build_local_path_helper() {
  have "$KIND_CACHE/local-path-helper-layer.tar" && return 0
  say "local-path-helper (bash as sh, rm, mkdir and their libraries, from the base image)"
  docker run --rm --network none --entrypoint /bin/bash -v "$KIND_CACHE:/out" "$BASE_IMAGE_TAG" -c '
    set -euo pipefail
    mkdir -p /opt/stage/usr/bin
    for b in bash rm mkdir; do
      cp -a /usr/bin/$b /opt/stage/usr/bin/
      for l in $(ldd /usr/bin/$b | sed -E "s#.* => /#/#" | awk "{print \$1}" | grep -v linux-vdso); do
        case "$l" in /lib*) l=/usr$l ;; esac
        cp -aL --parents "$l" /opt/stage
      done
    done
    cd /opt/stage && ln -s bash usr/bin/sh && ln -s usr/bin bin && ln -s usr/lib lib && ln -s usr/lib64 lib64 && mkdir -m 1777 tmp
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf /out/local-path-helper-layer.tar.tmp .'
  mv "$KIND_CACHE/local-path-helper-layer.tar.tmp" "$KIND_CACHE/local-path-helper-layer.tar"
}

debian_mirror() {
  local m
  m=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1)
  [ -n "$m" ] || m=$(sed -n "s/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) $DEBIAN_SUITE .*/\2/p" /etc/apt/sources.list 2>/dev/null | head -n 1)
  [ -n "$m" ] || fail "no apt source for Debian $DEBIAN_SUITE found; debootstrap needs a mirror"
  echo "$m"
}

# --- Image archives in `docker save` form (manifest.json with RepoTags), written with tar, jq and
# sha256sum alone. kind reads the tags of the four component archives and pulls only what they do
# not hold, so the images it would pull (etcd, coredns, pause, kindnetd, local-path) are added to
# the kube-proxy archive: nothing is pulled, and nothing leaves the machine.
#   archive_image DIR NAME CONFIG_JSON LAYER_TAR...   adds one image to the archive being made in DIR
archive_image() {
  local dir="$1" name="$2" config="$3" l hex diff_ids="[]" layers="[]"
  shift 3
  for l in "$@"; do
    hex=$(sha256sum "$l" | cut -d' ' -f1)
    mkdir -p "$dir/$hex"
    [ -f "$dir/$hex/layer.tar" ] || cp "$l" "$dir/$hex/layer.tar"
    diff_ids=$(jq -c --arg d "sha256:$hex" '. + [$d]' <<<"$diff_ids")
    layers=$(jq -c --arg d "$hex/layer.tar" '. + [$d]' <<<"$layers")
  done
  jq -c --argjson ids "$diff_ids" '{architecture: "amd64", os: "linux", config: ., rootfs: {type: "layers", diff_ids: $ids}}' \
    <<<"$config" >"$dir/config.tmp"
  hex=$(sha256sum "$dir/config.tmp" | cut -d' ' -f1)
  mv "$dir/config.tmp" "$dir/$hex.json"
  [ -f "$dir/manifest.json" ] || echo '[]' >"$dir/manifest.json"
  jq -c --arg c "$hex.json" --arg n "$name" --argjson l "$layers" '. + [{Config: $c, RepoTags: [$n], Layers: $l}]' \
    "$dir/manifest.json" >"$dir/manifest.tmp"
  mv "$dir/manifest.tmp" "$dir/manifest.json"
  # The legacy `repositories` file names every image of the archive; kind reads the first of
  # manifest.json / repositories it meets, and of manifest.json only its first image.
  [ -f "$dir/repositories" ] || echo '{}' >"$dir/repositories"
  jq -c --arg r "${name%:*}" --arg t "${name##*:}" --arg h "$hex" '.[$r][$t] = $h' "$dir/repositories" >"$dir/repositories.tmp"
  mv "$dir/repositories.tmp" "$dir/repositories"
}
finish_archive() { # DIR OUT  (names without "./", `repositories` first: kind looks for exact names, see above)
  # shellcheck disable=SC2046 # one word per entry of DIR
  tar --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$1" -cf "$2.tmp" repositories manifest.json \
    $(ls -A "$1" | grep -vx -e repositories -e manifest.json)
  mv "$2.tmp" "$2"
}
# A layer from files: layer_tar OUT SRC:DEST[:MODE]...  (plus /tmp, as distroless images have it)
layer_tar() {
  local out="$1" root spec s d m
  shift
  root=$(mktemp -d "${TMPDIR:-/tmp}/crash-demo-kind-layer-XXXXXX")
  mkdir -p "$root/tmp" && chmod 1777 "$root/tmp"
  for spec in "$@"; do
    IFS=: read -r s d m <<<"$spec"
    mkdir -p "$root/$(dirname "$d")"
    cp "$s" "$root/$d"
    chmod "${m:-0755}" "$root/$d"
  done
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$root" -cf "$out" .
  rm -rf "$root"
}

path_env='["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]'
# --- The kubernetes-server tarball kind's `build node-image --type file` takes.
build_server_tarball() {
  have "$KIND_CACHE/kubernetes-server-linux-amd64.tar.gz" && return 0
  local t w c
  t=$(mktemp -d "${TMPDIR:-/tmp}/crash-demo-kind-server-XXXXXX")
  w="$t/kubernetes/server/bin"
  mkdir -p "$w"
  echo "$K8S_VERSION" >"$t/kubernetes/version"
  cp "$bin/kubeadm" "$cluster_bin/kubelet" "$cluster_bin/kubectl" "$w/"
  for c in kube-apiserver kube-controller-manager kube-scheduler; do
    say "image $c"
    layer_tar "$t/$c-layer.tar" "$cluster_bin/$c:/usr/local/bin/$c"
    mkdir -p "$t/$c"
    archive_image "$t/$c" "registry.k8s.io/$c-amd64:$K8S_VERSION" \
      "{\"Env\": $path_env, \"Entrypoint\": [\"/usr/local/bin/$c\"]}" "$t/$c-layer.tar"
    finish_archive "$t/$c" "$w/$c.tar"
    echo "$K8S_VERSION" >"$w/$c.docker_tag"
  done
  say "image kube-proxy (on the Debian root of the base image, for its iptables), and the images kind would pull"
  local p="$t/kube-proxy"
  mkdir -p "$p"
  layer_tar "$t/kube-proxy-layer.tar" "$bin/kube-proxy:/usr/local/bin/kube-proxy"
  archive_image "$p" "registry.k8s.io/kube-proxy-amd64:$K8S_VERSION" \
    "{\"Env\": $path_env, \"Entrypoint\": [\"/usr/local/bin/kube-proxy\"]}" "$KIND_CACHE/base-rootfs.tar" "$t/kube-proxy-layer.tar"
  # etcd: the test cluster's v3.7.3 under the tag kubeadm names (3.7.0-0): same minor, its newest patch.
  layer_tar "$t/etcd-layer.tar" "$cluster_bin/etcd:/usr/local/bin/etcd"
  archive_image "$p" "registry.k8s.io/etcd:$KUBEADM_ETCD_TAG" \
    "{\"Env\": $path_env, \"Entrypoint\": [\"/usr/local/bin/etcd\"]}" "$t/etcd-layer.tar"
  layer_tar "$t/coredns-layer.tar" "$bin/coredns:/coredns"
  archive_image "$p" "registry.k8s.io/coredns/coredns:$COREDNS_VERSION" \
    "{\"Env\": $path_env, \"Entrypoint\": [\"/coredns\"]}" "$t/coredns-layer.tar"
  layer_tar "$t/pause-layer.tar" "$cluster_bin/pause:/pause"
  archive_image "$p" "$KIND_PAUSE_IMAGE" '{"Entrypoint": ["/pause"], "User": "65535:65535"}' "$t/pause-layer.tar"
  layer_tar "$t/kindnetd-layer.tar" "$bin/kindnetd-not-built:/bin/kindnetd"
  archive_image "$p" "$KINDNETD_IMAGE" \
    '{"Entrypoint": ["/bin/kindnetd"], "Labels": {"crash-demo.not-built": "kindnetd: its Go module is not served here; use disableDefaultCNI"}}' \
    "$t/kindnetd-layer.tar"
  layer_tar "$t/lpp-layer.tar" "$bin/local-path-provisioner:/usr/local/bin/local-path-provisioner"
  archive_image "$p" "$LOCAL_PATH_PROVISIONER_IMAGE" \
    "{\"Env\": $path_env, \"Entrypoint\": [\"/usr/local/bin/local-path-provisioner\"]}" "$t/lpp-layer.tar"
  archive_image "$p" "$LOCAL_PATH_HELPER_IMAGE" "{\"Env\": $path_env}" "$KIND_CACHE/local-path-helper-layer.tar"
  finish_archive "$p" "$w/kube-proxy.tar"
  echo "$K8S_VERSION" >"$w/kube-proxy.docker_tag"
  # gzip -1: kind reads only gzip, and the kube-proxy archive carries a Debian root (~400 MB).
  tar -C "$t" -I "gzip -1" -cf "$KIND_CACHE/kubernetes-server-linux-amd64.tar.gz.tmp" kubernetes
  mv "$KIND_CACHE/kubernetes-server-linux-amd64.tar.gz.tmp" "$KIND_CACHE/kubernetes-server-linux-amd64.tar.gz"
  rm -rf "$t"
}

build_node_image() {
  docker image inspect "$NODE_IMAGE_TAG" >/dev/null 2>&1 && return 0
  say "kind build node-image --type file (into kind's dockerd)"
  # kind extracts the tarball under TMPDIR and leaves it there: a directory of our own, removed after.
  local tmp rc=0
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/crash-demo-kind-node-XXXXXX")
  TMPDIR="$tmp" "$bin/kind" build node-image --type file --base-image "$BASE_IMAGE_TAG" --image "$NODE_IMAGE_TAG" \
    "$KIND_CACHE/kubernetes-server-linux-amd64.tar.gz" || rc=$?
  rm -rf "$tmp"
  return "$rc"
}

# Each piece's wall time, for the figures in README.md (nothing printed when cached).
timed() {
  local t=$SECONDS
  "$1"
  [ "$((SECONDS - t))" -eq 0 ] || say "${1#build_} done in $((SECONDS - t))s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
}
for b in kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler etcd containerd ctr containerd-shim-runc-v2 crictl pause; do
  [ -x "$cluster_bin/$b" ] || fail "$cluster_bin/$b is missing: run bash test/cluster/build.sh first"
done
pieces=(kind kube_extra coredns local_path_provisioner kindnetd_refusal base_rootfs base_image local_path_helper server_tarball node_image)
[ $# -eq 0 ] || pieces=("$@")
started=$SECONDS
for p in "${pieces[@]}"; do
  declare -F "build_$p" >/dev/null || fail "unknown piece \"$p\"; pieces: ${pieces[*]}"
  case "$p" in base_image | node_image) start_kind_dockerd ;; esac
  timed "build_$p"
done
[ $# -eq 0 ] || exit 0
v=$("$bin/kind" version); case "$v" in "kind $KIND_VERSION "*) ;; *) fail "kind reports \"$v\", not $KIND_VERSION" ;; esac
v=$("$bin/kubeadm" version -o short); [ "$v" = "$K8S_VERSION" ] || fail "kubeadm reports \"$v\", not $K8S_VERSION"
say "done in $((SECONDS - started))s"
echo "$NODE_IMAGE_TAG"
