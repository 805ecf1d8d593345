"""The issue-4 journey end to end: a manager downloads the region workbook, changes a meldingen
count and a norm, LibreOffice recalculates and saves it (the FTE moves exactly as the model
says), the saved file is uploaded, the preview shows old → new, and it is saved as a scenario
whose page shows the same total as LibreOffice."""

from __future__ import annotations

import io
import re
import warnings

import numpy as np
import openpyxl
import pytest
from test_excel_libreoffice import SOFFICE, XCU, herbereken

from app.models import ScenarioRij
from app.services.normensets import actieve_rij, als_normenset
from formatie.getallen import format_getal
from formatie.model import bereken

from .conftest import BUUR, EIGEN, EIGEN_REGIO, JAAR
from .test_werkboek import (
    _bewerk,
    _invoer,
    _regio_cel,
    _rijen,
    _samenvatting_doorstroompunt,
    _sleutels,
    _zet_regio_bezetting,
)

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.slow,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; on "
                       "Debian: apt-get install libreoffice-calc-nogui (.ci/run does this)"),
]


def test_download_edit_in_libreoffice_upload_save_as_scenario(client, auth, app, vul_invoer,
                                                               tmp_path):
    vul_invoer(EIGEN)
    vul_invoer(BUUR)
    auth.als("regio")
    data = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx").data
    oud = _invoer(app, BUUR)
    meldingen = oud.waarden["meldingen_16uur"] + 40
    bewerkt = tmp_path / "regio.xlsx"
    bewerkt.write_bytes(_bewerk(data, {BUUR: meldingen}, {"behandeling_16uur": 7.25}))
    profiel = tmp_path / "profiel"
    (profiel / "user").mkdir(parents=True)
    (profiel / "user" / "registrymodifications.xcu").write_text(XCU, encoding="utf-8")
    opgeslagen = herbereken(profiel, bewerkt, tmp_path / "lo").read_bytes()

    # LibreOffice shows the FTE the model computes for the edited figures and norm
    with app.app_context():
        n = als_normenset(actieve_rij())
    n2 = n.met_uren({"behandeling_16uur": 7.25})
    volume = {}
    for code in (EIGEN, BUUR):
        waarden = dict(_invoer(app, code).waarden)
        if code == BUUR:
            waarden["meldingen_16uur"] = meldingen
        volume[code] = [waarden[s] for s in n.invoer_sleutels]
    verwacht = bereken(n2, np.array([volume[EIGEN], volume[BUUR]]), (EIGEN, BUUR))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(io.BytesIO(opgeslagen), data_only=True)["Resultaat"]
    kolommen, rijen = _sleutels(ws), _rijen(ws)
    for g, code in enumerate((EIGEN, BUUR)):
        assert ws.cell(rijen[code], kolommen["fte_totaal"]).value == pytest.approx(
            verwacht.fte_totaal[g], rel=1e-9)

    # upload the LibreOffice file: preview, then save as a scenario
    r = client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/upload",
                    data={"werkboek": (io.BytesIO(opgeslagen), "regio.xlsx")},
                    content_type="multipart/form-data")
    assert r.status_code == 200, r.text[:3000]
    assert "Wat verandert er?" in r.text and "7,25" in r.text
    assert format_getal(meldingen, 0) in r.text
    token = re.search(r"/upload/([A-Za-z0-9_-]+)/bevestig", r.text).group(1)
    r = client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/upload/{token}/bevestig",
                    data={"actie": "scenario", "naam": "LibreOffice-scenario"})
    assert r.status_code == 302
    pagina = client.get(r.headers["Location"]).text
    assert f">{format_getal(float(verwacht.fte_totaal.sum()), 2)}<" in pagina
    with app.app_context():
        from app.extensions import db

        assert db.session.query(ScenarioRij).count() == 1
    assert _invoer(app, BUUR).waarden == oud.waarden


def test_libreoffice_shows_the_region_doorstroompunt_bezetting_and_verschil_of_the_tool(
        client, auth, vul_invoer, tmp_path):
    """The region's one bezetting cell, typed over and recalculated by LibreOffice, gives on
    Samenvatting and on Resultaat's region line the verschil the region page gives."""
    vul_invoer(EIGEN)
    vul_invoer(BUUR)
    auth.als("regio")
    client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/bezetting",
                data={"bezetting_doorstroompunt": "6,25", "version": "0"})
    j = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json").json["regio"]["functies"]
    data = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx").data
    bewerkt = tmp_path / "regio.xlsx"  # typed again (openpyxl drops every cached result)
    bewerkt.write_bytes(_zet_regio_bezetting(data, 6.25))
    profiel = tmp_path / "profiel"
    (profiel / "user").mkdir(parents=True)
    (profiel / "user" / "registrymodifications.xcu").write_text(XCU, encoding="utf-8")
    opgeslagen = herbereken(profiel, bewerkt, tmp_path / "lo").read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(opgeslagen), data_only=True)
    regel = _samenvatting_doorstroompunt(wb)
    cel = _regio_cel(wb)
    verschil_cel = cel.parent.cell(cel.row, _sleutels(cel.parent)["verschil_doorstroompunt"])
    assert regel[2] == cel.value == j["doorstroompunt"]["bezetting"] == 6.25
    for verschil in (regel[3], verschil_cel.value):
        assert verschil == pytest.approx(j["doorstroompunt"]["verschil"], rel=1e-9, abs=1e-9)


def test_a_workbook_with_rows_deleted_in_libreoffice_uploads_or_names_the_missing_row(
        client, auth, app, vul_invoer, tmp_path):
    """Issue 18 on the web: rows inserted and deleted again on every sheet and a count typed,
    in LibreOffice (which then claims A1:…1048576): the upload previews the change. A row of
    Invoer deleted: 422, naming the gemeente and invoer that are gone, nothing saved."""
    import libreoffice_uno

    if libreoffice_uno.python_met_uno() is None:
        pytest.skip("Python-UNO bridge not found (Debian package python3-uno)")
    vul_invoer(EIGEN)
    vul_invoer(BUUR)
    auth.als("regio")
    pad = tmp_path / "regio.xlsx"
    pad.write_bytes(client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx").data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(pad)
    inv = wb["Invoer"]
    k = _sleutels(inv)
    rij = next(r for r in range(4, inv.max_row + 1)
               if inv.cell(r, k["gemeentecode"]).value == BUUR
               and inv.cell(r, k["invoer"]).value == "meldingen_16uur")
    meldingen = _invoer(app, BUUR).waarden["meldingen_16uur"] + 40
    stappen = [["ontgrendel"], ["zet", f"Invoer!{openpyxl.utils.get_column_letter(k['waarde'])}"
                                       f"{rij}", meldingen]]
    for blad in wb.sheetnames[:7]:
        stappen += [["voeg_in", blad, 6, 2], ["verwijder", blad, 6, 2],
                    ["verwijder", blad, wb[blad].max_row + 2, 1]]
    bewerkt = tmp_path / "bewerkt.xlsx"
    libreoffice_uno.bewerk(pad, stappen, bewerkt, profiel=tmp_path / "profiel")
    r = client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/upload",
                    data={"werkboek": (io.BytesIO(bewerkt.read_bytes()), "bewerkt.xlsx")},
                    content_type="multipart/form-data")
    assert r.status_code == 200, r.text[:3000]
    assert "tegen zichzelf gecontroleerd" in r.text and format_getal(meldingen, 0) in r.text

    weg = tmp_path / "weg.xlsx"
    libreoffice_uno.bewerk(pad, [["ontgrendel"], ["verwijder", "Invoer", rij, 1]], weg,
                           profiel=tmp_path / "profiel")
    r = client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/upload",
                    data={"werkboek": (io.BytesIO(weg.read_bytes()), "weg.xlsx")},
                    content_type="multipart/form-data")
    assert r.status_code == 422
    assert f"de rij van gemeente {BUUR} (" in r.text and "met invoer &#39;meldingen_16uur&#39;" \
        in r.text and "is de rij verwijderd?" in r.text
