"""Benchmark: /health while 300 slow-header clients hang on, through nginx and straight to
gunicorn (issue 19, point 2).

gunicorn with gunicorn.conf.py on loopback (SQLite), nginx with deploy/nginx.conf in front
(certificate made at run time). Each run opens ``--clients`` connections that send a request
line and half a header and then one byte a second (slowloris), and times ``--requests`` GET
/health (a new connection each, 2 s timeout). Reported: p50/p95/max and the failures.

    .venv/bin/python bench/bench_nginx.py [--clients 300] [--requests 200]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from load.nginx import (
    Gunicorn,
    Nginx,
    meet_health,
    reden_om_over_te_slaan,
    trage_clients,
)
from load.server import prepare_database


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=300)
    p.add_argument("--requests", type=int, default=200)
    args = p.parse_args()
    if reden := reden_om_over_te_slaan():
        print(reden)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        map_ = Path(tmp)
        database = prepare_database("sqlite", map_)
        gunicorn = Gunicorn(database.url, map_).start()
        nginx = Nginx(map_, gunicorn.port).start()
        try:
            for naam, url, port, tls, verify in (
                    ("via nginx (https)", nginx.url, nginx.https_port, True, str(nginx.cert)),
                    ("gunicorn direct", gunicorn.url, gunicorn.port, False, True)):
                clients = trage_clients(port, args.clients, tls)
                try:
                    m = meet_health(url, args.requests, clients, verify)
                finally:
                    for s in clients:
                        s.close()
                print(f"{naam:20s} {args.clients} slow-header clients: /health "
                      f"p50 {m['p50']:7.1f} ms  p95 {m['p95']:7.1f} ms  max {m['max']:7.1f} ms"
                      f"  failed {m['fouten']}/{m['n']}", flush=True)
        finally:
            nginx.stop()
            gunicorn.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
