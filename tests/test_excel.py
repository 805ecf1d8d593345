"""Scenario workbooks: export structure, formulas == model (via `formulas`), import round trip
and bad uploads. The LibreOffice proof is in test_excel_libreoffice.py."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from formatie.cli import landelijke_invoer, main
from formatie.excel import (
    EERSTE_RIJ,
    SLEUTELRIJ,
    TAAK_SLEUTELS,
    WERKBOEK_SOORT,
    exporteer_werkboek,
)
from formatie.getallen import EXCEL_FORMATEN
from formatie.invoer_csv import InvoerTabel, read_invoer_csv
from formatie.model import bereken
from formatie.normenset import MAX_NORMENSET_VERSIE, normenset_als_toml
from formatie.normenset_toml import parse_normenset, standaard_normenset
from formatie.parameters import BEZETTING
from formatie.problemen import InvoerFout
from formatie.referentie import load_referentie
from formatie.werkboek_lezen import lees_werkboek

# A deliberately odd normenset: three functies, taken of different functies interleaved, one
# invoer shared by three taken, a taak with zero hours, leiding 0, odd contracturen, no indirect.
ONGEWOON = """
naam = "Ongewoon"
versie = "x9"

[functie.alfa]
naam = "Alfa"
contracturen_per_fte = 1234.567
afwezigheid = 0.0
indirect = 0.37
leiding = 0.0
vast_fte = 0.0

[functie.beta]
naam = "Beta & <Co>"
contracturen_per_fte = 2000
afwezigheid = 0.123456
indirect = 0.0
leiding = 0.75
vast_fte = 1.5

[functie.gamma]
naam = "Gamma"
contracturen_per_fte = 7.5
afwezigheid = 0.5
indirect = 0.5
leiding = 2.0
vast_fte = 0.01

[[invoer]]
sleutel = "gedeeld"
naam = "Gedeelde invoer"
eenheid = "stuks"
groep = "A"
min = 0
max = 1000000

[[invoer]]
sleutel = "klein"
naam = "Kleine invoer"
eenheid = "stuks"
groep = "B"
min = 0
max = 10

[[taak]]
sleutel = "b_eerst"
functie = "beta"
naam = "Beta eerst"
invoer = "gedeeld"
uren = 0.001

[[taak]]
sleutel = "a_nul"
functie = "alfa"
naam = "Alfa zonder uren"
invoer = "klein"
uren = 0

[[taak]]
sleutel = "a_gedeeld"
functie = "alfa"
naam = "Alfa gedeeld"
invoer = "gedeeld"
uren = 3.3333333333333335
uren_laag = 1
uren_hoog = 10
bron = "=HYPERLINK(\\"http://example.invalid\\",\\"klik\\")"

[[taak]]
sleutel = "g_gedeeld"
functie = "gamma"
naam = "Gamma gedeeld"
invoer = "gedeeld"
uren = 0.0007

[[taak]]
sleutel = "b_klein"
functie = "beta"
naam = "Beta klein"
invoer = "klein"
uren = 123.456
"""

GEVAARLIJK = ['=HYPERLINK("http://example.invalid","klik")', "+cmd|' /C calc'!A0",
              "@SUM(1+1)*cmd|' /C calc'!A0", "-1+1", "=1+1"]


def ongewoon():
    return parse_normenset(ONGEWOON, "ongewoon")


def ongewone_invoer():
    return InvoerTabel(("0363", "0014", "0034"), (2025, None, None),
                       np.array([[123456.0, 7.0], [0.0, 0.0], [1.5, 10.0]]))


def regio_invoer(n, regio="MC21"):
    alles = landelijke_invoer(n)
    leden = set(load_referentie().leden(regio))
    rijen = [g for g, c in enumerate(alles.gemeentecodes) if c in leden]
    return InvoerTabel(tuple(alles.gemeentecodes[g] for g in rijen), (None,) * len(rijen),
                       alles.volume[rijen])


def kolommen(ws, rij=SLEUTELRIJ + 1) -> dict[str, int]:
    """Key → 1-based column from the key row of a (non read-only) sheet."""
    return {c.value: c.column for c in ws[rij] if isinstance(c.value, str)}


def fte_cellen(ws):
    """(gemeentecode, key, cell) for every fte_* cell of a Resultaat sheet."""
    k = kolommen(ws)
    for rij in range(EERSTE_RIJ + 1, ws.max_row + 1):
        code = ws.cell(rij, k["gemeentecode"]).value
        if not code:
            continue
        for sleutel, kolom in k.items():
            if sleutel.startswith("fte_"):
                yield code, sleutel, ws.cell(rij, kolom)


def verwacht(n, invoer):
    r = bereken(n, invoer.volume, invoer.gemeentecodes)
    uit = {}
    for g, code in enumerate(invoer.gemeentecodes):
        for f, s in enumerate(n.functie_sleutels):
            uit[code, f"fte_{s}"] = float(r.fte[g, f])
        uit[code, "fte_totaal"] = float(r.fte_totaal[g])
    return uit


def bewerk(data: bytes, wijzig) -> bytes:
    """Edit a workbook with openpyxl (as a user would in Excel) and return the new bytes."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wijzig(wb)
    uit = io.BytesIO()
    wb.save(uit)
    return uit.getvalue()


@pytest.fixture(scope="module")
def standaard_regio():
    n = standaard_normenset()
    invoer = regio_invoer(n)
    return n, invoer, exporteer_werkboek(n, invoer)


# ----------------------------------------------------------------------------------------------
# Structure
# ----------------------------------------------------------------------------------------------


def test_sheets_keys_names_and_provenance(standaard_regio):
    n, _, data = standaard_regio
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Toelichting", "Invoer", "Normen", "Berekening", "Resultaat"]
    assert list(kolommen(wb["Invoer"])) == ["gemeentecode", "gemeentenaam", "jaar",
                                            *n.invoer_sleutels]
    assert list(kolommen(wb["Resultaat"]))[: 3 + len(n.functies)] == [
        "gemeentecode", "gemeentenaam", *[f"fte_{s}" for s in n.functie_sleutels], "fte_totaal"]
    assert tuple(kolommen(wb["Normen"])) == TAAK_SLEUTELS
    namen = wb.defined_names
    for s in n.functie_sleutels:
        for p in ("contracturen_per_fte", "afwezigheid", "indirect", "leiding", "vast_fte",
                  "casus_uren_per_fte"):
            assert re.fullmatch(r"Normen!\$[A-Z]+\$\d+", namen[f"{s}_{p}"].attr_text)
    for naam in namen.values():  # names point at cells, never at constants
        assert re.fullmatch(r"\w+!\$[A-Z]+\$\d+", naam.attr_text), naam.attr_text
    toelichting = [c.value for rij in wb["Toelichting"].iter_rows() for c in rij if c.value]
    assert WERKBOEK_SOORT in toelichting
    assert "Bron: CBS, DUO (CC BY 4.0)" in toelichting
    assert n.naam in toelichting and n.versie in toelichting


def test_protection_inputs_formats_and_print_setup(standaard_regio):
    n, _invoer, data = standaard_regio
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for ws in wb:
        assert ws.protection.sheet, ws.title
        assert not ws.protection.password, ws.title
    inv = wb["Invoer"]
    k = kolommen(inv)
    cel = inv.cell(EERSTE_RIJ + 1, k["meldingen_16uur"])
    assert cel.protection.locked is False
    assert inv.cell(EERSTE_RIJ + 1, k["gemeentecode"]).protection.locked is not False
    assert inv.freeze_panes == f"C{EERSTE_RIJ + 1}"
    validaties = inv.data_validations.dataValidation
    meldingen = next(v for v in validaties if cel.coordinate in v.sqref)
    assert (meldingen.type, float(meldingen.formula1), float(meldingen.formula2)) == (
        "decimal", 0.0, n.invoer_by_sleutel("meldingen_16uur").max)
    assert meldingen.prompt and meldingen.error
    res = wb["Resultaat"]
    for _code, _sleutel, c in fte_cellen(res):
        assert c.number_format == EXCEL_FORMATEN["fte"]
        assert c.protection.locked is not False
    assert res.page_setup.orientation == "landscape"
    # Fit to one page wide (1 is the default, so XlsxWriter leaves fitToWidth out), any height.
    assert res.sheet_properties.pageSetUpPr.fitToPage
    assert res.page_setup.fitToWidth in (None, 1) and res.page_setup.fitToHeight == 0
    normen = wb["Normen"]
    kn = kolommen(normen)
    assert normen.cell(EERSTE_RIJ + 1, kn["uren"]).protection.locked is False
    assert normen.cell(EERSTE_RIJ + 1, kn["taak"]).protection.locked is not False
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert sum(1 for x in zf.namelist() if x.startswith("xl/charts/chart")) == 2


def test_formulas_use_english_functions_and_stored_values_are_the_model(standaard_regio):
    n, invoer, data = standaard_regio
    wb = openpyxl.load_workbook(io.BytesIO(data))
    functies = set()
    for ws in wb:
        for rij in ws.iter_rows():
            for c in rij:
                if c.data_type == "f":
                    functies |= set(re.findall(r"([A-Z][A-Z0-9.]*)\(", c.value))
    assert functies == {"SUM", "SUMIF"}  # IF appears only with a bezetting
    # The chain as formulas, with names as prose.
    ber = wb["Berekening"]
    kb = kolommen(ber)
    assert ber.cell(EERSTE_RIJ + 1, kb["uren"]).value == f"=F{EERSTE_RIJ + 1}*G{EERSTE_RIJ + 1}"
    assert ber.cell(EERSTE_RIJ + 1, kb["fte_taak"]).value == f"=H{EERSTE_RIJ + 1}/I{EERSTE_RIJ + 1}"
    assert ber.cell(EERSTE_RIJ + 1, kb["casus_uren_per_fte"]).value == (
        "=leerplicht_casus_uren_per_fte")
    res = wb["Resultaat"]
    assert re.fullmatch(r"=\(SUM\(Berekening!\$J\$\d+:\$J\$\d+\)\+leerplicht_vast_fte\)"
                        r"\*\(1\+leerplicht_leiding\)",
                        res.cell(EERSTE_RIJ + 1, kolommen(res)["fte_leerplicht"]).value)
    # Cached values (data_only) are bereken's numbers, for viewers that do not recalculate.
    waarden = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Resultaat"]
    model = verwacht(n, invoer)
    gezien = 0
    for code, sleutel, cel in fte_cellen(waarden):
        assert cel.value == pytest.approx(model[code, sleutel], rel=1e-15)
        gezien += 1
    assert gezien == len(model)


def test_bezetting_and_onzekerheid_sheets():
    n, invoer = ongewoon(), ongewone_invoer()
    onzekerheid = {"0363": {"alfa": {"p10": 1.0, "p50": 2.0, "p80": 3.0, "p90": 4.0},
                            "totaal": {"p10": 5.0, "p50": 6.0, "p80": 7.0, "p90": 8.0}}}
    data = exporteer_werkboek(n, invoer, bezetting={"0014": {"beta": 2.5}},
                              onzekerheid=onzekerheid)
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    assert wb.sheetnames[-1] == "Onzekerheid"
    onz = wb["Onzekerheid"]
    k = kolommen(onz)
    assert onz.cell(EERSTE_RIJ + 1, k["fte_alfa_p90"]).value == 4.0
    assert onz.cell(EERSTE_RIJ + 1, k["fte_totaal_p10"]).value == 5.0
    assert onz.cell(EERSTE_RIJ + 2, k["fte_alfa_p90"]).value is None
    res = wb["Resultaat"]
    k = kolommen(res)
    model = verwacht(n, invoer)
    assert res.cell(EERSTE_RIJ + 2, k["bezetting_beta"]).value == 2.5
    assert res.cell(EERSTE_RIJ + 2, k["verschil_beta"]).value == pytest.approx(
        model["0014", "fte_beta"] - 2.5)
    assert res.cell(EERSTE_RIJ + 1, k["bezetting_beta"]).value is None
    # The unchanged workbook with a bezetting still reads back; a text cell that starts with
    # '=' (the bron of a taak) is text, not a formula typed into an input cell.
    w = lees_werkboek(data, n)
    assert w.invoer.gemeentecodes == invoer.gemeentecodes and not w.normen_gewijzigd
    assert w.invoer.jaren == (2025, None, None)
    assert w.bezetting == {"0014": {"beta": 2.5}}
    # A bezetting typed in the workbook comes back; text there is refused like elsewhere.
    w = lees_werkboek(bewerk(data, _zet("Resultaat", "bezetting_alfa", 2, 4)), n)
    assert w.bezetting == {"0014": {"beta": 2.5}, "0034": {"alfa": 4}}
    with pytest.raises(InvoerFout, match=r"blad 'Resultaat', cel \w+6, kolom 'bezetting_alfa'"):
        lees_werkboek(bewerk(data, _zet("Resultaat", "bezetting_alfa", 2, "vier")), n)


def test_cli_export_with_onzekerheid(tmp_path):
    xlsx = tmp_path / "o.xlsx"
    assert main(["export", "--landelijk", "--regio", "MC01", "--onzekerheid", "-o", str(xlsx)]) == 0
    onz = openpyxl.load_workbook(xlsx)["Onzekerheid"]
    k = kolommen(onz)
    rij = [onz.cell(EERSTE_RIJ + 1, k[f"fte_leerplicht_{p}"]).value
           for p in ("p10", "p50", "p80", "p90")]
    assert all(isinstance(x, float) for x in rij) and rij == sorted(rij)


def test_export_refuses_what_it_cannot_write():
    n = ongewoon()
    with pytest.raises(ValueError, match="at least one"):
        exporteer_werkboek(n, InvoerTabel((), (), np.zeros((0, 2))))
    with pytest.raises(ValueError, match="unknown gemeentecodes: 0003"):
        exporteer_werkboek(n, InvoerTabel(("0003",), (None,), np.zeros((1, 2))))
    with pytest.raises(ValueError, match="NaN"):
        exporteer_werkboek(n, InvoerTabel(("0363",), (None,), np.array([[np.nan, 1.0]])))


def test_user_text_stays_text(tmp_path):
    n = ongewoon()
    data = exporteer_werkboek(n, ongewone_invoer(), titel=GEVAARLIJK[0],
                              notitie="\n".join(GEVAARLIJK), invoer_bron=GEVAARLIJK[1])
    wb = openpyxl.load_workbook(io.BytesIO(data))
    teksten = {c.value: c.data_type for ws in wb for rij in ws.iter_rows() for c in rij
               if isinstance(c.value, str)}
    assert teksten[GEVAARLIJK[0]] == "s"
    assert teksten[GEVAARLIJK[1]] == "s"
    assert teksten["\n".join(GEVAARLIJK)] == "s"
    assert teksten["Beta & <Co>"] == "s"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        bladen = b"".join(zf.read(x) for x in zf.namelist() if x.startswith("xl/worksheets/"))
    formules = re.findall(rb"<f>(.*?)</f>", bladen)
    assert formules and not any(b"HYPERLINK" in f or b"cmd" in f for f in formules)
    # write() with a leading '=' would also be text: the workbook is opened with
    # strings_to_formulas=False as a second line of defence.


# ----------------------------------------------------------------------------------------------
# Formulas == model, in process (the `formulas` package)
# ----------------------------------------------------------------------------------------------


def _bereken_met_formulas(pad: Path, invoer_wijziging: dict | None = None):
    formulas = pytest.importorskip("formulas")
    model = formulas.ExcelModel().loads(str(pad)).finish()
    opl = model.calculate(inputs=invoer_wijziging or {})
    uit = {}
    for sleutel, waarde in opl.items():
        m = re.fullmatch(r"'\[[^\]]+\](\w+)'!([A-Z]+\d+)", sleutel)
        if m:
            uit[m.group(1).upper(), m.group(2)] = np.asarray(waarde.value).ravel()[0]
    return uit


def _vergelijk_formulas(uit, wb, model, rel=1e-9):
    getoetst = 0
    for code, sleutel, cel in fte_cellen(wb["Resultaat"]):
        assert float(uit["RESULTAAT", cel.coordinate]) == pytest.approx(model[code, sleutel],
                                                                        rel=rel, abs=1e-12)
        getoetst += 1
    assert getoetst == len(model)


@pytest.mark.slow  # seconds per case; make test-snel leaves it out
@pytest.mark.parametrize("soort", ["standaard", "ongewoon"])
def test_formulas_package_recalculates_to_the_model(tmp_path, soort):
    if soort == "standaard":
        n = standaard_normenset()
        invoer = regio_invoer(n, "MC21")
        invoer = InvoerTabel(invoer.gemeentecodes[:3], (None,) * 3, invoer.volume[:3])
        bezetting = None
    else:
        n, invoer = ongewoon(), ongewone_invoer()
        bezetting = {"0363": {"alfa": 500.0, "gamma": 0}}
    pad = tmp_path / "w.xlsx"
    pad.write_bytes(exporteer_werkboek(n, invoer, bezetting=bezetting))
    uit = _bereken_met_formulas(pad)
    wb = openpyxl.load_workbook(pad)
    model = verwacht(n, invoer)
    _vergelijk_formulas(uit, wb, model)
    if bezetting:
        k = kolommen(wb["Resultaat"])
        rij = EERSTE_RIJ + 1
        verschil = uit["RESULTAAT", f"{openpyxl.utils.get_column_letter(k['verschil_alfa'])}{rij}"]
        assert float(verschil) == pytest.approx(model["0363", "fte_alfa"] - 500.0, rel=1e-9)
        leeg = uit["RESULTAAT", f"{openpyxl.utils.get_column_letter(k['verschil_beta'])}{rij}"]
        assert leeg == ""

    # Double one gemeente's first invoer and raise one norm: the workbook follows the model.
    i = 0
    k = kolommen(wb["Invoer"])[n.invoer_sleutels[i]]
    cel_invoer = f"'[w.xlsx]INVOER'!{openpyxl.utils.get_column_letter(k)}{EERSTE_RIJ + 2}"
    kn = kolommen(wb["Normen"])["uren"]
    cel_uren = f"'[w.xlsx]NORMEN'!{openpyxl.utils.get_column_letter(kn)}{EERSTE_RIJ + 2}"
    volume = invoer.volume.copy()
    volume[1, i] = volume[1, i] * 2 + 1
    taak = n.taken[1]
    n2 = n.met_uren({taak.sleutel: taak.uren * 3 + 0.5})
    uit = _bereken_met_formulas(pad, {cel_invoer: float(volume[1, i]),
                                      cel_uren: n2.taak(taak.sleutel).uren})
    _vergelijk_formulas(uit, wb, verwacht(n2, InvoerTabel(invoer.gemeentecodes, invoer.jaren,
                                                          volume)))


# ----------------------------------------------------------------------------------------------
# Import
# ----------------------------------------------------------------------------------------------


def _zet(blad: str, sleutel: str, rij: int, waarde):
    """An edit: set column `sleutel` of data row `rij` (0-based) on `blad`."""
    def wijzig(wb):
        ws = wb[blad]
        ws.cell(EERSTE_RIJ + 1 + rij, kolommen(ws)[sleutel]).value = waarde
    return wijzig


def test_import_unchanged_workbook_gives_the_same_invoer(standaard_regio):
    n, invoer, data = standaard_regio
    w = lees_werkboek(data, n)
    assert w.invoer.gemeentecodes == invoer.gemeentecodes
    np.testing.assert_allclose(w.invoer.volume, invoer.volume, rtol=1e-15)
    assert w.normenset is n and not w.normen_gewijzigd and w.opmerkingen == ()
    assert w.herkomst["normenset_versie"] == n.versie


def test_import_round_trip_with_edited_invoer_and_norms(standaard_regio, tmp_path):
    n, invoer, data = standaard_regio
    g = 3
    meldingen = float(invoer.volume[g, n.invoer_sleutels.index("meldingen_16uur")])

    def wijzig(wb):
        _zet("Invoer", "meldingen_16uur", g, meldingen * 2)(wb)
        _zet("Invoer", "jaar", 0, 2025)(wb)
        _zet("Normen", "uren", n.taak_sleutels.index("behandeling_16uur"), 6.5)(wb)
        ws = wb["Normen"]
        ws[wb.defined_names["leerplicht_afwezigheid"].attr_text.split("!")[1]
           .replace("$", "")] = 0.2
    bewerkt = bewerk(data, wijzig)
    w = lees_werkboek(bewerkt, lambda naam, versie: n if versie == n.versie else None)
    volume = invoer.volume.copy()
    volume[g, n.invoer_sleutels.index("meldingen_16uur")] = meldingen * 2
    np.testing.assert_allclose(w.invoer.volume, volume, rtol=1e-15)
    assert w.invoer.jaren[0] == 2025 and w.invoer.jaren[1] is None
    assert w.normen_gewijzigd
    assert w.normenset.versie == f"{n.versie}-excel"
    assert w.normenset.taak("behandeling_16uur").uren == 6.5
    assert w.normenset.taak("behandeling_16uur").uren_hoog >= 6.5  # range widened
    assert w.normenset.functie("leerplicht").afwezigheid == 0.2
    assert {(x.sleutel, x.veld, x.oud, x.nieuw) for x in w.normwijzigingen} == {
        ("behandeling_16uur", "uren", n.taak("behandeling_16uur").uren, 6.5),
        ("leerplicht", "afwezigheid", 0.16, 0.2)}
    assert any("verruimd" in o for o in w.opmerkingen)
    # The new normenset is a valid normenset file and gives the model the workbook shows.
    assert parse_normenset(normenset_als_toml(w.normenset)) == w.normenset
    verwacht_n = n.met_uren({"behandeling_16uur": 6.5}).met_functie_parameters(
        {"leerplicht": {"afwezigheid": 0.2}})
    np.testing.assert_allclose(bereken(w.normenset, w.invoer.volume).fte,
                               bereken(verwacht_n, volume).fte, rtol=1e-12)


def test_normenset_toml_writer_round_trips():
    for n in (standaard_normenset(), ongewoon()):
        assert parse_normenset(normenset_als_toml(n)) == n


def test_cli_export_edit_import_calculate(tmp_path, capsys):
    n = standaard_normenset()
    xlsx = tmp_path / "scenario.xlsx"
    assert main(["export", "--landelijk", "--regio", "MC37", "-o", str(xlsx)]) == 0
    g = 0
    bewerkt = bewerk(xlsx.read_bytes(), lambda wb: (
        _zet("Invoer", "meldingen_16uur", g, 1000)(wb),
        _zet("Normen", "uren", n.taak_sleutels.index("behandeling_16uur"), 5)(wb)))
    xlsx.write_bytes(bewerkt)
    csv_pad, toml_pad = tmp_path / "invoer.csv", tmp_path / "nieuw.toml"
    assert main(["import", str(xlsx), "-o", str(csv_pad), "--normen-uit", str(toml_pad)]) == 0
    fout = capsys.readouterr().err
    assert f"behandeling_16uur: uren {n.taak('behandeling_16uur').uren} → 5.0" in fout
    invoer = read_invoer_csv(csv_pad, n)
    assert len(invoer.gemeentecodes) == 21
    assert invoer.volume[g, n.invoer_sleutels.index("meldingen_16uur")] == 1000
    nieuw = parse_normenset(toml_pad.read_text(encoding="utf-8"))
    assert nieuw.taak("behandeling_16uur").uren == 5 and nieuw.versie == f"{n.versie}-excel"
    # provenance survives the workbook: the set it came from, every parameter's and taak's bron
    assert nieuw.afgeleid_van == n.label and nieuw.geldig_vanaf == n.geldig_vanaf
    assert [f.bronnen for f in nieuw.functies] == [f.bronnen for f in n.functies]
    assert [f.toelichtingen for f in nieuw.functies] == [f.toelichtingen for f in n.functies]
    assert [(t.bron, t.toelichting) for t in nieuw.taken] == [
        (t.bron, t.toelichting) for t in n.taken]
    assert main(["calculate", str(csv_pad), "--normen", str(toml_pad), "--format", "csv"]) == 0
    regels = capsys.readouterr().out.splitlines()
    model = bereken(nieuw, invoer.volume, invoer.gemeentecodes)
    assert float(regels[1].split(",")[-1]) == pytest.approx(float(model.fte_totaal[0]),
                                                            rel=1e-12)


def test_cli_import_of_a_bad_file_writes_nothing(tmp_path, capsys):
    slecht = tmp_path / "slecht.xlsx"
    slecht.write_text("gemeentecode,x\n0363,1\n", encoding="utf-8")
    uit = tmp_path / "uit.csv"
    assert main(["import", str(slecht), "-o", str(uit)]) == 2
    assert "geen Excel-werkboek" in capsys.readouterr().err
    assert not uit.exists()
    assert main(["import", str(tmp_path / "bestaat-niet.xlsx"), "-o", str(uit)]) == 2
    assert "niet gevonden" in capsys.readouterr().err


def test_import_refuses_workbook_of_another_normenset(standaard_regio):
    data = standaard_regio[2]
    with pytest.raises(InvoerFout, match=r"normenset 'Standaard 2026'.*niet bekend"):
        lees_werkboek(data, lambda naam, versie: None)


# ----------------------------------------------------------------------------------------------
# Bad uploads
# ----------------------------------------------------------------------------------------------


def _zip(delen: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for naam, inhoud in delen.items():
            zf.writestr(naam, inhoud)
    return buffer.getvalue()


def _ander_werkboek() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "Toelichting"
    wb.create_sheet("Invoer")["A3"] = "gemeentecode"
    wb.create_sheet("Normen")
    uit = io.BytesIO()
    wb.save(uit)
    return uit.getvalue()


def _zonder_blad(naam):
    def wijzig(wb):
        del wb[naam]
    return wijzig


def _formule_in_invoer(wb):
    ws = wb["Invoer"]
    ws.cell(EERSTE_RIJ + 1, kolommen(ws)["scholen"]).value = "=2*3"


SLECHT = [
    # (name, bytes or edit, expected message fragment)
    ("csv", b"gemeentecode;scholen\n0363;4\n", "geen Excel-werkboek"),
    ("leeg", b"", "leeg"),
    ("xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "oud Excel-bestand"),
    ("kapotte zip", b"PK\x03\x04" + b"\x00" * 100, "beschadigd"),
    ("zip zonder werkmap", _zip({"hallo.txt": b"hoi"}), "onderdelen van een werkmap"),
    ("zip-bom", _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>",
                      "xl/bom.xml": b"\0" * 20_000_000}), "zip-bom"),
    ("ander werkboek", _ander_werkboek(), "niet met de formatietool gemaakt"),
    ("blad weg", _zonder_blad("Normen"), "mist de bladen 'Normen'"),
    ("sleutel weg", _zet("Invoer", "meldingen_16uur", -1, "Meldingen"),
     "mist de invoerkolommen meldingen_16uur"),
    ("tekst in getalcel", _zet("Invoer", "scholen", 2, "veel"),
     "cel F6, kolom 'scholen': de cel bevat tekst ('veel')"),
    ("tekst die een getal lijkt", _zet("Invoer", "scholen", 2, "12,5"), "bevat tekst ('12,5')"),
    ("lege cel", _zet("Invoer", "scholen", 0, None), "cel F4, kolom 'scholen': lege cel"),
    ("te groot", _zet("Invoer", "scholen", 1, 2001),
     "cel F5, kolom 'scholen': 2001 is groter dan het maximum 2000"),
    ("negatief", _zet("Invoer", "thuiszitters", 1, -1), "kleiner dan het minimum 0"),
    ("onbekende gemeente", _zet("Invoer", "gemeentecode", 0, "9999"),
     "cel A4, kolom 'gemeentecode': onbekende gemeentecode '9999'"),
    ("dubbele gemeente", _zet("Invoer", "gemeentecode", 1, "GM0358"), "staat dubbel"),
    ("formule in invoer", _formule_in_invoer, "cel F4, kolom 'scholen': de cel bevat een formule"),
    ("ongeldig jaar", _zet("Invoer", "jaar", 0, 1850), "geen geldig jaar"),
    ("controle geschonden", _zet("Invoer", "meldingen_16uur_herhaald", 0, 49_999),
     "kolom 'meldingen_16uur_herhaald': Het aantal herhaalde meldingen"),
    ("negatieve uren", _zet("Normen", "uren", 0, -2),
     "uren moet van 0 tot en met 2.000 uur per eenheid zijn"),
    ("tekst in uren", _zet("Normen", "uren", 0, "vier"), "blad 'Normen', cel F4, kolom 'uren'"),
    ("functie gewijzigd", _zet("Normen", "functie", 0, "doorstroompunt"),
     "de functie kan in het werkboek niet worden gewijzigd"),
    ("onbekende taak", _zet("Normen", "taak", 0, "koffie"), "onbekende taak 'koffie'"),
]


@pytest.mark.parametrize(("naam", "slecht", "melding"), SLECHT, ids=[s[0] for s in SLECHT])
def test_bad_uploads_get_a_dutch_message(standaard_regio, naam, slecht, melding):
    n, _, data = standaard_regio
    upload = slecht if isinstance(slecht, bytes) else bewerk(data, slecht)
    with pytest.raises(InvoerFout) as fout:
        lees_werkboek(upload, n, bestand="upload.xlsx")
    assert melding in str(fout.value)
    assert str(fout.value).startswith("upload.xlsx")


def test_bad_parameter_names_the_cell(standaard_regio):
    n, _, data = standaard_regio

    def wijzig(wb):
        blad, cel = wb.defined_names["doorstroompunt_indirect"].attr_text.split("!")
        wb[blad][cel.replace("$", "")] = 1.5
    with pytest.raises(InvoerFout, match=r"blad 'Normen', cel E\d+, kolom 'indirect': functie "
                                         r"'doorstroompunt': indirect moet van 0 tot en met 90 % "
                                         r"zijn"):
        lees_werkboek(bewerk(data, wijzig), n)


def test_size_limits(standaard_regio):
    n, _, data = standaard_regio
    with pytest.raises(InvoerFout, match="te groot"):
        lees_werkboek(data, n, max_bytes=len(data) - 1)
    with pytest.raises(InvoerFout, match="uitgepakt te groot"):
        lees_werkboek(data, n, max_uitgepakt=100_000)
    with pytest.raises(InvoerFout, match=r"te groot \(10\.5 MB; maximaal 10 MB\)"):
        lees_werkboek(b"PK\x03\x04" + b"\0" * 10_500_000, n)


def test_every_problem_is_reported_at_once(standaard_regio):
    n, _, data = standaard_regio
    bewerkt = bewerk(data, lambda wb: (_zet("Invoer", "scholen", 0, "x")(wb),
                                       _zet("Invoer", "scholen", 1, 1e9)(wb),
                                       _zet("Normen", "uren", 2, -1)(wb)))
    with pytest.raises(InvoerFout) as fout:
        lees_werkboek(bewerkt, n)
    assert len(fout.value.problemen) == 3


def test_cli_import_default_normen_path_and_wrong_normenset(tmp_path, capsys, data_dir):
    n = standaard_normenset()
    xlsx = tmp_path / "s.xlsx"
    assert main(["export", "--landelijk", "--regio", "MC01", "-o", str(xlsx)]) == 0
    xlsx.write_bytes(bewerk(xlsx.read_bytes(), _zet("Normen", "uren", 0, 0.05)))
    assert main(["import", str(xlsx), "-o", str(tmp_path / "i.csv")]) == 0
    nieuw = parse_normenset((tmp_path / "i.normen.toml").read_text(encoding="utf-8"))
    assert nieuw.taak(n.taak_sleutels[0]).uren == 0.05
    capsys.readouterr()
    uit = tmp_path / "ander.csv"
    assert main(["import", str(xlsx), "-o", str(uit), "--normen",
                 str(data_dir / "klein.toml")]) == 2
    assert "mist de invoerkolommen x, y" in capsys.readouterr().err
    assert not uit.exists()


def test_cli_export_bad_input_writes_nothing(tmp_path, capsys):
    invoer = tmp_path / "invoer.csv"
    invoer.write_text("gemeentecode,scholen\n9999,3\n", encoding="utf-8")
    uit = tmp_path / "s.xlsx"
    assert main(["export", str(invoer), "--ontbrekend-is-nul", "-o", str(uit)]) == 2
    assert "onbekende gemeentecode '9999'" in capsys.readouterr().err
    assert not uit.exists()
    assert main(["export", "--landelijk", "--regio", "MC99", "-o", str(uit)]) == 2
    assert "onbekende regio" in capsys.readouterr().err
    assert not uit.exists()


def test_workbook_bezetting_has_the_web_forms_upper_bound():
    n, invoer = ongewoon(), ongewone_invoer()
    data = exporteer_werkboek(n, invoer, bezetting={"0014": {"beta": 2.5}})
    w = lees_werkboek(bewerk(data, _zet("Resultaat", "bezetting_alfa", 2, BEZETTING.max)), n)
    assert w.bezetting == {"0014": {"beta": 2.5}, "0034": {"alfa": BEZETTING.max}}
    with pytest.raises(InvoerFout, match=r"kolom 'bezetting_alfa': de bezetting moet van 0 tot "
                                         r"en met 10.000 fte zijn"):
        lees_werkboek(bewerk(data, _zet("Resultaat", "bezetting_alfa", 2,
                                        BEZETTING.max + 1)), n)


def test_duplicate_gemeente_with_one_blank_year_is_refused():
    """A row without a year is the workbook's year: it clashes with the same gemeente's row
    that names a year (it used to slip through and the gemeente was imported twice)."""
    n, invoer = ongewoon(), ongewone_invoer()  # years (2025, None, None)
    data = exporteer_werkboek(n, invoer)
    with pytest.raises(InvoerFout, match=r"cel A5, kolom 'gemeentecode': gemeente 0363 .* staat "
                                         r"dubbel in het werkboek \(ook in rij 4\)"):
        lees_werkboek(bewerk(data, _zet("Invoer", "gemeentecode", 1, "0363")), n)
    # Two explicit, different years of one gemeente (a multi-year CLI export) still read.
    def twee_jaren(wb):
        _zet("Invoer", "gemeentecode", 1, "0363")(wb)
        _zet("Invoer", "jaar", 1, 2026)(wb)
    w = lees_werkboek(bewerk(data, twee_jaren), n)
    assert w.invoer.gemeentecodes[:2] == ("0363", "0363") and w.invoer.jaren[:2] == (2025, 2026)


def test_derived_excel_version_stays_within_the_column():
    basis = replace(ongewoon(), versie="v" * MAX_NORMENSET_VERSIE)
    data = exporteer_werkboek(basis, ongewone_invoer())
    w = lees_werkboek(bewerk(data, _zet("Normen", "uren", 0, 6.5)), basis)
    assert len(w.normenset.versie) == MAX_NORMENSET_VERSIE
    assert w.normenset.versie == "v" * (MAX_NORMENSET_VERSIE - 6) + "-excel"
