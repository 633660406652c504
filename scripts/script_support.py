"""What the scripts' Python helpers (observability_check.py, soak.py) share: a free port, an
HTTP GET, and waiting for an endpoint while the process that should serve it is alive."""

import socket
import sys
import time
import urllib.error
import urllib.request


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=10):
    """(status, content type, body) of a GET."""
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read()


def pid_alive(pid):
    """Whether process PID runs (a zombie does not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1].split()[0] != "Z"
    except OSError:
        return False


def wait_http(url, seconds, pid=None):
    """0 once URL answers 200 within SECONDS; 1 if it does not, or if process PID exits first."""
    deadline = time.time() + float(seconds)
    while time.time() < deadline:
        if pid and not pid_alive(int(pid)):
            print(f"process {pid} exited while waiting for {url}", file=sys.stderr)
            return 1
        try:
            if http_get(url, timeout=5)[0] == 200:
                return 0
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(1)
    print(f"no answer from {url} within {seconds} s", file=sys.stderr)
    return 1
