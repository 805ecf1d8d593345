"""Benchmark: the result page (model + 10,000-draw ranges + SVG) next to ``/health`` of the same
app, served by gunicorn (2 workers, SQLite, loopback), measured side by side in one run.

Rounds alternate between the two routes (this machine is shared and noisy: compare the two
columns, not absolutes). Each round runs ``--clients`` threads with keep-alive sessions for
``--seconds``; the figures are requests per second and latency percentiles over all rounds.

    .venv/bin/python bench/bench_web.py [--rounds 3] [--seconds 4] [--clients 4] [--workers 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from load.server import Gunicorn, form_velden, login, prepare_database

JAAR = datetime.now(UTC).year


def _ronde(url: str, cookies, pad: str, clients: int, seconden: float) -> tuple[int, list]:
    import requests

    tijden: list[float] = []
    fouten = [0]
    slot = threading.Lock()
    eind = time.perf_counter() + seconden

    def werker():
        s = requests.Session()
        s.cookies.update(cookies)
        eigen = []
        while time.perf_counter() < eind:
            start = time.perf_counter()
            r = s.get(url + pad, timeout=30)
            eigen.append(time.perf_counter() - start)
            if r.status_code != 200:
                fouten[0] += 1
        with slot:
            tijden.extend(eigen)

    draden = [threading.Thread(target=werker) for _ in range(clients)]
    start = time.perf_counter()
    for d in draden:
        d.start()
    for d in draden:
        d.join()
    duur = time.perf_counter() - start
    assert fouten[0] == 0, f"{fouten[0]} answers other than 200 on {pad}"
    return len(tijden) / duur, tijden


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        database = prepare_database("sqlite", tmp)
        server = Gunicorn(database.url, tmp, workers=args.workers).start()
        try:
            sessie = login(server.url, "gemeente")
            r = sessie.get(f"{server.url}/gemeente/0200/{JAAR}?schatting=1")
            velden = form_velden(r.text)
            velden.update(indienen="1", bezetting_leerplicht="8,5", bezetting_doorstroompunt="4")
            r = sessie.post(f"{server.url}/gemeente/0200/{JAAR}", data=velden)
            assert r.url.endswith("/resultaat"), r.url
            paden = {"/health": "/health",
                     "resultaatpagina": f"/gemeente/0200/{JAAR}/resultaat"}
            for pad in paden.values():  # warm up (imports, caches)
                for _ in range(5):
                    sessie.get(server.url + pad)
            metingen = {naam: ([], []) for naam in paden}
            for _ in range(args.rounds):
                for naam, pad in paden.items():
                    rps, tijden = _ronde(server.url, sessie.cookies, pad, args.clients,
                                         args.seconds)
                    metingen[naam][0].append(rps)
                    metingen[naam][1].extend(tijden)
        finally:
            server.stop()

    print(f"gunicorn -w {args.workers}, SQLite, {args.clients} clients, {args.rounds} rounds of "
          f"{args.seconds:g} s per route (alternating)")
    print(f"{'route':<18} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'requests':>9}")
    for naam, (rps, tijden) in metingen.items():
        q = statistics.quantiles(tijden, n=100)
        print(f"{naam:<18} {statistics.median(rps):8.1f} {q[49] * 1000:8.1f} "
              f"{q[94] * 1000:8.1f} {len(tijden):9d}")


if __name__ == "__main__":
    main()
