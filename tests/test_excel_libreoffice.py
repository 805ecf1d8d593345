"""Proof that the workbook's formulas are the model: LibreOffice recalculates every formula and
the fte cells equal formatie.model.bereken to 1e-9 relative.

LibreOffice does not recalculate xlsx formulas on load by default (it shows the cached values),
so each conversion uses a fresh profile whose registrymodifications.xcu sets
Calc → Formula → Load → OOXMLRecalcMode (and ODFRecalcMode) to 0 = "always recalculate". To prove
a recalculation really happened, the cached values of the exported workbook are first replaced
by a poison value (-999); edited workbooks saved by openpyxl carry no cached values at all.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from functools import cache
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from test_excel import fte_cellen, kolommen, ongewone_invoer, ongewoon, regio_invoer, verwacht

from formatie.excel import EERSTE_RIJ, exporteer_werkboek
from formatie.invoer_csv import InvoerTabel
from formatie.model import bereken
from formatie.normenset_toml import standaard_normenset
from formatie.werkboek_lezen import lees_werkboek

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.slow,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; on "
                       "Debian: apt-get install libreoffice-calc-nogui (.ci/run does this)"),
]

XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
GIF = -999.0


@pytest.fixture(scope="module")
def profiel(tmp_path_factory) -> Path:
    pad = tmp_path_factory.mktemp("lo-profiel")
    (pad / "user").mkdir()
    (pad / "user" / "registrymodifications.xcu").write_text(XCU, encoding="utf-8")
    return pad


def herbereken(profiel: Path, invoer: Path, uit: Path) -> Path:
    """Open `invoer` in LibreOffice headless, recalculate everything, save as xlsx in `uit`."""
    uit.mkdir(exist_ok=True)
    proces = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profiel.as_uri()}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(uit), str(invoer)],
        capture_output=True, text=True, timeout=180, check=False)
    resultaat = uit / invoer.name
    assert proces.returncode == 0 and resultaat.exists(), proces.stdout + proces.stderr
    return resultaat


def vergiftig(data: bytes) -> bytes:
    """Replace every cached formula result by GIF, so only a recalculation can give the model."""
    uit = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, \
            zipfile.ZipFile(uit, "w", zipfile.ZIP_DEFLATED) as zout:
        for deel in zin.infolist():
            inhoud = zin.read(deel.filename)
            if deel.filename.startswith("xl/worksheets/sheet"):
                inhoud = re.sub(rb"(</f>)<v>[^<]*</v>", rb"\g<1><v>-999</v>", inhoud)
            zout.writestr(deel, inhoud)
    return uit.getvalue()


def controleer(pad: Path, model: dict[tuple[str, str], float]) -> int:
    """Every fte_* cell of Resultaat (values as LibreOffice saved them) equals the model."""
    wb = openpyxl.load_workbook(pad, data_only=True)
    for ws in wb:
        for rij in ws.iter_rows(values_only=True):
            assert GIF not in rij, f"{ws.title}: a formula was not recalculated"
    getoetst = 0
    for code, sleutel, cel in fte_cellen(wb["Resultaat"]):
        assert isinstance(cel.value, int | float), (code, sleutel, cel.value)
        assert cel.value == pytest.approx(model[code, sleutel], rel=1e-9, abs=1e-12), (
            code, sleutel)
        getoetst += 1
    assert getoetst == len(model)
    return getoetst


@pytest.mark.parametrize("soort", ["standaard", "ongewoon"])
def test_libreoffice_recalculates_to_the_model(profiel, tmp_path, soort):
    if soort == "standaard":
        n = standaard_normenset()
        invoer = regio_invoer(n, "MC21")  # Agglomeratie Amsterdam, 14 gemeenten
        bezetting = {invoer.gemeentecodes[0]: {"leerplicht": 3.0}}
    else:
        n, invoer = ongewoon(), ongewone_invoer()
        bezetting = None
    pad = tmp_path / f"{soort}.xlsx"
    pad.write_bytes(vergiftig(exporteer_werkboek(n, invoer, bezetting=bezetting)))
    uit = herbereken(profiel, pad, tmp_path / "uit")
    assert controleer(uit, verwacht(n, invoer)) == len(invoer.gemeentecodes) * (
        len(n.functies) + 1)
    # Region totals row and the fte-per-taak table follow too.
    res = openpyxl.load_workbook(uit, data_only=True)["Resultaat"]
    k = kolommen(res)
    model = bereken(n, invoer.volume, invoer.gemeentecodes)
    if len(invoer.gemeentecodes) > 1:
        totaal_rij = EERSTE_RIJ + 1 + len(invoer.gemeentecodes)
        assert res.cell(totaal_rij, k["fte_totaal"]).value == pytest.approx(
            float(model.fte_totaal.sum()), rel=1e-9)
    taak_fte = [res.cell(EERSTE_RIJ + 1 + j, k["taak_fte"]).value for j in range(len(n.taken))]
    assert sum(taak_fte) == pytest.approx(float(model.fte_taak.sum()), rel=1e-9)


def test_edited_input_and_norm_move_the_result_as_the_model_says(profiel, tmp_path):
    n = standaard_normenset()
    invoer = regio_invoer(n, "MC21")
    data = exporteer_werkboek(n, invoer)
    g = 2
    i = n.invoer_sleutels.index("meldingen_16uur")
    k_taak = n.taak_sleutels.index("behandeling_16uur")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    inv = wb["Invoer"]
    inv.cell(EERSTE_RIJ + 1 + g, kolommen(inv)["meldingen_16uur"]).value = float(
        invoer.volume[g, i] * 2)
    normen = wb["Normen"]
    normen.cell(EERSTE_RIJ + 1 + k_taak, kolommen(normen)["uren"]).value = 4.75
    blad, cel = wb.defined_names["doorstroompunt_leiding"].attr_text.split("!")
    wb[blad][cel.replace("$", "")] = 0.0
    pad = tmp_path / "bewerkt.xlsx"
    wb.save(pad)  # openpyxl keeps formulas but drops every cached value

    volume = invoer.volume.copy()
    volume[g, i] *= 2
    n2 = n.met_uren({"behandeling_16uur": 4.75}).met_functie_parameters(
        {"doorstroompunt": {"leiding": 0.0}})
    bewerkt = InvoerTabel(invoer.gemeentecodes, invoer.jaren, volume)
    uit = herbereken(profiel, pad, tmp_path / "uit")
    controleer(uit, verwacht(n2, bewerkt))
    voor, na = verwacht(n, invoer), verwacht(n2, bewerkt)
    code = invoer.gemeentecodes[g]
    assert na[code, "fte_leerplicht"] > voor[code, "fte_leerplicht"]

    # A workbook saved by LibreOffice reads back: the edits come back as invoer and normenset.
    # LibreOffice stores 15 significant digits, so estimated volumes come back to ~1e-15.
    w = lees_werkboek(uit.read_bytes(), n)
    assert not any(x.veld == "afwezigheid" for x in w.normwijzigingen)
    assert {(x.sleutel, x.veld) for x in w.normwijzigingen} == {
        ("behandeling_16uur", "uren"), ("doorstroompunt", "leiding")}
    np.testing.assert_allclose(w.invoer.volume, volume, rtol=1e-13)
    assert w.normenset.taak("behandeling_16uur").uren == 4.75
    assert w.normenset.functie("doorstroompunt").leiding == 0.0
    np.testing.assert_allclose(bereken(w.normenset, w.invoer.volume).fte,
                               bereken(n2, volume).fte, rtol=1e-12)


# ----------------------------------------------------------------------------------------------
# Interactive editing in LibreOffice with its DEFAULT settings (no recalculation on load): the
# cached values are shown, and typing a new value recalculates the dependent cells. Driven through
# the Python-UNO bridge (Debian python3-uno), which lives in the system Python, not in the venv.
# ----------------------------------------------------------------------------------------------

UNO_SCRIPT = r"""
import json, subprocess, sys, time, uuid
import uno
from com.sun.star.beans import PropertyValue

opdracht = json.loads(sys.argv[1])
naam = "formatie" + uuid.uuid4().hex[:8]
proc = subprocess.Popen([opdracht["soffice"], "-env:UserInstallation=" + opdracht["profiel"],
                         "--headless", "--invisible", "--norestore", "--nologo",
                         "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % naam],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
desktop = None
try:
    lokaal = uno.getComponentContext()
    resolver = lokaal.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", lokaal)
    for _ in range(600):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % naam)
            break
        except Exception:
            time.sleep(0.1)
    else:
        raise SystemExit("LibreOffice did not answer on its UNO pipe")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    verborgen = PropertyValue()
    verborgen.Name, verborgen.Value = "Hidden", True
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(opdracht["pad"]), "_blank", 0,
                                       (verborgen,))

    def cel(adres):
        blad, ref = adres.split("!")
        return doc.Sheets.getByName(blad).getCellRangeByName(ref)

    voor = {a: cel(a).getValue() for a in opdracht["lees"]}
    for adres, waarde in opdracht["zet"].items():
        cel(adres).setValue(waarde)
    na = {a: cel(a).getValue() for a in opdracht["lees"]}
    doc.close(True)
    print(json.dumps({"voor": voor, "na": na}))
finally:
    if desktop is not None:
        try:
            desktop.terminate()
        except Exception:
            pass
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
"""


@cache
def python_met_uno() -> str | None:
    for kandidaat in ("/usr/bin/python3", shutil.which("python3")):
        if kandidaat and subprocess.run([kandidaat, "-c", "import uno"], capture_output=True,
                                        check=False).returncode == 0:
            return kandidaat
    return None


def test_typing_in_libreoffice_with_default_settings_updates_the_result(tmp_path):
    python = python_met_uno()
    if python is None:
        pytest.skip("Python-UNO bridge not found (Debian package python3-uno)")
    n = standaard_normenset()
    invoer = regio_invoer(n, "MC21")
    pad = tmp_path / "scenario.xlsx"
    pad.write_bytes(exporteer_werkboek(n, invoer))
    wb = openpyxl.load_workbook(pad)
    res, inv, normen = wb["Resultaat"], wb["Invoer"], wb["Normen"]
    kr, ki, kn = kolommen(res), kolommen(inv), kolommen(normen)
    letter = openpyxl.utils.get_column_letter
    lees = {}
    for g, code in enumerate(invoer.gemeentecodes):
        for sleutel, kolom in kr.items():
            if sleutel.startswith("fte_"):
                lees[f"Resultaat!{letter(kolom)}{EERSTE_RIJ + 1 + g}"] = (code, sleutel)
    g, i = 5, n.invoer_sleutels.index("meldingen_16uur")
    k = n.taak_sleutels.index("behandeling_16uur")
    zet = {f"Invoer!{letter(ki['meldingen_16uur'])}{EERSTE_RIJ + 1 + g}":
           float(invoer.volume[g, i] * 2),
           f"Normen!{letter(kn['uren'])}{EERSTE_RIJ + 1 + k}": 5.5}
    opdracht = {"soffice": SOFFICE, "profiel": (tmp_path / "standaardprofiel").as_uri(),
                "pad": str(pad), "lees": list(lees), "zet": zet}
    proces = subprocess.run([python, "-c", UNO_SCRIPT, json.dumps(opdracht)],
                            capture_output=True, text=True, timeout=180, check=False)
    assert proces.returncode == 0, proces.stderr
    uit = json.loads(proces.stdout.strip().splitlines()[-1])

    volume = invoer.volume.copy()
    volume[g, i] *= 2
    voor = verwacht(n, invoer)
    na = verwacht(n.met_uren({"behandeling_16uur": 5.5}),
                  InvoerTabel(invoer.gemeentecodes, invoer.jaren, volume))
    for adres, plek in lees.items():
        assert uit["voor"][adres] == pytest.approx(voor[plek], rel=1e-12), adres
        assert uit["na"][adres] == pytest.approx(na[plek], rel=1e-9), adres
    code = invoer.gemeentecodes[g]
    assert na[code, "fte_leerplicht"] > voor[code, "fte_leerplicht"]
