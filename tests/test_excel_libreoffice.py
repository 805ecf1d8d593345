"""Proof that the workbook's formulas are the model: LibreOffice recalculates every formula and
the fte cells equal formatie.model.bereken to 1e-9 relative — also after every sheet was sorted
by several columns and reversed, for one gemeente, a region and a region whose members count with
different normensets. A sorted format-1 workbook recalculated by LibreOffice is refused by the
import, naming the cells; a gemeente workbook prints a one-page Samenvatting.

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

import libreoffice_uno
import numpy as np
import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from test_excel import (
    fte_cellen,
    gemengde_regio,
    kolommen,
    normenset_2026_1,
    ongewone_invoer,
    ongewoon,
    regio_invoer,
    rij_van,
    sorteer_alles,
    sorteer_blad,
    verwacht,
    verwacht_groepen,
    zoek_normenset,
)

from formatie.invoer_csv import InvoerTabel
from formatie.model import Groep, bereken, bereken_groepen, fte_per_functie, regels_opgeteld
from formatie.normenset_toml import standaard_normenset
from formatie.problemen import InvoerFout
from formatie.werkboek.analyse import onzekerheid_uit_bereik
from formatie.werkboek.lezen import lees_werkboek
from formatie.werkboek.schrijven import exporteer_werkboek
from formatie.werkboek.sleutelcellen import RIJ_WEG

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


def samenvatting_totaal(pad: Path) -> float:
    """The workbook's total on Samenvatting, as LibreOffice saved it."""
    sam = openpyxl.load_workbook(pad, data_only=True)["Samenvatting"]
    return next(r[2].value for r in sam.iter_rows() if r[0].value == "Totaal")


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
    model = bereken(n, invoer.volume, invoer.gemeentecodes)
    assert samenvatting_totaal(uit) == pytest.approx(float(model.fte_totaal.sum()), rel=1e-9)
    # What LibreOffice saved reads back and passes the self-check.
    assert lees_werkboek(uit.read_bytes(), n).gecontroleerd


def _een_gemeente():
    n = standaard_normenset()
    invoer = regio_invoer(n, "MC21")
    g = invoer.gemeentecodes.index("0479")  # Zaanstad
    groepen = [Groep(n, ("0479",), invoer.volume[[g]])]
    return groepen, zoek_normenset(n)


def _regio():
    n = standaard_normenset()
    invoer = regio_invoer(n, "MC21")
    return [Groep(n, invoer.gemeentecodes, invoer.volume)], zoek_normenset(n)


def _gemengd():
    n, ander, groepen = gemengde_regio()
    return groepen, zoek_normenset(n, ander)


@pytest.mark.parametrize("maak", [_een_gemeente, _regio, _gemengd],
                         ids=["een gemeente", "regio", "regio met twee normensets"])
def test_sorting_every_sheet_changes_no_figure(profiel, tmp_path, maak):
    """Every table sheet sorted by several columns in turn, the last order reversed, then
    recalculated by LibreOffice: every gemeente's figures still equal the model."""
    groepen, zoek = maak()
    data = exporteer_werkboek(groepen)
    gesorteerd = sorteer_alles(data)
    volgorde = [[tuple(c.value for c in rij[:5]) for rij in openpyxl.load_workbook(
        io.BytesIO(x))["Berekening"].iter_rows(min_row=4)] for x in (data, gesorteerd)]
    assert volgorde[0] != volgorde[1] and sorted(volgorde[0]) == sorted(volgorde[1])
    pad = tmp_path / "gesorteerd.xlsx"
    pad.write_bytes(gesorteerd)
    uit = herbereken(profiel, pad, tmp_path / "uit")
    model = verwacht_groepen(groepen)
    assert controleer(uit, model) == len(model)
    totaal = fte_per_functie(bereken_groepen(groepen))["totaal"]
    assert samenvatting_totaal(uit) == pytest.approx(totaal, rel=1e-9)
    w = lees_werkboek(uit.read_bytes(), zoek)
    assert w.gecontroleerd and not w.normen_gewijzigd


def test_sorted_format_1_workbook_is_refused_naming_the_cells(profiel, tmp_path, data_dir):
    """A workbook from before format 2 (fixed cell references), Invoer sorted by gemeente name
    as in the issue, recalculated: Resultaat shows other gemeenten's figures, and the import
    refuses it naming the cells instead of reporting "no changes"."""
    n = normenset_2026_1()
    data = (data_dir / "werkboek_formaat1_mc21.xlsx").read_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    sorteer_blad(wb, "Invoer", ("gemeentenaam",))
    pad = tmp_path / "oud-gesorteerd.xlsx"
    wb.save(pad)
    uit = herbereken(profiel, pad, tmp_path / "uit")
    with pytest.raises(InvoerFout) as fout:
        lees_werkboek(uit.read_bytes(), n)
    tekst = str(fout.value)
    assert re.search(r"Resultaat!C\d+ toont \d+,\d\d fte, de invoer geeft \d+,\d\d fte: is er "
                     r"gesorteerd of een formule overschreven\?", tekst), tekst


def test_gemeente_workbook_prints_a_one_page_samenvatting(profiel, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    from formatie.onzekerheid import bereik

    n = standaard_normenset()
    invoer = regio_invoer(n, "MC21")
    g = invoer.gemeentecodes.index("0479")
    een = InvoerTabel(("0479",), (2026,), invoer.volume[[g]])
    onzekerheid = onzekerheid_uit_bereik(bereik(n, een.volume, gemeentecodes=een.gemeentecodes))
    pad = tmp_path / "zaanstad.xlsx"
    pad.write_bytes(exporteer_werkboek(n, een, bezetting={"0479": {"leerplicht": 10.0,
                                                                   "doorstroompunt": 4.0}},
                                       onzekerheid=onzekerheid))
    proces = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profiel.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(pad)],
        capture_output=True, text=True, timeout=180, check=False)
    pdf = tmp_path / "pdf" / "zaanstad.pdf"
    assert proces.returncode == 0 and pdf.exists(), proces.stdout + proces.stderr
    paginas = [p.extract_text() for p in pypdf.PdfReader(pdf).pages]
    # The header names gemeente, sheet and date: exactly one page is the Samenvatting, the first.
    kop = [re.match(r"Zaanstad \(0479\) (\w+) \d{1,2} [a-z]+ \d{4}", p) for p in paginas]
    assert all(kop), paginas[0][:200]
    bladen = [k.group(1) for k in kop]
    assert bladen[0] == "Samenvatting" and bladen.count("Samenvatting") == 1
    eerste = paginas[0]
    for tekst in ("Vaste basis", "Leiding en ondersteuning", "Budget P80", "P10 – P90",
                  "Fte per 1.000 leerplichtigen", n.versie, "Bezetting"):
        assert tekst in eerste, tekst


def test_edited_input_and_norm_move_the_result_as_the_model_says(profiel, tmp_path):
    n = standaard_normenset()
    invoer = regio_invoer(n, "MC21")
    data = exporteer_werkboek(n, invoer)
    g = 2
    code = invoer.gemeentecodes[g]
    i = n.invoer_sleutels.index("meldingen_16uur")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    inv, normen, org = wb["Invoer"], wb["Normen"], wb["Organisatie"]
    inv.cell(rij_van(inv, gemeentecode=code, invoer="meldingen_16uur"),
             kolommen(inv)["waarde"]).value = float(invoer.volume[g, i] * 2)
    normen.cell(rij_van(normen, taak="behandeling_16uur"), kolommen(normen)["uren"]).value = 4.75
    org.cell(rij_van(org, functie="doorstroompunt"), kolommen(org)["leiding"]).value = 0.0
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
    assert na[code, "fte_leerplicht"] > voor[code, "fte_leerplicht"]

    # A workbook saved by LibreOffice reads back: the edits come back as invoer and normenset,
    # and its recalculated results agree with the model (self-check passed).
    w = lees_werkboek(uit.read_bytes(), n)
    assert w.gecontroleerd
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
    ki, kn = kolommen(inv), kolommen(normen)
    letter = get_column_letter
    lees = {}
    for code, sleutel, cel in fte_cellen(res):
        lees[f"Resultaat!{cel.coordinate}"] = (code, sleutel)
    g, i = 5, n.invoer_sleutels.index("meldingen_16uur")
    rij_invoer = rij_van(inv, gemeentecode=invoer.gemeentecodes[g], invoer="meldingen_16uur")
    zet = {f"Invoer!{letter(ki['waarde'])}{rij_invoer}": float(invoer.volume[g, i] * 2),
           f"Normen!{letter(kn['uren'])}{rij_van(normen, taak='behandeling_16uur')}": 5.5}
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


# ----------------------------------------------------------------------------------------------
# A manager's structural edits in LibreOffice (issue 18): rows deleted and inserted, the
# Samenvatting sorted, numbers typed over formulas — saved by LibreOffice, then imported.
# ----------------------------------------------------------------------------------------------

BLADEN = ("Samenvatting", "Toelichting", "Invoer", "Normen", "Organisatie", "Berekening",
          "Resultaat")


@pytest.fixture
def uno(tmp_path):
    """The profile directory for libreoffice_uno.bewerk (LibreOffice's default settings)."""
    if libreoffice_uno.python_met_uno() is None:
        pytest.skip("Python-UNO bridge not found (Debian package python3-uno)")
    return tmp_path / "standaardprofiel"


def _regio_werkboek(tmp_path, naam="mc21.xlsx"):
    n = standaard_normenset()
    invoer = regio_invoer(n, "MC21")
    pad = tmp_path / naam
    pad.write_bytes(exporteer_werkboek(n, invoer))
    return n, invoer, pad, openpyxl.load_workbook(pad)


def _dimensies(pad: Path) -> set[str]:
    with zipfile.ZipFile(pad) as zf:
        return {m.group(1).decode() for deel in zf.namelist()
                if deel.startswith("xl/worksheets/sheet")
                for m in [re.search(rb'<dimension ref="([^"]+)"', zf.read(deel))] if m}


def test_rows_inserted_and_deleted_on_every_sheet_import_unchanged(uno, tmp_path):
    """On every sheet two rows inserted in the table and deleted again, and a row below it
    deleted; on Toelichting an explanation line deleted. LibreOffice then claims A1:…1048576
    for the sheets; the workbook reads back with the same invoer and passes the self-check,
    saved as .xlsx, and as .ods opened and saved as .xlsx again (LibreOffice keeps 15
    significant digits)."""
    n, invoer, pad, wb = _regio_werkboek(tmp_path)
    stappen = [["ontgrendel"], ["verwijder", "Toelichting", 3, 1]]
    for blad in BLADEN:
        stappen += [["voeg_in", blad, 8, 2], ["verwijder", blad, 8, 2],
                    ["verwijder", blad, wb[blad].max_row + 3, 1]]
    xlsx, ods = tmp_path / "bewerkt.xlsx", tmp_path / "bewerkt.ods"
    libreoffice_uno.bewerk(pad, stappen, xlsx, ods, profiel=uno)
    assert any(d.endswith("1048576") for d in _dimensies(xlsx))
    w = lees_werkboek(xlsx.read_bytes(), n)
    assert w.gecontroleerd and w.invoer.gemeentecodes == invoer.gemeentecodes
    np.testing.assert_allclose(w.invoer.volume, invoer.volume, rtol=1e-13)
    with pytest.raises(InvoerFout, match=r"\.ods.*sla het op als Excel-werkboek"):
        lees_werkboek(ods.read_bytes(), n)
    terug = tmp_path / "terug.xlsx"
    libreoffice_uno.bewerk(ods, [], terug, profiel=uno)
    w = lees_werkboek(terug.read_bytes(), n)
    assert w.gecontroleerd
    np.testing.assert_allclose(w.invoer.volume, invoer.volume, rtol=1e-13)


def test_a_deleted_row_is_refused_naming_what_is_missing(uno, tmp_path):
    """One row deleted on each input sheet, and on Berekening and Resultaat: every missing row
    is named (gemeente × invoer, taak, functie, gemeente × taak, gemeente), not a sheet "too
    large" nor a list of differing figures. A line deleted from Samenvatting only changes what
    prints: the workbook imports with a notice."""
    n, _invoer, pad, wb = _regio_werkboek(tmp_path)
    inv, normen, org = wb["Invoer"], wb["Normen"], wb["Organisatie"]
    weg = [["Invoer", rij_van(inv, gemeentecode="0479", invoer="scholen")],
           ["Normen", rij_van(normen, taak="behandeling_16uur")],
           ["Organisatie", rij_van(org, functie="doorstroompunt")]]
    invoer_weg = tmp_path / "invoer_weg.xlsx"
    libreoffice_uno.bewerk(pad, [["ontgrendel"], *(["verwijder", b, r, 1] for b, r in weg)],
                           invoer_weg, profiel=uno)
    with pytest.raises(InvoerFout) as fout:
        lees_werkboek(invoer_weg.read_bytes(), n)
    tekst = str(fout.value)
    assert "blad 'Invoer': de rij van gemeente 0479 (Zaanstad) met invoer 'scholen'" in tekst
    assert "blad 'Normen': de rij van taak 'behandeling_16uur'" in tekst
    assert "blad 'Organisatie': de rij van functie 'doorstroompunt'" in tekst
    assert "is de rij verwijderd?" in tekst and "te groot" not in tekst

    ber, res = wb["Berekening"], wb["Resultaat"]
    uitkomst_weg = tmp_path / "uitkomst_weg.xlsx"
    libreoffice_uno.bewerk(pad, [
        ["ontgrendel"],
        ["verwijder", "Berekening", rij_van(ber, gemeentecode="0479", taak="schoolcontact"), 1],
        ["verwijder", "Resultaat", rij_van(res, gemeentecode="0363"), 1]],
        uitkomst_weg, profiel=uno)
    with pytest.raises(InvoerFout) as fout:
        lees_werkboek(uitkomst_weg.read_bytes(), n)
    berichten = [p.tekst() for p in fout.value.problemen]
    assert berichten[:2] == [
        "blad 'Berekening': de rij van gemeente 0479 (Zaanstad) en taak 'schoolcontact' "
        "ontbreekt: " + RIJ_WEG,
        "blad 'Resultaat': de rij van gemeente 0363 (Amsterdam) ontbreekt: " + RIJ_WEG]
    assert re.fullmatch(r"Daardoor tonen \d+ cellen een andere uitkomst dan de invoer geeft\.",
                        berichten[2])

    regel_weg = tmp_path / "regel_weg.xlsx"
    libreoffice_uno.bewerk(pad, [["ontgrendel"], ["verwijder", "Samenvatting", 7, 1]],
                           regel_weg, profiel=uno)
    w = lees_werkboek(regel_weg.read_bytes(), n)
    assert w.gecontroleerd
    assert any("op het blad Samenvatting ontbreekt de regel" in o for o in w.opmerkingen)


def _samenvatting(pad: Path) -> list[tuple]:
    """(functie, regel, benodigd, scenario) of every line of Samenvatting's table, as saved."""
    ws = openpyxl.load_workbook(pad, data_only=True)["Samenvatting"]
    return [tuple(c.value for c in rij[:4]) for rij in ws.iter_rows(min_row=6)
            if rij[4].value]


@pytest.mark.parametrize("bereik", ["A6:D{laatste}", "A6:G{laatste}"],
                         ids=["zichtbare kolommen", "hele rijen"])
def test_a_sorted_samenvatting_shows_no_wrong_figure(uno, tmp_path, bereik):
    """The issue's sort: the visible table A6:D by Benodigd, largest first, leaving the hidden
    keys behind; and the whole rows. Labels and figures are formulas of the keys in their own
    row, so no line shows another line's figure: the visible sort changes nothing, the whole
    sort reorders lines that each still read true. The import checks Samenvatting too."""
    groepen, zoek = _gemengd()
    pad = tmp_path / "gemengd.xlsx"
    pad.write_bytes(exporteer_werkboek(groepen))
    voor = _samenvatting(pad)
    model = regels_opgeteld(bereken_groepen(groepen))
    assert len(voor) == len(model) and voor[-1][:2] == ("Totaal", "Benodigde formatie")
    assert voor[-1][2] == pytest.approx(model["totaal", "fte", ""], rel=1e-12)
    laatste = 5 + len(voor)
    uit = tmp_path / "gesorteerd.xlsx"
    libreoffice_uno.bewerk(pad, [["ontgrendel"], ["sorteer", "Samenvatting",
                                                  bereik.format(laatste=laatste), 2, False],
                                 ["herbereken"]], uit, profiel=uno)
    na = _samenvatting(uit)
    per_regel = {(a, b): (c, d) for a, b, c, d in voor}
    assert len(per_regel) == len(voor)
    for a, b, c, d in na:
        assert (c, d) == pytest.approx(per_regel[a, b], rel=1e-12), (a, b)
    if bereik.endswith("D{laatste}"):
        assert [r[:2] for r in na] == [r[:2] for r in voor]  # nothing moved
    else:
        assert [r[:2] for r in na] != [r[:2] for r in voor]
        assert sorted(r[:2] for r in na) == sorted(r[:2] for r in voor)
    w = lees_werkboek(uit.read_bytes(), zoek)
    assert w.gecontroleerd
    # LibreOffice kept the very hidden sheet Normensets: the command line's way of reading
    # knows only the standard set and takes the other from the workbook.
    w = lees_werkboek(uit.read_bytes(), zoek_normenset(groepen[0].normenset),
                      normensets_uit_werkboek=True)
    assert w.gecontroleerd and [g.basis for g in w.groepen] == [g.normenset for g in groepen]


def test_numbers_typed_over_formulas_in_libreoffice_are_refused_naming_the_cells(uno, tmp_path):
    """Over Organisatie's casusuren per fte and a Samenvatting figure, in LibreOffice with its
    default settings (the dependent cells recalculate): the import names those two cells as
    the cause and counts the figures that follow, instead of listing 21 Resultaat lines."""
    n, _invoer, pad, wb = _regio_werkboek(tmp_path)
    org = wb["Organisatie"]
    casus = (f"{get_column_letter(kolommen(org)['casus_uren_per_fte'])}"
             f"{rij_van(org, functie='leerplicht')}")
    uit = tmp_path / "overschreven.xlsx"
    libreoffice_uno.bewerk(pad, [["ontgrendel"], ["zet", f"Organisatie!{casus}", 1200],
                                 ["zet", "Samenvatting!C7", 12.3]], uit, profiel=uno)
    with pytest.raises(InvoerFout) as fout:
        lees_werkboek(uit.read_bytes(), n)
    berichten = [p.tekst() for p in fout.value.problemen]
    assert berichten[:2] == [
        f"Organisatie!{casus} hoort een formule te bevatten, maar bevat '1.200': is een formule "
        "overschreven? Zet de formule terug of download een nieuw werkboek.",
        "Samenvatting!C7 hoort een formule te bevatten, maar bevat '12,3': is een formule "
        "overschreven? Zet de formule terug of download een nieuw werkboek."]
    assert re.fullmatch(r"Daardoor tonen \d+ cellen een andere uitkomst dan de invoer geeft\.",
                        berichten[2]) and len(berichten) == 3


def test_a_region_of_seven_prints_invoer_on_five_pages_with_dutch_dates(profiel, tmp_path):
    """Issue 18's print points: 7 gemeenten × 29 invoer used to take 11 pages with clipped keys
    and "Gemeentecod/e"; now Invoer fits on five, one page wide, keys whole, the Samenvatting's
    headers inside their cells, and the date in the header and footer in Dutch."""
    from datetime import UTC, datetime

    from formatie.onzekerheid import bereik

    pypdf = pytest.importorskip("pypdf")
    n = standaard_normenset()
    invoer = regio_invoer(n, "MC06")
    assert len(invoer.gemeentecodes) == 7
    onzekerheid = onzekerheid_uit_bereik(bereik(n, invoer.volume,
                                                gemeentecodes=invoer.gemeentecodes))
    pad = tmp_path / "mc06.xlsx"
    pad.write_bytes(exporteer_werkboek(n, invoer, onzekerheid=onzekerheid,
                                       export_tijd=datetime(2026, 12, 7, 9, 30, tzinfo=UTC)))
    proces = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profiel.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(pad)],
        capture_output=True, text=True, timeout=180, check=False)
    pdf = tmp_path / "pdf" / "mc06.pdf"
    assert proces.returncode == 0 and pdf.exists(), proces.stdout + proces.stderr
    paginas = [p.extract_text() for p in pypdf.PdfReader(pdf).pages]
    kop = [re.match(r"regio .* \(MC06\) (\w+) 7 december 2026\n", p) for p in paginas]
    assert all(kop), [p[:120] for p in paginas if not re.match(r"regio .* 7 december", p)]
    bladen = [k.group(1) for k in kop]
    assert bladen.count("Samenvatting") == 1 and bladen.count("Invoer") <= 5
    invoer_pagina = paginas[bladen.index("Invoer")]
    assert "Gemeentecode" in invoer_pagina and "jongeren_zonder_startkwalificatie" in invoer_pagina
    assert "gemaakt op 7 december 2026" in paginas[0]
    for kop_tekst in ("Budget P80 (fte)", "Bezetting (fte)", "Benodigd (fte)"):
        assert kop_tekst in paginas[0], kop_tekst  # on one line: not wrapped over a value

