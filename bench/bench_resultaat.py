"""Benchmark: one gemeente's result page with ranges, next to ``/health`` of the same app.

    .venv/bin/python bench/bench_resultaat.py [--herhalingen 100] [--gemeente 0363]
                                              [--gunicorn]

Builds a fresh SQLite database in a temporary directory (``flask init``), stores submitted
figures (the model's estimates) for every gemeente of the chosen gemeente's region and for
the same CBS size band's gemeenten (so the benchmark section has peers), and logs in as a
beheerder. Then, interleaved in one run, requests

* ``GET /gemeente/<code>/<jaar>/resultaat``, cold: the whole page: the model, the comparison
  with the submitted gemeenten, 10.000 Monte Carlo draws (ranges, histogram, coverage
  sentence) and the rendered HTML with its SVG charts (the per-process cache of seeded ranges,
  ``app.services.bandbreedte.leeg_cache``, is emptied before each of these requests);
* the same page, warm: a reload, the ranges come from that cache (same numbers);
* ``GET /health``: a trivial route of the same app (routing, session, one ``SELECT 1``).

By default through the Flask test client (in-process: no network, one worker); with
``--gunicorn`` through gunicorn on 127.0.0.1 (1 worker, sync) with ``http.client`` (there
the first request per page is cold and the rest warm, so only warm is measured).
Prints median and p95 per route (target: p95 of the result page ≤ 50 ms). Not a timed test:
the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bereid_voor(map_: Path, code: str) -> tuple[str, int]:
    """A database with submitted figures; returns (database url, jaar)."""
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.models import INGEDIEND, GemeenteRij, InvoerRij, User, utcnow
    from app.services.berekening import grootteklasse
    from app.services.normensets import actieve_rij, als_normenset
    from formatie.referentie import load_referentie
    from formatie.schatting import geschatte_invoer

    url = f"sqlite:///{map_ / 'bench.db'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url},
                     instance_path=str(map_ / "instance"))
    uit = app.test_cli_runner().invoke(args=["init"])
    if uit.exit_code != 0:
        raise SystemExit(uit.output)
    jaar = utcnow().year
    with app.app_context():
        rij = actieve_rij()
        n = als_normenset(rij)
        ref = load_referentie()
        schatting = geschatte_invoer(n, ref)
        eigen = db.session.get(GemeenteRij, code)
        klasse = grootteklasse(eigen.inwoners)
        leden = [g for g in db.session.scalars(select(GemeenteRij))
                 if g.regio_code == eigen.regio_code or grootteklasse(g.inwoners) == klasse]
        for g in leden:
            waarden = {s: float(round(v)) for s, v in zip(
                n.invoer_sleutels, schatting[ref.index[g.code]], strict=True)}
            db.session.add(InvoerRij(gemeente_code=g.code, jaar=jaar, status=INGEDIEND,
                                  waarden=waarden, bezetting={}, normenset_id=rij.id))
        from werkzeug.security import generate_password_hash

        db.session.add(User(email="bench@test.nl", role="beheerder", active=True,
                            password_hash=generate_password_hash("bench-wachtwoord-lang")))
        db.session.commit()
        print(f"{len(leden)} gemeenten met ingediende cijfers ({eigen.naam}: regio "
              f"{eigen.regio_code}, {klasse})")
        db.session.remove()
        db.engine.dispose()
    return url, jaar


def meet_testclient(url: str, map_: Path, paden: list[str], herhalingen: int) -> dict:
    from app import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "WTF_CSRF_ENABLED": False}, instance_path=str(map_ / "instance"))
    client = app.test_client()
    r = client.post("/login", data={"email": "bench@test.nl",
                                    "password": "bench-wachtwoord-lang"})
    assert r.status_code == 302, r.text[:300]
    from app.services.bandbreedte import leeg_cache

    metingen = [(paden[0] + " (koud)", paden[0], True), (paden[0] + " (warm)", paden[0], False),
                *((p, p, False) for p in paden[1:])]
    tijden: dict[str, list[float]] = {naam: [] for naam, _, _ in metingen}
    for i in range(herhalingen + 5):
        for naam, pad, koud in metingen:
            if koud:
                leeg_cache()
            start = time.perf_counter()
            r = client.get(pad)
            r.get_data()
            duur = time.perf_counter() - start
            assert r.status_code == 200, (pad, r.status_code)
            if i >= 5:  # warm-up (imports, template compilation)
                tijden[naam].append(duur)
    return tijden


def meet_gunicorn(url: str, map_: Path, paden: list[str], herhalingen: int) -> dict:
    poort = _vrije_poort()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench",
           "SESSION_COOKIE_SECURE": "0"}
    proces = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{poort}",
         "app:create_app()"], cwd=str(ROOT), env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", poort), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        conn = http.client.HTTPConnection("127.0.0.1", poort)
        conn.request("GET", "/login")
        r = conn.getresponse()
        tekst = r.read().decode()
        cookie = r.getheader("Set-Cookie").split(";")[0]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', tekst).group(1)
        from urllib.parse import urlencode

        body = urlencode({"csrf_token": token, "email": "bench@test.nl",
                          "password": "bench-wachtwoord-lang"})
        conn.request("POST", "/login", body, {"Cookie": cookie, "Content-Type":
                                             "application/x-www-form-urlencoded"})
        r = conn.getresponse()
        r.read()
        assert r.status == 302, r.status
        cookie = r.getheader("Set-Cookie").split(";")[0]
        namen = {paden[0]: paden[0] + " (warm)", **{p: p for p in paden[1:]}}
        tijden: dict[str, list[float]] = {naam: [] for naam in namen.values()}
        for i in range(herhalingen + 5):
            for pad in paden:
                start = time.perf_counter()
                conn.request("GET", pad, headers={"Cookie": cookie})
                r = conn.getresponse()
                r.read()
                duur = time.perf_counter() - start
                assert r.status == 200, (pad, r.status)
                if i >= 5:
                    tijden[namen[pad]].append(duur)
        conn.close()
        return tijden
    finally:
        proces.terminate()
        proces.wait(10)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--herhalingen", type=int, default=100)
    p.add_argument("--gemeente", default="0363")
    p.add_argument("--gunicorn", action="store_true", help="via gunicorn op 127.0.0.1")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        map_ = Path(tmp)
        url, jaar = bereid_voor(map_, args.gemeente)
        paden = [f"/gemeente/{args.gemeente}/{jaar}/resultaat", "/health"]
        meet = meet_gunicorn if args.gunicorn else meet_testclient
        tijden = meet(url, map_, paden, args.herhalingen)
    wijze = "gunicorn op 127.0.0.1 (1 worker)" if args.gunicorn else "Flask test client"
    print(f"{wijze}, {args.herhalingen} verzoeken per route, afwisselend:")
    p95 = {}
    for pad, lijst in tijden.items():
        ms = np.array(lijst) * 1000
        p95[pad] = np.percentile(ms, 95)
        print(f"  {pad:<44} mediaan {statistics.median(ms):6.1f} ms   p95 {p95[pad]:6.1f} ms")
    health = p95.pop("/health")
    for pad, waarde in p95.items():
        print(f"{pad}: p95 {waarde:.1f} ms (doel ≤ 50 ms), {waarde / health:.1f} × /health")


if __name__ == "__main__":
    main()
