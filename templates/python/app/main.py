"""The HTTP face of a worker: who am I, health probes, and POST /crash."""
import os
import random

from flask import Flask, jsonify

from app import crash, settings

app = Flask(__name__)


@app.before_request
def maybe_hang():
    # --crash hang: once it fired, no request of this run gets an answer, the probes' included.
    if settings.MODE == "hang" and crash.hung():
        crash.hang_here()


@app.get("/")
def whoami():
    with open("/proc/1/comm") as comm:
        pid1 = comm.read().strip()
    return jsonify(
        pid=os.getpid(),
        ppid=os.getppid(),
        pid1=pid1,
        crashMode=settings.MODE,
        trigger=settings.TRIGGER,
        runtime="python",
        worker=crash.worker_number,
    )


@app.get("/healthz")
def healthz():  # liveness: this worker answers at all
    return jsonify(alive=True)


@app.get("/readyz")
def readyz():  # readiness: a separate handler, so the two probes can be told apart in the logs
    return jsonify(ready=True, worker=crash.worker_number)


@app.post("/crash")
def crash_now():
    if settings.TRIGGER != "http":
        body = jsonify(firing=None, trigger=settings.TRIGGER,
                       expect=f"nothing: CRASH_TRIGGER={settings.TRIGGER}, the crash fires by itself")
        return body, 409
    response = jsonify(firing=settings.MODE, pid=os.getpid(), ppid=os.getppid(), expect=crash.expect())
    response.status_code = 202
    # Fire only once gunicorn has sent the whole reply, so the caller sees what is about to happen.
    response.call_on_close(crash.fire)
    return response


@app.after_request
def maybe_crash(response):
    # CRASH_TRIGGER=random: every request, the kubelet's probes included, may fire the crash.
    if settings.TRIGGER == "random" and random.random() < settings.PROBABILITY:
        response.call_on_close(crash.fire)
    return response
