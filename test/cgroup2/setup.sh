#!/usr/bin/env bash
# Builds, once, what the cgroup v2 VM boots, into versioned directories of the test cache:
#   cgroup2-kernel-<package>_<version>/   Debian's cloud kernel (apt-get download + dpkg-deb -x,
#                                          never installed on this machine): vmlinuz, and the few
#                                          modules the initramfs loads (virtio PCI and block)
#   cgroup2-guest-<key>/                  initrd.cpio.gz (busybox-static, those modules, an /init
#                                          that mounts the two disks) and system.ext4 (a debootstrap
#                                          minbase of bookworm with Debian's runc, mounted read-only
#                                          as the guest's root)
# The key covers this file, the kernel, busybox and runc versions: change any of them and a new
# directory is built (and the older ones removed). Idempotent and safe to run from several
# processes at once (flock). Prints KEY=VALUE lines (kernel, initrd, system, kernel_package,
# runc_version) on stdout; everything else goes to stderr.
#
#   bash test/cgroup2/setup.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
CACHE_ROOT="${CRASH_DEMO_CACHE:-/var/cache/create-crash-demo}"
SUITE=bookworm
# What the guest's root holds besides minbase: runc (the OCI runtime containerd drives on a node),
# curl (the guest's own probe and the POST /crash, sent inside the container's network namespace).
GUEST_PACKAGES="runc,curl"

say() { printf 'cgroup2 setup: %s\n' "$*" >&2; }
fail() { printf 'cgroup2 setup: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (debootstrap and mkfs.ext4 -d keep file owners)"
for c in apt-get apt-cache dpkg-deb debootstrap mkfs.ext4 cpio depmod modprobe flock qemu-system-x86_64; do
  command -v "$c" >/dev/null || fail "$c not found: run test/setup-machine.sh first"
done

candidate() { apt-cache policy "$1" | sed -n 's/^ *Candidate: //p'; }
# linux-image-cloud-amd64 is a metapackage: the kernel is the package it depends on.
kpkg=$(apt-cache depends linux-image-cloud-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*-cloud-amd64\)$/\1/p' | head -n1)
[ -n "$kpkg" ] || fail "apt-cache knows no linux-image-cloud-amd64 dependency: run apt-get update"
kver=$(candidate "$kpkg")
bbver=$(candidate busybox-static)
runcver=$(candidate runc)
for v in "$kver" "$bbver" "$runcver"; do
  [ -n "$v" ] && [ "$v" != "(none)" ] || fail "apt-cache has no candidate for $kpkg, busybox-static or runc"
done
kabi=${kpkg#linux-image-}

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/cgroup2.lock"
flock 9

kdir="$CACHE_ROOT/cgroup2-kernel-${kpkg}_${kver}"
key=$(printf '%s\n' "$kpkg=$kver" "busybox-static=$bbver" "runc=$runcver" "$GUEST_PACKAGES" | cat - "$0" | sha256sum | cut -c1-16)
gdir="$CACHE_ROOT/cgroup2-guest-$key"
mirror=$(apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 'Created-By: Packages' | awk -v s="$SUITE" '$1 == s { print $2; exit }')
[ -n "$mirror" ] || fail "no apt source for $SUITE: debootstrap needs this machine's Debian mirror"

work=""
cleanup() { [ -z "$work" ] || rm -rf "$work"; }
trap cleanup EXIT

# Only one Debian package directory of each kind is kept (older ones are dead weight).
prune() { local keep="$1" glob="$2" d; for d in $glob; do [ "$d" = "$keep" ] || [ ! -d "$d" ] || rm -rf "$d"; done; }

fetch() { # package version dir: the package's files, extracted, never installed
  (cd "$work" && apt-get download "$1=$2" >/dev/null 2>&1) || fail "apt-get download $1=$2 failed"
  dpkg-deb -x "$work/$1_"*.deb "$3"
}

if [ ! -f "$kdir/vmlinuz" ]; then
  t0=$SECONDS
  work=$(mktemp -d /tmp/cgroup2-setup.XXXXXX)
  chmod 755 "$work" # apt-get download runs as _apt when it can
  say "fetching $kpkg $kver (Debian's cloud kernel) into $kdir"
  fetch "$kpkg" "$kver" "$work/k"
  mkdir -p "$kdir.tmp/modules"
  cp "$work/k/boot/vmlinuz-$kabi" "$kdir.tmp/vmlinuz"
  cp "$work/k/boot/config-$kabi" "$kdir.tmp/config"
  # virtio PCI and block are modules in this kernel (ext4 and memcg are built in). The load order
  # comes from depmod, run on the extracted tree.
  depmod -b "$work/k" "$kabi"
  for m in virtio_pci virtio_blk; do
    modprobe -d "$work/k" -S "$kabi" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
  done | awk '!seen[$0]++' >"$work/order"
  [ -s "$work/order" ] || fail "modprobe found no virtio modules in $kpkg"
  while read -r ko; do
    cp "$ko" "$kdir.tmp/modules/"
    basename "$ko" >>"$kdir.tmp/modules.order"
  done <"$work/order"
  rm -rf "$kdir" && mv "$kdir.tmp" "$kdir"
  prune "$kdir" "$CACHE_ROOT/cgroup2-kernel-*"
  rm -rf "$work"; work=""
  say "kernel ready in $((SECONDS - t0))s"
fi

if [ ! -f "$gdir/system.ext4" ] || [ ! -f "$gdir/initrd.cpio.gz" ]; then
  t0=$SECONDS
  work=$(mktemp -d /tmp/cgroup2-setup.XXXXXX)
  chmod 755 "$work"
  rm -rf "$gdir.tmp" && mkdir -p "$gdir.tmp"

  # --- initramfs: load the virtio modules, mount the guest's root (vda, read-only) and the run
  # disk (vdb) on its /work, and hand over to /work/guest.sh, which the run brought along.
  say "initramfs: busybox-static $bbver and ${kpkg}'s virtio modules"
  fetch busybox-static "$bbver" "$work/bb"
  local_init="$work/initrd"
  mkdir -p "$local_init"/{bin,dev,proc,sys,sysroot,modules}
  cp "$work/bb/bin/busybox" "$local_init/bin/busybox"
  cp "$kdir/modules/"*.ko "$kdir/modules.order" "$local_init/modules/"
  cat >"$local_init/init" <<'EOF'
#!/bin/busybox sh
# PID 1 of the initramfs. A failure ends PID 1: the kernel panics, panic=-1 reboots, and qemu
# -no-reboot exits, so the host never waits for a guest that cannot get going.
b=/bin/busybox
die() { echo "cgroup2-init: $*"; exit 1; }
$b mount -t devtmpfs devtmpfs /dev || die "mount devtmpfs"
$b mount -t proc proc /proc || die "mount proc"
while read -r ko; do $b insmod "/modules/$ko" || die "insmod $ko"; done </modules/modules.order
i=0
until [ -b /dev/vda ] && [ -b /dev/vdb ]; do
  i=$((i + 1)); [ "$i" -le 100 ] || die "no /dev/vda and /dev/vdb after 10s (virtio-blk disks)"
  $b sleep 0.1
done
$b mount -t ext4 -o ro /dev/vda /sysroot || die "mount the system disk /dev/vda"
$b mount -t ext4 /dev/vdb /sysroot/work || die "mount the run disk /dev/vdb"
[ -f /sysroot/work/guest.sh ] || die "the run disk has no guest.sh"
$b umount /proc
$b mount --move /dev /sysroot/dev || die "move /dev"
exec $b switch_root /sysroot /bin/bash /work/guest.sh
EOF
  chmod 755 "$local_init/init"
  (cd "$local_init" && find . | cpio --quiet -o -H newc -R 0:0) | gzip -9 >"$gdir.tmp/initrd.cpio.gz"

  # --- the guest's root: Debian packages only, the same debootstrap cache as the stand-in bases.
  say "guest root: debootstrap $SUITE minbase + $GUEST_PACKAGES (runc $runcver) from $mirror"
  mkdir -p "$CACHE_ROOT/debs"
  debootstrap --variant=minbase --include="$GUEST_PACKAGES" --cache-dir="$CACHE_ROOT/debs" \
    "$SUITE" "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; fail "debootstrap failed"; }
  rm -rf "$work/root/var/lib/apt/lists/"* "$work/root/var/cache/apt/archives/"*.deb
  mkdir -p "$work/root/work"
  size=$(( $(du -sm "$work/root" | cut -f1) * 5 / 4 + 64 ))
  mkfs.ext4 -q -F -L cg2-system -d "$work/root" "$gdir.tmp/system.ext4" "${size}M" >&2
  printf '%s\n' "$runcver" >"$gdir.tmp/runc-version"
  rm -rf "$gdir" && mv "$gdir.tmp" "$gdir"
  prune "$gdir" "$CACHE_ROOT/cgroup2-guest-*"
  say "guest ready in $((SECONDS - t0))s"
fi

printf 'kernel=%s\n' "$kdir/vmlinuz"
printf 'initrd=%s\n' "$gdir/initrd.cpio.gz"
printf 'system=%s\n' "$gdir/system.ext4"
printf 'kernel_package=%s\n' "${kpkg}_${kver}"
printf 'runc_version=%s\n' "$runcver"
