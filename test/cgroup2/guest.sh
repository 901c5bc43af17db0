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
#
# Every emulated instruction is slow (TCG), so the loops that poll use bash builtins only: HTTP over
# /dev/tcp, /proc read with `read`, naps with `read -t`; the observer runs inside the container's
# network namespace (`guest.sh observe ...` under nsenter) so it needs no process per request.
set -u
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

result() { printf 'CG2 %s\n' "$1" >/dev/ttyS1; }
# A nap that forks nothing: fd 8 is a FIFO nobody writes to (/run/nap, made at boot).
nap() { read -r -t "$1" -u 8 _ || :; }
now() { read -r NOW _ </proc/uptime; }
since() { # seconds from $1 to now, one decimal
  now; local a=${NOW/./} b=${1/./}
  local d=$((10#$a - 10#$b))
  printf -v SINCE '%d.%d' $((d / 100)) $((d % 100 / 10))
}
# A process is alive while it exists and is neither a zombie nor dead.
alive() {
  local k v
  { while read -r k v; do [ "$k" = State: ] && break; done </proc/"$1"/status; } 2>/dev/null || return 1
  [ -n "$v" ] && [ "${v:0:1}" != Z ] && [ "${v:0:1}" != X ]
}
# One HTTP/1.0 request to the app on 127.0.0.1:$PORT of this network namespace; sets STATUS and BODY.
http() {
  STATUS="" BODY=""
  { exec 7<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null || return 1
  printf '%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n' "$1" "$2" >&7
  local line
  read -r -t 10 -u 7 _ STATUS _ || { exec 7>&-; return 1; }
  while IFS= read -r -t 10 -u 7 line; do [ "$line" = $'\r' ] && break; done
  while IFS= read -r -t 10 -u 7 line || [ -n "$line" ]; do BODY+=$line; done
  exec 7>&-
  [ "$STATUS" = 200 ] || [ "$STATUS" = 202 ]
}
field() { [[ $BODY =~ \"$1\":\ *([0-9]+) ]] && echo "${BASH_REMATCH[1]}"; }
# "<pid in the container's namespace> <guest pid>" lines for the processes of cgroup $1.
pid_map() {
  local p k a b
  for p in $(<"$1/cgroup.procs"); do
    { while read -r k a b; do [ "$k" = NSpid: ] && { echo "${b:-$a} $p"; break; }; done </proc/$p/status; } 2>/dev/null
  done
}
guest_pid() { local n g; while read -r n g; do [ "$n" = "$2" ] && { echo "$g"; return; }; done <<<"$1"; }
runc_gone() { [ -f "/run/exit.$ID" ]; }

# --- observe: inside the container's network namespace (and the guest's PID namespace).
observe() {
  ID=$1 PORT=$2
  local workers=$3 crash=$4 t0=$5 pod=/sys/fs/cgroup/kubepods/$1 log=/work/logs/$1.log
  local ctr=$pod/ctr up="" fired
  for _ in $(seq 1 900); do
    runc_gone && break
    http GET /readyz && { now; up=$NOW; break; }
    nap 0.5
  done
  if [ -z "$up" ]; then
    echo "== $ID: never ready; its output:"; cat "$log"
    result "{\"run\":\"$ID\",\"error\":\"the app never answered GET /readyz\"}"
    return
  fi

  local pids wns sns wpid spid
  pids=$(pid_map "$ctr")
  now; fired=$NOW
  http POST /crash
  local answer=$BODY
  wns=$(field pid); sns=$(field ppid)
  wpid=$(guest_pid "$pids" "$wns"); spid=$(guest_pid "$pids" "$sns")
  if [ -z "$wpid" ] || [ -z "$spid" ]; then
    result "{\"run\":\"$ID\",\"error\":\"POST /crash answered ${answer//\"/\'}, and no process in the container had its pid/ppid\"}"
    return
  fi

  # The worker dies (the OOM killer) or, for other crash modes, PID 1 ends first.
  local worker_dead=false supervisor_outlived=false replaced=false
  for _ in $(seq 1 1200); do
    if ! alive "$wpid"; then worker_dead=true; break; fi
    runc_gone && break
    nap 0.1
  done
  # A group kill signals every process of the cgroup in one pass; 2 s is long for it to land.
  nap 2
  if [ "$worker_dead" = true ] && alive "$spid"; then supervisor_outlived=true; fi

  # Does the supervisor put a new worker in? Ask GET / until a worker numbered above the first
  # ones answers, or PID 1 is gone.
  if [ "$supervisor_outlived" = true ]; then
    for _ in $(seq 1 240); do
      runc_gone && break
      if http GET /; then
        local n; n=$(field worker)
        [ -n "$n" ] && [ "$n" -gt "$workers" ] && { replaced=true; break; }
      fi
      nap 0.5
    done
  fi
  # Then give PID 1 time to go, as a node would see it go: 5 s more, or until it exits.
  for _ in $(seq 1 50); do runc_gone && break; nap 0.1; done
  local still
  if runc_gone; then
    still="\"runningAfterSeconds\":null"
  else
    local ready=false
    http GET /readyz && ready=true
    since "$up"
    still="\"runningAfterSeconds\":$SINCE,\"readyAtEnd\":$ready"
  fi
  local ready_s
  ready_s=$(awk -v a="$up" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')
  since "$fired"
  printf '%s' "\"worker\":$wns,\"supervisor\":$sns,\"workerDied\":$worker_dead,\"supervisorOutlivedWorker\":$supervisor_outlived,\"workerReplaced\":$replaced,\"readySeconds\":$ready_s,\"crashToEndSeconds\":$SINCE,$still" >"/run/observed.$ID"
}

if [ "${1:-}" = observe ]; then
  shift
  # A request written to a connection the app has just reset (a worker killed mid-accept) must fail
  # that request, not end the observer: SIGPIPE's default would kill it with no result for the run.
  trap '' PIPE
  exec 8<>/run/nap
  observe "$@"
  exit 0
fi

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
mkfifo /run/nap && exec 8<>/run/nap
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
read -r up _ </proc/uptime
result "{\"boot\":true,\"uname\":\"$(uname -r)\",\"kernel\":\"$kernel\",\"runc\":\"$runc_version\",\"cgroupV1Mounts\":\"${v1% }\",\"uptime\":$up}"

run_one() {
  local id=$1 port=$2 workers=$3 crash=$4
  local pod=/sys/fs/cgroup/kubepods/$id log=/work/logs/$id.log
  local ctr=$pod/ctr
  mkdir -p "$pod" && echo '+memory +cpu +pids' >"$pod/cgroup.subtree_control"
  # The pod's emptyDir for /tmp: a directory on the node's disk, writable by the pod's fsGroup.
  mkdir -p "/work/volumes/$id" && chmod 0777 "/work/volumes/$id"

  now; local t0=$NOW
  # runc's exit status is PID 1's (128+n for a signal n), as containerd reports it to the kubelet.
  ( runc --root /run/runc run --bundle "/work/bundles/$id" "$id" </dev/null >"$log" 2>&1; echo $? >"/run/exit.$id" ) &

  # The container's PID 1: the process of its cgroup that is PID 1 of its own PID namespace.
  local pid1="" p k a b
  for _ in $(seq 1 1200); do
    [ -f "/run/exit.$id" ] && break
    { for p in $(<"$ctr/cgroup.procs"); do
        while read -r k a b; do [ "$k" = NSpid: ] && { [ "$b" = 1 ] && pid1=$p; break; }; done </proc/$p/status
      done; } 2>/dev/null
    [ -n "$pid1" ] && break
    nap 0.2
  done
  local observer=0
  if [ -n "$pid1" ]; then
    nsenter -t "$pid1" -n -- /bin/bash /work/guest.sh observe "$id" "$port" "$workers" "$crash" "$t0" || observer=$?
  fi
  if [ ! -f "/run/observed.$id" ]; then
    if [ -z "$pid1" ]; then
      result "{\"run\":\"$id\",\"error\":\"runc started no container; its output: $(tr -d '"\\' <"$log" | tr '\n' ' ')\"}"
    elif [ "$observer" != 0 ]; then
      # Never a run without a line: the host would only know that none came.
      result "{\"run\":\"$id\",\"error\":\"the observer ended with status $observer before it reported\"}"
    fi
    runc --root /run/runc kill "$id" KILL >/dev/null 2>&1
    wait
    runc --root /run/runc delete --force "$id" >/dev/null 2>&1; rmdir "$pod" 2>/dev/null
    return
  fi
  local code=null exited=true
  if [ ! -f "/run/exit.$id" ]; then
    # Still running: end it as the kubelet's SIGKILL would; this exit status is not the run's.
    exited=false
    runc --root /run/runc kill "$id" KILL
  fi
  wait
  [ "$exited" = true ] && code=$(<"/run/exit.$id")
  runc --root /run/runc delete --force "$id" >/dev/null 2>&1
  # memory.events counts the events of a cgroup and its descendants: the pod's cgroup still has
  # the container's (the ctr cgroup goes with runc delete).
  local oom_kill oom_group_kill announced=false observed wns sns
  oom_kill=$(awk '$1 == "oom_kill" { print $2 }' "$pod/memory.events")
  oom_group_kill=$(awk '$1 == "oom_group_kill" { print $2 }' "$pod/memory.events")
  observed=$(<"/run/observed.$id")
  [[ $observed =~ \"worker\":([0-9]+),\"supervisor\":([0-9]+) ]] && wns=${BASH_REMATCH[1]} sns=${BASH_REMATCH[2]}
  grep -qF "<<<< crashing: $crash pid=${wns:-?} ppid=${sns:-?} >>>>" "$log" && announced=true
  echo "== $id: the container's output"; cat "$log"
  rmdir "$pod" 2>/dev/null
  result "{\"run\":\"$id\",\"pid1Exit\":$code,\"exited\":$exited,\"oomKill\":${oom_kill:-null},\"oomGroupKill\":${oom_group_kill:-null},\"crashAnnounced\":$announced,$observed}"
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
