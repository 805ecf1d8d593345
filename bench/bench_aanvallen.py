"""Benchmark: how fast the hostile files of issue 12 are refused, and what real files cost.

Three paths per hostile file: the library call, the web (Flask test client on a migrated
SQLite database, logged in; the same code gunicorn runs) and the CLI (the console script as a
new process, start-up included). Each is one run (the machine is shared: read them as orders of
magnitude; the budget is 2 s). Also: the counts and reading time of the largest real workbook
(all 342 gemeenten) and of a workbook just inside the row cap.

    .venv/bin/python bench/bench_aanvallen.py
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import vijandig
from load.server import GEBRUIKERS, VENV_BIN, prepare_database

from formatie.invoer_csv import read_invoer_csv
from formatie.normenset_toml import parse_normenset, standaard_normenset
from formatie.problemen import InvoerFout
from formatie.schatting import landelijke_invoer
from formatie.werkboek.lezen import lees_werkboek
from formatie.werkboek.schrijven import exporteer_werkboek
from formatie.werkboek.xlsx_budget import BUDGET, tel_xlsx


def _tijd(doe) -> tuple[float, str]:
    t = time.perf_counter()
    try:
        doe()
        uitkomst = "geaccepteerd"
    except InvoerFout as fout:
        uitkomst = "geweigerd: " + fout.problemen[0].tekst(fout.bestand)[:90]
    return time.perf_counter() - t, uitkomst


def _cli(args: list[str]) -> tuple[float, int, str]:
    t = time.perf_counter()
    uit = subprocess.run([str(VENV_BIN / "formatie"), *args], capture_output=True, text=True,
                         timeout=120)
    return time.perf_counter() - t, uit.returncode, uit.stderr.strip().splitlines()[-1][:90]


def _web(tmp: Path):
    """A logged-in test client per role (CSRF off, as in the tests)."""
    from app import create_app
    from app.extensions import db
    from app.models import User

    database = prepare_database("sqlite", tmp)
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": database.url},
                     instance_path=str(tmp / "instance"))
    clients = {}
    for rol in ("beheerder",):
        client = app.test_client()
        with app.app_context():
            token = db.session.scalar(db.select(User).where(
                User.email == GEBRUIKERS[rol][0])).get_id()
        with client.session_transaction() as sessie:
            sessie["_user_id"] = token
        clients[rol] = client
    return app, clients


def main() -> int:
    n = standaard_normenset()
    landelijk = exporteer_werkboek(n, landelijke_invoer(n))
    bestanden = {
        "dimensiebom (Toelichting A1:XFD1048576)": vijandig.dimensiebom(landelijk),
        "1.000.000 rijen op Invoer": vijandig.veel_rijen(landelijk),
    }
    print("== Echte werkboeken")
    tel = tel_xlsx(landelijk)
    print(f"landelijk (342 gemeenten): {len(landelijk) / 1e6:.2f} MB; grootste blad "
          f"{max(t.hoogste_rij for t in tel.values()):,} rijen, "
          f"{max(t.hoogste_kolom for t in tel.values())} kolommen, "
          f"{sum(t.cellen for t in tel.values()):,} cellen (caps: {BUDGET.max_rijen:,} rijen, "
          f"{BUDGET.max_kolommen:,} kolommen, {BUDGET.max_cellen:,} cellen)")
    t0 = time.perf_counter()
    tel_xlsx(landelijk)
    print(f"  tellen {time.perf_counter() - t0:.2f} s; lezen (lees_werkboek) "
          f"{_tijd(lambda: lees_werkboek(landelijk, n))[0]:.2f} s")
    ruimte = BUDGET.max_rijen - max(t.hoogste_rij for t in tel.values()) - 100
    net_binnen = vijandig.veel_rijen(landelijk, ruimte, met_ref=False)
    duur, uitkomst = _tijd(lambda: lees_werkboek(net_binnen, n))
    print(f"  {ruimte:,} extra rijen op Invoer (net binnen de cap): {duur:.2f} s, {uitkomst}")

    print("== Bibliotheek")
    for naam, data in bestanden.items():
        duur, uitkomst = _tijd(lambda data=data: lees_werkboek(data, n))
        print(f"{naam:45s} {len(data) / 1e6:5.2f} MB  {duur:6.2f} s  {uitkomst}")
    csv = vijandig.brede_csv()
    duur, uitkomst = _tijd(lambda: read_invoer_csv(csv, n, bestand="breed.csv"))
    print(f"{'CSV met 100.000 kolommen':45s} {len(csv) / 1e6:5.2f} MB  {duur:6.2f} s  {uitkomst}")
    for naam, tekst in (("TOML 5.000 diep", vijandig.diepe_toml()),
                        ("TOML getal van 5.000 cijfers", vijandig.reuzengetal_toml())):
        duur, uitkomst = _tijd(lambda tekst=tekst: parse_normenset(tekst, "n.toml"))
        print(f"{naam:45s} {len(tekst) / 1e6:5.2f} MB  {duur:6.2f} s  {uitkomst}")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print("== CLI (nieuw proces, inclusief opstarten)")
        for naam, data in bestanden.items():
            pad = tmp / "aanval.xlsx"
            pad.write_bytes(data)
            duur, code, regel = _cli(["importeer", str(pad), "-o", str(tmp / "uit.csv")])
            print(f"formatie importeer: {naam:38s} {duur:6.2f} s  exit {code}  {regel}")
        (tmp / "breed.csv").write_bytes(csv)
        duur, code, regel = _cli(["kalibreer", str(tmp / "breed.csv")])
        print(f"formatie kalibreer: CSV 100.000 kolommen {duur:14.2f} s  exit {code}  {regel}")
        for naam, tekst in (("diep", vijandig.diepe_toml()),
                            ("reuzengetal", vijandig.reuzengetal_toml())):
            (tmp / f"{naam}.toml").write_text(tekst)
            for opdracht in (["normen"], ["bereken", "--landelijk"]):
                duur, code, regel = _cli([*opdracht, "--normen", str(tmp / f"{naam}.toml")])
                print(f"formatie {' '.join(opdracht)} --normen {naam}.toml "
                      f"{duur:6.2f} s  exit {code}  {regel}")

        print("== Web (test client, ingelogd als beheerder)")
        _app, clients = _web(tmp)
        client = clients["beheerder"]
        jaar = time.gmtime().tm_year
        for naam, data in bestanden.items():
            t = time.perf_counter()
            r = client.post(f"/regio/MC11/{jaar}/upload",
                            data={"werkboek": (io.BytesIO(data), "aanval.xlsx")},
                            content_type="multipart/form-data")
            r.request.environ["wsgi.input"].close()
            print(f"POST upload: {naam:42s} {time.perf_counter() - t:6.2f} s  "
                  f"{r.status_code}")
        t = time.perf_counter()
        r = client.post("/kalibratie", data={"bron": "bestand", "begrenzing": "positief",
                                             "bestand": (io.BytesIO(csv), "breed.csv")},
                        content_type="multipart/form-data")
        r.request.environ["wsgi.input"].close()
        print(f"POST /kalibratie: CSV 100.000 kolommen {time.perf_counter() - t:22.2f} s  "
              f"{r.status_code}")
        for naam, tekst in (("diep", vijandig.diepe_toml()),
                            ("reuzengetal", vijandig.reuzengetal_toml())):
            t = time.perf_counter()
            r = client.post("/normen/upload",
                            data={"bestand": (io.BytesIO(tekst.encode()), f"{naam}.toml")},
                            content_type="multipart/form-data")
            print(f"POST /normen/upload: {naam}.toml {time.perf_counter() - t:27.2f} s  "
                  f"{r.status_code}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
