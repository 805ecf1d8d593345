"""Scenario workbooks: export structure, formulas == model (via `formulas`, also after sorting
every sheet), import round trip, the self-check and bad uploads. The LibreOffice proof (sorting,
recalculation, a one-page Samenvatting in PDF) is in test_excel_libreoffice.py."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter
from profielen import steekproef

from formatie.cli import main
from formatie.getallen import EXCEL_FORMATEN
from formatie.invoer_csv import InvoerTabel, read_invoer_csv
from formatie.model import Groep, bereken, bereken_groepen, fte_per_functie
from formatie.normenset import MAX_NORMENSET_VERSIE, normenset_als_toml
from formatie.normenset_toml import NORMEN, load_normenset, parse_normenset, standaard_normenset
from formatie.parameters import BEZETTING
from formatie.problemen import InvoerFout
from formatie.referentie import load_referentie
from formatie.regio import REGIOBELEID
from formatie.schatting import landelijke_invoer
from formatie.werkboek.formaat import (
    EERSTE_RIJ,
    INVOER_SLEUTELS,
    NORMEN_SLEUTELS,
    SLEUTELRIJ,
    WERKBOEK_SOORT,
)
from formatie.werkboek.lezen import lees_werkboek
from formatie.werkboek.schrijven import exporteer_werkboek

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
contracturen_per_fte = 107.5
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


def normenset_2026_1():
    """The earlier default (2026.1), still shipped: the format-1 fixture was made with it."""
    return load_normenset(NORMEN / "standaard-2026.toml")


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


def verwacht_groepen(groepen) -> dict[tuple[str, str], float]:
    """fte per (gemeentecode, fte_<functie> | fte_totaal) for groups; a functie absent from a
    gemeente's normenset is 0."""
    functies = {fn.sleutel for g in groepen for fn in g.normenset.functies}
    uit = {}
    for res in bereken_groepen(groepen):
        for g, code in enumerate(res.gemeentecodes):
            for s in functies:
                uit[code, f"fte_{s}"] = (float(res.fte[g, res.normenset.functie_sleutels.index(s)])
                                         if s in res.normenset.functie_sleutels else 0.0)
            uit[code, "fte_totaal"] = float(res.fte_totaal[g])
    return uit


def bewerk(data: bytes, wijzig) -> bytes:
    """Edit a workbook with openpyxl (as a user would in Excel) and return the new bytes."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wijzig(wb)
    uit = io.BytesIO()
    wb.save(uit)
    return uit.getvalue()


def rij_van(ws, **sleutels) -> int:
    """The 1-based row whose key columns hold the given values."""
    k = kolommen(ws)
    for rij in range(EERSTE_RIJ + 1, ws.max_row + 1):
        if all(str(ws.cell(rij, k[s]).value) == str(v) for s, v in sleutels.items()):
            return rij
    raise LookupError(sleutels)


def _zet(blad: str, kolom: str, waarde, **sleutels):
    """An edit: set column ``kolom`` of the row found by its keys on ``blad``."""
    def wijzig(wb):
        ws = wb[blad]
        ws.cell(rij_van(ws, **sleutels), kolommen(ws)[kolom]).value = waarde
    return wijzig


def _zet_invoer(code: str, invoer: str, waarde, veld: str = "waarde"):
    return _zet("Invoer", veld, waarde, gemeentecode=code, invoer=invoer)


def _zet_norm(taak: str, veld: str, waarde):
    return _zet("Normen", veld, waarde, taak=taak)


def _zet_organisatie(functie: str, veld: str, waarde):
    return _zet("Organisatie", veld, waarde, functie=functie)


def sorteer_blad(wb, blad: str, sleutels: tuple[str, ...], omgekeerd: bool = False) -> None:
    """Sort the data rows of ``blad`` by ``sleutels`` (as text) as Excel and LibreOffice do:
    whole rows move, values and formulas alike, and relative references in a moved formula keep
    pointing at the same offset (LibreOffice's default: references are not updated on sort)."""
    ws = wb[blad]
    k = kolommen(ws)
    eerste = EERSTE_RIJ + 1
    rijen = []
    for rij in range(eerste, ws.max_row + 1):
        cellen = [(c.value, c._style) for c in ws[rij]]
        if any(v is not None for v, _ in cellen):
            rijen.append((rij, cellen))
    rijen.sort(key=lambda x: tuple(str(x[1][k[s] - 1][0] or "") for s in sleutels),
               reverse=omgekeerd)
    for nieuw, (oud, cellen) in enumerate(rijen, start=eerste):
        for kolom, (waarde, stijl) in enumerate(cellen, start=1):
            letter = get_column_letter(kolom)
            if isinstance(waarde, str) and waarde.startswith("="):
                waarde = Translator(waarde, origin=f"{letter}{oud}").translate_formula(
                    f"{letter}{nieuw}")
            cel = ws.cell(nieuw, kolom)
            cel.value = waarde
            cel._style = stijl


#: Per sheet the orders a manager might sort by (several columns, and reversed).
SORTERINGEN = {
    "Invoer": [("gemeentenaam", "invoer"), ("invoer", "waarde"), ("waarde",)],
    "Normen": [("naam",), ("functie", "uren")],
    "Organisatie": [("naam",), ("functie", "normenset")],
    "Berekening": [("fte_taak",), ("taak", "gemeentenaam"), ("gemeentenaam", "uren")],
    "Resultaat": [("gemeentenaam",), ("fte_totaal", "normenset")],
}


def sorteer_alles(data: bytes) -> bytes:
    """Every table sheet sorted by each of its orders in turn, the last one reversed."""
    def wijzig(wb):
        for blad, orders in SORTERINGEN.items():
            for i, sleutels in enumerate(orders):
                sorteer_blad(wb, blad, sleutels, omgekeerd=i == len(orders) - 1)
    return bewerk(data, wijzig)


def gemengde_regio():
    """MC21 with its members in two normensets: the standard set and a derived set with other
    hours, other organisation parameters, one taak less and one invoer less."""
    n = standaard_normenset()
    weg = n.taken[-1]
    taken = tuple(replace(t, uren=t.uren * 1.5, uren_hoog=t.uren_hoog * 1.5)
                  for t in n.taken[:-1])
    gebruikt = {t.invoer for t in taken}
    ander = replace(n, versie="2026.1-regio", taken=taken, bron_tekst=None,
                    invoer=tuple(i for i in n.invoer if i.sleutel in gebruikt or
                                 i.sleutel != weg.invoer),
                    controles=tuple(c for c in n.controles if weg.invoer not in
                                    (c.links, c.rechts) or weg.invoer in gebruikt)
                    ).met_functie_parameters({"leerplicht": {"leiding": 0.3, "vast_fte": 0.2}})
    ander = parse_normenset(normenset_als_toml(ander), "ander")
    invoer = regio_invoer(n)
    eerste = list(range(0, len(invoer.gemeentecodes), 2))
    tweede = [g for g in range(len(invoer.gemeentecodes)) if g not in eerste]
    kolom = [n.invoer_sleutels.index(s) for s in ander.invoer_sleutels]
    groepen = [Groep(n, tuple(invoer.gemeentecodes[g] for g in eerste), invoer.volume[eerste]),
               Groep(ander, tuple(invoer.gemeentecodes[g] for g in tweede),
                     invoer.volume[tweede][:, kolom])]
    return n, ander, groepen


def zoek_normenset(*normensets):
    def zoek(naam, versie):
        return next((x for x in normensets if (x.naam, x.versie) == (naam, versie)), None)
    return zoek


def zet_opgeslagen(data: bytes, blad: str, cel: str, waarde: float) -> bytes:
    """Change the stored (cached) result of one formula cell, as a program would after a
    recalculation that gave another number."""
    volgorde = openpyxl.load_workbook(io.BytesIO(data), read_only=True).sheetnames
    deel = f"xl/worksheets/sheet{volgorde.index(blad) + 1}.xml"
    uit = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, \
            zipfile.ZipFile(uit, "w", zipfile.ZIP_DEFLATED) as zout:
        for d in zin.infolist():
            inhoud = zin.read(d.filename)
            if d.filename == deel:
                inhoud, aantal = re.subn(
                    rf'(<c r="{cel}"[^>]*>(?:<f>[^<]*</f>))<v>[^<]*</v>'.encode(),
                    rb"\g<1><v>" + repr(float(waarde)).encode() + rb"</v>", inhoud)
                assert aantal == 1, cel
            zout.writestr(d, inhoud)
    return uit.getvalue()


@pytest.fixture(scope="session")
def standaard_regio():
    """(normenset, invoer of region MC21, the exported workbook as bytes), built once per
    session (a worker): bytes cannot be changed, a test that edits goes through ``bewerk``."""
    n = standaard_normenset()
    invoer = regio_invoer(n)
    return n, invoer, exporteer_werkboek(n, invoer)


@pytest.fixture(scope="session")
def regio_bezetting_werkboek(standaard_regio):
    """``standaard_regio`` exported with the Doorstroompunt's region bezetting 2.5: the bytes."""
    n, invoer, _ = standaard_regio
    return exporteer_werkboek(n, invoer, regio_bezetting={"doorstroompunt": 2.5})


# ----------------------------------------------------------------------------------------------
# Structure
# ----------------------------------------------------------------------------------------------


def test_sheets_keys_names_and_provenance(standaard_regio):
    n, invoer, data = standaard_regio
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Samenvatting", "Toelichting", "Invoer", "Normen", "Organisatie",
                             "Berekening", "Resultaat", "Normensets"]
    assert wb.active.title == "Samenvatting"
    # The normenset as TOML, very hidden, for `formatie importeer` (see the CLI tests).
    assert wb["Normensets"].sheet_state == "veryHidden"
    toml = "".join(r[4] for r in wb["Normensets"].iter_rows(min_row=4, values_only=True))
    assert parse_normenset(toml) == n
    assert tuple(kolommen(wb["Invoer"])) == INVOER_SLEUTELS
    assert tuple(kolommen(wb["Normen"])) == NORMEN_SLEUTELS
    assert list(kolommen(wb["Resultaat"]))[: 4 + len(n.functies)] == [
        "gemeentecode", "gemeentenaam", "normenset",
        *[f"fte_{s}" for s in n.functie_sleutels], "fte_totaal"]
    # One Invoer row per gemeente × invoer, one Berekening row per gemeente × taak.
    assert wb["Invoer"].max_row == EERSTE_RIJ + len(invoer.gemeentecodes) * len(n.invoer)
    assert wb["Berekening"].max_row == EERSTE_RIJ + len(invoer.gemeentecodes) * len(n.taken)
    for naam in wb.defined_names.values():  # names point at provenance cells only
        assert re.fullmatch(r"Toelichting!\$B\$\d+", naam.attr_text), naam.attr_text
    toelichting = [c.value for rij in wb["Toelichting"].iter_rows() for c in rij if c.value]
    assert WERKBOEK_SOORT in toelichting
    assert "Bron: CBS, DUO (CC BY 4.0)" in toelichting
    assert n.naam in toelichting and n.versie in toelichting
    assert ",".join(invoer.gemeentecodes) in toelichting
    assert any(REGIOBELEID in str(t) for t in toelichting)


def test_protection_formats_colours_and_print_setup(standaard_regio):
    n, invoer, data = standaard_regio
    wb = openpyxl.load_workbook(io.BytesIO(data))
    geel = "FFFFF2CC"
    for ws in wb:
        assert ws.protection.sheet, ws.title
        assert not ws.protection.password, ws.title
        # Every sheet's header and footer name the region, the date and the versions.
        assert "regio Agglomeratie Amsterdam (MC21)" in ws.oddHeader.left.text
        # the date in Dutch, "7 december 2026" (issue 18), not ISO
        assert re.fullmatch(r"\d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|"
                            r"september|oktober|november|december) \d{4}",
                            ws.oddHeader.right.text)
        assert "Formatietool" in ws.oddFooter.left.text and n.versie in ws.oddFooter.left.text
    inv = wb["Invoer"]
    k = kolommen(inv)
    rij = rij_van(inv, gemeentecode=invoer.gemeentecodes[0], invoer="leerplichtigen")
    waarde = inv.cell(rij, k["waarde"])
    assert waarde.protection.locked is False and waarde.fill.fgColor.rgb == geel
    assert waarde.number_format == EXCEL_FORMATEN["telling"]  # 24286.63 shows as 24,287
    assert inv.cell(rij, k["scenario"]).fill.fgColor.rgb == geel
    assert inv.cell(rij, k["gemeentecode"]).protection.locked is not False
    assert inv.cell(rij, k["jaar"]).protection.locked is False  # editable, changes no figure
    assert inv.cell(rij, k["jaar"]).fill.fgColor.rgb != geel
    validaties = inv.data_validations.dataValidation
    regel = next(v for v in validaties if waarde.coordinate in str(v.sqref))
    assert (regel.type, float(regel.formula1), float(regel.formula2)) == (
        "decimal", 0.0, n.invoer_by_sleutel("leerplichtigen").max)
    # Printable: landscape A4, one page wide, key rows repeated, readable columns.
    assert inv.page_setup.orientation == "landscape" and inv.page_setup.paperSize == 9
    assert inv.sheet_properties.pageSetUpPr.fitToPage and inv.page_setup.fitToHeight == 0
    assert inv.print_title_rows == "$1:$3"
    # The printed columns about 200 characters wide: at fit to width ~65 % (7 pt) on A4.
    assert sum(inv.column_dimensions[get_column_letter(k[s])].width or 8
               for s in INVOER_SLEUTELS[:INVOER_SLEUTELS.index("herkomst") + 1]) < 235
    # Printed A–K, the herkomst included (the toelichting, the same for every gemeente, stays on
    # screen), and every
    # key column as wide as its longest key (issue 18: clipped keys, "Gemeentecod/e").
    assert inv.print_area == f"'Invoer'!$A$1:${get_column_letter(k['herkomst'])}$" \
        f"{EERSTE_RIJ + len(invoer.gemeentecodes) * len(n.invoer)}"
    for blad, sleutels in (("Invoer", ("gemeentecode", "normenset", "invoer", "eenheid")),
                           ("Normen", ("normenset", "taak", "functie", "invoer", "eenheid")),
                           ("Berekening", ("gemeentecode", "normenset", "functie", "taak",
                                           "invoer"))):
        ws = wb[blad]
        kolom = kolommen(ws)
        for sleutel in sleutels:
            langste = max(len(str(ws.cell(r, kolom[sleutel]).value or ""))
                          for r in range(EERSTE_RIJ - 1, ws.max_row + 1))
            breedte = ws.column_dimensions[get_column_letter(kolom[sleutel])].width
            assert breedte >= langste + 1, (blad, sleutel, breedte, langste)
    normen = wb["Normen"]
    kn = kolommen(normen)
    klein = min(n.taken, key=lambda t: t.uren)
    assert klein.uren < 0.1
    rij = rij_van(normen, taak=klein.sleutel)
    uren = normen.cell(rij, kn["uren"])
    assert uren.value == klein.uren and uren.number_format == EXCEL_FORMATEN["uren"]
    assert EXCEL_FORMATEN["uren"].endswith(".00")  # two decimals: 0,03 never reads "0,0"
    assert uren.fill.fgColor.rgb == geel and uren.protection.locked is False
    for veld in ("uren_laag", "uren_hoog", "bron"):  # editable, but change no figure
        assert normen.cell(rij, kn[veld]).fill.fgColor.rgb != geel, veld
    ber = wb["Berekening"]
    kb = kolommen(ber)
    assert ber.cell(EERSTE_RIJ + 1, kb["uren_per_eenheid"]).number_format == (
        EXCEL_FORMATEN["uren"])
    res = wb["Resultaat"]
    for _code, _sleutel, c in fte_cellen(res):
        assert c.number_format == EXCEL_FORMATEN["fte"]
        assert c.protection.locked is not False
    onz_ws = exporteer_werkboek(n, invoer, onzekerheid={invoer.gemeentecodes[0]: {
        "totaal": {"p10": 1.0, "p50": 2.0, "p80": 3.0, "p90": 4.0}}})
    onz = openpyxl.load_workbook(io.BytesIO(onz_ws))["Onzekerheid"]
    assert onz.cell(EERSTE_RIJ + 1, kolommen(onz)["fte_totaal_p10"]).fill.fgColor.rgb != geel
    sam = wb["Samenvatting"]
    assert sam.page_setup.orientation == "portrait" and sam.page_setup.paperSize == 9
    assert sam.page_setup.fitToHeight in (None, 1) and sam.page_setup.fitToWidth in (None, 1)
    assert sam.sheet_properties.pageSetUpPr.fitToPage
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert sum(1 for x in zf.namelist() if x.startswith("xl/charts/chart")) == 1


def test_explanations_stand_in_full_in_cells(standaard_regio):
    n, invoer, data = standaard_regio
    wb = openpyxl.load_workbook(io.BytesIO(data))
    lang = max(n.invoer, key=lambda i: len(i.toelichting))
    assert len(lang.toelichting) > 255
    inv = wb["Invoer"]
    rij = rij_van(inv, gemeentecode=invoer.gemeentecodes[0], invoer=lang.sleutel)
    assert inv.cell(rij, kolommen(inv)["toelichting"]).value == lang.toelichting
    normen = wb["Normen"]
    for t in n.taken:
        assert normen.cell(rij_van(normen, taak=t.sleutel),
                           kolommen(normen)["toelichting"]).value == (t.toelichting or None)


def test_formulas_find_their_row_by_key_and_stored_values_are_the_model(standaard_regio):
    n, invoer, data = standaard_regio
    wb = openpyxl.load_workbook(io.BytesIO(data))
    functies = set()
    for ws in wb:
        for rij in ws.iter_rows():
            for c in rij:
                if c.data_type == "f":
                    functies |= set(re.findall(r"([A-Z][A-Z0-9.]*)\(", c.value))
                    # No reference to a single cell on another sheet: only whole key ranges.
                    assert not re.search(r"!\$?[A-Z]+\$?\d+(?!:)", c.value), c.value
    # Excel 2007 functions only; one exact match per lookup, no SUMPRODUCT over a sheet.
    assert functies == {"SUM", "SUMIF", "SUMIFS", "COUNTIF", "INDEX", "MATCH", "IF", "IFERROR",
                        "NA", "MAX"}
    ber = wb["Berekening"]
    kb = kolommen(ber)
    r = EERSTE_RIJ + 1
    laatste = EERSTE_RIJ + len(invoer.gemeentecodes) * len(n.invoer)
    assert ber.cell(r, kb["uren"]).value == f"=G{r}*H{r}"
    assert ber.cell(r, kb["fte_taak"]).value == f"=I{r}/J{r}"
    assert ber.cell(r, kb["volume"]).value == f"=INDEX(Invoer!$H$4:$H${laatste},$Q{r})"
    assert ber.cell(r, kb["scenario_volume"]).value == f"=INDEX(Invoer!$J$4:$J${laatste},$Q{r})"
    # The row on Invoer: a binary search checked to have found the key, else an exact match.
    sleutel, zs = f'$A{r}&"#"&$F{r}', f"Invoer!$L$4:$L${laatste}"
    assert ber.cell(r, kb["invoer_rij"]).value == (
        f"=IFERROR(IF(INDEX({zs},MATCH({sleutel},{zs},1))={sleutel},MATCH({sleutel},{zs},1),"
        f"NA()),MATCH({sleutel},{zs},0))")
    # Invoer is stored in that sort order, so the binary search finds every row.
    invoer_blad = wb["Invoer"]
    ki = kolommen(invoer_blad)
    sleutels = [f"{invoer_blad.cell(x, ki['gemeentecode']).value}#"
                f"{invoer_blad.cell(x, ki['invoer']).value}" for x in range(r, laatste + 1)]
    volgorde = lambda x: x.replace("#", "\x01").replace("_", "\x02")  # noqa: E731
    assert sleutels == sorted(sleutels, key=volgorde)
    # Berekening too, by gemeente and functie: Resultaat adds up each gemeente's block of taken
    # found by binary search, checked by COUNTIF, else a SUMIF through every row.
    laatste_b = EERSTE_RIJ + len(invoer.gemeentecodes) * len(n.taken)
    blokken = [f"{ber.cell(x, kb['gemeentecode']).value}#{ber.cell(x, kb['functie']).value}"
               for x in range(r, laatste_b + 1)]
    assert blokken == sorted(blokken, key=volgorde)
    res = wb["Resultaat"]
    kr = kolommen(res)
    zs, fte = f"Berekening!$R$4:$R${laatste_b}", f"Berekening!$K$4:$K${laatste_b}"
    sleutel = f'$A{r}&"#"&"leerplicht"'
    aantal = len(n.taken_van("leerplicht"))
    eind = f"MATCH({sleutel},{zs},1)"
    begin = f"{eind}-{aantal - 1}"
    assert res.cell(r, kr["taken_leerplicht"]).value == (
        f"=IFERROR(IF(COUNTIF(INDEX({zs},MAX(1,{begin})):INDEX({zs},{eind}),{sleutel})={aantal},"
        f"SUM(INDEX({fte},{begin}):INDEX({fte},{eind})),NA()),SUMIF({zs},{sleutel},{fte}))")
    # Cached values (data_only) are bereken's numbers, for viewers that do not recalculate.
    waarden = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    model = verwacht(n, invoer)
    gezien = 0
    for code, sleutel, cel in fte_cellen(waarden["Resultaat"]):
        assert cel.value == pytest.approx(model[code, sleutel], rel=1e-15)
        gezien += 1
    assert gezien == len(model)
    # The Samenvatting's lines add up to each functie (vaste basis, leiding and, with a minimum
    # formation, the aanvulling are lines).
    sam = waarden["Samenvatting"]
    regels = [(c[4].value, c[5].value, c[2].value) for c in sam.iter_rows(min_row=6)
              if c[4].value]
    res = bereken(n, invoer.volume)
    for j, s in enumerate(n.functie_sleutels):
        lijnen = [w for f, soort, w in regels if f == s and soort != "fte"]
        assert len(lijnen) == len(n.taken_van(s)) + 2 + (n.functie(s).minimum_fte > 0)
        assert sum(lijnen) == pytest.approx(float(res.fte[:, j].sum()), rel=1e-12)


def test_bezetting_verschil_onzekerheid_and_budget():
    n, invoer = ongewoon(), ongewone_invoer()
    onzekerheid = {"0363": {"alfa": {"p10": 1.0, "p50": 2.0, "p80": 3.0, "p90": 4.0},
                            "totaal": {"p10": 5.0, "p50": 6.0, "p80": 7.0, "p90": 8.0}},
                   "alle": {"totaal": {"p10": 15.0, "p50": 16.0, "p80": 17.0, "p90": 18.0}}}
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
    rij = rij_van(res, gemeentecode="0014")
    assert res.cell(rij, k["bezetting_beta"]).value == 2.5
    # One sign everywhere: verschil = bezetting − benodigd (negative is a shortage).
    assert res.cell(rij, k["verschil_beta"]).value == pytest.approx(
        2.5 - model["0014", "fte_beta"])
    assert res.cell(rij_van(res, gemeentecode="0363"), k["bezetting_beta"]).value is None
    # Samenvatting: the workbook's range (ALLE) and its budget figure as values.
    sam = [[c.value for c in rij] for rij in wb["Samenvatting"].iter_rows()]
    totaal = next(r for r in sam if r[0] == "Totaal" and r[1] and "–" in str(r[1]))
    assert totaal[1:4] == ["15,00 – 18,00", 16.0, 17.0]
    # The unchanged workbook with a bezetting still reads back; a text cell that starts with
    # '=' (the bron of a taak) is text, not a formula typed into an input cell.
    w = lees_werkboek(data, n)
    assert w.invoer.gemeentecodes == invoer.gemeentecodes and not w.normen_gewijzigd
    assert w.invoer.jaren == (2025, None, None)
    assert w.bezetting == {"0014": {"beta": 2.5}}
    assert w.gecontroleerd
    # A bezetting typed in the workbook comes back; text there is refused like elsewhere.
    w = lees_werkboek(bewerk(data, _zet("Resultaat", "bezetting_alfa", 4,
                                        gemeentecode="0034")), n)
    assert w.bezetting == {"0014": {"beta": 2.5}, "0034": {"alfa": 4}}
    with pytest.raises(InvoerFout, match=r"blad 'Resultaat', cel \w+6, kolom 'bezetting_alfa'"):
        lees_werkboek(bewerk(data, _zet("Resultaat", "bezetting_alfa", "vier",
                                        gemeentecode="0034")), n)


def test_cli_export_with_onzekerheid_bezetting_and_normal_permissions(tmp_path, capsys):
    import os

    bezetting = tmp_path / "bezetting.csv"
    bezetting.write_text("gemeentecode;fte_leerplicht;fte_doorstroompunt\n0037;2,5;\n",
                         encoding="utf-8")
    xlsx = tmp_path / "o.xlsx"
    oud = os.umask(0o022)
    try:
        assert main(["export", "--landelijk", "--regio", "MC01", "--onzekerheid",
                     "--bezetting", str(bezetting), "-o", str(xlsx)]) == 0
    finally:
        os.umask(oud)
    assert xlsx.stat().st_mode & 0o777 == 0o644  # colleagues on a shared folder can open it
    wb = openpyxl.load_workbook(xlsx)
    onz = wb["Onzekerheid"]
    k = kolommen(onz)
    rij = [onz.cell(EERSTE_RIJ + 1, k[f"fte_leerplicht_{p}"]).value
           for p in ("p10", "p50", "p80", "p90")]
    assert all(isinstance(x, float) for x in rij) and rij == sorted(rij)
    res = wb["Resultaat"]
    assert res.cell(rij_van(res, gemeentecode="0037"),
                    kolommen(res)["bezetting_leerplicht"]).value == 2.5
    bezetting.write_text("gemeentecode,fte_leerplicht\n0363,1e308\n", encoding="utf-8")
    uit = tmp_path / "fout.xlsx"
    assert main(["export", "--landelijk", "--regio", "MC01", "--bezetting", str(bezetting),
                 "-o", str(uit)]) == 2
    fout = capsys.readouterr().err
    assert "gemeente '0363' staat niet in het werkboek" in fout and not uit.exists()


def test_export_refuses_what_it_cannot_write():
    n = ongewoon()
    with pytest.raises(ValueError, match="at least one"):
        exporteer_werkboek(n, InvoerTabel((), (), np.zeros((0, 2))))
    with pytest.raises(ValueError, match="unknown gemeentecodes: 0003"):
        exporteer_werkboek(n, InvoerTabel(("0003",), (None,), np.zeros((1, 2))))
    with pytest.raises(ValueError, match="NaN"):
        exporteer_werkboek(n, InvoerTabel(("0363",), (None,), np.array([[np.nan, 1.0]])))
    with pytest.raises(ValueError, match="twice"):
        exporteer_werkboek(n, InvoerTabel(("0363", "0363"), (2025, 2026), np.zeros((2, 2))))


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


# ----------------------------------------------------------------------------------------------
# Formulas == model, in process (the `formulas` package), also after sorting every sheet
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
@pytest.mark.parametrize("soort", ["ongewoon", "gesorteerd"])
def test_formulas_package_recalculates_to_the_model(tmp_path, soort):
    n, invoer = ongewoon(), ongewone_invoer()
    bezetting = {"0363": {"alfa": 500.0, "gamma": 0}}
    data = exporteer_werkboek(n, invoer, bezetting=bezetting)
    if soort == "gesorteerd":
        data = sorteer_alles(data)
    pad = tmp_path / "w.xlsx"
    pad.write_bytes(data)
    uit = _bereken_met_formulas(pad)
    wb = openpyxl.load_workbook(pad)
    model = verwacht(n, invoer)
    _vergelijk_formulas(uit, wb, model)
    res = wb["Resultaat"]
    k = kolommen(res)
    rij = rij_van(res, gemeentecode="0363")
    verschil = uit["RESULTAAT", f"{get_column_letter(k['verschil_alfa'])}{rij}"]
    assert float(verschil) == pytest.approx(500.0 - model["0363", "fte_alfa"], rel=1e-9)
    assert uit["RESULTAAT", f"{get_column_letter(k['verschil_beta'])}{rij}"] == ""

    # Double one gemeente's invoer and raise one norm: the workbook follows the model.
    inv, normen = wb["Invoer"], wb["Normen"]
    cel_invoer = (f"'[w.xlsx]INVOER'!{get_column_letter(kolommen(inv)['waarde'])}"
                  f"{rij_van(inv, gemeentecode='0014', invoer='gedeeld')}")
    taak = n.taken[1]
    cel_uren = (f"'[w.xlsx]NORMEN'!{get_column_letter(kolommen(normen)['uren'])}"
                f"{rij_van(normen, taak=taak.sleutel)}")
    volume = invoer.volume.copy()
    volume[1, 0] = volume[1, 0] * 2 + 1
    n2 = n.met_uren({taak.sleutel: taak.uren * 3 + 0.5})
    uit = _bereken_met_formulas(pad, {cel_invoer: float(volume[1, 0]),
                                      cel_uren: n2.taak(taak.sleutel).uren})
    _vergelijk_formulas(uit, wb, verwacht(n2, InvoerTabel(invoer.gemeentecodes, invoer.jaren,
                                                          volume)))

    # The scenario columns: another volume, norm and leiding typed beside the base move only
    # the scenario's figures, as the model says; the base stays.
    org = wb["Organisatie"]
    cel_s_invoer = (f"'[w.xlsx]INVOER'!{get_column_letter(kolommen(inv)['scenario'])}"
                    f"{rij_van(inv, gemeentecode='0034', invoer='klein')}")
    cel_s_uren = (f"'[w.xlsx]NORMEN'!{get_column_letter(kolommen(normen)['scenario'])}"
                  f"{rij_van(normen, taak='b_klein')}")
    cel_s_leiding = (f"'[w.xlsx]ORGANISATIE'!"
                     f"{get_column_letter(kolommen(org)['scenario_leiding'])}"
                     f"{rij_van(org, functie='beta')}")
    uit = _bereken_met_formulas(pad, {cel_s_invoer: 3.0, cel_s_uren: 200.0, cel_s_leiding: 1.25})
    s_volume = invoer.volume.copy()
    s_volume[2, n.invoer_sleutels.index("klein")] = 3.0
    scenario = verwacht(n.met_uren({"b_klein": 200.0}).met_functie_parameters(
        {"beta": {"leiding": 1.25}}), InvoerTabel(invoer.gemeentecodes, invoer.jaren, s_volume))
    _vergelijk_formulas(uit, wb, verwacht(n, invoer))
    res = wb["Resultaat"]
    k = kolommen(res)
    for code in invoer.gemeentecodes:
        rij = rij_van(res, gemeentecode=code)
        for sleutel in ("fte_alfa", "fte_beta", "fte_gamma", "fte_totaal"):
            cel = f"{get_column_letter(k['scenario_' + sleutel])}{rij}"
            assert float(uit["RESULTAAT", cel]) == pytest.approx(scenario[code, sleutel],
                                                                 rel=1e-9, abs=1e-12)


# ----------------------------------------------------------------------------------------------
# Import
# ----------------------------------------------------------------------------------------------


def test_import_unchanged_workbook_gives_the_same_invoer(standaard_regio):
    n, invoer, data = standaard_regio
    w = lees_werkboek(data, n)
    assert w.invoer.gemeentecodes == invoer.gemeentecodes
    np.testing.assert_allclose(w.invoer.volume, invoer.volume, rtol=1e-15)
    assert w.normenset is n and not w.normen_gewijzigd and w.opmerkingen == ()
    assert w.herkomst["normenset_versie"] == n.versie
    assert w.gecontroleerd and w.formaat == 2 and w.scenario is None


def test_import_round_trip_with_edited_invoer_and_norms(standaard_regio, tmp_path):
    n, invoer, data = standaard_regio
    g = 3
    code = invoer.gemeentecodes[g]
    meldingen = float(invoer.volume[g, n.invoer_sleutels.index("meldingen_16uur")])

    def wijzig(wb):
        _zet_invoer(code, "meldingen_16uur", meldingen * 2)(wb)
        _zet("Invoer", "jaar", 2025, gemeentecode=invoer.gemeentecodes[0], invoer="scholen")(wb)
        for sleutel in n.invoer_sleutels:  # the year of a gemeente on all its rows
            _zet("Invoer", "jaar", 2025, gemeentecode=invoer.gemeentecodes[0],
                 invoer=sleutel)(wb)
        _zet_norm("behandeling_16uur", "uren", 6.5)(wb)
        _zet_organisatie("leerplicht", "afwezigheid", 0.2)(wb)
    bewerkt = bewerk(data, wijzig)
    w = lees_werkboek(bewerkt, lambda naam, versie: n if versie == n.versie else None)
    volume = invoer.volume.copy()
    volume[g, n.invoer_sleutels.index("meldingen_16uur")] = meldingen * 2
    np.testing.assert_allclose(w.invoer.volume, volume, rtol=1e-15)
    assert w.invoer.jaren[0] == 2025 and w.invoer.jaren[1] is None
    assert w.normen_gewijzigd
    assert w.normenset.versie == f"{n.versie}-excel"
    assert w.normenset.afgeleid_van == n.label
    assert w.normenset.taak("behandeling_16uur").uren == 6.5
    assert w.normenset.taak("behandeling_16uur").uren_hoog >= 6.5  # range widened
    assert w.normenset.functie("leerplicht").afwezigheid == 0.2
    assert {(x.sleutel, x.veld, x.oud, x.nieuw) for x in w.normwijzigingen} == {
        ("behandeling_16uur", "uren", n.taak("behandeling_16uur").uren, 6.5),
        ("leerplicht", "afwezigheid", 0.16, 0.2)}
    assert any("verruimd" in o for o in w.opmerkingen)
    # Saved by openpyxl: no stored results, so the workbook could not check itself.
    assert not w.gecontroleerd and any("niet tegen zichzelf" in o for o in w.opmerkingen)
    assert parse_normenset(normenset_als_toml(w.normenset)) == w.normenset
    verwacht_n = n.met_uren({"behandeling_16uur": 6.5}).met_functie_parameters(
        {"leerplicht": {"afwezigheid": 0.2}})
    np.testing.assert_allclose(bereken(w.normenset, w.invoer.volume).fte,
                               bereken(verwacht_n, volume).fte, rtol=1e-12)


def test_scenario_columns_come_back_as_a_scenario(standaard_regio):
    n, invoer, data = standaard_regio
    code = invoer.gemeentecodes[1]
    bewerkt = bewerk(data, lambda wb: (
        _zet_invoer(code, "thuiszitters", 77, veld="scenario")(wb),
        _zet_norm("behandeling_16uur", "scenario", 5.25)(wb),
        _zet_organisatie("doorstroompunt", "scenario_leiding", 0.05)(wb)))
    w = lees_werkboek(bewerkt, n)
    assert not w.normen_gewijzigd  # the base is untouched
    np.testing.assert_allclose(w.invoer.volume, invoer.volume, rtol=1e-15)
    assert dict(w.scenario.uren) == {"behandeling_16uur": 5.25}
    assert {f: dict(p) for f, p in w.scenario.organisatie.items()} == {
        "doorstroompunt": {"leiding": 0.05}}
    assert w.groepen[0].scenario_volume == {code: {"thuiszitters": 77.0}}
    assert w.scenario.normenset_versie == n.versie


def test_normenset_toml_writer_round_trips():
    for n in (standaard_normenset(), ongewoon()):
        assert parse_normenset(normenset_als_toml(n)) == n


@pytest.mark.slow  # seconds; make test-snel leaves it out
def test_cli_export_edit_import_calculate(tmp_path, capsys):
    n = standaard_normenset()
    xlsx = tmp_path / "scenario.xlsx"
    assert main(["export", "--landelijk", "--regio", "MC37", "-o", str(xlsx)]) == 0
    code = openpyxl.load_workbook(xlsx)["Resultaat"].cell(EERSTE_RIJ + 1, 1).value
    bewerkt = bewerk(xlsx.read_bytes(), lambda wb: (
        _zet_invoer(code, "meldingen_16uur", 1000)(wb),
        _zet_norm("behandeling_16uur", "uren", 5)(wb),
        _zet_norm("behandeling_16uur", "scenario", 6)(wb)))
    xlsx.write_bytes(bewerkt)
    csv_pad, toml_pad = tmp_path / "invoer.csv", tmp_path / "nieuw.toml"
    assert main(["import", str(xlsx), "-o", str(csv_pad), "--normen-uit", str(toml_pad)]) == 0
    fout = capsys.readouterr().err
    assert f"behandeling_16uur: uren {n.taak('behandeling_16uur').uren} → 5.0" in fout
    assert "kon niet tegen zichzelf worden gecontroleerd" in fout.replace("\n", " ")
    invoer = read_invoer_csv(csv_pad, n)
    assert len(invoer.gemeentecodes) == 21
    assert invoer.volume[invoer.gemeentecodes.index(code),
                         n.invoer_sleutels.index("meldingen_16uur")] == 1000
    nieuw = parse_normenset(toml_pad.read_text(encoding="utf-8"))
    assert nieuw.taak("behandeling_16uur").uren == 5 and nieuw.versie == f"{n.versie}-excel"
    # provenance survives the workbook: the set it came from, every parameter's and taak's bron
    assert nieuw.afgeleid_van == n.label and nieuw.geldig_vanaf == n.geldig_vanaf
    assert [f.bronnen for f in nieuw.functies] == [f.bronnen for f in n.functies]
    assert [f.toelichtingen for f in nieuw.functies] == [f.toelichtingen for f in n.functies]
    assert [(t.bron, t.toelichting) for t in nieuw.taken] == [
        (t.bron, t.toelichting) for t in n.taken]
    import json
    scenario = json.loads((tmp_path / "invoer.scenario.json").read_text(encoding="utf-8"))
    assert scenario["uren"] == {"behandeling_16uur": 6.0}
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


@pytest.mark.slow  # seconds; make test-snel leaves it out
def test_region_with_members_in_different_normensets_round_trips():
    n, ander, groepen = gemengde_regio()
    data = exporteer_werkboek(groepen)
    waarden = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    model = verwacht_groepen(groepen)
    for code, sleutel, cel in fte_cellen(waarden["Resultaat"]):
        assert cel.value == pytest.approx(model[code, sleutel], rel=1e-15)
    totaal = fte_per_functie(bereken_groepen(groepen))["totaal"]
    sam = [[c.value for c in rij] for rij in waarden["Samenvatting"].iter_rows()]
    assert next(r for r in sam if r[0] == "Totaal")[2] == pytest.approx(totaal, rel=1e-12)
    w = lees_werkboek(data, zoek_normenset(n, ander))
    assert [g.basis for g in w.groepen] == [n, ander] and w.gecontroleerd
    for groep, gelezen in zip(groepen, w.groepen, strict=True):
        assert gelezen.invoer.gemeentecodes == groep.gemeentecodes
        np.testing.assert_allclose(gelezen.invoer.volume, groep.volume, rtol=1e-15)
    # An edit of one normenset's norm gives a new normenset derived from that one only.
    taak = ander.taken[0].sleutel
    bewerkt = bewerk(data, _zet("Normen", "uren", 9.5, normenset=ander.label, taak=taak))
    w = lees_werkboek(bewerkt, zoek_normenset(n, ander))
    assert w.groepen[0].normenset is n and not w.groepen[0].normwijzigingen
    assert w.groepen[1].normenset.versie == f"{ander.versie}-excel"
    assert w.groepen[1].normenset.afgeleid_van == ander.label
    assert w.groepen[1].normenset.taak(taak).uren == 9.5
    with pytest.raises(ValueError, match="several normensets"):
        _ = w.invoer


# ----------------------------------------------------------------------------------------------
# The self-check: a workbook that lies is refused, naming the cells
# ----------------------------------------------------------------------------------------------


@pytest.mark.slow  # seconds; make test-snel leaves it out
def test_typed_over_result_or_berekening_formula_is_refused(standaard_regio):
    n, invoer, data = standaard_regio
    code = invoer.gemeentecodes[2]
    with pytest.raises(InvoerFout, match=r"Resultaat!D6 hoort een formule te bevatten, maar "
                                         r"bevat '143.98'"):
        lees_werkboek(bewerk(data, _zet("Resultaat", "fte_leerplicht", 143.98,
                                        gemeentecode=code)), n)
    with pytest.raises(InvoerFout, match=r"Berekening!K\d+ hoort een formule te bevatten"):
        lees_werkboek(bewerk(data, _zet("Berekening", "fte_taak", 1.0, gemeentecode=code,
                                        taak="behandeling_16uur")), n)


def test_stored_result_that_differs_from_the_inputs_is_refused(standaard_regio):
    n, invoer, data = standaard_regio
    model = verwacht(n, invoer)
    code = invoer.gemeentecodes[1]
    rij = EERSTE_RIJ + 2
    bewerkt = zet_opgeslagen(data, "Resultaat", f"D{rij}", 1.48)
    with pytest.raises(InvoerFout) as fout:
        lees_werkboek(bewerkt, n, bestand="mc21.xlsx")
    tekst = str(fout.value)
    goed = f"{model[code, 'fte_leerplicht']:.2f}".replace(".", ",")
    assert (f"Resultaat!D{rij} toont 1,48 fte, de invoer geeft {goed} fte: is er gesorteerd of "
            "een formule overschreven?") in tekst


def test_sorted_format_1_workbook_is_refused_naming_the_cells(data_dir):
    """A workbook made before format 2 (tests/data, written by the format-1 writer for MC21),
    whose Invoer was sorted and then recalculated: its Berekening still points at the old cells,
    so Resultaat shows another gemeente's figure. Simulated here by swapping two gemeenten's
    stored results (the LibreOffice test does the real sort and recalculation)."""
    n = normenset_2026_1()
    data = (data_dir / "werkboek_formaat1_mc21.xlsx").read_bytes()
    w = lees_werkboek(data, n)
    assert w.formaat == 1 and w.gecontroleerd
    waarden = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Resultaat"]
    zaanstad, wormerland = rij_van(waarden, gemeentecode="0479"), rij_van(waarden,
                                                                          gemeentecode="0880")
    a, b = (waarden.cell(r, 3).value for r in (zaanstad, wormerland))
    bewerkt = zet_opgeslagen(zet_opgeslagen(data, "Resultaat", f"C{zaanstad}", b),
                             "Resultaat", f"C{wormerland}", a)
    with pytest.raises(InvoerFout) as fout:
        lees_werkboek(bewerkt, n)
    tekst = str(fout.value)
    assert f"Resultaat!C{zaanstad} toont {b:.2f}".replace(".", ",") in tekst
    assert f"Resultaat!C{wormerland} toont {a:.2f}".replace(".", ",") in tekst
    # A typed-over formula in a format-1 workbook is refused as well.
    with pytest.raises(InvoerFout, match=rf"Resultaat!C{zaanstad} hoort een formule"):
        lees_werkboek(bewerk(data, lambda wb: wb["Resultaat"].cell(zaanstad, 3, 143.98)), n)


@pytest.mark.slow  # seconds; make test-snel leaves it out
def test_sorted_workbook_reads_back_the_same_and_passes_its_self_check(standaard_regio):
    n, invoer, data = standaard_regio
    gesorteerd = sorteer_alles(data)
    w = lees_werkboek(gesorteerd, n)
    volgorde = [w.invoer.gemeentecodes.index(c) for c in invoer.gemeentecodes]
    np.testing.assert_allclose(w.invoer.volume[volgorde], invoer.volume, rtol=1e-15)
    assert not w.normen_gewijzigd


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


def _hernoem(oud, nieuw):
    def wijzig(wb):
        wb[oud].title = nieuw
        for naam in wb.defined_names.values():
            naam.attr_text = naam.attr_text.replace(f"{oud}!", f"{nieuw}!")
    return wijzig


def _hernoem_sleutel(blad, oud, nieuw):
    def wijzig(wb):
        ws = wb[blad]
        ws.cell(SLEUTELRIJ + 1, kolommen(ws)[oud]).value = nieuw
    return wijzig


def _formule_in_invoer(wb):
    _zet_invoer("0358", "scholen", "=2*3")(wb)


def _extra_kolom(sleutel):
    def wijzig(wb):
        ws = wb["Invoer"]
        ws.cell(SLEUTELRIJ + 1, ws.max_column + 1).value = sleutel
    return wijzig


def _lege_normenrij(wb):
    ws = wb["Normen"]
    ws.insert_rows(EERSTE_RIJ + 3)


def _hoorn_erbij(wb):
    ws = wb["Invoer"]
    rij = rij_van(ws, gemeentecode="0358", invoer="scholen")
    nieuw = ws.max_row + 1
    for kolom in range(1, ws.max_column + 1):
        ws.cell(nieuw, kolom).value = ws.cell(rij, kolom).value
    ws.cell(nieuw, kolommen(ws)["gemeentecode"]).value = "0405"
    ws.cell(nieuw, kolommen(ws)["gemeentenaam"]).value = "Hoorn"


def _ods() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("mimetype", b"application/vnd.oasis.opendocument.spreadsheet",
                    compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", b"<x/>")
    return buffer.getvalue()


SLECHT = [
    # (name, bytes or edit, expected message fragment)
    ("csv", b"gemeentecode;scholen\n0363;4\n", "geen Excel-werkboek"),
    ("leeg", b"", "leeg"),
    ("xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "oud Excel-bestand"),
    ("ods", _ods(), "dit is een OpenDocument-bestand (.ods); sla het op als Excel-werkboek "
                    "(.xlsx)"),
    ("kapotte zip", b"PK\x03\x04" + b"\x00" * 100, "beschadigd"),
    ("zip zonder werkmap", _zip({"hallo.txt": b"hoi"}), "onderdelen van een werkmap"),
    ("zip-bom", _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>",
                      "xl/bom.xml": b"\0" * 20_000_000}), "zip-bom"),
    ("ander werkboek", _ander_werkboek(), "niet met de formatietool gemaakt"),
    ("blad weg", _zonder_blad("Normen"), "mist de bladen 'Normen'"),
    ("toelichting hernoemd", _hernoem("Toelichting", "Uitleg"),
     "het blad 'Toelichting' heet nu 'Uitleg'"),
    ("sleutel weg", _hernoem_sleutel("Invoer", "invoer", "soort"),
     "de sleutelrij met 'gemeentecode', 'normenset', 'invoer', 'waarde' ontbreekt"),
    ("dubbele sleutelkolom", _extra_kolom("waarde"),
     "de sleutel 'waarde' staat meer dan eens in de sleutelrij (kolommen H, N)"),
    ("tekst in getalcel", _zet_invoer("0362", "scholen", "veel"),
     "kolom 'scholen': de cel bevat tekst ('veel')"),
    ("tekst die een getal lijkt", _zet_invoer("0362", "scholen", "12,5"), "bevat tekst ('12,5')"),
    ("lege cel", _zet_invoer("0358", "scholen", None), "kolom 'scholen': lege cel"),
    ("te groot", _zet_invoer("0358", "scholen", 2001),
     "kolom 'scholen': 2001 moet van 0 tot en met 2.000 vestigingen zijn"),
    ("negatief", _zet_invoer("0358", "thuiszitters", -1), "-1 moet van 0 tot en met"),
    ("onbekende gemeente", _zet("Invoer", "gemeentecode", "9999", gemeentecode="0358",
                                invoer="scholen"), "onbekende gemeentecode '9999'"),
    ("gemeente buiten het werkboek", _hoorn_erbij,
     "gemeente 0405 (Hoorn) hoort niet bij dit werkboek"),
    ("dubbele invoer", _zet("Invoer", "invoer", "scholen", gemeentecode="0358",
                            invoer="thuiszitters"), "de invoer 'scholen' staat dubbel"),
    ("formule in invoer", _formule_in_invoer, "kolom 'scholen': de cel bevat een formule"),
    ("ongeldig jaar", _zet_invoer("0358", "scholen", 1850, veld="jaar"), "geen geldig jaar"),
    ("controle geschonden", _zet_invoer("0358", "meldingen_16uur_herhaald", 49_999),
     "kolom 'meldingen_16uur_herhaald': Het aantal herhaalde meldingen"),
    ("negatieve uren", _zet_norm("preventie_voorlichting", "uren", -2),
     "uren moet van 0 tot en met 2.000 uur per eenheid zijn"),
    ("tekst in uren", _zet_norm("bewaking_kwalificatieplicht", "uren", "vier"),
     "blad 'Normen', cel G5, kolom 'uren'"),
    ("functie gewijzigd", _zet_norm("preventie_voorlichting", "functie", "doorstroompunt"),
     "de functie kan in het werkboek niet worden gewijzigd"),
    ("onbekende taak", _zet_norm("preventie_voorlichting", "taak", "koffie"),
     "onbekende taak 'koffie'"),
    ("te hoge afwezigheid", _zet_organisatie("doorstroompunt", "indirect", 1.5),
     "functie 'doorstroompunt': indirect moet van 0 tot en met 60 % zijn"),
]


@pytest.mark.parametrize(("naam", "slecht", "melding"), steekproef(SLECHT),
                         ids=[s[0] for s in steekproef(SLECHT)])
def test_bad_uploads_get_a_dutch_message(standaard_regio, naam, slecht, melding):
    n, _, data = standaard_regio
    upload = slecht if isinstance(slecht, bytes) else bewerk(data, slecht)
    with pytest.raises(InvoerFout) as fout:
        lees_werkboek(upload, n, bestand="upload.xlsx")
    assert melding in str(fout.value)
    assert str(fout.value).startswith("upload.xlsx")


def test_blank_row_in_normen_is_harmless(standaard_regio):
    n, _, data = standaard_regio
    w = lees_werkboek(bewerk(data, _lege_normenrij), n)
    assert not w.normen_gewijzigd


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
    bewerkt = bewerk(data, lambda wb: (_zet_invoer("0358", "scholen", "x")(wb),
                                       _zet_invoer("0362", "scholen", 1e9)(wb),
                                       _zet_norm("preventie_voorlichting", "uren", -1)(wb)))
    with pytest.raises(InvoerFout) as fout:
        lees_werkboek(bewerkt, n)
    assert len(fout.value.problemen) == 3


def test_cli_import_default_normen_path_and_wrong_normenset(tmp_path, capsys, data_dir):
    n = standaard_normenset()
    xlsx = tmp_path / "s.xlsx"
    assert main(["export", "--landelijk", "--regio", "MC01", "-o", str(xlsx)]) == 0
    xlsx.write_bytes(bewerk(xlsx.read_bytes(), _zet_norm(n.taak_sleutels[0], "uren", 0.05)))
    assert main(["import", str(xlsx), "-o", str(tmp_path / "i.csv")]) == 0
    nieuw = parse_normenset((tmp_path / "i.normen.toml").read_text(encoding="utf-8"))
    assert nieuw.taak(n.taak_sleutels[0]).uren == 0.05
    capsys.readouterr()
    # Another normenset given: the workbook's own (shipped) one is still found by its name.
    uit = tmp_path / "ander.csv"
    assert main(["import", str(xlsx), "-o", str(uit), "--normen",
                 str(data_dir / "klein.toml")]) == 0
    assert uit.exists()


def test_cli_import_of_a_workbook_whose_normenset_it_cannot_find(tmp_path, capsys, data_dir):
    """A workbook of an unshipped normenset without its hidden sheet Normensets (as from before
    this version): refused, saying to give it with --normen; one other normenset given is
    compared with (as before) and refused for what does not fit."""
    klein = str(data_dir / "klein.toml")
    invoer = tmp_path / "in.csv"
    invoer.write_text("gemeentecode,x,y\n0363,100,50\n", encoding="utf-8")
    xlsx = tmp_path / "klein.xlsx"
    assert main(["exporteer", str(invoer), "--normen", klein, "-o", str(xlsx)]) == 0
    xlsx.write_bytes(bewerk(xlsx.read_bytes(), lambda wb: wb.remove(wb["Normensets"])))
    capsys.readouterr()
    uit = tmp_path / "uit.csv"
    assert main(["importeer", str(xlsx), "-o", str(uit)]) == 2
    fout = capsys.readouterr().err
    assert "die hier niet bekend is" in fout and "--normen BESTAND.toml" in fout
    assert main(["importeer", str(xlsx), "-o", str(uit), "--normen",
                 str(NORMEN / "standaard-2026-2.toml")]) == 2
    assert "onbekende invoer" in capsys.readouterr().err and not uit.exists()
    assert main(["importeer", str(xlsx), "-o", str(uit), "--normen", klein]) == 0
    assert uit.read_text(encoding="utf-8").splitlines()[1].startswith("0363,Amsterdam,,100,50")


def test_cli_import_reads_a_mixed_normenset_workbook_with_the_normensets_it_carries(
        tmp_path, capsys):
    """Issue 18: a region whose members count with two normensets, one not shipped. Without
    --normen the command line reads it whole, as docs/excel.md says: one CSV per normenset,
    the unshipped normenset taken from the workbook's hidden sheet and written beside its CSV
    (with a norm edited in it: the new normenset), and how to compute each."""
    n, ander, groepen = gemengde_regio()
    xlsx = tmp_path / "gemengd.xlsx"
    xlsx.write_bytes(bewerk(exporteer_werkboek(groepen), _zet(
        "Normen", "uren", 7.5, normenset=ander.label, taak="behandeling_16uur")))
    uit = tmp_path / "invoer.csv"
    assert main(["importeer", str(xlsx), "-o", str(uit)]) == 0
    err = capsys.readouterr().err
    assert f"normenset {ander.label} is gelezen uit het werkboek zelf" in err
    eerste, tweede = tmp_path / "invoer.1.csv", tmp_path / "invoer.2.csv"
    toml = tmp_path / "invoer.2.normen.toml"
    assert f"Bereken met: formatie bereken {eerste}\n" in err
    assert f"Bereken met: formatie bereken {tweede} --normen {toml}" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "gemengd.xlsx", "invoer.1.csv", "invoer.2.csv", "invoer.2.normen.toml"]
    bewerkt = parse_normenset(toml.read_text(encoding="utf-8"))
    assert bewerkt.afgeleid_van == ander.label
    assert bewerkt.taak("behandeling_16uur").uren == 7.5
    for pad, normenset, groep in ((eerste, n, groepen[0]), (tweede, bewerkt, groepen[1])):
        tabel = read_invoer_csv(pad, normenset)
        assert tabel.gemeentecodes == groep.gemeentecodes
        np.testing.assert_allclose(tabel.volume, groep.volume, rtol=1e-15)


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
    invoer.write_text("gemeentecode,jaar,scholen\n0363,2025,3\n0363,2026,4\n", encoding="utf-8")
    assert main(["export", str(invoer), "--ontbrekend-is-nul", "-o", str(uit)]) == 2
    assert "één jaar per gemeente" in capsys.readouterr().err
    assert not uit.exists()


def test_workbook_bezetting_has_the_web_forms_upper_bound():
    n, invoer = ongewoon(), ongewone_invoer()
    data = exporteer_werkboek(n, invoer, bezetting={"0014": {"beta": 2.5}})
    w = lees_werkboek(bewerk(data, _zet("Resultaat", "bezetting_alfa", BEZETTING.max,
                                        gemeentecode="0034")), n)
    assert w.bezetting == {"0014": {"beta": 2.5}, "0034": {"alfa": BEZETTING.max}}
    with pytest.raises(InvoerFout, match=r"kolom 'bezetting_alfa': de bezetting moet van 0 tot "
                                         r"en met 10.000 fte zijn"):
        lees_werkboek(bewerk(data, _zet("Resultaat", "bezetting_alfa", BEZETTING.max + 1,
                                        gemeentecode="0034")), n)


def test_derived_excel_version_stays_within_the_column():
    basis = replace(ongewoon(), versie="v" * MAX_NORMENSET_VERSIE)
    data = exporteer_werkboek(basis, ongewone_invoer())
    w = lees_werkboek(bewerk(data, _zet_norm("b_eerst", "uren", 6.5)), basis)
    assert len(w.normenset.versie) == MAX_NORMENSET_VERSIE
    assert w.normenset.versie == "v" * (MAX_NORMENSET_VERSIE - 6) + "-excel"


def test_tornado_labels_stand_left_of_the_bars():
    """The tornado's bars run both ways from 0: its input labels sit at the low end of the axis,
    not on the zero line where they would overlap the bars."""
    from formatie.gevoeligheid import tornado

    n = standaard_normenset()
    invoer = regio_invoer(n, "MC01")
    data = exporteer_werkboek(n, invoer, gevoeligheid=tornado(
        n, invoer.volume, gemeentecodes=invoer.gemeentecodes))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        grafieken = [zf.read(x) for x in zf.namelist() if x.startswith("xl/charts/chart")]
    tornado_xml = next(g for g in grafieken if b"Tornado" in g)
    categorie_as = re.search(rb"<c:catAx>.*?</c:catAx>", tornado_xml, re.S).group(0)
    assert b'<c:tickLblPos val="low"/>' in categorie_as


def test_norm_hours_of_1e308_in_a_workbook_are_refused(standaard_regio):
    """Issue 12 (hostile input): the bound itself lives in the parameter table."""
    n, _invoer, data = standaard_regio

    def wijzig(wb):
        for veld in ("uren", "uren_laag", "uren_hoog"):
            _zet_norm("behandeling_16uur", veld, 1e308)(wb)
    with pytest.raises(InvoerFout):
        lees_werkboek(bewerk(data, wijzig), n)


def test_samenvatting_says_the_doorstroompunt_is_staffed_by_the_region(standaard_regio):
    """The web shows "regionaal" for the Doorstroompunt's bezetting (the region enters it once);
    the Samenvatting said "bezetting niet (voor elke gemeente) bekend", as if a gemeente had
    forgotten to fill it in."""
    n, invoer, _ = standaard_regio
    bezetting = {code: {"leerplicht": 3.0} for code in invoer.gemeentecodes}
    data = exporteer_werkboek(n, invoer, bezetting=bezetting)
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)  # the values it shows
    sam = [[c.value for c in rij] for rij in wb["Samenvatting"].iter_rows()]
    kop = next(i for i, r in enumerate(sam) if r[0] == "Bezetting")
    regels = {r[0]: r for r in sam[kop + 1:kop + 3]}
    assert regels["Leerplicht"][2] == pytest.approx(3.0 * len(invoer.gemeentecodes))
    assert regels["Doorstroompunt"][1].startswith("regionaal")


# ----- the Doorstroompunt's bezetting at region level -----------------------------------------


def _regio_cel(wb, functie: str = "doorstroompunt"):
    """The cell the defined name ``regio_bezetting_<functie>`` points at."""
    blad, ref = next(iter(wb.defined_names[f"regio_bezetting_{functie}"].destinations))
    return wb[blad][ref.replace("$", "")]


def test_region_workbook_shows_the_region_doorstroompunt_bezetting_and_verschil(
        standaard_regio, regio_bezetting_werkboek):
    n, invoer, _ = standaard_regio
    data = regio_bezetting_werkboek
    benodigd = fte_per_functie([bereken(n, invoer.volume, invoer.gemeentecodes)])["doorstroompunt"]
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    cel = _regio_cel(wb)
    assert cel.parent.title == "Resultaat" and cel.value == 2.5
    assert cel.fill.fgColor.rgb.endswith("FFF2CC") and not cel.protection.locked
    assert any(str(cel.coordinate) in str(dv.sqref) for dv in cel.parent.data_validations
               .dataValidation)
    k = kolommen(cel.parent)
    assert cel.column == k["bezetting_doorstroompunt"]
    assert cel.parent.cell(cel.row, k["verschil_doorstroompunt"]).value == pytest.approx(
        2.5 - benodigd)
    sam = [[c.value for c in rij] for rij in wb["Samenvatting"].iter_rows()]
    kop = next(i for i, r in enumerate(sam) if r[0] == "Bezetting")
    regel = next(r for r in sam[kop + 1:] if r[0] == "Doorstroompunt")
    assert regel[2] == 2.5 and regel[3] == pytest.approx(2.5 - benodigd)
    gelezen = lees_werkboek(data, n)
    assert gelezen.regio_bezetting == {"doorstroompunt": 2.5} and gelezen.gecontroleerd


def test_an_empty_region_bezetting_cell_reads_as_unknown_and_a_gemeente_workbook_has_none(
        standaard_regio):
    n, invoer, data = standaard_regio
    assert lees_werkboek(data, n).regio_bezetting is None
    leeg = exporteer_werkboek(n, invoer, regio_bezetting={})
    assert lees_werkboek(leeg, n).regio_bezetting == {"doorstroompunt": None}


def test_edited_region_bezetting_is_read_back(standaard_regio, regio_bezetting_werkboek):
    n, _, _ = standaard_regio
    data = regio_bezetting_werkboek

    def zet(wb):
        _regio_cel(wb).value = 4.25
    assert lees_werkboek(bewerk(data, zet), n).regio_bezetting == {"doorstroompunt": 4.25}


@pytest.mark.parametrize("waarde", [1e308, -1.0, "veel"])
def test_invalid_region_bezetting_is_refused_naming_the_cell(standaard_regio,
                                                            regio_bezetting_werkboek, waarde):
    n, _, _ = standaard_regio
    data = regio_bezetting_werkboek
    adres = {}

    def zet(wb):
        cel = _regio_cel(wb)
        adres["cel"] = cel.coordinate
        cel.value = waarde
    with pytest.raises(InvoerFout) as fout:
        lees_werkboek(bewerk(data, zet), n)
    tekst = str(fout.value)
    assert "Resultaat" in tekst and adres["cel"] in tekst
    if isinstance(waarde, float):
        assert BEZETTING.bereik_tekst() in tekst


def test_a_moved_region_line_is_refused_naming_the_cell(standaard_regio, regio_bezetting_werkboek):
    """The region line sits outside the table's sort range; a sort of whole rows that takes it
    along leaves another value under the name, so import refuses it instead of reading that."""
    n, _, _ = standaard_regio
    data = regio_bezetting_werkboek
    adres = {}

    def verplaats(wb):
        cel = _regio_cel(wb)
        adres["cel"] = cel.coordinate
        cel.parent.move_range(f"A{cel.row}:{get_column_letter(cel.parent.max_column)}{cel.row}",
                              rows=-1)
    with pytest.raises(InvoerFout) as fout:
        lees_werkboek(bewerk(data, verplaats), n)
    assert f"Resultaat!{adres['cel']}" in str(fout.value) and "gesorteerd" in str(fout.value)


def test_a_control_character_in_a_norms_bron_is_refused_with_its_cell(standaard_regio):
    """Issue 19: control characters are refused in every normenset text, the workbook's bron
    too (XML keeps C1 controls such as CSI, U+009B, which a terminal reads as ESC [)."""
    n, _, data = standaard_regio
    with pytest.raises(InvoerFout) as fout:
        lees_werkboek(bewerk(data, _zet_norm("preventie_voorlichting", "bron",
                                             "eigen telling \x9b31m")), n, bestand="u.xlsx")
    assert "kolom 'bron': de bron bevat een onzichtbaar stuurteken" in str(fout.value)
    assert "blad 'Normen', cel " in str(fout.value) and "\x9b" not in str(fout.value)
