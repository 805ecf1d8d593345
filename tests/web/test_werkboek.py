"""Excel scenario workbooks on the web: downloads, upload → preview → confirm, bad uploads."""

from __future__ import annotations

import html
import io
import re
import warnings
import zipfile
from datetime import timedelta

import numpy as np
import openpyxl
import pytest
from profielen import steekproef
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEntry,
    GemeenteRij,
    InvoerRij,
    NormensetRij,
    RegioBezettingRij,
    ScenarioRij,
    User,
    WerkboekUploadRij,
    utcnow,
)
from app.services.normensets import actieve_rij, als_normenset
from formatie.getallen import format_getal
from formatie.model import bereken
from formatie.normenset import MAX_NORMENSET_VERSIE

from .conftest import ANDER, BUUR, EIGEN, EIGEN_REGIO, JAAR, RIJKOP, getal, tabel

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _open(data: bytes, data_only=True):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only)


def _sleutels(ws, rij=3) -> dict[str, int]:
    return {c.value: c.column for c in ws[rij] if c.value}


def _rijen(ws) -> dict[str, int]:
    """gemeentecode → row (Resultaat; on Invoer the first row of the gemeente)."""
    kolom = _sleutels(ws)["gemeentecode"]
    uit: dict[str, int] = {}
    for r in range(4, ws.max_row + 1):
        if ws.cell(r, kolom).value:
            uit.setdefault(ws.cell(r, kolom).value, r)
    return uit


def _zet_invoer(wb, code: str, sleutel: str, waarde) -> None:
    """Invoer (format 2, one row per gemeente × invoer): an invoer's value, or ``jaar`` on
    every row of the gemeente."""
    ws = wb["Invoer"]
    k = _sleutels(ws)
    for r in range(4, ws.max_row + 1):
        if ws.cell(r, k["gemeentecode"]).value != code:
            continue
        if sleutel == "jaar":
            ws.cell(r, k["jaar"]).value = waarde
        elif ws.cell(r, k["invoer"]).value == sleutel:
            ws.cell(r, k["waarde"]).value = waarde


def _tellingen(app) -> tuple[int, ...]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in
                     (InvoerRij, AuditEntry, NormensetRij, ScenarioRij))


def _invoer(app, code: str) -> InvoerRij:
    with app.app_context():
        rij = db.session.scalar(select(InvoerRij).where(InvoerRij.gemeente_code == code,
                                                     InvoerRij.jaar == JAAR))
        db.session.expunge_all()
        return rij


def _upload(client, pad: str, data: bytes, naam="scenario.xlsx"):
    return client.post(pad, data={"werkboek": (io.BytesIO(data), naam)},
                       content_type="multipart/form-data")


def _token(tekst: str) -> str:
    return re.search(r"/upload/([A-Za-z0-9_-]+)/bevestig", tekst).group(1)


def _bewerk(data: bytes, meldingen: dict[str, float] | None = None,
            uren: dict[str, float] | None = None, normenset: str | None = None) -> bytes:
    """Edit input cells as a user would (formulas stay; openpyxl drops cached values).
    ``normenset``: edit ``uren`` only on the Normen rows of the normenset with this label."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(data))
    for code, waarde in (meldingen or {}).items():
        _zet_invoer(wb, code, "meldingen_16uur", waarde)
    normen = wb["Normen"]
    nk = _sleutels(normen)
    for r in range(4, normen.max_row + 1):
        taak = normen.cell(r, nk["taak"]).value
        if normenset is not None and normen.cell(r, nk["normenset"]).value != normenset:
            continue
        if taak in (uren or {}):
            normen.cell(r, nk["uren"]).value = uren[taak]
    uit = io.BytesIO()
    wb.save(uit)
    return uit.getvalue()


# =============================================================================================
# Downloads
# =============================================================================================


def test_gemeente_download_equals_model(client, auth, app, vul_invoer):
    vul_invoer(EIGEN, bezetting={"leerplicht": 3.0})
    auth.als("gemeente")
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx")
    assert r.status_code == 200 and r.mimetype == XLSX
    assert "attachment" in r.headers["Content-Disposition"]
    assert "Apeldoorn" in r.headers["Content-Disposition"]
    wb = _open(r.data)
    ws = wb["Resultaat"]
    kolommen = _sleutels(ws)
    rij = _rijen(ws)[EIGEN]
    invoer = _invoer(app, EIGEN)
    with app.app_context():
        n = als_normenset(actieve_rij())
    res = bereken(n, [[invoer.waarden[s] for s in n.invoer_sleutels]], (EIGEN,))
    for j, f in enumerate(n.functie_sleutels):
        assert ws.cell(rij, kolommen[f"fte_{f}"]).value == pytest.approx(res.fte[0, j],
                                                                          rel=1e-12)
    assert ws.cell(rij, kolommen["fte_totaal"]).value == pytest.approx(res.fte_totaal[0])
    assert ws.cell(rij, kolommen["bezetting_leerplicht"]).value == 3.0


def test_result_and_form_pages_link_to_the_download(client, auth, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    for pad in (f"/gemeente/{EIGEN}/{JAAR}/resultaat", f"/gemeente/{EIGEN}/{JAAR}"):
        tekst = client.get(pad).text
        assert f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx" in tekst, pad
        assert "Download als Excel-scenario" in tekst
        assert f"/gemeente/{EIGEN}/{JAAR}/upload" in tekst


def test_incomplete_figures_give_no_workbook(client, auth, vul_invoer):
    vul_invoer(EIGEN, status="concept", waarden={"leerplichtigen": 100.0})
    auth.als("gemeente")
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx", follow_redirects=True)
    assert "nog niet alle cijfers" in r.text


def test_region_workbook_has_exactly_the_complete_members(client, auth, vul_invoer):
    vul_invoer(EIGEN)
    vul_invoer(BUUR)
    vul_invoer("0232", status="concept", waarden={"leerplichtigen": 10.0})  # Epe, incomplete
    auth.als("regio")
    pagina = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}").text
    assert f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx" in pagina
    assert "Download als Excel-scenario" in pagina
    assert "Niet in het werkboek" in pagina and "Epe" in pagina
    r = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx")
    assert r.status_code == 200 and r.mimetype == XLSX
    wb = _open(r.data)
    assert set(_rijen(wb["Invoer"])) == {EIGEN, BUUR}
    assert set(_rijen(wb["Resultaat"])) == {EIGEN, BUUR}
    toelichting = " ".join(str(c.value) for rij in wb["Toelichting"].iter_rows() for c in rij
                           if c.value)
    assert "Niet in dit werkboek" in toelichting and "Epe (0232)" in toelichting
    assert "Elke gemeente telt mee met de normenset waarmee haar cijfers zijn opgeslagen" \
        in toelichting  # the region policy, as on the region page


def _gemengde_regio(app, auth, client, vul_invoer, activeer_andere_normenset):
    """A region whose members count with different normensets (EIGEN under the standard set,
    BUUR under another the beheerder activated later), logged in as the region; returns the
    region workbook, both normensets (standard, other) and their rows' labels."""
    vul_invoer(EIGEN)
    activeer_andere_normenset()
    vul_invoer(BUUR)
    with app.app_context():
        rij_eigen = db.session.get(InvoerRij, _invoer(app, EIGEN).id).normenset
        rij_buur = db.session.get(InvoerRij, _invoer(app, BUUR).id).normenset
        sets = {EIGEN: (als_normenset(rij_eigen), rij_eigen.id, rij_eigen.label),
                BUUR: (als_normenset(rij_buur), rij_buur.id, rij_buur.label)}
    assert sets[EIGEN][1] != sets[BUUR][1]
    auth.als("regio")
    r = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx")
    assert r.status_code == 200 and r.mimetype == XLSX
    return r.data, sets


def _fte(n, waarden: dict[str, float], code: str) -> float:
    volume = np.array([[float(waarden[s]) for s in n.invoer_sleutels]])
    return float(bereken(n, volume, (code,)).fte_totaal[0])


def test_a_mixed_region_workbook_edited_in_each_group_is_previewed_and_saved_as_invoer(
        client, auth, app, vul_invoer, activeer_andere_normenset):
    """Issue 9/11: the region workbook a manager downloads, edits (a volume in each group, a
    norm in one) and uploads back is previewed per normenset and saved in one transaction; the
    edited group moves to a new normenset derived from its base, the other keeps its own."""
    data, sets = _gemengde_regio(app, auth, client, vul_invoer, activeer_andere_normenset)
    oud = {code: _invoer(app, code) for code in (EIGEN, BUUR)}
    nieuw_volume = {code: oud[code].waarden["meldingen_16uur"] + 41 for code in (EIGEN, BUUR)}
    oude_uren = sets[BUUR][0].taak("behandeling_16uur").uren
    bewerkt = _bewerk(data, nieuw_volume, {"behandeling_16uur": oude_uren + 2.5},
                      normenset=sets[BUUR][2])
    voor = _tellingen(app)
    r = _upload(client, f"/regio/{EIGEN_REGIO}/{JAAR}/upload", bewerkt)
    assert r.status_code == 200, r.text[:3000]
    assert _tellingen(app) == voor  # the preview saves nothing
    assert f"Normenset {html.escape(sets[EIGEN][2])}" in r.text
    assert f"Normenset {html.escape(sets[BUUR][2])}" in r.text
    # fte old → new per gemeente, each in its own normenset (the edited one for BUUR)
    bewerkte_set = replace_uren(sets[BUUR][0], "behandeling_16uur", oude_uren + 2.5)
    for code, n_nieuw in ((EIGEN, sets[EIGEN][0]), (BUUR, bewerkte_set)):
        was = _fte(sets[code][0], oud[code].waarden, code)
        wordt = _fte(n_nieuw, dict(oud[code].waarden, meldingen_16uur=nieuw_volume[code]), code)
        assert abs(wordt - was) > 0.001
        assert f"{format_getal(was, 2)} → <strong>{format_getal(wordt, 2)} fte</strong>" \
            in r.text, code
    assert format_getal(oude_uren + 2.5, 1) in r.text
    assert r.text.count("De normen zijn niet gewijzigd.") == 1  # only EIGEN's group
    token = _token(r.text)
    r = client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/upload/{token}/bevestig",
                    data={"actie": "invoer"})
    assert r.status_code == 302, r.text[:3000]
    na = {code: _invoer(app, code) for code in (EIGEN, BUUR)}
    for code in (EIGEN, BUUR):
        assert na[code].waarden["meldingen_16uur"] == nieuw_volume[code]
        assert na[code].version == oud[code].version + 1
    with app.app_context():
        assert na[EIGEN].normenset_id == sets[EIGEN][1]  # the unedited group keeps its set
        nieuw = db.session.get(NormensetRij, na[BUUR].normenset_id)
        assert nieuw.id not in (sets[EIGEN][1], sets[BUUR][1]) and not nieuw.actief
        n = als_normenset(nieuw)
        assert n.afgeleid_van == sets[BUUR][2]
        assert n.taak("behandeling_16uur").uren == oude_uren + 2.5
        entries = list(db.session.scalars(select(AuditEntry)))
        assert {e.field for e in entries if e.invoer_id == na[EIGEN].id} == {
            "meldingen_16uur", "status"}
        assert {e.field for e in entries if e.invoer_id == na[BUUR].id} == {
            "meldingen_16uur", "status", "normenset"}
        assert all(e.action == "excel-import" for e in entries)
        assert db.session.scalar(select(func.count()).select_from(WerkboekUploadRij)) == 0
    # the region page's total is the sum of the gemeente pages
    pagina = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}").text
    regio_totaal = getal(tabel(pagina, "leden")[-1][-1])
    som = 0.0
    for code in (EIGEN, BUUR):
        gemeente = client.get(f"/gemeente/{code}/{JAAR}/resultaat").text
        som += getal(tabel(gemeente, "verschil")[-1][1])
    assert regio_totaal == pytest.approx(som, abs=0.011)
    verwacht = _fte(sets[EIGEN][0], na[EIGEN].waarden, EIGEN) + _fte(n, na[BUUR].waarden, BUUR)
    assert regio_totaal == round(verwacht, 2)


def replace_uren(n, taak: str, uren: float):
    """``n`` with the hours of one taak set, the way the workbook reader edits a norm."""
    from dataclasses import replace

    return replace(n, taken=tuple(replace(t, uren=uren) if t.sleutel == taak else t
                                  for t in n.taken))


def test_a_conflict_in_a_mixed_region_upload_saves_nothing(
        client, auth, app, vul_invoer, activeer_andere_normenset):
    data, sets = _gemengde_regio(app, auth, client, vul_invoer, activeer_andere_normenset)
    oud = {code: _invoer(app, code) for code in (EIGEN, BUUR)}
    bewerkt = _bewerk(data, {code: oud[code].waarden["meldingen_16uur"] + 5
                             for code in (EIGEN, BUUR)},
                      {"behandeling_16uur": 11.0}, normenset=sets[BUUR][2])
    r = _upload(client, f"/regio/{EIGEN_REGIO}/{JAAR}/upload", bewerkt)
    assert r.status_code == 200, r.text[:3000]
    token = _token(r.text)
    with app.app_context():  # someone saves BUUR in between
        rij = db.session.get(InvoerRij, oud[BUUR].id)
        rij.waarden = dict(rij.waarden, leerplichtigen=rij.waarden["leerplichtigen"] + 1)
        db.session.commit()
    voor = _tellingen(app)
    r = client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/upload/{token}/bevestig",
                    data={"actie": "invoer"})
    assert r.status_code == 409 and "niets opgeslagen" in r.text
    assert _tellingen(app) == voor  # neither gemeente, no normenset, no audit entry
    assert _invoer(app, EIGEN).waarden == oud[EIGEN].waarden


def test_a_mixed_region_workbook_saves_as_scenario_only_without_norm_changes(
        client, auth, app, vul_invoer, activeer_andere_normenset):
    data, sets = _gemengde_regio(app, auth, client, vul_invoer, activeer_andere_normenset)
    oud = {code: _invoer(app, code) for code in (EIGEN, BUUR)}
    meer = {code: oud[code].waarden["meldingen_16uur"] * 2 for code in (EIGEN, BUUR)}
    r = _upload(client, f"/regio/{EIGEN_REGIO}/{JAAR}/upload",
                _bewerk(data, meer, {"behandeling_16uur": 11.0}, normenset=sets[BUUR][2]))
    voor = _tellingen(app)
    r = client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/upload/{_token(r.text)}/bevestig",
                    data={"actie": "scenario", "naam": "Gemengd"})
    assert r.status_code == 422 and "meer dan één normenset" in r.text
    assert "niets opgeslagen" in r.text and _tellingen(app) == voor
    r = _upload(client, f"/regio/{EIGEN_REGIO}/{JAAR}/upload", _bewerk(data, meer))
    r = client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/upload/{_token(r.text)}/bevestig",
                    data={"actie": "scenario", "naam": "Gemengd"})
    assert r.status_code == 302 and "/scenarios/" in r.headers["Location"]
    with app.app_context():
        s = db.session.scalar(select(ScenarioRij))
        assert [g["normenset_id"] for g in s.basis["groepen"]] == [sets[EIGEN][1], sets[BUUR][1]]
        assert s.overrides == {code: {"meldingen_16uur": meer[code]} for code in (EIGEN, BUUR)}
    assert {code: _invoer(app, code).waarden for code in (EIGEN, BUUR)} == {
        code: oud[code].waarden for code in (EIGEN, BUUR)}  # stored figures untouched
    detail = client.get(r.headers["Location"])
    assert detail.status_code == 200 and "Gemengd" in detail.text


def test_mixed_region_scenario_columns_in_both_normensets_are_not_offered_as_scenario(
        client, auth, app, vul_invoer, activeer_andere_normenset):
    """Issue 18: scenario columns filled for a norm of each normenset. The preview shows them
    per normenset and says why this cannot be a scenario instead of offering "Opslaan als
    scenario" (which the save refuses, by the same rule, if asked anyway)."""
    data, sets = _gemengde_regio(app, auth, client, vul_invoer, activeer_andere_normenset)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(data))
    normen = wb["Normen"]
    nk = _sleutels(normen)
    for r in range(4, normen.max_row + 1):
        if normen.cell(r, nk["taak"]).value == "behandeling_16uur":
            normen.cell(r, nk["scenario"]).value = 9.5
    uit = io.BytesIO()
    wb.save(uit)
    r = _upload(client, f"/regio/{EIGEN_REGIO}/{JAAR}/upload", uit.getvalue())
    assert r.status_code == 200, r.text[:3000]
    for code in (EIGEN, BUUR):
        assert f"Scenariokolommen {html.escape(sets[code][2])}" in r.text
    assert r.text.count("De normen zijn niet gewijzigd.") == 2
    assert 'id="geen-scenario"' in r.text and "meer dan één normenset" in r.text
    assert 'value="scenario"' not in r.text and 'value="invoer"' in r.text
    voor = _tellingen(app)
    r = client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/upload/{_token(r.text)}/bevestig",
                    data={"actie": "scenario", "naam": "Toch"})
    assert r.status_code == 422 and "meer dan één normenset" in r.text
    assert "Er is niets opgeslagen" in r.text and _tellingen(app) == voor


def test_the_web_never_takes_a_normenset_from_the_uploaded_workbook(client, auth, app,
                                                                    vul_invoer, data_dir):
    """The workbook carries its normensets as TOML on a hidden sheet (for the command line);
    an upload of one the database does not know is compared with the active normenset, as
    before, not read with that TOML: here its invoer do not exist there, so it is refused."""
    from formatie.invoer_csv import InvoerTabel
    from formatie.normenset_toml import load_normenset
    from formatie.werkboek.schrijven import exporteer_werkboek

    vul_invoer(EIGEN)
    auth.als("gemeente")
    klein = load_normenset(data_dir / "klein.toml")
    data = exporteer_werkboek(klein, InvoerTabel((EIGEN,), (None,), np.array([[100.0, 50.0]])))
    assert "Normensets" in openpyxl.load_workbook(io.BytesIO(data), read_only=True).sheetnames
    voor = _tellingen(app)
    r = _upload(client, f"/gemeente/{EIGEN}/{JAAR}/upload", data)
    assert r.status_code == 422
    assert "onbekende invoer &#39;x&#39;" in r.text
    assert _tellingen(app) == voor


def test_region_without_figures_redirects_with_message(client, auth):
    auth.als("regio")
    r = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx", follow_redirects=True)
    assert "geen enkele gemeente" in r.text


# =============================================================================================
# Upload → preview → confirm
# =============================================================================================


def test_round_trip_meldingen_and_norm_saved_as_invoer(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    oud = _invoer(app, EIGEN)
    auth.als("gemeente")
    data = client.get(f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx").data
    nieuw_meldingen = oud.waarden["meldingen_16uur"] + 37
    bewerkt = _bewerk(data, {EIGEN: nieuw_meldingen}, {"behandeling_16uur": 9.5})
    voor = _tellingen(app)
    r = _upload(client, f"/gemeente/{EIGEN}/{JAAR}/upload", bewerkt)
    assert r.status_code == 200, r.text[:2000]
    assert "Wat verandert er?" in r.text
    assert "Verzuimmeldingen" in r.text or "meldingen" in r.text.lower()
    van = format(oud.waarden["meldingen_16uur"], ".0f")
    assert van in r.text.replace(".", "") and str(int(nieuw_meldingen)) in r.text.replace(".", "")
    assert "9,5" in r.text  # the norm change
    assert "weer als concept" in r.text  # the submitted figures will need submitting again
    assert _tellingen(app)[:4] == voor  # nothing saved by the preview
    token = _token(r.text)
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}/upload/{token}/bevestig",
                    data={"actie": "invoer"})
    assert r.status_code == 302
    na = _invoer(app, EIGEN)
    assert na.waarden["meldingen_16uur"] == nieuw_meldingen
    assert na.version == oud.version + 1
    # changed figures are a concept again, like a form save: submitted numbers that were
    # rewritten must not keep showing as submitted
    assert oud.status == "ingediend" and na.status == "concept"
    with app.app_context():
        entries = list(db.session.scalars(select(AuditEntry)))
        # the edited norms are a new normenset, and the gemeente is saved under it
        assert {e.field for e in entries} == {"meldingen_16uur", "status", "normenset"}
        assert all(e.action == "excel-import" for e in entries)
        nieuw = db.session.scalar(select(NormensetRij).where(NormensetRij.versie.like("%-excel")))
        assert nieuw is not None and not nieuw.actief and na.normenset_id == nieuw.id
        assert als_normenset(nieuw).taak("behandeling_16uur").uren == 9.5
        assert als_normenset(nieuw).afgeleid_van == actieve_rij().label
        assert db.session.scalar(select(func.count()).select_from(WerkboekUploadRij)) == 0
    # the token is used up
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}/upload/{token}/bevestig", data={"actie": "invoer"})
    assert r.status_code == 404


def test_region_upload_saved_as_scenario(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    vul_invoer(BUUR)
    auth.als("regio")
    data = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx").data
    oud = _invoer(app, BUUR)
    bewerkt = _bewerk(data, {BUUR: oud.waarden["meldingen_16uur"] * 2},
                      {"behandeling_16uur": 8.0})
    r = _upload(client, f"/regio/{EIGEN_REGIO}/{JAAR}/upload", bewerkt)
    assert r.status_code == 200, r.text[:2000]
    assert "Deventer" in r.text
    token = _token(r.text)
    voor = _tellingen(app)
    r = client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/upload/{token}/bevestig",
                    data={"actie": "scenario", "naam": "Meer meldingen Deventer"})
    assert r.status_code == 302 and "/scenarios/" in r.headers["Location"]
    assert _invoer(app, BUUR).waarden == oud.waarden  # stored figures untouched
    na = _tellingen(app)
    assert na[0:2] == voor[0:2] and na[2] == voor[2] + 1 and na[3] == voor[3] + 1
    with app.app_context():
        s = db.session.scalar(select(ScenarioRij))
        assert s.regio_code == EIGEN_REGIO and s.werkboek_normenset_id is not None
        assert s.parameters["uren"] == {"behandeling_16uur": 8.0}
        assert s.overrides == {BUUR: {"meldingen_16uur": oud.waarden["meldingen_16uur"] * 2}}
    pagina = client.get(r.headers["Location"])
    assert pagina.status_code == 200 and "Meer meldingen Deventer" in pagina.text
    # beside a scenario from the form on the same base: one base row, each its own figures
    excel_id = int(r.headers["Location"].rsplit("/", 1)[1])
    r = client.post(f"/scenarios/nieuw?regio={EIGEN_REGIO}&jaar={JAAR}",
                    data={"naam": "Uit het formulier", "groei_leerplichtigen": "2"})
    form_id = int(r.headers["Location"].rsplit("/", 1)[1])
    r = client.get(f"/scenarios/vergelijk?ids={excel_id}&ids={form_id}")
    assert r.status_code == 200 and r.text.count(f"{RIJKOP}Basis</th>") == 1
    from .test_scenario_pages import herbereken

    for scenario_id in (excel_id, form_id):
        totaal = float(herbereken(app, scenario_id)[1].fte_totaal.sum())
        assert f">{format_getal(totaal, 2)}<" in r.text


def test_conflict_at_confirm_saves_nothing(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    data = client.get(f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx").data
    oud = _invoer(app, EIGEN)
    r = _upload(client, f"/gemeente/{EIGEN}/{JAAR}/upload",
                _bewerk(data, {EIGEN: oud.waarden["meldingen_16uur"] + 1}))
    token = _token(r.text)
    # meanwhile someone saves through the form
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}",
                    data={"version": str(oud.version), "leerplichtigen": "12345",
                          "concept": "1"})
    assert r.status_code == 302
    tussen = _invoer(app, EIGEN)
    voor = _tellingen(app)
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}/upload/{token}/bevestig", data={"actie": "invoer"})
    assert r.status_code == 409
    assert "iemand anders" in r.text and "niets opgeslagen" in r.text
    assert _tellingen(app) == voor
    assert _invoer(app, EIGEN).waarden == tussen.waarden


def test_scenario_needs_a_name(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    data = client.get(f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx").data
    meldingen = _invoer(app, EIGEN).waarden["meldingen_16uur"] + 1
    r = _upload(client, f"/gemeente/{EIGEN}/{JAAR}/upload", _bewerk(data, {EIGEN: meldingen}))
    token = _token(r.text)
    voor = _tellingen(app)
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}/upload/{token}/bevestig",
                    data={"actie": "scenario", "naam": "  "})
    assert r.status_code == 422 and "naam" in r.text
    assert _tellingen(app) == voor


def test_token_belongs_to_its_user(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    data = client.get(f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx").data
    meldingen = _invoer(app, EIGEN).waarden["meldingen_16uur"] + 1
    r = _upload(client, f"/gemeente/{EIGEN}/{JAAR}/upload", _bewerk(data, {EIGEN: meldingen}))
    token = _token(r.text)
    auth.als("beheerder")  # may see the gemeente, but the upload is not theirs
    voor = _tellingen(app)
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}/upload/{token}/bevestig", data={"actie": "invoer"})
    assert r.status_code == 404
    assert _tellingen(app) == voor


def test_unchanged_workbook_offers_nothing_to_save(client, auth, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    data = client.get(f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx").data
    r = _upload(client, f"/gemeente/{EIGEN}/{JAAR}/upload", data)
    assert r.status_code == 200 and "geen wijzigingen" in r.text
    assert "Opslaan als invoer" not in r.text
    assert "tegen zichzelf gecontroleerd" in r.text  # the download carries its results


def test_typed_over_result_is_refused_naming_the_cell(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    data = _cel(_werkboek_van(client), "Resultaat", EIGEN, "fte_leerplicht", 143.98)
    voor = _tellingen(app)
    r = _upload(client, f"/gemeente/{EIGEN}/{JAAR}/upload", data)
    assert r.status_code == 422
    assert "Resultaat!D4 hoort een formule te bevatten, maar bevat &#39;143,98&#39;" in r.text
    assert "niets opgeslagen" in r.text and _tellingen(app) == voor


def test_workbook_without_stored_results_gets_the_unchecked_notice(client, auth, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    r = _upload(client, f"/gemeente/{EIGEN}/{JAAR}/upload",
                _bewerk(_werkboek_van(client), uren={"behandeling_16uur": 6.0}))
    assert r.status_code == 200
    assert "kon niet tegen zichzelf worden gecontroleerd" in r.text


def test_scenario_columns_are_saved_with_the_scenario(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    data = _werkboek_van(client)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(data))
    normen = wb["Normen"]
    k = _sleutels(normen)
    for r in range(4, normen.max_row + 1):
        if normen.cell(r, k["taak"]).value == "behandeling_16uur":
            normen.cell(r, k["scenario"]).value = 9.0
    ws = wb["Invoer"]
    ki = _sleutels(ws)
    for r in range(4, ws.max_row + 1):
        if ws.cell(r, ki["invoer"]).value == "thuiszitters":
            ws.cell(r, ki["scenario"]).value = 40
    uit = io.BytesIO()
    wb.save(uit)
    r = _upload(client, f"/gemeente/{EIGEN}/{JAAR}/upload", uit.getvalue())
    assert r.status_code == 200 and "Scenariokolommen" in r.text
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}/upload/{_token(r.text)}/bevestig",
                    data={"actie": "scenario", "naam": "Scenario uit Excel"})
    assert r.status_code == 302
    with app.app_context():
        s = db.session.scalar(select(ScenarioRij))
        assert s.parameters["uren"] == {"behandeling_16uur": 9.0}
        assert s.overrides == {EIGEN: {"thuiszitters": 40.0}}


# =============================================================================================
# Bad uploads: a Dutch message, nothing saved
# =============================================================================================


def _zip_bom() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * 50_000_000)
    return buf.getvalue()


def _ander_werkboek() -> bytes:
    """A workbook from another tool: valid xlsx, none of our sheets."""
    wb = openpyxl.Workbook()
    wb.active.title = "Begroting"
    wb.active["A1"] = "gemeentecode"
    uit = io.BytesIO()
    wb.save(uit)
    return uit.getvalue()


def _werkboek_van(client, code=EIGEN) -> bytes:
    return client.get(f"/gemeente/{code}/{JAAR}/scenario.xlsx").data


def _cel(data: bytes, blad: str, code: str, sleutel: str, waarde) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(data))
    if blad == "Invoer":
        _zet_invoer(wb, code, sleutel, waarde)
    else:
        ws = wb[blad]
        ws.cell(_rijen(ws)[code], _sleutels(ws)[sleutel]).value = waarde
    uit = io.BytesIO()
    wb.save(uit)
    return uit.getvalue()


@pytest.mark.parametrize("geval", steekproef([
    "geen_xlsx", "zip_bom", "andere_gemeente", "buiten_bereik", "tekst_in_getal", "ander_jaar",
    "leeg", "controle", "ander_werkboek", "formule_in_invoer"]))
def test_bad_uploads_dutch_message_nothing_saved(client, auth, app, vul_invoer, geval):
    vul_invoer(EIGEN)
    vul_invoer(ANDER)
    auth.als("beheerder")
    eigen = _werkboek_van(client)
    ander = _werkboek_van(client, ANDER) if geval == "andere_gemeente" else None
    auth.als("gemeente")
    # Only this case's file is built (each costs an openpyxl round trip or a 50 MB zip).
    data, melding = {
        "geen_xlsx": (lambda: b"gemeentecode;leerplichtigen\n0200;5\n", "geen Excel-werkboek"),
        "zip_bom": (_zip_bom, "zip-bom"),
        "andere_gemeente": (lambda: ander, "Utrecht (0344)"),
        "buiten_bereik": (lambda: _cel(eigen, "Invoer", EIGEN, "meldingen_16uur", 10_000_000),
                          "10000000 moet van 0 tot en met 50.000 meldingen per jaar zijn"),
        "tekst_in_getal": (lambda: _cel(eigen, "Invoer", EIGEN, "meldingen_16uur", "veel"),
                           "veel"),
        "ander_jaar": (lambda: _cel(eigen, "Invoer", EIGEN, "jaar", JAAR - 1),
                       f"cijfers van {JAAR - 1}"),
        "leeg": (lambda: b"", "leeg"),
        "ander_werkboek": (_ander_werkboek, "Toelichting"),
        "formule_in_invoer": (lambda: _cel(eigen, "Invoer", EIGEN, "meldingen_16uur", "=1+1"),
                              "formule"),
        "controle": (lambda: None, None),
    }[geval]
    data = data()
    if geval == "controle":
        with app.app_context():
            n = als_normenset(actieve_rij())
        if not n.controles:
            pytest.skip("normenset zonder controles")
        c = n.controles[0]
        invoer = _invoer(app, EIGEN)
        data = _cel(eigen, "Invoer", EIGEN, c.links, invoer.waarden[c.rechts] + 1)
        melding = c.melding
    voor = _tellingen(app)
    r = _upload(client, f"/gemeente/{EIGEN}/{JAAR}/upload", data)
    assert r.status_code == 422, r.text[:1000]
    assert melding in r.text, r.text[:3000]
    assert "niets opgeslagen" in r.text and "Fout:" in r.text
    assert _tellingen(app) == voor
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WerkboekUploadRij)) == 0


def test_no_file_chosen(client, auth):
    auth.als("gemeente")
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}/upload", data={},
                    content_type="multipart/form-data")
    assert r.status_code == 422 and "Kies een Excel-werkboek" in r.text


def test_oversized_upload_gets_the_friendly_413(client, auth, app):
    app.config["MAX_CONTENT_LENGTH"] = 100_000
    auth.als("gemeente")
    voor = _tellingen(app)
    r = _upload(client, f"/gemeente/{EIGEN}/{JAAR}/upload", b"PK\x03\x04" + b"x" * 200_000)
    assert r.status_code == 413 and "Bestand te groot" in r.text
    assert _tellingen(app) == voor


def test_region_upload_refuses_a_gemeente_outside_the_region(client, auth, app, vul_invoer):
    vul_invoer(ANDER)
    auth.als("beheerder")
    ander = _werkboek_van(client, ANDER)
    voor = _tellingen(app)
    r = _upload(client, f"/regio/{EIGEN_REGIO}/{JAAR}/upload", ander)
    assert r.status_code == 422 and "Utrecht (0344)" in r.text
    assert _tellingen(app) == voor


def test_upload_needs_csrf(csrf_app):
    client = csrf_app.test_client()
    with csrf_app.app_context():
        from app.models import User

        user_id = db.session.scalar(
            select(User.session_token).where(User.email == "gemeente@test.nl"))
    with client.session_transaction() as sessie:
        sessie["_user_id"] = str(user_id)
        sessie["_fresh"] = True
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}/upload",
                    data={"werkboek": (io.BytesIO(b"x"), "a.xlsx")},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and "verlopen" in r.text
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}/upload/abc/bevestig", data={"actie": "invoer"})
    assert r.status_code == 400


def test_model_values_match_the_stored_invoer_for_regions(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    vul_invoer(BUUR)
    auth.als("regio")
    wb = _open(client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx").data)
    ws = wb["Resultaat"]
    kolommen, rijen = _sleutels(ws), _rijen(ws)
    with app.app_context():
        n = als_normenset(actieve_rij())
    for code in (EIGEN, BUUR):
        invoer = _invoer(app, code)
        res = bereken(n, np.array([[invoer.waarden[s] for s in n.invoer_sleutels]]), (code,))
        assert ws.cell(rijen[code], kolommen["fte_totaal"]).value == pytest.approx(
            res.fte_totaal[0], rel=1e-12)


def test_expired_preview_saves_nothing(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    data = client.get(f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx").data
    meldingen = _invoer(app, EIGEN).waarden["meldingen_16uur"] + 1
    r = _upload(client, f"/gemeente/{EIGEN}/{JAAR}/upload", _bewerk(data, {EIGEN: meldingen}))
    token = _token(r.text)
    with app.app_context():
        upload = db.session.scalar(select(WerkboekUploadRij))
        upload.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    voor = _tellingen(app)
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}/upload/{token}/bevestig",
                    data={"actie": "invoer"}, follow_redirects=True)
    assert "verlopen" in r.text and "niets opgeslagen" in r.text
    assert _tellingen(app) == voor
    assert _invoer(app, EIGEN).waarden["meldingen_16uur"] == meldingen - 1


@pytest.mark.slow  # seconds; make test-snel leaves it out
def test_second_norm_import_gets_a_unique_version_and_bezetting_is_saved(client, auth, app,
                                                                        vul_invoer):
    vul_invoer(EIGEN, bezetting={"leerplicht": 3.0})
    auth.als("gemeente")
    versies = []
    for uren in (9.0, 11.0):
        data = client.get(f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx").data
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(_bewerk(data, uren={"behandeling_16uur": uren})))
        ws = wb["Resultaat"]
        ws.cell(_rijen(ws)[EIGEN], _sleutels(ws)["bezetting_leerplicht"]).value = uren
        uit = io.BytesIO()
        wb.save(uit)
        r = _upload(client, f"/gemeente/{EIGEN}/{JAAR}/upload", uit.getvalue())
        assert "fte in dienst" in r.text
        r = client.post(f"/gemeente/{EIGEN}/{JAAR}/upload/{_token(r.text)}/bevestig",
                        data={"actie": "invoer"})
        assert r.status_code == 302
        assert _invoer(app, EIGEN).bezetting["leerplicht"] == uren
        with app.app_context():
            versies = sorted(db.session.scalars(select(NormensetRij.versie)
                                                .where(NormensetRij.versie.like("%excel%"))))
    assert versies == ["2026.3-excel", "2026.3-excel-2"]


@pytest.mark.slow  # seconds; make test-snel leaves it out
def test_region_import_makes_only_the_changed_submitted_gemeente_a_concept(client, auth, app,
                                                                          vul_invoer):
    vul_invoer(EIGEN)
    vul_invoer(BUUR)
    auth.als("regio")
    data = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx").data
    oud = _invoer(app, BUUR)
    r = _upload(client, f"/regio/{EIGEN_REGIO}/{JAAR}/upload",
                _bewerk(data, {BUUR: oud.waarden["meldingen_16uur"] + 5}))
    assert r.status_code == 200, r.text[:2000]
    assert r.text.count("weer als concept") == 1
    assert "De cijfers van Deventer zijn ingediend" in r.text
    r = client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/upload/{_token(r.text)}/bevestig",
                    data={"actie": "invoer"}, follow_redirects=True)
    assert r.status_code == 200
    assert "1 wijziging uit" in r.text and "Deventer staan nu als concept" in r.text
    assert _invoer(app, BUUR).status == "concept"
    assert _invoer(app, EIGEN).status == "ingediend"  # unchanged: still submitted


@pytest.mark.parametrize("actie", ["invoer", "scenario"])
def test_confirm_checks_access_again(client, auth, app, vul_invoer, actie):
    """A gemeente that left the region between preview and confirm may not be saved through
    it, neither as invoer nor as a scenario."""
    vul_invoer(EIGEN)
    vul_invoer(BUUR)
    auth.als("regio")
    data = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx").data
    oud = _invoer(app, BUUR)
    r = _upload(client, f"/regio/{EIGEN_REGIO}/{JAAR}/upload",
                _bewerk(data, {BUUR: oud.waarden["meldingen_16uur"] + 5}))
    token = _token(r.text)
    with app.app_context():
        buur = db.session.get(GemeenteRij, BUUR)
        buur.regio_code = db.session.get(GemeenteRij, ANDER).regio_code
        db.session.commit()
    voor = _tellingen(app)
    r = client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/upload/{token}/bevestig",
                    data={"actie": actie, "naam": "Zonder toegang"})
    assert r.status_code == 404
    assert _tellingen(app) == voor
    assert _invoer(app, BUUR).waarden == oud.waarden


@pytest.mark.slow  # seconds; make test-snel leaves it out
def test_imported_norms_versions_stay_within_the_column(client, auth, app, vul_invoer):
    """A long base versie: '-excel' and '-excel-2' cut the base, so the stored versie fits
    String(50) and reads back."""
    with app.app_context():
        rij = actieve_rij()
        lang = "v" * MAX_NORMENSET_VERSIE
        rij.toml = rij.toml.replace(f'versie = "{rij.versie}"', f'versie = "{lang}"', 1)
        rij.versie = lang
        db.session.commit()
    vul_invoer(EIGEN)
    auth.als("gemeente")
    for uren in (9.0, 11.0):
        data = client.get(f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx").data
        r = _upload(client, f"/gemeente/{EIGEN}/{JAAR}/upload",
                    _bewerk(data, uren={"behandeling_16uur": uren}))
        assert r.status_code == 200, r.text[:2000]
        r = client.post(f"/gemeente/{EIGEN}/{JAAR}/upload/{_token(r.text)}/bevestig",
                        data={"actie": "invoer"})
        assert r.status_code == 302
    with app.app_context():
        versies = sorted(db.session.scalars(select(NormensetRij.versie)
                                            .where(NormensetRij.versie.like("%-excel%"))))
    assert set(versies) == {"v" * 44 + "-excel", "v" * 42 + "-excel-2"}


# =============================================================================================
# Hostile uploads (issue 12)
# =============================================================================================


def _herkomst(data: bytes, versie: str) -> bytes:
    """The workbook naming normenset versie ``versie``: the named cell on Toelichting and the
    ``normenset_versie`` column on Organisatie (format 2 reads each group's set from there)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(data))
    blad, ref = next(iter(wb.defined_names["normenset_versie"].destinations))
    wb[blad][ref.replace("$", "")] = versie
    if "Organisatie" in wb.sheetnames:
        ws = wb["Organisatie"]
        kop = next(r for r in range(1, 6) if "normenset_versie" in
                   [c.value for c in ws[r]])
        kolom = [c.value for c in ws[kop]].index("normenset_versie") + 1
        for r in range(kop + 1, ws.max_row + 1):
            if ws.cell(r, kolom).value:
                ws.cell(r, kolom).value = versie
    uit = io.BytesIO()
    wb.save(uit)
    return uit.getvalue()


def test_a_workbook_naming_another_gemeentes_own_normenset_does_not_reach_it(
        client, auth, app, vul_invoer):
    """Issue 12, point 2: the name in Toelichting goes through the /normen visibility rule, and
    a hidden normenset reads exactly like one that does not exist."""
    vul_invoer(EIGEN)
    with app.app_context():
        utrecht = db.session.scalar(select(User.id).where(User.email == "utrecht@test.nl"))
        basis = actieve_rij()
        verborgen = NormensetRij(naam=basis.naam, versie="utrecht-excel", actief=False,
                                 toml=basis.toml.replace(f'versie = "{basis.versie}"',
                                                         'versie = "utrecht-excel"'),
                                 uploaded_by=utrecht)
        db.session.add(verborgen)
        db.session.commit()
        verborgen_id, actief_id = verborgen.id, basis.id
    auth.als("gemeente")
    data = client.get(f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx").data
    antwoorden = {}
    for versie in ("utrecht-excel", "bestaat-niet"):
        r = _upload(client, f"/gemeente/{EIGEN}/{JAAR}/upload", _herkomst(data, versie))
        assert r.status_code == 200, r.text[:2000]
        tekst = re.sub(r"/upload/[A-Za-z0-9_-]+/", "/upload/T/", r.text)
        antwoorden[versie] = re.sub(r'value="[^"]*"', 'value=""', tekst)  # tokens differ
    assert antwoorden["utrecht-excel"] == antwoorden["bestaat-niet"]
    assert "die u hier niet kunt gebruiken" in antwoorden["utrecht-excel"]
    with app.app_context():
        payloads = [u.payload for u in db.session.scalars(select(WerkboekUploadRij))]
    assert [g["normenset_id"] for p in payloads for g in p["groepen"]] == [actief_id,
                                                                           actief_id]
    assert client.get(f"/normen/{verborgen_id}").status_code == 404


@pytest.mark.slow  # seconds; make test-snel leaves it out
def test_pending_previews_are_capped_per_user_and_in_total(client, auth, app, vul_invoer):
    """Issue 12, point 9: 5 × 2 MB uploads stored 18 MB for an hour."""
    vul_invoer(EIGEN)
    vul_invoer(BUUR)
    auth.als("gemeente")
    meldingen = _invoer(app, EIGEN).waarden["meldingen_16uur"] + 1
    data = _bewerk(client.get(f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx").data,
                   {EIGEN: meldingen})
    tokens = []
    for _ in range(4):
        r = _upload(client, f"/gemeente/{EIGEN}/{JAAR}/upload", data)
        assert r.status_code == 200
        tokens.append(_token(r.text))
    with app.app_context():
        bewaard = set(db.session.scalars(select(WerkboekUploadRij.token)))
    assert bewaard == set(tokens[1:])  # the oldest made room
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}/upload/{tokens[0]}/bevestig",
                    data={"actie": "invoer"})
    assert r.status_code == 404
    app.config["WERKBOEK_VOORBEELDEN_TOTAAL"] = 3
    auth.als("regio")
    data = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx").data
    r = _upload(client, f"/regio/{EIGEN_REGIO}/{JAAR}/upload", data)
    assert r.status_code == 429 and "te veel voorbeelden" in r.text
    with app.app_context():
        assert set(db.session.scalars(select(WerkboekUploadRij.token))) == bewaard


@pytest.mark.parametrize(("bestand", "melding"), [
    ("dimensiebom", "het blad 'Toelichting' is te groot om te lezen (een cel voorbij rij "
                    "50.000)"),
    ("miljoen_rijen", "het blad 'Invoer' is te groot om te lezen (meer dan 50.000 rijen)"),
])
def test_a_workbook_beyond_the_reading_budget_is_refused_with_422(client, auth, app, request,
                                                                  bestand, melding):
    """Issue 12, points 1 and 3: these kept a worker busy until its timeout."""
    auth.als("beheerder")
    voor = _tellingen(app)
    r = _upload(client, f"/regio/{EIGEN_REGIO}/{JAAR}/upload", request.getfixturevalue(bestand),
                naam="aanval.xlsx")
    # the test client spools a body over 500 KB to a temporary file that it does not close
    r.request.environ["wsgi.input"].close()
    assert r.status_code == 422
    assert f"aanval.xlsx: {melding}" in html.unescape(r.text)
    assert _tellingen(app) == voor


@pytest.mark.parametrize("pad, terug, melding", [
    (f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx", f"/gemeente/{EIGEN}/{JAAR}/resultaat",
     "nog niet alle cijfers van Apeldoorn"),
    (f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx", f"/regio/{EIGEN_REGIO}/{JAAR}",
     "geen enkele gemeente in regio"),
])
def test_download_without_figures_goes_back_with_the_reason(client, auth, pad, terug, melding):
    auth.als("regio")
    r = client.get(pad)
    assert r.status_code == 302 and r.headers["Location"] == terug
    assert melding in client.get(terug).text


# =============================================================================================
# The Doorstroompunt's bezetting: entered once by the region, in the region workbook too
# =============================================================================================


def _regio_cel(wb):
    """The region bezetting cell of the Doorstroompunt (defined name) in an openpyxl workbook."""
    blad, ref = next(iter(wb.defined_names["regio_bezetting_doorstroompunt"].destinations))
    return wb[blad][ref.replace("$", "")]


def _zet_regio_bezetting(data: bytes, waarde) -> bytes:
    wb = _open(data, data_only=False)
    _regio_cel(wb).value = waarde
    uit = io.BytesIO()
    wb.save(uit)
    return uit.getvalue()


def _samenvatting_doorstroompunt(wb) -> list:
    """The Doorstroompunt's line of Samenvatting's bezetting table (values as shown)."""
    rijen = [[c.value for c in rij] for rij in wb["Samenvatting"].iter_rows()]
    kop = next(i for i, r in enumerate(rijen) if r[0] == "Bezetting")
    return next(r for r in rijen[kop + 1:] if r[0] == "Doorstroompunt")


def test_region_page_json_and_workbook_show_the_same_doorstroompunt_bezetting(client, auth,
                                                                             vul_invoer):
    vul_invoer(EIGEN)
    vul_invoer(BUUR)
    auth.als("regio")
    assert client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/bezetting",
                       data={"bezetting_doorstroompunt": "2,5", "version": "0"}
                       ).status_code == 302
    j = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json").json["regio"]["functies"]
    pagina = next(r for r in tabel(client.get(f"/regio/{EIGEN_REGIO}/{JAAR}").text, "verschil")
                  if r[0] == "Doorstroompunt")
    data = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx").data
    wb = _open(data)
    regel = _samenvatting_doorstroompunt(wb)
    cel = _regio_cel(wb)
    k = _sleutels(cel.parent)
    for bezetting, verschil in ((regel[2], regel[3]),
                                (cel.value, cel.parent.cell(cel.row, k["verschil_doorstroompunt"])
                                 .value)):
        assert bezetting == j["doorstroompunt"]["bezetting"] == getal(pagina[2])
        assert verschil == pytest.approx(j["doorstroompunt"]["verschil"], abs=1e-12)
        assert round(verschil, 2) == getal(pagina[3])
    # untouched, the workbook passes its self-check and offers nothing to save
    r = _upload(client, f"/regio/{EIGEN_REGIO}/{JAAR}/upload", data)
    assert r.status_code == 200 and "tegen zichzelf gecontroleerd" in r.text
    assert "Het werkboek bevat geen wijzigingen" in r.text


def test_region_bezetting_changed_in_the_workbook_is_saved_with_an_audit_entry(
        client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    vul_invoer(BUUR)
    auth.als("regio")
    client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/bezetting",
                data={"bezetting_doorstroompunt": "2,5", "version": "0"})
    data = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx").data
    meldingen = _invoer(app, BUUR).waarden["meldingen_16uur"] + 11
    bewerkt = _zet_regio_bezetting(_bewerk(data, {BUUR: meldingen}), 4.75)
    r = _upload(client, f"/regio/{EIGEN_REGIO}/{JAAR}/upload", bewerkt)
    assert r.status_code == 200, r.text[:2000]
    voorbeeld = next(rij for rij in tabel(r.text, "regio-bezetting")
                     if rij[0].startswith("Doorstroompunt"))
    assert [getal(x) for x in voorbeeld[1:]] == [2.5, 4.75]  # old → new
    with app.app_context():  # nothing saved by the preview
        assert db.session.scalar(select(RegioBezettingRij)).waarden == {"doorstroompunt": 2.5}
    r = client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/upload/{_token(r.text)}/bevestig",
                    data={"actie": "invoer"})
    assert r.status_code == 302
    assert _invoer(app, BUUR).waarden["meldingen_16uur"] == meldingen  # one transaction
    with app.app_context():
        rij = db.session.scalar(select(RegioBezettingRij))
        assert (rij.waarden, rij.version) == ({"doorstroompunt": 4.75}, 2)
        audit = list(db.session.scalars(select(AuditEntry).where(
            AuditEntry.regio_bezetting_id == rij.id).order_by(AuditEntry.id)))
        assert [(a.field, a.old, a.new, a.action, a.user.email) for a in audit][-1] == (
            "bezetting_doorstroompunt", "2.5", "4.75", "excel-import", "regio@test.nl")
    j = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json").json["regio"]["functies"]
    assert j["doorstroompunt"]["bezetting"] == 4.75


def test_a_gemeente_user_cannot_change_the_region_bezetting_through_a_workbook(
        client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("regio")
    data = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx").data
    bewerkt = _zet_regio_bezetting(data, 7.0)
    auth.als("gemeente")
    assert _upload(client, f"/regio/{EIGEN_REGIO}/{JAAR}/upload", bewerkt).status_code == 404
    r = _upload(client, f"/gemeente/{EIGEN}/{JAAR}/upload", bewerkt)
    assert r.status_code == 200, r.text[:2000]
    assert "wordt hier niet opgeslagen" in r.text and "Bezetting van de regio" not in r.text
    assert "Het werkboek bevat geen wijzigingen" in r.text
    with app.app_context():
        assert db.session.scalar(select(RegioBezettingRij)) is None


def test_a_region_bezetting_saved_meanwhile_makes_the_workbook_confirm_a_conflict(
        client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("regio")
    data = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx").data
    meldingen = _invoer(app, EIGEN).waarden["meldingen_16uur"] + 5
    r = _upload(client, f"/regio/{EIGEN_REGIO}/{JAAR}/upload",
                _zet_regio_bezetting(_bewerk(data, {EIGEN: meldingen}), 3.0))
    token = _token(r.text)
    auth.als("beheerder")  # meanwhile, on the region page
    client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/bezetting",
                data={"bezetting_doorstroompunt": "1", "version": "0"})
    auth.als("regio")
    r = client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/upload/{token}/bevestig",
                    data={"actie": "invoer"})
    assert r.status_code == 409 and "Er is niets opgeslagen" in r.text
    assert _invoer(app, EIGEN).waarden["meldingen_16uur"] == meldingen - 5  # nothing halfway
    with app.app_context():
        assert db.session.scalar(select(RegioBezettingRij)).waarden == {"doorstroompunt": 1.0}
