"""Scenario pages: create (form, presets), reproduce from the stored JSON, copy, delete,
compare (table, chart, xlsx)."""

from __future__ import annotations

import io
import warnings

import numpy as np
import openpyxl
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import NormensetRij, ScenarioRij
from formatie.getallen import format_getal
from formatie.model import bereken
from formatie.normenset_toml import parse_normenset
from formatie.referentie import load_referentie
from formatie.scenario import PRESETS, Scenario, pas_toe

from .conftest import BUUR, EIGEN, EIGEN_REGIO, JAAR

NIEUW = f"/scenarios/nieuw?gemeente={EIGEN}&jaar={JAAR}"


def _aantal(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ScenarioRij))


def _rij(app, scenario_id: int) -> ScenarioRij:
    with app.app_context():
        rij = db.session.get(ScenarioRij, scenario_id)
        db.session.expunge_all()
        return rij


def _maak(client, pad=NIEUW, **velden) -> int:
    r = client.post(pad, data={"naam": "Test", **velden})
    assert r.status_code == 302, r.text[:3000]
    return int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def herbereken(app, scenario_id: int):
    """The scenario's result from its stored row alone, with the formatie package only."""
    with app.app_context():
        rij = db.session.get(ScenarioRij, scenario_id)
        toml = db.session.get(NormensetRij, rij.normenset_id).toml
        parameters, basis, overrides = rij.parameters, rij.basis, rij.overrides
    n = parse_normenset(toml)
    codes = tuple(basis["gemeentecodes"])
    volume = np.array(basis["volume"], dtype=float)[
        :, [basis["invoer"].index(s) for s in n.invoer_sleutels]]
    for g, code in enumerate(codes):
        for s, v in overrides.get(code, {}).items():
            volume[g, n.invoer_sleutels.index(s)] = v
    n2, v2 = pas_toe(Scenario.from_dict(parameters), n, volume, codes, load_referentie())
    return bereken(n, np.array(basis["volume"], dtype=float)[
        :, [basis["invoer"].index(s) for s in n.invoer_sleutels]], codes), bereken(n2, v2, codes)


def test_form_shows_defaults_and_preset(client, auth, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    r = client.get(NIEUW)
    assert r.status_code == 200
    assert "Doorstroompunt tot 27 jaar" in r.text
    assert 'value="10"' in r.text and 'value="25"' in r.text and 'value="40"' in r.text
    assert "Norm: " in r.text and "Normenset: " in r.text


def test_create_stores_full_parameters_and_page_is_reproducible(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    scenario_id = _maak(client, naam="Groei en beleid", groei_meldingen_16uur="12,5",
                        uren_behandeling_16uur="5,5", org_leerplicht__indirect="25",
                        preset_doorstroompunt_27="y", dp27_aandeel_actief="30",
                        dp27_aandeel_zonder_startkwalificatie="10",
                        dp27_aandeel_traject="40")
    rij = _rij(app, scenario_id)
    p = rij.parameters
    assert p["naam"] == "Groei en beleid" and p["schema"] == 1
    assert p["groei"] == {"meldingen_16uur": 12.5}
    assert p["uren"] == {"behandeling_16uur": 5.5}
    assert p["organisatie"] == {"leerplicht": {"indirect": 0.25}}
    assert p["presets"] == [{"sleutel": "doorstroompunt_27",
                             "parameters": {"aandeel_actief": 0.3}}]
    assert p["basis"]["gemeentecodes"] == [EIGEN] and p["basis"]["jaar"] == JAAR
    assert rij.gemeente_code == EIGEN and rij.owner_id is not None
    basis, res = herbereken(app, scenario_id)
    pagina = client.get(f"/scenarios/{scenario_id}").text
    assert f">{format_getal(float(res.fte_totaal.sum()), 2)}<" in pagina
    assert f">{format_getal(float(basis.fte_totaal.sum()), 2)}<" in pagina
    for f in range(len(res.normenset.functies)):
        assert f">{format_getal(float(res.fte[:, f].sum()), 2)}<" in pagina
    assert res.fte_totaal.sum() > basis.fte_totaal.sum()


def test_preset_adds_the_cohort(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    scenario_id = _maak(client, preset_doorstroompunt_27="y", dp27_aandeel_actief="25",
                        dp27_aandeel_zonder_startkwalificatie="10", dp27_aandeel_traject="40",
                        dp27_cohort="2000")
    rij = _rij(app, scenario_id)
    assert rij.parameters["presets"] == [{"sleutel": "doorstroompunt_27",
                                          "parameters": {"cohort": 2000.0}}]
    basis, res = herbereken(app, scenario_id)
    n = basis.normenset
    i = n.invoer_sleutels.index("jongeren_zonder_startkwalificatie_23_26")
    assert res.volume[0, i] - basis.volume[0, i] == pytest.approx(
        2000 * PRESETS["doorstroompunt_27"].parameters["aandeel_zonder_startkwalificatie"])
    d = n.functie_sleutels.index("doorstroompunt")
    assert res.fte[0, d] > basis.fte[0, d]


def test_region_scenario_estimates_the_cohort_per_gemeente(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    vul_invoer(BUUR)
    auth.als("regio")
    pad = f"/scenarios/nieuw?regio={EIGEN_REGIO}&jaar={JAAR}"
    voor = _aantal(app)
    r = client.post(pad, data={"naam": "x", "preset_doorstroompunt_27": "y",
                               "dp27_cohort": "100", "dp27_aandeel_actief": "25",
                               "dp27_aandeel_zonder_startkwalificatie": "10",
                               "dp27_aandeel_traject": "40"})
    assert r.status_code == 422 and "Laat dit leeg voor een regio" in r.text
    assert _aantal(app) == voor
    scenario_id = _maak(client, pad, preset_doorstroompunt_27="y", dp27_aandeel_actief="25",
                        dp27_aandeel_zonder_startkwalificatie="10", dp27_aandeel_traject="40")
    rij = _rij(app, scenario_id)
    assert rij.regio_code == EIGEN_REGIO and set(rij.basis["gemeentecodes"]) == {EIGEN, BUUR}
    basis, res = herbereken(app, scenario_id)
    assert res.fte_totaal.sum() > basis.fte_totaal.sum()
    assert client.get(f"/scenarios/{scenario_id}").status_code == 200


@pytest.mark.parametrize(("velden", "melding"), [
    ({"groei_meldingen_16uur": "veel"}, "getal"),
    ({"groei_meldingen_16uur": "-100"}, "Vul een getal in, meer dan −100 en hoogstens 1.000 %."),
    ({"uren_behandeling_16uur": "-1"}, "Vul een getal in, van 0 tot en met 2.000 uur per eenheid."),
    ({"org_leerplicht__afwezigheid": "95"}, "Vul een getal in, van 0 tot en met 50 %."),
    ({"naam": ""}, "Geef het scenario een naam"),
])
def test_bad_input_dutch_message_nothing_saved(client, auth, app, vul_invoer, velden, melding):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    voor = _aantal(app)
    r = client.post(NIEUW, data={"naam": "Test", **velden})
    assert r.status_code == 422
    assert melding in r.text and "Fout:" in r.text
    assert _aantal(app) == voor


def test_no_base_no_scenario(client, auth, app):
    auth.als("gemeente")
    r = client.get(NIEUW, follow_redirects=True)
    assert "geen volledige cijfers" in r.text
    assert client.get("/scenarios/nieuw", follow_redirects=True).status_code == 200


def test_copy_and_delete(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("regio")
    scenario_id = _maak(client, naam="Origineel", groei_luxe_verzuim="5")
    auth.als("gemeente")  # may see it (own gemeente), copy it, but not delete it
    r = client.post(f"/scenarios/{scenario_id}/kopie")
    assert r.status_code == 302
    kopie_id = int(r.headers["Location"].rsplit("/", 1)[1])
    kopie = _rij(app, kopie_id)
    origineel = _rij(app, scenario_id)
    assert kopie.naam == "Kopie van Origineel"
    assert {k: v for k, v in kopie.parameters.items() if k != "naam"} == {
        k: v for k, v in origineel.parameters.items() if k != "naam"}
    assert kopie.basis == origineel.basis
    assert herbereken(app, kopie_id)[1].fte_totaal.sum() == pytest.approx(
        herbereken(app, scenario_id)[1].fte_totaal.sum(), rel=0, abs=0)
    assert client.post(f"/scenarios/{scenario_id}/verwijder").status_code == 404
    assert _rij(app, scenario_id) is not None
    assert client.post(f"/scenarios/{kopie_id}/verwijder").status_code == 302  # own copy
    assert _rij(app, kopie_id) is None
    auth.als("beheerder")
    assert client.post(f"/scenarios/{scenario_id}/verwijder").status_code == 302
    assert _aantal(app) == 0


def test_prefill_from_an_existing_scenario(client, auth, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    scenario_id = _maak(client, naam="Bron", groei_meldingen_16uur="7,5")
    r = client.get(f"{NIEUW}&van={scenario_id}")
    assert 'value="7,5"' in r.text and 'value="Bron"' in r.text


def test_compare_table_chart_and_xlsx(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    a = _maak(client, naam="Plus tien", groei_meldingen_16uur="10")
    b = _maak(client, naam="Min tien", groei_meldingen_16uur="-10")
    r = client.get(f"/scenarios/vergelijk?ids={a}&ids={b}")
    assert r.status_code == 200
    assert "Plus tien" in r.text and "Min tien" in r.text and ">Basis<" in r.text
    assert 'role="img"' in r.text and "<title" in r.text
    ra, rb = herbereken(app, a)[1], herbereken(app, b)[1]
    basis = herbereken(app, a)[0]
    for res in (ra, rb, basis):
        assert f">{format_getal(float(res.fte_totaal.sum()), 2)}<" in r.text
    x = client.get(f"/scenarios/vergelijk.xlsx?ids={a}&ids={b}")
    assert x.status_code == 200 and x.mimetype.endswith("spreadsheetml.sheet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(x.data), data_only=True)
    assert {"Toelichting", "Vergelijking", "Parameters"} <= set(wb.sheetnames)
    ws = wb["Vergelijking"]
    sleutels = {c.value: c.column for c in ws[3] if c.value}
    rijen = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    assert set(rijen) == {"Basis", "Plus tien", "Min tien"}
    for naam, res in (("Plus tien", ra), ("Min tien", rb), ("Basis", basis)):
        rij = rijen[naam]
        assert ws.cell(rij, sleutels["fte_totaal"]).value == pytest.approx(
            float(res.fte_totaal.sum()), rel=1e-12)
        for f, functie in enumerate(res.normenset.functie_sleutels):
            assert ws.cell(rij, sleutels[f"fte_{functie}"]).value == pytest.approx(
                float(res.fte[:, f].sum()), rel=1e-12)
        assert ws.cell(rij, sleutels["verschil"]).value == pytest.approx(
            float(res.fte_totaal.sum() - basis.fte_totaal.sum()), abs=1e-9)
    formules = openpyxl.load_workbook(io.BytesIO(x.data))["Vergelijking"]
    assert str(formules.cell(rijen["Plus tien"], sleutels["fte_totaal"]).value).startswith(
        "=SUM(")
    par = wb["Parameters"]
    assert any("meldingen_16uur" in str(c.value) for rij in par.iter_rows() for c in rij)
    # Monte Carlo ranges: ordered, on the page as in the workbook, the same on every request
    assert "Bereik P10–P90" in r.text
    bereik = {}
    for naam, rij in rijen.items():
        p = [ws.cell(rij, sleutels[k]).value for k in ("p10", "p50", "p80", "p90")]
        assert p == sorted(p) and p[0] > 0
        assert f"{format_getal(p[0], 1)} – {format_getal(p[3], 1)}" in r.text
        bereik[naam] = p
    assert bereik["Plus tien"][1] > bereik["Min tien"][1]  # common random numbers
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nog_eens = openpyxl.load_workbook(io.BytesIO(client.get(
            f"/scenarios/vergelijk.xlsx?ids={a}&ids={b}").data), data_only=True)["Vergelijking"]
    assert [nog_eens.cell(rijen["Basis"], sleutels["p90"]).value] == [bereik["Basis"][3]]


def test_compare_needs_a_choice(client, auth):
    auth.als("gemeente")
    r = client.get("/scenarios/vergelijk", follow_redirects=True)
    assert "Kies ten minste één scenario" in r.text
    assert client.get("/scenarios/vergelijk?ids=abc").status_code == 404
    assert client.get("/scenarios/vergelijk?ids=999").status_code == 404


def test_list_shows_visible_scenarios(client, auth, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    _maak(client, naam="Zichtbaar voor Apeldoorn")
    assert "Zichtbaar voor Apeldoorn" in client.get("/scenarios").text
    auth.als("andere_gemeente")
    assert "Zichtbaar voor Apeldoorn" not in client.get("/scenarios").text


def test_compare_scenarios_on_different_bases(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    vul_invoer(BUUR)
    auth.als("regio")
    a = _maak(client, naam="Apeldoorn plus", groei_leerplichtigen="3")
    b = _maak(client, f"/scenarios/nieuw?regio={EIGEN_REGIO}&jaar={JAAR}", naam="Regio plus",
              groei_leerplichtigen="3")
    r = client.get(f"/scenarios/vergelijk?ids={a}&ids={b}")
    assert r.status_code == 200
    # one base per group, named after it
    assert "Basis Apeldoorn (0200)" in r.text and "Basis regio Stedendriehoek (MC11)" in r.text
    for scenario_id in (a, b):
        basis, res = herbereken(app, scenario_id)
        assert f">{format_getal(float(res.fte_totaal.sum()), 2)}<" in r.text
        assert f">{format_getal(float(basis.fte_totaal.sum()), 2)}<" in r.text


def test_names_are_text_in_the_comparison_workbook(client, auth, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    gevaarlijk = '=HYPERLINK("http://example.com","klik")'
    a = _maak(client, naam=gevaarlijk)
    r = client.get(f"/scenarios/{a}")
    assert "=HYPERLINK(&#34;" in r.text or "=HYPERLINK(&quot;" in r.text  # escaped in HTML
    x = client.get(f"/scenarios/vergelijk.xlsx?ids={a}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(io.BytesIO(x.data))["Vergelijking"]
    cellen = [c for rij in ws.iter_rows() for c in rij if c.value == gevaarlijk]
    assert cellen and all(c.data_type == "s" for c in cellen)
