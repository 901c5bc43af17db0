"""The demo's whole configuration: environment variables, checked once when the app starts.

gunicorn reads app/gunicorn.conf.py in the arbiter before it forks a worker, and that file imports
this module: a bad value stops the container at once, with exit code 2 and one line that says what
is wrong, instead of a demo that silently does something else in front of an audience.
"""
import ipaddress
import os
import re
import sys

MODES = ("exit-worker", "kill-parent", "halt-supervisor", "oom", "hang")
TRIGGERS = ("http", "random", "timer", "startup")


def _invalid(name, value, valid):
    print(f"crash-demo: invalid {name}={value}: {valid}", file=sys.stderr, flush=True)
    sys.exit(2)


def _choice(name, default, choices):
    value = os.environ.get(name, default)
    if value not in choices:
        _invalid(name, value, "one of " + ", ".join(choices))
    return value


def _number(name, default, valid, ok, integer=False):
    text = os.environ.get(name, default)
    # A strict pattern: float() would also take "nan", "inf", "1_0" and " 1 ".
    pattern = r"\d+" if integer else r"\d+(\.\d+)?|\.\d+"
    if not re.fullmatch(pattern, text) or not ok(int(text) if integer else float(text)):
        _invalid(name, text, valid)
    return int(text) if integer else float(text)


def _address(name, default):
    text = os.environ.get(name, default)
    try:
        ipaddress.ip_address(text)
    except ValueError:
        _invalid(name, text, "an IP address to listen on, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)")
    return text


MODE = _choice("CRASH_MODE", "kill-parent", MODES)
TRIGGER = _choice("CRASH_TRIGGER", "http", TRIGGERS)
PROBABILITY = _number("CRASH_PROBABILITY", "0.06", "a number from 0 to 1", lambda p: 0 <= p <= 1)
AFTER_SECONDS = _number(
    "CRASH_AFTER_SECONDS", "30", "seconds, a number > 0 and at most 86400", lambda s: 0 < s <= 86400
)
WORKERS = _number("WORKERS", "2", "an integer from 1 to 16", lambda n: 1 <= n <= 16, integer=True)
PORT = _number("PORT", "8080", "an integer from 1024 to 65535", lambda n: 1024 <= n <= 65535, integer=True)


# 127.0.0.1 unless told otherwise: /crash is an unauthenticated crash button. The Dockerfile sets
# HOST=0.0.0.0, so in a container (a pod) the app answers on the container's own interfaces.
HOST = _address("HOST", "127.0.0.1")
