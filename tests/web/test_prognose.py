"""The forecast page (/prognose); the grid of earlier years: test_eerdere_jaren.py."""

from __future__ import annotations

import numpy as np
from sqlalchemy import select

from app.extensions import db
from app.models import InvoerRij
from formatie.normenset_toml import standaard_normenset
from formatie.prognose import prognose

from .conftest import EIGEN, JAAR, tabel


def test_forecast_with_fewer_than_three_years_says_so(client, auth, vul_invoer):
    vul_invoer(EIGEN)
    vul_invoer(EIGEN, jaar=JAAR - 1, status="concept", waarden={"meldingen_16uur": 50.0})
    auth.als("gemeente")
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/prognose")
    assert r.status_code == 200
    # one collapsible line for every invoer without a trend, not a table row each
    n = len(standaard_normenset().invoer)
    assert r.text.count("nog geen trend") == 1
    assert (f"<strong>{n} invoervelden</strong>: nog geen trend: daarvoor zijn cijfers over "
            "minstens 3 jaren nodig") in r.text
    assert 'id="prognose-invoer"' not in r.text  # no series with a trend: no table of them
    zonder = tabel(r.text, "prognose-zonder-trend")
    assert len(zonder) == 1 + n
    meldingen = next(rij for rij in zonder if rij[0].startswith("Verzuimmeldingen")
                     or "16 uur" in rij[0])
    assert meldingen[2] == "2 jaren"
    assert "<svg" not in r.text  # no trend, no line chart
    # FTE for the coming years still shown (last known values)
    assert "Benodigde fte op de prognose" in r.text


def test_forecast_matches_model(client, auth, app, vul_invoer):
    waarden = {"meldingen_16uur": 200.0}
    vul_invoer(EIGEN)
    reeks = [120.0, 140.0, 150.0, 175.0]
    for k, w in enumerate(reeks):
        vul_invoer(EIGEN, jaar=JAAR - 4 + k, status="concept", waarden={"meldingen_16uur": w})
    with app.app_context():
        huidig = db.session.scalar(select(InvoerRij).where(InvoerRij.jaar == JAAR))
        nu = huidig.waarden["meldingen_16uur"]
    auth.als("gemeente")
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/prognose")
    jaren = list(range(JAAR - 5, JAAR + 1))
    p = prognose(jaren, [np.nan, *reeks, nu])
    assert p.heeft_trend
    from formatie.getallen import format_getal, format_procent
    # the groei per year as on the page (the page's own seed only affects the interval)
    assert f"{format_procent(p.groei - 1)} per jaar" in r.text
    assert format_getal(float(p.verwacht[0]), 0) in r.text
    # the one series with a trend is a table row; the others are one line below it
    met = tabel(r.text, "prognose-invoer")
    assert len(met) == 2
    n = len(standaard_normenset().invoer)
    assert f"<strong>{n - 1} invoervelden</strong> hebben nog geen trend" in r.text
    assert len(tabel(r.text, "prognose-zonder-trend")) == n
    del waarden


def test_forecast_without_any_figures(client, auth):
    auth.als("gemeente")
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/prognose")
    assert r.status_code == 200 and "Nog geen fte-prognose" in r.text


