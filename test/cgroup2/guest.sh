#!/bin/bash
# PID 1 of the cgroup v2 guest (after the initramfs's switch_root). It does, for each line of
# /work/plan, what a cgroup v2 node does with a container: runc runs the OCI bundle the host wrote
# (the demo's own image, exported; the kubelet's resources in config.json) in a cgroup below
# /sys/fs/cgroup/kubepods; then it fires the crash with POST /crash inside the container's network
# namespace and watches the processes. One result line per run goes to the second serial port
# (/dev/ttyS1), prefixed `CG2 `, as JSON; the console (ttyS0) gets the app's own output.
#
# /work/plan, one run a line: <run id> <port> <workers> <crash mode>
#   /work/bundles/<run id>/config.json   (its root.path points into /work/rootfs/)
# /work/parallel: how many runs at once (each in its own cgroup, under its own memory limit).
set -u
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

result() { printf 'CG2 %s\n' "$1" >/dev/ttyS1; }
fatal() {
  result "{\"fatal\":\"$1\"}"
  sync
  echo o >/proc/sysrq-trigger
  sleep 10
}

mount -t proc proc /proc || fatal "mount proc"
mount -t sysfs sysfs /sys || fatal "mount sysfs"
mount -t tmpfs -o mode=755 tmpfs /run || fatal "mount /run"
mount -t tmpfs tmpfs /tmp || fatal "mount /tmp"
# What a cgroup v2 node mounts, and nothing of v1 (cgroup_no_v1=all on the kernel command line).
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup || fatal "mount cgroup2"
grep -qw memory /sys/fs/cgroup/cgroup.controllers || fatal "no memory controller in cgroup2"
echo '+memory +cpu +pids' >/sys/fs/cgroup/cgroup.subtree_control || fatal "enable memory for the subtree"
mkdir -p /sys/fs/cgroup/kubepods
echo '+memory +cpu +pids' >/sys/fs/cgroup/kubepods/cgroup.subtree_control || fatal "enable memory below kubepods"
mkdir -p /work/logs /work/volumes

v1=$(awk '$3 == "cgroup" { print $2 }' /proc/mounts | tr '\n' ' ')
kernel=$(sed -n 's/.* Debian \([0-9][0-9.]*\)[-+].*/\1/p' /proc/version)
runc_version=$(runc --version | sed -n 's/^runc version //p')
result "{\"boot\":true,\"uname\":\"$(uname -r)\",\"kernel\":\"$kernel\",\"runc\":\"$runc_version\",\"cgroupV1Mounts\":\"${v1% }\",\"uptime\":$(cut -d' ' -f1 /proc/uptime)}"

# A process is alive while it exists and is neither a zombie nor dead.
alive() {
  local s
  s=$(sed -n 's/^State:\t\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null) || return 1
  [ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]
}
# The guest PID of a process whose PID in the container's namespace is $2, among cgroup $1's.
guest_pid() {
  local p
  for p in $(cat "$1/cgroup.procs" 2>/dev/null); do
    [ "$(awk '/^NSpid:/ { print $NF }' "/proc/$p/status" 2>/dev/null)" = "$2" ] && { echo "$p"; return; }
  done
}
counter() { awk -v k="$2" '$1 == k { print $2 }' "$1/memory.events" 2>/dev/null || echo null; }
num() { sed -n "s/.*\"$2\": *\([0-9][0-9]*\).*/\1/p" <<<"$1"; }
now() { cut -d' ' -f1 /proc/uptime; }

run_one() {
  local id=$1 port=$2 workers=$3 crash=$4
  local pod=/sys/fs/cgroup/kubepods/$id ctr=/sys/fs/cgroup/kubepods/$id/ctr log=/work/logs/$id.log
  mkdir -p "$pod" && echo '+memory +cpu +pids' >"$pod/cgroup.subtree_control"
  # The pod's emptyDir for /tmp: a directory on the node's disk, writable by the pod's fsGroup.
  mkdir -p "/work/volumes/$id" && chmod 0777 "/work/volumes/$id"

  local t0 rpid pid1 state up answer wns sns wpid spid
  t0=$(now)
  runc --root /run/runc run --bundle "/work/bundles/$id" "$id" </dev/null >"$log" 2>&1 &
  rpid=$!
  in_pod() { nsenter -t "$pid1" -n -- "$@"; }

  # Ready: the container's init has a PID and the app answers its readiness probe.
  pid1="" up=""
  for _ in $(seq 1 600); do
    kill -0 "$rpid" 2>/dev/null || break
    [ -n "$pid1" ] || pid1=$(runc --root /run/runc state "$id" 2>/dev/null | sed -n 's/^ *"pid": *\([0-9]*\),*$/\1/p')
    if [ -n "$pid1" ] && [ "$pid1" != 0 ] && in_pod curl -fsS -m 5 -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null; then
      up=$(now); break
    fi
    sleep 0.5
  done
  if [ -z "$up" ]; then
    wait "$rpid"; state=$?
    echo "== $id: never ready (runc exit $state); its output:"; cat "$log"
    result "{\"run\":\"$id\",\"error\":\"the app never answered GET /readyz\",\"pid1Exit\":$state}"
    runc --root /run/runc delete --force "$id" >/dev/null 2>&1; rmdir "$ctr" "$pod" 2>/dev/null
    return
  fi

  answer=$(in_pod curl -sS -m 10 -X POST "http://127.0.0.1:$port/crash")
  wns=$(num "$answer" pid); sns=$(num "$answer" ppid)
  wpid=$(guest_pid "$ctr" "$wns"); spid=$(guest_pid "$ctr" "$sns")
  if [ -z "$wpid" ] || [ -z "$spid" ]; then
    result "{\"run\":\"$id\",\"error\":\"POST /crash answered ${answer//\"/\'}, and no process in the container has its pid/ppid\"}"
    runc --root /run/runc kill "$id" KILL; wait "$rpid"; rmdir "$pod" 2>/dev/null
    return
  fi

  # The worker dies (the OOM killer) or, for other crash modes, PID 1 ends first.
  local worker_dead=false supervisor_outlived=false exited=false code=null replaced=false t_dead=null
  for _ in $(seq 1 1200); do
    if ! alive "$wpid"; then worker_dead=true; t_dead=$(now); break; fi
    kill -0 "$rpid" 2>/dev/null || break
    sleep 0.1
  done
  # A group kill signals every process of the cgroup in one pass; 2 s is long for it to land.
  sleep 2
  if [ "$worker_dead" = true ] && alive "$spid"; then supervisor_outlived=true; fi

  # Does the supervisor put a new worker in? Ask GET / until a worker numbered above the first
  # ones answers, or PID 1 is gone (the runc process, its parent here, has exited).
  if [ "$supervisor_outlived" = true ]; then
    for _ in $(seq 1 240); do
      kill -0 "$rpid" 2>/dev/null || break
      local n
      n=$(num "$(in_pod curl -sS -m 5 "http://127.0.0.1:$port/" 2>/dev/null)" worker)
      if [ -n "$n" ] && [ "$n" -gt "$workers" ]; then replaced=true; break; fi
      sleep 0.5
    done
  fi
  # Then give PID 1 time to go, as a node would see it go: 5 s more, or until it exits.
  for _ in $(seq 1 50); do kill -0 "$rpid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$rpid" 2>/dev/null; then
    local ready=false
    in_pod curl -fsS -m 5 -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null && ready=true
    # Still running: end it as the kubelet's SIGKILL would; this exit status is not the run's.
    runc --root /run/runc kill "$id" KILL
    wait "$rpid"
    still="\"runningAfterSeconds\":$(awk -v a="$(now)" -v b="$up" 'BEGIN { printf "%.1f", a - b }'),\"readyAtEnd\":$ready"
  else
    wait "$rpid"; code=$?; exited=true
    still="\"runningAfterSeconds\":null"
  fi
  runc --root /run/runc delete --force "$id" >/dev/null 2>&1
  # memory.events counts the events of a cgroup and its descendants: the pod's cgroup still has
  # the container's (the ctr cgroup goes with runc delete).
  local oom_kill oom_group_kill announced=false
  oom_kill=$(counter "$pod" oom_kill); oom_group_kill=$(counter "$pod" oom_group_kill)
  grep -q "<<<< crashing: $crash pid=$wns ppid=$sns >>>>" "$log" && announced=true
  echo "== $id: the container's output"; cat "$log"
  rmdir "$pod" 2>/dev/null
  result "{\"run\":\"$id\",\"pid1Exit\":$code,\"exited\":$exited,\"workerDied\":$worker_dead,\"supervisorOutlivedWorker\":$supervisor_outlived,\"workerReplaced\":$replaced,\"oomKill\":${oom_kill:-null},\"oomGroupKill\":${oom_group_kill:-null},\"crashAnnounced\":$announced,\"worker\":$wns,\"supervisor\":$sns,\"readySeconds\":$(awk -v a="$up" -v b="$t0" 'BEGIN { printf "%.1f", a - b }'),$still}"
}

parallel=$(cat /work/parallel 2>/dev/null || echo 1)
while read -r id port workers crash; do
  [ -n "$id" ] || continue
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n; done
  run_one "$id" "$port" "$workers" "$crash" &
done </work/plan
wait
result '{"done":true}'
sync
echo o >/proc/sysrq-trigger
sleep 10
