"""The shared cache of computed figures (app/services/rekencache.py): a save shows a changed
figure at once on every cached page, the figures are shared through the database (what one
worker computed another reads), and a row without the app's signature is never used. Each
test runs on SQLite and PostgreSQL (the ``app`` fixture's backends)."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from app.extensions import db
from app.models import RekencacheRij
from app.services import rekencache
from formatie.gevoeligheid import Tornado, tornado
from formatie.model import bereken
from formatie.prognose import prognose

from .conftest import (
    EIGEN,
    EIGEN_REGIO,
    JAAR,
    RIJKOP,
    geschatte_waarden,
    maak_team,
    volume_van,
)

PAD = f"/gemeente/{EIGEN}/{JAAR}"
CSRF = re.compile(r'name="csrf_token"[^>]*value="[^"]*"|value="[^"]*"[^>]*name="csrf_token"')


@pytest.fixture(autouse=True)
def _nieuwe_worker():
    """Each test starts as a fresh worker: the process cache is keyed by content only, so the
    SQLite run would otherwise leave the PostgreSQL run nothing to compute or store."""
    rekencache.leeg_proces_cache()


def _zonder_csrf(html: str) -> str:
    return CSRF.sub("", html)


def _opslaan(client, app, versie: int, **over) -> None:
    """Submit the invoer form (the real save path) with the estimates and ``over``."""
    data = {s: str(int(v)) for s, v in geschatte_waarden(app, EIGEN).items() if v == v}
    data |= {"bezetting_leerplicht": "7,5", "version": str(versie), "indienen": "1"} | over
    r = client.post(PAD, data=data)
    client.get(PAD)  # shows (and so clears) the flash message of the save
    assert r.status_code == 302, re.findall(r"(?s)error-message[^>]*>(.{0,300})", r.text)


def _tornado_labels(html: str) -> list[str]:
    tabel = html.split('<tbody class="utrecht-table__body">')[1]
    return re.findall(RIJKOP + "(.*?)</th>", tabel)


def test_a_save_shows_a_changed_figure_at_once_on_every_cached_page(client, auth, app,
                                                                   vul_invoer):
    reeks = [120.0, 140.0, 150.0, 175.0]
    for k, w in enumerate(reeks):
        vul_invoer(EIGEN, jaar=JAAR - 4 + k, status="concept", waarden={"meldingen_16uur": w})
    auth.als("gemeente")
    _opslaan(client, app, 0)
    paden = [f"{PAD}/resultaat", f"{PAD}/gevoeligheid", f"{PAD}/prognose"]
    voor = [client.get(p).text for p in paden]
    with app.app_context():
        assert db.session.query(RekencacheRij).count() >= 3  # computed once, stored

    _opslaan(client, app, 1, meldingen_16uur="400")
    na = [client.get(p).text for p in paden]

    n, volume = volume_van(app, EIGEN)
    volume[0, n.invoer_sleutels.index("meldingen_16uur")] = 400.0
    res = bereken(n, volume, (EIGEN,))
    from formatie.getallen import format_getal
    totaal = f">{format_getal(res.fte_totaal[0], 2)}<"
    assert totaal in na[0] and totaal not in voor[0]
    assert _tornado_labels(na[1]) == [str(escape(r.label))
                                      for r in tornado(n, volume, gemeentecodes=(EIGEN,)).top(10)]
    p = prognose(list(range(JAAR - 5, JAAR + 1)), [float("nan"), *reeks, 400.0])
    assert format_getal(float(p.verwacht[0]), 0) in na[2]
    # and each page is what a cold computation gives now
    rekencache.leeg_cache()
    for pad, html in zip(paden, na, strict=True):
        assert _zonder_csrf(client.get(pad).text) == _zonder_csrf(html), pad


def _rij_met(app, soort: type) -> str:
    """The key of the one cached row holding a value of type ``soort``."""
    with app.app_context():
        gevonden = [r.sleutel for r in db.session.scalars(select(RekencacheRij))
                    if isinstance(rekencache._pak_uit(r.waarde), soort)]
    assert len(gevonden) == 1, gevonden
    return gevonden[0]


def test_another_worker_reads_what_one_computed_and_ignores_an_unsigned_row(client, auth, app,
                                                                           vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    eerste = client.get(f"{PAD}/gevoeligheid").text
    sleutel = _rij_met(app, Tornado)
    n, volume = volume_van(app, EIGEN)
    ander = tornado(n, volume, gemeentecodes=(EIGEN,), functie="doorstroompunt")
    verwacht_ander = [str(escape(r.label)) for r in ander.top(10)]
    assert _tornado_labels(eerste) != verwacht_ander

    # the table holds another (signed) value under this key: a new worker shows that one,
    # so it read the table instead of computing
    with app.app_context():
        db.session.execute(RekencacheRij.__table__.update()
                           .where(RekencacheRij.sleutel == sleutel)
                           .values(waarde=rekencache._verpak(ander)))
        db.session.commit()
    rekencache.leeg_proces_cache()
    assert _tornado_labels(client.get(f"{PAD}/gevoeligheid").text) == verwacht_ander

    # a row whose signature does not match is never unpickled: the figures are computed
    with app.app_context():
        blob = rekencache._verpak(ander)
        db.session.execute(RekencacheRij.__table__.update()
                           .where(RekencacheRij.sleutel == sleutel)
                           .values(waarde=bytes([blob[0] ^ 1]) + blob[1:]))
        db.session.commit()
    rekencache.leeg_proces_cache()
    assert _tornado_labels(client.get(f"{PAD}/gevoeligheid").text) == _tornado_labels(eerste)


def test_a_save_computes_the_pages_figures_in_the_background(client, auth, app, vul_invoer):
    """With REKENCACHE_VOORAF (on outside the tests) a save starts computing the gemeente's
    ranges, gevoeligheid, prognose and the begroting of the gemeente, its region and its
    teams; the pages then find every value in the table."""
    from app.services import vooraf

    app.config["REKENCACHE_VOORAF"] = True
    team = maak_team(app, "Team vooraf", (EIGEN,))
    auth.als("beheerder")
    _opslaan(client, app, 0)
    vooraf.laatste.join(60)
    assert not vooraf.laatste.is_alive()
    with app.app_context():
        berekend = set(db.session.scalars(select(RekencacheRij.sleutel)))
    # ranges, the region's fte, the tornado, the forecast, the begroting of the gemeente and
    # of its region
    assert len(berekend) >= 6
    rekencache.leeg_proces_cache()  # the page may land on another worker
    for pad in (f"{PAD}/resultaat", f"{PAD}/gevoeligheid", f"{PAD}/prognose",
                f"{PAD}/begroting", f"{PAD}/begroting.json",
                f"/regio/{EIGEN_REGIO}/{JAAR}/begroting.json", f"/team/{team}/{JAAR}/begroting"):
        assert client.get(pad).status_code == 200, pad
    with app.app_context():
        nieuw = [type(rekencache._pak_uit(r.waarde)).__name__
                 for r in db.session.scalars(select(RekencacheRij))
                 if r.sleutel not in berekend]
    # only the benchmark (not computed in advance) and the rendered result page were added
    assert sorted(nieuw) == ["Benchmark", "str"]


def test_a_page_waits_for_the_value_another_worker_is_computing(client, auth, app, vul_invoer):
    """A row claimed by another worker (no value yet): the page waits for that worker's value
    instead of computing it too; a claim older than the wait is ignored."""
    import threading
    import time
    from datetime import timedelta

    from app.models import utcnow

    vul_invoer(EIGEN)
    auth.als("gemeente")
    eerste = client.get(f"{PAD}/gevoeligheid").text
    sleutel = _rij_met(app, Tornado)
    n, volume = volume_van(app, EIGEN)
    ander = tornado(n, volume, gemeentecodes=(EIGEN,), functie="doorstroompunt")

    def zet(waarde: bytes, wanneer) -> None:
        with app.app_context():
            db.session.execute(RekencacheRij.__table__.update()
                               .where(RekencacheRij.sleutel == sleutel)
                               .values(waarde=waarde, gebruikt_op=wanneer))
            db.session.commit()

    zet(rekencache.BEZET, utcnow())  # the other worker has just begun

    def ander_klaar():
        time.sleep(0.3)
        with app.app_context():
            zet(rekencache._verpak(ander), utcnow())

    draad = threading.Thread(target=ander_klaar)
    draad.start()
    rekencache.leeg_proces_cache()
    labels = _tornado_labels(client.get(f"{PAD}/gevoeligheid").text)
    draad.join()
    assert labels == [str(escape(r.label)) for r in ander.top(10)]  # its value, not our own

    zet(rekencache.BEZET, utcnow() - timedelta(seconds=rekencache.WACHTTIJD + 5))
    rekencache.leeg_proces_cache()
    start = time.monotonic()
    assert _tornado_labels(client.get(f"{PAD}/gevoeligheid").text) == _tornado_labels(eerste)
    assert time.monotonic() - start < rekencache.WACHTTIJD / 2  # did not wait for it


def _begrotingen(client, team: int) -> list[dict]:
    return [client.get(pad).json for pad in (
        f"{PAD}/begroting.json", f"/regio/{EIGEN_REGIO}/{JAAR}/begroting.json",
        f"/team/{team}/{JAAR}/begroting.json")]


def test_a_save_shows_a_changed_figure_at_once_in_every_begroting(client, auth, app,
                                                                 vul_invoer):
    """The begroting of the gemeente, its region and its team (page and JSON) are cached
    under a hash of their inputs: a changed figure of this year (the form) or of an earlier
    year (the forecast's history) gives a new begroting at once, equal to a cold one."""
    for k, w in enumerate([120.0, 140.0, 150.0, 175.0]):
        vul_invoer(EIGEN, jaar=JAAR - 4 + k, status="concept", waarden={"meldingen_16uur": w})
    team = maak_team(app, "Team begroting", (EIGEN,))
    auth.als("beheerder")
    _opslaan(client, app, 0)
    voor = _begrotingen(client, team)
    pagina_voor = client.get(f"{PAD}/begroting").text
    with app.app_context():
        # computed once, stored (a region whose only member with figures is this gemeente has
        # its begroting: one row)
        assert db.session.query(RekencacheRij).count() >= 2

    _opslaan(client, app, 1, meldingen_16uur="400")
    na = _begrotingen(client, team)
    n, volume = volume_van(app, EIGEN)
    volume[0, n.invoer_sleutels.index("meldingen_16uur")] = 400.0
    fte = float(bereken(n, volume, (EIGEN,)).fte_totaal[0])
    for oud, nieuw in zip(voor, na, strict=True):
        assert nieuw != oud
    assert na[0]["begroting"]["jaren"][0]["fte"] == pytest.approx(fte, rel=1e-12)
    assert na[1]["begroting"]["jaren"][0]["fte"] == pytest.approx(fte, rel=1e-12)
    assert client.get(f"{PAD}/begroting").text != pagina_voor

    # an earlier year changes only the years ahead (the forecast's history)
    with app.app_context():
        from app.models import InvoerRij

        rij = db.session.scalar(select(InvoerRij).where(InvoerRij.gemeente_code == EIGEN,
                                                        InvoerRij.jaar == JAAR - 1))
        rij.waarden = {**rij.waarden, "meldingen_16uur": 40.0}
        db.session.commit()
    later = _begrotingen(client, team)
    for oud, nieuw in zip(na, later, strict=True):
        assert nieuw != oud
    assert later[0]["begroting"]["jaren"][0] == na[0]["begroting"]["jaren"][0]
    assert later[0]["begroting"]["jaren"][1]["fte"] < na[0]["begroting"]["jaren"][1]["fte"]

    # and each is what a cold computation gives now
    pagina = client.get(f"{PAD}/begroting").text
    rekencache.leeg_cache()
    assert _begrotingen(client, team) == later
    assert _zonder_csrf(client.get(f"{PAD}/begroting").text) == _zonder_csrf(pagina)
