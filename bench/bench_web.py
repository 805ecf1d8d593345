"""Benchmark: the result page (model + 10,000-draw ranges + SVG) next to ``/health`` of the same
app, served by gunicorn (the project's gunicorn.conf.py, 2 workers, SQLite, loopback), measured
side by side in one run; then the first view of the gevoeligheid, prognose and begroting pages
(the gemeente's page and JSON, its region's page) right after a save that changed a figure.

Rounds alternate between the two routes (this machine is shared and noisy: compare the two
columns, not absolutes). Each round runs ``--clients`` threads with keep-alive sessions for
``--seconds``; the figures are requests per second and latency percentiles over all rounds.
After a save (``--opslaan`` times, each changing one figure) the gemeente's gevoeligheid,
prognose and begroting (page and JSON) and its region's begroting (all 7 gemeenten of MC11
have figures) are requested once each, in that order, and timed; the saves alternate between
the servers with ``--voor``.

``--voor DIR``: a checkout of the code before a change (``git worktree add DIR <commit>``),
served beside this one on its own database and measured in the same run, round for round
(before and after in one table).

    .venv/bin/python bench/bench_web.py [--rounds 3] [--seconds 4] [--clients 4] [--workers 2]
                                        [--opslaan 5] [--voor DIR]
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


def _inloggen_en_opslaan(url: str, meldingen: int | None = None):
    """A logged-in gemeente session; submits the form with the estimates (and ``meldingen``
    meldingen when given). Returns the session."""
    sessie = login(url, "gemeente")
    r = sessie.get(f"{url}/gemeente/0200/{JAAR}?schatting=1")
    velden = form_velden(r.text)
    velden.update(indienen="1", bezetting_leerplicht="8,5", bezetting_doorstroompunt="4")
    if meldingen is not None:
        velden["meldingen_16uur"] = str(meldingen)
    r = sessie.post(f"{url}/gemeente/0200/{JAAR}", data=velden)
    assert r.url.endswith("/resultaat"), r.url
    return sessie


#: The pages timed after each save: (name, session, path under the server's url).
NA_OPSLAAN = (
    ("gevoeligheid", "gemeente", f"/gemeente/0200/{JAAR}/gevoeligheid"),
    ("prognose", "gemeente", f"/gemeente/0200/{JAAR}/prognose"),
    ("begroting", "gemeente", f"/gemeente/0200/{JAAR}/begroting"),
    ("begroting.json", "gemeente", f"/gemeente/0200/{JAAR}/begroting.json"),
    ("regio begroting", "regio", f"/regio/MC11/{JAAR}/begroting"),
)


def _vul_regio(url: str) -> None:
    """Submit the estimates of the other gemeenten of 0200's region (MC11) as the beheerder, so
    the region's begroting sums several gemeenten."""
    from formatie.referentie import load_referentie

    sessie = login(url, "beheerder")
    for code in load_referentie().leden("MC11"):
        if code == "0200":
            continue
        r = sessie.get(f"{url}/gemeente/{code}/{JAAR}?schatting=1")
        velden = form_velden(r.text)
        velden.update(indienen="1", bezetting_leerplicht="5")
        r = sessie.post(f"{url}/gemeente/{code}/{JAAR}", data=velden)
        assert r.url.endswith("/resultaat"), r.url


def _een_opslag(url: str, sessies: dict, i: int, uit: dict[str, list[float]]) -> None:
    """Save ``i``: change a figure (the form's meldingen), then time the first GET of each page
    of :data:`NA_OPSLAAN` (the region page as the region's user, in its own session)."""
    sessie = sessies["gemeente"]
    r = sessie.get(f"{url}/gemeente/0200/{JAAR}")
    velden = form_velden(r.text)
    velden.update(indienen="1", meldingen_16uur=str(300 + 17 * i))
    r = sessie.post(f"{url}/gemeente/0200/{JAAR}", data=velden)
    assert r.url.endswith("/resultaat"), r.url
    for naam, wie, pad in NA_OPSLAAN:
        start = time.perf_counter()
        r = sessies[wie].get(url + pad)
        uit[naam].append(time.perf_counter() - start)
        assert r.status_code == 200, (naam, r.status_code)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--opslaan", type=int, default=5)
    ap.add_argument("--voor", type=Path, help="checkout of the code before, measured beside")
    args = ap.parse_args()

    codes = {"na": Path(__file__).resolve().parents[1]}
    if args.voor:
        codes = {"voor": args.voor.resolve(), **codes}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        servers, sessies = {}, {}
        try:
            for naam, root in codes.items():
                map_ = tmp / naam
                map_.mkdir()
                database = prepare_database("sqlite", map_)
                servers[naam] = Gunicorn(database.url, map_, workers=args.workers,
                                         root=root).start()
                sessies[naam] = _inloggen_en_opslaan(servers[naam].url)
                _vul_regio(servers[naam].url)
            paden = {"/health": "/health",
                     "resultaatpagina": f"/gemeente/0200/{JAAR}/resultaat"}
            for naam, server in servers.items():
                for pad in paden.values():  # warm up (imports, caches)
                    for _ in range(5):
                        sessies[naam].get(server.url + pad)
            metingen = {(c, naam): ([], []) for c in servers for naam in paden}
            for _ in range(args.rounds):
                for c, server in servers.items():
                    for naam, pad in paden.items():
                        rps, tijden = _ronde(server.url, sessies[c].cookies, pad, args.clients,
                                             args.seconds)
                        metingen[c, naam][0].append(rps)
                        metingen[c, naam][1].extend(tijden)
            # saves alternate between the servers (before, after, before, …): the same noise
            opslaan = {c: {naam: [] for naam, _, _ in NA_OPSLAAN} for c in servers}
            per_server = {c: {"gemeente": sessies[c], "regio": login(server.url, "regio")}
                          for c, server in servers.items()}
            for i in range(args.opslaan):
                for c, server in servers.items():
                    _een_opslag(server.url, per_server[c], i, opslaan[c])
        finally:
            for server in servers.values():
                server.stop()

    print(f"gunicorn -w {args.workers} (gunicorn.conf.py), SQLite, {args.clients} clients, "
          f"{args.rounds} rounds of {args.seconds:g} s per route (alternating)")
    print(f"{'code':<5} {'route':<18} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'requests':>9}"
          f" {'× /health':>10}")
    for c in servers:
        health = statistics.median(metingen[c, "/health"][0])
        for naam in paden:
            rps, tijden = metingen[c, naam]
            q = statistics.quantiles(tijden, n=100)
            print(f"{c:<5} {naam:<18} {statistics.median(rps):8.1f} {q[49] * 1000:8.1f} "
                  f"{q[94] * 1000:8.1f} {len(tijden):9d} {statistics.median(rps) / health:10.2f}")
    print(f"first view after a save that changed a figure ({args.opslaan} saves), ms:")
    for naam, _, _ in NA_OPSLAAN:
        for c, uit in opslaan.items():
            tijden = uit[naam]
            print(f"{c:<5} {naam:<16} median {statistics.median(tijden) * 1000:7.1f}  "
                  f"max {max(tijden) * 1000:7.1f}   (" + " ".join(f"{t * 1000:.0f}"
                                                          for t in tijden) + ")")


if __name__ == "__main__":
    main()
