#!/bin/sh
# The default runtime of kind's dockerd: runc, minus CAP_SYS_RESOURCE. This machine's root lacks that
# capability in its bounding set, so runc cannot grant it and every `docker run --privileged` (which
# kind's nodes are) fails with "unable to apply caps: operation not permitted" (measured here, see
# README.md). The wrapper removes that one capability from the spec runc is handed: the
# bundle's config.json for create/run, the --process file of an exec. Everything else is runc's.
set -eu
drop() {
  tmp="$1.crash-demo-tmp"
  jq '(.. | objects | select(has("bounding")) | (.bounding, .effective, .permitted, .inheritable, .ambient)) |= (if . == null then . else map(select(. != "CAP_SYS_RESOURCE")) end)' "$1" >"$tmp"
  mv "$tmp" "$1"
}
cmd="" bundle="" process="" prev=""
for a in "$@"; do
  case "$prev" in
    --bundle | -b) bundle="$a" ;;
    --process | -p) process="$a" ;;
  esac
  case "$a" in
    --bundle=*) bundle="${a#--bundle=}" ;;
    --process=*) process="${a#--process=}" ;;
    create | run | exec) [ -n "$cmd" ] || cmd="$a" ;;
  esac
  prev="$a"
done
case "$cmd" in
  create | run) [ -z "$bundle" ] || drop "$bundle/config.json" ;;
  exec) [ -z "$process" ] || drop "$process" ;;
esac
exec runc "$@"
