"""The fast sheet reader (formatie.werkboek.xlsx_cellen) gives what openpyxl gives, or stands
aside."""

import datetime
import io
import re
import zipfile

import openpyxl
import pytest

from formatie.invoer_csv import InvoerTabel
from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie
from formatie.schatting import landelijke_invoer
from formatie.werkboek import openen as wl
from formatie.werkboek.schrijven import exporteer_werkboek
from formatie.werkboek.xlsx_budget import BUDGET
from formatie.werkboek.xlsx_cellen import lees_blad


def _via_openpyxl(data: bytes, blad: str) -> tuple[dict, dict]:
    wb = wl._open_werkboek(data, "x")
    boek = wl._Boek(wb, lambda: wl._open_werkboek(data, "x", alleen_waarden=True))
    return wl._blad_cellen(wb[blad]), boek.opgeslagen(blad)


def _snel(data: bytes, blad: str):
    return lees_blad(wl._open_werkboek(data, "x")[blad], BUDGET.max_rijen, wl._Formule)


def _gelijk(a: dict, b: dict) -> bool:
    """Same cells, in the same order, with the same values and types."""
    return list(a.items()) == list(b.items()) and all(type(a[k]) is type(b[k]) for k in a)


def test_every_sheet_of_a_region_workbook_reads_as_through_openpyxl():
    n, ref = standaard_normenset(), load_referentie()
    alle = landelijke_invoer(n)
    kies = [i for i, c in enumerate(alle.gemeentecodes) if c in ref.leden("MC21")]
    invoer = InvoerTabel(tuple(alle.gemeentecodes[i] for i in kies), (2026,) * len(kies),
                         alle.volume[kies])
    data = exporteer_werkboek(n, invoer)
    for blad in openpyxl.load_workbook(io.BytesIO(data), read_only=True).sheetnames:
        snel = _snel(data, blad)
        assert snel is not None, blad
        formules, opgeslagen = _via_openpyxl(data, blad)
        assert _gelijk(snel[0], formules) and _gelijk(snel[1], opgeslagen), blad
        assert any(isinstance(w, wl._Formule) for w in formules.values()) or blad != "Berekening"


def _met_blad(sheet_data: str, prefix: str = "") -> bytes:
    """A workbook (shared strings "tekst" and "andere & tekst", a date style) whose first
    sheet, "Sheet", holds ``sheet_data``."""
    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer)
    ws = wb.add_worksheet("Sheet")
    datum = wb.add_format({"num_format": "d-m-yyyy"})
    ws.write_datetime(0, 0, datetime.datetime(2026, 1, 2), datum)
    ws.write_string(1, 0, "tekst")
    ws.write_string(2, 0, "andere & tekst")
    wb.close()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as oud:
        delen = {i.filename: oud.read(i) for i in oud.infolist()}
    stijl = re.search(rb'<c r="A1" s="(\d+)"', delen["xl/worksheets/sheet1.xml"]).group(1)
    ns = f"xmlns{':' + prefix if prefix else ''}=" \
         '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    p = f"{prefix}:" if prefix else ""
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {ns}><{p}sheetData>'
           + sheet_data.replace("<", f"<{p}").replace(f"<{p}/", f"</{p}")
           .replace("DATUMSTIJL", stijl.decode())
           + f"</{p}sheetData></{p}worksheet>")
    delen["xl/worksheets/sheet1.xml"] = xml.encode()
    uit = io.BytesIO()
    with zipfile.ZipFile(uit, "w") as nieuw:
        for naam, inhoud in delen.items():
            nieuw.writestr(naam, inhoud)
    return uit.getvalue()


RIJEN = (
    '<row r="1"><c r="A1" s="DATUMSTIJL"><v>46024</v></c><c r="B1" t="s"><v>1</v></c>'
    '<c t="b" r="C1"><v>1</v></c><c r="D1" t="e"><v>#N/A</v></c>'
    '<c r="E1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="F1"><v>1.5E3</v></c>'
    '<c r="G1" s="0" t="n" cm="1"><v>7</v></c><c r="H1"/><c r="I1" t="s"><v>0</v></c></row>'
    '<row r="3"><c r="A3"><f t="shared" ref="A3:A5" si="0">B3*2</f><v>4</v></c>'
    '<c r="B3"><v xml:space="preserve">2</v></c></row>'
    '<row r="4"><c r="A4"><f t="shared" si="0"/><v>6</v></c><c r="B4"><v>3</v></c></row>'
    '<row><c r="A5"><f t="shared" si="0"/></c><c r="C5" t="str"><v>x&#13;y&lt;z</v></c></row>'
    # entities: only &amp; (the usual formula), &amp; beside others, an escaped entity
    '<row spans="1:3" r="6"><c r="A6" t="str"><f>"a"&amp;"&amp;amp;"</f><v>a&amp;amp;</v></c>'
    '<c r="B6" t="str"><f>"&amp;lt;"&amp;"&lt;"&amp;"&gt;"</f><v>&amp;lt;&lt;&gt;</v></c>'
    '<c r="C6" t="str"><f>"&quot;"</f><v>&quot;</v></c>'
    '<c r="D6" t="str"><f>"dit is "&amp;"a:is/"</f><v>dit is a:is/</v></c></row>'  # not <is>
)


@pytest.mark.parametrize("prefix", ["", "x"])
def test_types_shared_formulas_dates_and_prefixes_read_as_through_openpyxl(prefix):
    data = _met_blad(RIJEN, prefix)
    snel = _snel(data, "Sheet")
    assert snel is not None
    formules, opgeslagen = _via_openpyxl(data, "Sheet")
    assert _gelijk(snel[0], formules) and _gelijk(snel[1], opgeslagen)
    assert snel[0][4, 1] == "=B4*2" and isinstance(snel[1][1, 1], datetime.datetime)
    assert snel[0][6, 1] == '="a"&"&amp;"' and snel[1][6, 1] == "a&amp;"
    assert snel[0][6, 2] == '="&lt;"&"<"&">"' and snel[1][6, 2] == "&lt;<>"


@pytest.mark.parametrize("rijen", [
    '<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>2</v></c></row>',  # columns out of order
    '<row r="2"><c r="A2"><v>1</v></c></row><row r="1"><c r="A1"><v>2</v></c></row>',
    '<row r="1"><c r="A2"><v>1</v></c></row>',  # a cell outside its row
    '<row r="1"><c><v>1</v></c></row>',  # no reference
    '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>',
    '<row r="1"><c r="A1" t="inlineStr"><is xml:space="preserve"><t>x</t></is></c></row>',
    '<row r="1"><c r="A1" t="str"><f>"a"</f><v><![CDATA[a]]></v></c></row>',
    '<row r="1"><c r="A1"><f t="array" ref="A1">1</f><v>1</v></c></row>',
    '<row r="1"><!-- <c r="A1"><v>1</v></c> --></row>',
])
def test_forms_it_does_not_read_are_left_to_openpyxl(rijen):
    assert _snel(_met_blad(rijen), "Sheet") is None
