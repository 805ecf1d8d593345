"""History-years form (/historie-invoer) and the forecast page (/prognose)."""

from __future__ import annotations

import numpy as np
from profielen import voorbeelden
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, Invoer
from formatie.prognose import prognose

from .conftest import EIGEN, JAAR


def _veld(jaar, sleutel):
    return f"h-{jaar}-{sleutel}"


def _versies(client):
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/historie-invoer")
    assert r.status_code == 200
    import re
    return re.search(r'name="versies"[^>]*value="([^"]*)"', r.text).group(1)


def test_history_form_saves_earlier_years_in_one_go(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    data = {"versies": _versies(client)}
    for k, jaar in enumerate(range(JAAR - 4, JAAR)):
        data[_veld(jaar, "meldingen_16uur")] = str(100 + 20 * k)
    data[_veld(JAAR - 1, "thuiszitters")] = "12,5"
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}/historie-invoer", data=data)
    assert r.status_code == 302 and r.headers["Location"].endswith("/prognose")
    with app.app_context():
        rijen = {i.jaar: i for i in db.session.scalars(select(Invoer).where(
            Invoer.gemeente_code == EIGEN, Invoer.jaar < JAAR))}
        assert sorted(rijen) == list(range(JAAR - 4, JAAR))
        assert all(r.status == "concept" for r in rijen.values())
        assert rijen[JAAR - 1].waarden == {"meldingen_16uur": 160.0, "thuiszitters": 12.5}
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 4 * 2 + 1
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/prognose")
    assert r.status_code == 200
    # meldingen has 5 years (4 + this year): a trend; the page shows the model's forecast
    with app.app_context():
        huidig = db.session.scalar(select(Invoer).where(Invoer.jaar == JAAR))
        nu = huidig.waarden["meldingen_16uur"]
    assert "nog geen trend: cijfers over" in r.text  # the other invoer
    assert "per jaar" in r.text and 'role="img"' in r.text
    assert "lijn-meldingen_16uur-titel" in r.text
    assert "lijn-thuiszitters-titel" not in r.text
    del nu


def test_history_errors_save_nothing(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    data = {"versies": _versies(client), _veld(JAAR - 1, "meldingen_16uur"): "12",
            _veld(JAAR - 2, "meldingen_16uur"): "twaalf",
            _veld(JAAR - 3, "meldingen_16uur"): "-5"}
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}/historie-invoer", data=data)
    assert r.status_code == 422
    assert "Fout:" in r.text and "twaalf" in r.text  # the entered text stays
    assert f"Meldingen ongeoorloofd verzuim (16 uur in 4 weken), {JAAR - 2}" in r.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invoer)) == 1


def test_history_conflict_saves_nothing(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    vul_invoer(EIGEN, jaar=JAAR - 1, status="concept", waarden={"meldingen_16uur": 5.0})
    auth.als("gemeente")
    versies = _versies(client)
    with app.app_context():
        rij = db.session.scalar(select(Invoer).where(Invoer.jaar == JAAR - 1))
        rij.waarden = {"meldingen_16uur": 6.0}
        db.session.commit()
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}/historie-invoer",
                    data={"versies": versies, _veld(JAAR - 2, "meldingen_16uur"): "7"})
    assert r.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invoer)) == 2


def test_submitted_years_are_read_only(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    vul_invoer(EIGEN, jaar=JAAR - 1, status="ingediend", waarden={"meldingen_16uur": 5.0})
    auth.als("gemeente")
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/historie-invoer")
    assert f'name="{_veld(JAAR - 1, "meldingen_16uur")}"' not in r.text
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}/historie-invoer",
                    data={"versies": _versies(client),
                          _veld(JAAR - 1, "meldingen_16uur"): "99"})
    assert r.status_code == 302
    with app.app_context():
        rij = db.session.scalar(select(Invoer).where(Invoer.jaar == JAAR - 1))
        assert rij.waarden == {"meldingen_16uur": 5.0}


def test_forecast_with_fewer_than_three_years_says_so(client, auth, vul_invoer):
    vul_invoer(EIGEN)
    vul_invoer(EIGEN, jaar=JAAR - 1, status="concept", waarden={"meldingen_16uur": 50.0})
    auth.als("gemeente")
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/prognose")
    assert r.status_code == 200
    assert "nog geen trend: cijfers over 2 jaren, er zijn er minstens 3 nodig" in r.text
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
        huidig = db.session.scalar(select(Invoer).where(Invoer.jaar == JAAR))
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
    del waarden


def test_forecast_without_any_figures(client, auth):
    auth.als("gemeente")
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/prognose")
    assert r.status_code == 200 and "Nog geen fte-prognose" in r.text


def test_posting_the_page_unchanged_saves_nothing(client, auth, app, vul_invoer):
    import re

    vul_invoer(EIGEN)
    vul_invoer(EIGEN, jaar=JAAR - 2, status="concept", waarden={"meldingen_16uur": 5.0})
    auth.als("gemeente")
    pagina = client.get(f"/gemeente/{EIGEN}/{JAAR}/historie-invoer").text
    velden = dict(re.findall(r'name="(h-[^"]+|versies)"[^>]*value="([^"]*)"', pagina))
    assert velden[_veld(JAAR - 2, "meldingen_16uur")] == "5"
    assert velden[_veld(JAAR - 1, "meldingen_16uur")] == ""  # a year without a row: empty
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}/historie-invoer", data=velden)
    assert r.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invoer)) == 2
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_history_form_never_fails_on_any_text(client, auth, app, vul_invoer):
    """Whatever is typed in a cell: saved (302) or a Dutch message (422), never a 5xx."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    vul_invoer(EIGEN)
    auth.als("gemeente")

    @settings(max_examples=voorbeelden(40), deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.text(max_size=45))
    def invullen(tekst):
        data = {"versies": _versies(client), _veld(JAAR - 3, "thuiszitters"): tekst}
        r = client.post(f"/gemeente/{EIGEN}/{JAAR}/historie-invoer", data=data)
        assert r.status_code in (302, 303, 422), r.status_code
        if r.status_code == 422:
            assert "Fout:" in r.text

    invullen()
