# gunicorn reads this file in the arbiter (the supervisor), before it forks any worker: importing
# app.settings here makes a bad environment variable stop the container at once with exit code 2.
from app import crash, settings

bind = f"0.0.0.0:{settings.PORT}"
workers = settings.WORKERS
# The workers' heartbeat files; the container's root filesystem is read-only.
worker_tmp_dir = "/dev/shm"


def post_worker_init(worker):
    # worker.age counts the workers this arbiter has booted: 1 is the first, 2 the next, ...
    crash.arm(worker.age)
