# gunicorn reads this file in the arbiter (the supervisor), before it forks any worker: importing
# app.settings here makes a bad environment variable stop the container at once with exit code 2.
import os
import uuid

from app import crash, settings

# One id per arbiter run, inherited by its workers (see crash.first_to_halt).
os.environ["CRASH_DEMO_RUN"] = uuid.uuid4().hex

# An IPv6 address goes in brackets: [::]:8080.
bind = f"[{settings.HOST}]:{settings.PORT}" if ":" in settings.HOST else f"{settings.HOST}:{settings.PORT}"
workers = settings.WORKERS
# After SIGTERM the kubelet waits terminationGracePeriodSeconds (10 in k8s/) before SIGKILL: a
# graceful stop must fit in it (gunicorn's default is 30 s).
graceful_timeout = 8
# The workers' heartbeat files: the container's root filesystem is read-only, /dev/shm is a tmpfs.
# (A laptop without /dev/shm, macOS for one, falls back to gunicorn's default temp directory.)
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def post_worker_init(worker):
    # worker.age counts the workers this arbiter has booted: 1 is the first, 2 the next, ...
    crash.arm(worker.age)


def on_exit(server):
    # The markers of this run, if a worker left one (see crash.first_to_halt and crash.hang_marker).
    for marker in (crash.halt_marker(), crash.hang_marker()):
        try:
            os.remove(marker)
        except OSError:
            pass
