"""Benchmark: ``/health`` latency while 50 idle connections are open (issue 12, point 5).

Serves the app with gunicorn on loopback twice: with gunicorn.conf.py (gthread, as ``make run``)
and, for comparison, the former ``gunicorn -w 2`` (sync workers). Each run opens ``--idle``
TCP connections that send nothing (``--half``: a request line and one header, then nothing:
a slow client), then times ``--requests`` GET /health (a new connection
each, 2 s timeout each) and reports p50/p95/max and the failures. Every loop is bounded.

    .venv/bin/python bench/bench_idle.py [--idle 50] [--requests 200] [--port 5620]

The target: p95 under 100 ms with the config file.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import requests
from load.server import ROOT, VENV_BIN, prepare_database, wait_ready


def _start(config: str, port: int, database_url: str, tmp: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench-sleutel",
           "SESSION_COOKIE_SECURE": "0", "PORT": str(port)}
    env.pop("TEST_DATABASE_URL", None)
    instance = tmp / "instance"
    instance.mkdir(exist_ok=True)
    app = f"app:create_app(instance_path={str(instance)!r})"
    if config == "gunicorn.conf.py (gthread)":
        args = ["-c", str(ROOT / "gunicorn.conf.py"), "--access-logfile", "/dev/null"]
    else:  # the former `make run` line
        args = ["-w", "2", "-b", f"127.0.0.1:{port}"]
    proc = subprocess.Popen([str(VENV_BIN / "gunicorn"), *args, "--no-control-socket", app],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    wait_ready(f"http://127.0.0.1:{port}", proc=proc)
    return proc


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def _meet(port: int, idle: int, aantal: int, half: bool) -> dict:
    stil = []
    for _ in range(idle):
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        if half:  # a request line and no more (a slow client)
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        stil.append(s)
    time.sleep(0.5)  # let the server accept them
    tijden, fouten = [], 0
    try:
        for _ in range(aantal):
            t = time.perf_counter()
            try:
                ok = requests.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
            except requests.RequestException:
                ok = False
            tijden.append(time.perf_counter() - t)
            fouten += not ok
    finally:
        for s in stil:
            s.close()
    tijden.sort()
    return {"p50": statistics.median(tijden) * 1000,
            "p95": tijden[min(len(tijden) - 1, int(0.95 * len(tijden)))] * 1000,
            "max": tijden[-1] * 1000, "fouten": fouten, "n": len(tijden)}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--idle", type=int, default=50)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--port", type=int, default=5620)
    p.add_argument("--half", action="store_true",
                   help="the connections send half a request instead of nothing")
    p.add_argument("--alleen-config", action="store_true",
                   help="skip the (slow) comparison with sync workers")
    args = p.parse_args()
    configs = ["gunicorn.conf.py (gthread)"]
    if not args.alleen_config:
        configs.append("-w 2 (sync, before)")
    uitslag = 0
    with tempfile.TemporaryDirectory() as tmp:
        database = prepare_database("sqlite", Path(tmp))
        for i, config in enumerate(configs):
            port = args.port + i
            # sync workers hang 2 s per request: fewer requests keep the run bounded
            aantal = args.requests if i == 0 else min(args.requests, 10)
            proc = _start(config, port, database.url, Path(tmp))
            try:
                m = _meet(port, args.idle, aantal, args.half)
            finally:
                _stop(proc)
            soort = "half-open" if args.half else "idle"
            print(f"{config:30s} {args.idle} {soort}: /health p50 {m['p50']:7.1f} ms  "
                  f"p95 {m['p95']:7.1f} ms  max {m['max']:7.1f} ms  "
                  f"failed {m['fouten']}/{m['n']}")
            if i == 0 and (m["p95"] >= 100 or m["fouten"]):
                uitslag = 1
    return uitslag


if __name__ == "__main__":
    raise SystemExit(main())
