#!/usr/bin/env bash
# Writes an OCI image archive for the pod sandbox: FROM scratch, one static binary (kubernetes'
# build/pause/linux/pause.c, built by build.sh), run as 65535:65535 like the upstream image. Made
# with tar and sha256sum alone, so the cluster needs no image registry and no image builder.
#
#   bash test/cluster/pause-image.sh PAUSE_BINARY IMAGE_NAME OUT.tar
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: pause-image.sh PAUSE_BINARY IMAGE_NAME OUT.tar" >&2; exit 2; }
pause="$1" name="$2" out="$3"
work=$(mktemp -d "${TMPDIR:-/tmp}/crash-demo-pause-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root" "$work/layout/blobs/sha256"
cp "$pause" "$work/root/pause"
# Reproducible: fixed times and owners, so the same binary always gives the same digests.
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/root" -cf "$work/layer.tar" pause
blob() { # file -> prints "sha256:<hex> <size>" and stores the file as a blob
  local hex size
  hex=$(sha256sum "$1" | cut -d' ' -f1); size=$(stat -c %s "$1")
  cp "$1" "$work/layout/blobs/sha256/$hex"
  echo "sha256:$hex $size"
}
read -r layer layer_size < <(blob "$work/layer.tar")
printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/pause"],"User":"65535:65535"},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
  "$layer" >"$work/config.json"
read -r config config_size < <(blob "$work/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%s}]}' \
  "$config" "$config_size" "$layer" "$layer_size" >"$work/manifest.json"
read -r manifest manifest_size < <(blob "$work/manifest.json")
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"platform":{"architecture":"amd64","os":"linux"},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
  "$manifest" "$manifest_size" "$name" "${name##*:}" >"$work/layout/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$work/layout/oci-layout"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/layout" -cf "$out" oci-layout index.json blobs
