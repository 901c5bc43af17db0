"""How a worker crashes (CRASH_MODE) and what fires it outside a request (CRASH_TRIGGER).

Every crash calls os._exit or the kernel, never sys.exit: inside a gunicorn worker, SystemExit
is caught (gunicorn 22+ answers HTTP 500) and the worker would live on.
"""
import os
import signal
import sys
import tempfile
import threading
import time

from app import settings

HALT_CODE = 4  # gunicorn's APP_LOAD_ERROR: the arbiter halts with it instead of booting a new worker
STEP = 16 * 1024 * 1024

# Which worker this process is: gunicorn's worker.age, 1 for the first one the arbiter boots.
worker_number = None


def log(line):
    print(line, file=sys.stderr, flush=True)


def expect():
    """What is about to happen, in the words of the worker that is about to do it."""
    parent = os.getppid()
    return {
        "exit-worker": "this worker exits with code 1; the supervisor should boot a new one",
        "kill-parent": f"SIGKILL to my parent, pid {parent}"
        + (" - PID 1 of this PID namespace, so the kernel should drop it" if parent == 1 else ""),
        "halt-supervisor": f"this worker exits with code {HALT_CODE}; the supervisor halts with {HALT_CODE}",
        "oom": "this worker allocates memory in 16 MiB steps until the kernel kills it",
        "hang": "this worker and every other stop answering, and nothing exits; gunicorn's arbiter kills"
        " a worker silent for longer than its timeout and boots a new one, which hangs at its first request",
    }[settings.MODE]


def marker(kind):
    """A file name unique to this arbiter's run (CRASH_DEMO_RUN is set by gunicorn.conf.py): a
    restarted container in the same pod keeps /tmp, and its arbiter may well have the same pid."""
    return os.path.join(tempfile.gettempdir(), f"crash-demo-{kind}-{os.environ.get('CRASH_DEMO_RUN', os.getppid())}")


def halt_marker():
    return marker("halt")


def hang_marker():
    """Left by the worker that fired --crash hang. Every worker of this run, the ones the arbiter
    boots later included, hangs at its next request while it exists: a hang that gunicorn's
    timeout would heal by booting a fresh worker stays a hang, so only the liveness probe ends it."""
    return marker("hang")


def hung():
    return os.path.exists(hang_marker())


def hang_here():
    """Never returns, and uses no CPU: a handler stuck on a lock or a socket that never answers."""
    while True:
        time.sleep(3600)


def first_to_halt():
    """True for the first worker of this arbiter that halts it, False for any later one.

    When two workers exit with APP_LOAD_ERROR at the same moment (a timer fires in both), gunicorn
    20's arbiter halts on the first and never reaps the second: it then waits graceful_timeout (30 s)
    before it exits. One halting worker keeps the demo's timing exact.
    """
    marker = halt_marker()
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    except OSError:
        return True  # nowhere to write the marker: halt anyway
    return True


def fire():
    if settings.MODE == "halt-supervisor" and not first_to_halt():
        log(f"crash-demo: worker pid={os.getpid()} leaves the halt to the worker that fired first")
        return
    log(f"<<<< crashing: {settings.MODE} pid={os.getpid()} ppid={os.getppid()} >>>>")
    if settings.MODE == "exit-worker":
        os._exit(1)
    elif settings.MODE == "kill-parent":
        kill_parent()
    elif settings.MODE == "halt-supervisor":
        os._exit(HALT_CODE)
    elif settings.MODE == "oom":
        eat_memory()
    elif settings.MODE == "hang":
        with open(hang_marker(), "a"):
            pass
        if threading.current_thread() is threading.main_thread():
            hang_here()  # a request's or the worker's boot: this worker stops here
        # the timer's thread: the worker itself hangs at its next request


def kill_parent():
    parent = os.getppid()
    os.kill(parent, signal.SIGKILL)
    # Report what really happened: a dead parent makes the kernel re-parent this worker at once.
    time.sleep(0.5)
    if os.getppid() == parent:
        log(f"crash-demo: my parent pid={parent} is still alive after SIGKILL"
            + (": it is PID 1, and the kernel dropped the signal" if parent == 1 else ""))
    else:
        log(f"crash-demo: my parent pid={parent} is gone; my new parent is pid={os.getppid()}")


def eat_memory():
    hog = []
    while True:
        # bytes * n writes every byte, so the pages are really resident (a bytearray would not be).
        hog.append(b"\x01" * STEP)


def arm(number):
    """Called in each new worker right after it booted (gunicorn's post_worker_init hook)."""
    global worker_number
    worker_number = number
    if settings.TRIGGER == "timer":
        timer = threading.Timer(settings.AFTER_SECONDS, fire)
        timer.daemon = True  # never keep a worker alive that gunicorn wants to stop
        timer.start()
    elif settings.TRIGGER == "startup" and number == 1:
        fire()
