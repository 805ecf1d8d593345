"""Herkomst on the web: form → save → result page → JSON → history → region page, and the
workbook import and the earlier-years grid writing through the same save path."""

from __future__ import annotations

import html as html_module
import io
import re
import warnings

import numpy as np
import openpyxl
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, InvoerRij
from formatie import herkomst as hk
from formatie.getallen import format_getal
from formatie.model import bereken
from formatie.normenset_toml import standaard_normenset
from formatie.werkboek.formaat import BLAD_INVOER, EERSTE_RIJ, SLEUTELRIJ

from .conftest import BUUR, EIGEN, EIGEN_REGIO, JAAR, geschatte_waarden

PAD = f"/gemeente/{EIGEN}/{JAAR}"
NORMENSET = standaard_normenset()
SLEUTELS = NORMENSET.invoer_sleutels
SCHATTING_LABEL = hk.SOORTEN[hk.SCHATTING].label


def _velden(html: str) -> dict[str, str]:
    """Every input of the form with the value the page shows (as a browser would send it)."""
    velden = {}
    for invoer in re.findall(r"<input[^>]*>", html):
        naam = re.search(r'name="([^"]+)"', invoer)
        waarde = re.search(r'value="([^"]*)"', invoer)
        if naam and naam.group(1) not in ("csrf_token", "concept", "indienen"):
            velden[naam.group(1)] = html_module.unescape(waarde.group(1)) if waarde else ""
    return velden


def _rij(app, jaar: int = JAAR, code: str = EIGEN) -> InvoerRij:
    with app.app_context():
        rij = db.session.scalar(select(InvoerRij).where(InvoerRij.gemeente_code == code,
                                                     InvoerRij.jaar == jaar))
        db.session.expunge_all()
        return rij


def _soorten(rij: InvoerRij) -> dict[str, str]:
    return {s: h.soort for s, h in hk.lees(rij.herkomst, list(rij.waarden)).items()}


def _herkomst_audit(app) -> list[tuple[str, str | None, str | None, str]]:
    with app.app_context():
        return [(a.field, a.old, a.new, a.action) for a in db.session.scalars(
            select(AuditEntry).where(AuditEntry.field.like("herkomst_%"))
            .order_by(AuditEntry.id))]


def _label_bij(html: str, sleutel: str) -> str:
    """What the form shows beside a field: its unit and herkomst label (the unit span the
    input's aria-describedby names)."""
    invoer = re.search(rf'<input[^>]*id="{sleutel}"[^>]*>', html).group(0)
    assert f"{sleutel}-eenheid" in invoer  # read out with the field
    return re.search(rf'<span class="eenheid" id="{sleutel}-eenheid">(.*?)</span>\s*</div>',
                     html, re.S).group(1)


def _gebruik_schattingen_en_dien_in(client, **over) -> str:
    """As a user: "Gebruik schattingen voor lege velden", fill the bezetting, change
    ``over``, Indienen; the result page's HTML."""
    html = client.get(PAD + "?schatting=1").text
    velden = _velden(html) | {"bezetting_leerplicht": "3"} | over
    r = client.post(PAD, data=velden | {"indienen": "1"}, follow_redirects=True)
    assert r.status_code == 200 and "zijn ingediend" in r.text, r.text[:3000]
    return r.text


def test_estimates_submitted_unchanged_stay_estimates_and_say_so_everywhere(client, auth, app):
    auth.als("gemeente")
    html = client.get(PAD + "?schatting=1").text
    assert SCHATTING_LABEL in _label_bij(html, "leerplichtigen")
    assert _velden(html)["geschat"].split(",") == [
        s for s in SLEUTELS if s in geschatte_waarden(app, EIGEN)]
    resultaat = _gebruik_schattingen_en_dien_in(client)
    rij = _rij(app)
    assert _soorten(rij) == dict.fromkeys(SLEUTELS, hk.SCHATTING)
    assert {h["versie"] for h in rij.herkomst.values()} == {
        hk.schattingsversie(NORMENSET.label)}
    assert "Alle uren rusten op CBS-schattingen." in resultaat
    # the form no longer calls a saved estimate "uw eigen telling"
    html = client.get(PAD).text
    assert "uw eigen telling:" not in html and "schatting was" not in html
    assert SCHATTING_LABEL in _label_bij(html, "leerplichtigen")
    # history: each value arrived as an estimate
    assert ("herkomst_leerplichtigen", None, "schatting", "indienen") in _herkomst_audit(app)


def test_typing_another_number_makes_it_own_and_the_result_says_how_much_rests_on_estimates(
        client, auth, app):
    auth.als("gemeente")
    _gebruik_schattingen_en_dien_in(client)
    html = client.get(PAD).text
    velden = _velden(html) | {"meldingen_16uur": "250", "leerplichtigen": "18500"}
    r = client.post(PAD, data=velden | {"indienen": "1"}, follow_redirects=True)
    assert r.status_code == 200
    rij = _rij(app)
    soorten = _soorten(rij)
    assert soorten["meldingen_16uur"] == soorten["leerplichtigen"] == hk.EIGEN
    assert {s for s, v in soorten.items() if v == hk.SCHATTING} == set(SLEUTELS) - {
        "meldingen_16uur", "leerplichtigen"}
    # the result page: the share computed by the model, and the estimates carrying most hours
    volume = np.array([[rij.waarden[s] for s in SLEUTELS]])
    res = bereken(NORMENSET, volume, (EIGEN,))
    herkomst = [hk.lees(rij.herkomst, SLEUTELS)]
    aandeel = float(hk.aandeel_uren(res, herkomst)[0])
    assert 0 < aandeel < 1
    zin = r.text.split('id="herkomst-zin">')[1].split("</p>")[0]
    assert html_module.unescape(zin).startswith(hk.zin_uren_op_schatting(aandeel) + ".")
    lijst = r.text.split('id="eerst-invullen">')[1].split("</ul>")[0]
    eerst = hk.eerst_invullen(res, herkomst, 0)
    assert re.findall(r'href="[^"]*#([a-z0-9_]+)"', lijst) == [e.sleutel for e in eerst]
    assert f"{PAD}#{eerst[0].sleutel}" in lijst
    # the chain: beside the taak of meldingen its herkomst, beside another the estimate
    keten = r.text.split('id="keten-leerplicht"')[1].split("</table>")[0]
    melding = keten.split("Behandeling melding 16 uur</th>")[1].split("</tr>")[0]
    assert '<td class="utrecht-table__cell">eigen telling</td>' in melding
    assert f'<td class="utrecht-table__cell">{SCHATTING_LABEL}</td>' in keten
    # the form: the own count without a label, the CBS box in the gemeente's words
    html = client.get(PAD).text
    assert SCHATTING_LABEL not in _label_bij(html, "meldingen_16uur")
    assert SCHATTING_LABEL in _label_bij(html, "scholen")
    assert "uw eigen telling: 18.500" in html
    # history: schatting → eigen, in Dutch
    assert ("herkomst_meldingen_16uur", "schatting", "eigen", "indienen") in _herkomst_audit(app)
    historie = client.get(PAD + "/historie").text
    regel = historie.split(f"{NORMENSET.invoer_by_sleutel('meldingen_16uur').naam}: herkomst"
                           "</th>")[1].split("</tr>")[0]
    assert f">{SCHATTING_LABEL}<" in regel and ">eigen telling<" in regel


def test_a_save_without_changes_keeps_every_herkomst(client, auth, app):
    auth.als("gemeente")
    html = client.get(PAD + "?schatting=1").text
    velden = _velden(html) | {"bezetting_leerplicht": "3", "scholen": "80"}
    client.post(PAD, data=velden | {"concept": "1"})
    voor = _rij(app)
    assert _soorten(voor)["scholen"] == hk.EIGEN
    # the untouched form again (no estimate marker any more): nothing changes
    velden = _velden(client.get(PAD).text)
    assert velden["geschat"] == ""
    r = client.post(PAD, data=velden | {"concept": "1"}, follow_redirects=True)
    assert "Er was niets gewijzigd" in r.text
    assert _rij(app).herkomst == voor.herkomst and _rij(app).version == voor.version
    # submitting changes only the status: every herkomst stays
    client.post(PAD, data=velden | {"indienen": "1"})
    na = _rij(app)
    assert na.status == "ingediend" and na.version == voor.version + 1
    assert na.herkomst == voor.herkomst


def test_a_claimed_estimate_that_is_not_the_estimate_is_an_own_count(client, auth, app):
    """The marker of prefilled fields comes back from the browser: only a value equal to the
    estimate the server computes is saved as one."""
    auth.als("gemeente")
    velden = _velden(client.get(PAD + "?schatting=1").text)
    geschat = geschatte_waarden(app, EIGEN)["scholen"]
    velden |= {"scholen": format_getal(geschat + 1), "bezetting_leerplicht": "1",
               "geschat": "scholen,onbekend_veld,leerplichtigen"}
    r = client.post(PAD, data=velden | {"concept": "1"})
    assert r.status_code == 302
    soorten = _soorten(_rij(app))
    assert soorten["scholen"] == hk.EIGEN
    assert soorten["leerplichtigen"] == hk.SCHATTING
    assert soorten["kwalificatieplichtigen"] == hk.EIGEN  # not claimed: typed, as far as known


def test_an_invalid_form_keeps_the_estimate_labels_and_marker(client, auth, app):
    auth.als("gemeente")
    velden = _velden(client.get(PAD + "?schatting=1").text)
    r = client.post(PAD, data=velden | {"bezetting_leerplicht": "veel", "concept": "1"})
    assert r.status_code == 422
    assert SCHATTING_LABEL in _label_bij(r.text, "leerplichtigen")
    assert _velden(r.text)["geschat"] == velden["geschat"]
    assert _rij(app) is None


def test_figures_saved_before_herkomst_was_kept_are_unknown_not_own(client, auth, app,
                                                                     vul_invoer):
    vul_invoer(EIGEN)  # a row as the migration leaves it: no herkomst
    auth.als("gemeente")
    r = client.get(PAD + "/resultaat")
    assert "Geen van de uren rust op CBS-schattingen." in r.text
    assert "herkomst van het volume onbekend" in r.text
    assert "Alle uren rusten op eigen tellingen" not in r.text
    html = client.get(PAD).text
    assert "herkomst onbekend" in _label_bij(html, "scholen")
    assert "uw eigen telling" not in html
    doc = client.get(PAD + "/resultaat.json").json
    assert doc["gemeenten"][0]["herkomst"] == dict.fromkeys(SLEUTELS, hk.ONBEKEND)


def test_json_of_gemeente_and_region_carry_the_herkomst(client, auth, app, vul_invoer):
    auth.als("gemeente")
    _gebruik_schattingen_en_dien_in(client, scholen="80")
    vul_invoer(BUUR, herkomst=hk.EIGEN)
    gemeente = client.get(PAD + "/resultaat.json").json["gemeenten"][0]
    verwacht = dict.fromkeys(SLEUTELS, hk.SCHATTING) | {"scholen": hk.EIGEN}
    assert gemeente["herkomst"] == verwacht
    assert set(gemeente["schattingsversie"]) == set(SLEUTELS) - {"scholen"}
    assert 0 < gemeente["aandeel_uren"]["eigen"] < 1
    auth.als("regio")
    regio = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json").json
    per_code = {g["gemeentecode"]: g for g in regio["gemeenten"]}
    assert per_code[EIGEN]["herkomst"] == verwacht
    assert per_code[BUUR]["herkomst"] == dict.fromkeys(SLEUTELS, hk.EIGEN)
    assert per_code[EIGEN]["aandeel_uren"] == pytest.approx(gemeente["aandeel_uren"])


def test_the_region_page_shows_per_gemeente_the_share_of_hours_on_estimates(client, auth, app,
                                                                           vul_invoer):
    auth.als("gemeente")
    _gebruik_schattingen_en_dien_in(client, scholen="80")
    vul_invoer(BUUR, herkomst=hk.EIGEN)
    aandeel = client.get(PAD + "/resultaat.json").json["gemeenten"][0]["aandeel_uren"]
    auth.als("regio")
    html = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}").text
    assert "Uren op CBS-schatting</th>" in html
    tabel = html.split('id="leden"')[1].split("</tbody>")[0]
    kop = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', tabel)
    kolom = kop.index("Uren op CBS-schatting") - 1  # the gemeente is a th, not a td
    rijen = {re.search(r"/gemeente/(\d{4})/", r).group(1): re.findall(r"<td[^>]*>(.*?)</td>", r)
             for r in re.split(r"<tr[ >]", tabel) if "/gemeente/" in r}
    assert rijen[EIGEN][kolom] == hk.procent_tekst(aandeel["schatting"])
    assert rijen[BUUR][kolom] == hk.procent_tekst(0.0)
    assert {c[kolom] for code, c in rijen.items() if code not in (EIGEN, BUUR)} == {"—"}


def test_a_workbook_import_records_werkboek_for_the_values_it_changed(client, auth, app):
    auth.als("gemeente")
    _gebruik_schattingen_en_dien_in(client)
    data = client.get(f"{PAD}/scenario.xlsx").data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[BLAD_INVOER]
    kolom = {c.value: c.column for c in ws[SLEUTELRIJ + 1] if c.value}  # 0-based rows
    for r in range(EERSTE_RIJ + 1, ws.max_row + 1):
        if ws.cell(r, kolom["invoer"]).value == "meldingen_16uur":
            ws.cell(r, kolom["waarde"]).value = 333
    uit = io.BytesIO()
    wb.save(uit)
    r = client.post(f"{PAD}/upload", data={"werkboek": (io.BytesIO(uit.getvalue()), "w.xlsx")},
                    content_type="multipart/form-data")
    assert r.status_code == 200, r.text[:2000]
    token = re.search(r"/upload/([A-Za-z0-9_-]+)/bevestig", r.text).group(1)
    r = client.post(f"{PAD}/upload/{token}/bevestig", data={"actie": "invoer"})
    assert r.status_code == 302
    soorten = _soorten(_rij(app))
    assert soorten["meldingen_16uur"] == hk.WERKBOEK
    assert all(v == hk.SCHATTING for s, v in soorten.items() if s != "meldingen_16uur")
    assert ("herkomst_meldingen_16uur", "schatting", "werkboek", "excel-import") in \
        _herkomst_audit(app)


def test_the_earlier_years_grid_records_its_own_herkomst(client, auth, app):
    auth.als("gemeente")
    eerder = JAAR - 1
    r = client.get(f"{PAD}/historie-invoer")
    versies = re.search(r'name="versies"[^>]*value="([^"]*)"', r.text).group(1)
    r = client.post(f"{PAD}/historie-invoer", data={"versies": versies,
                                                    f"h-{eerder}-meldingen_16uur": "120"})
    assert r.status_code == 302
    assert _soorten(_rij(app, eerder)) == {"meldingen_16uur": hk.EERDERE_JAREN}


def test_the_workbook_shows_each_volumes_herkomst_on_invoer(client, auth, app):
    """Issue 17 item 4: the workbook (a column on Invoer) says which volumes are estimates."""
    auth.als("gemeente")
    _gebruik_schattingen_en_dien_in(client, meldingen_16uur="250")
    data = client.get(f"{PAD}/scenario.xlsx").data
    ws = openpyxl.load_workbook(io.BytesIO(data))[BLAD_INVOER]
    kop = {c.value: c.column for c in ws[SLEUTELRIJ + 1]}
    per_invoer = {ws.cell(r, kop["invoer"]).value: ws.cell(r, kop["herkomst"]).value
                  for r in range(EERSTE_RIJ + 1, ws.max_row + 1)
                  if ws.cell(r, kop["gemeentecode"]).value == EIGEN}
    assert per_invoer["meldingen_16uur"] == hk.SOORTEN[hk.EIGEN].label
    assert per_invoer["scholen"] == SCHATTING_LABEL
    assert set(per_invoer) == set(SLEUTELS)
