#!/bin/sh
# PID 1 for --pid1 shell: runs the supervisor ("$@") as a CHILD. There is no `exec` here, on purpose:
# this shell stays PID 1, so the supervisor is an ordinary process that a SIGKILL can reach - and when
# it dies, this script ends and takes the container with it. That is the lesson of the demo.

"$@" &
child=$!

# PID 1 gets no default signal actions: without these traps, `kubectl delete pod` would wait for the
# grace period and a SIGKILL. (INT only reaches supervisors that install their own handler, as
# gunicorn and server.mjs do: a background job of a non-interactive shell starts with INT ignored.)
trap 'kill -TERM "$child" 2>/dev/null' TERM
trap 'kill -INT "$child" 2>/dev/null' INT

# `wait` also returns when a trapped signal arrives; wait again until the child is really gone.
while :; do
  wait "$child"
  status=$?
  kill -0 "$child" 2>/dev/null || break
done

# The child's exact status: 4 when it halted, 128+9 = 137 when it was SIGKILLed. Never end with
# another command (`...; echo done`): the container would exit 0, and Kubernetes says "Completed".
exit "$status"
