"""The workbook's fast cell writer (formatie.werkboek.blad._Blad) writes the bytes XlsxWriter's
own per-cell machinery writes: every part of a region workbook (numbers, shared strings,
formulas with number, text and empty values, blanks, the analysis sheets) is the same with the
fast paths and without them: the cells written one by one and whole rows (_Blad.rij, for
Invoer and Berekening). Guards an XlsxWriter upgrade (its private cell tuples and writer)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest
import xlsxwriter
from test_excel import regio_invoer

from formatie.model import Groep
from formatie.normenset_toml import standaard_normenset
from formatie.werkboek.analyse import werkboek_analyse
from formatie.werkboek.blad import _Blad
from formatie.werkboek.schrijven import exporteer_werkboek

WERKBLAD = xlsxwriter.worksheet.Worksheet


def _delen(data: bytes) -> dict[str, bytes]:
    """Every part of the zip but docProps/core.xml (it holds the time of writing)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n != "docProps/core.xml"}


def _rij_cel_voor_cel(ws, rij: int, cellen, eerste: int = 0) -> None:
    """_Blad.rij through XlsxWriter's own writers, one cell at a time."""
    for kolom, cel in enumerate(cellen, start=eerste):
        if cel is None:
            continue
        if cel.soort == "tekst":
            WERKBLAD.write_string(ws, rij, kolom, cel.waarde, cel.opmaak)
        elif cel.soort == "getal":
            WERKBLAD.write_number(ws, rij, kolom, cel.waarde, cel.opmaak)
        elif cel.soort == "leeg":
            WERKBLAD.write_blank(ws, rij, kolom, None, cel.opmaak)
        else:
            WERKBLAD.write_formula(ws, rij, kolom, "=" + cel.waarde, cel.opmaak, cel.resultaat)


def test_the_fast_cell_writer_writes_the_bytes_xlsxwriter_writes(monkeypatch):
    n = standaard_normenset()
    invoer = regio_invoer(n)
    codes = tuple(invoer.gemeentecodes)

    def werkboek() -> bytes:
        return exporteer_werkboek(
            n, invoer, export_tijd=datetime(2026, 12, 7, 12, tzinfo=UTC),
            titel="Regio & <proef>", notitie='Een "notitie"',
            bezetting={codes[0]: {"leerplicht": 3.25}}, regio_bezetting={"doorstroompunt": None},
            **werkboek_analyse([Groep(n, codes, invoer.volume)]))

    snel = werkboek()
    for methode in ("write_formula", "write_string", "write_number", "write_blank",
                    "_calculate_spans", "_write_rows"):
        assert methode in vars(_Blad)  # the fast path exists, and is switched off here
        monkeypatch.setattr(_Blad, methode, getattr(WERKBLAD, methode))
    monkeypatch.setattr(_Blad, "rij", _rij_cel_voor_cel)
    gewoon = werkboek()
    snel_delen, gewone_delen = _delen(snel), _delen(gewoon)
    assert snel_delen.keys() == gewone_delen.keys()
    verschillend = [d for d in snel_delen if snel_delen[d] != gewone_delen[d]]
    assert not verschillend
    assert b"<f>" in snel_delen["xl/worksheets/sheet7.xml"]  # Resultaat: formulas were written


def _klein_werkboek(hele_rijen: bool) -> dict[str, bytes]:
    """A small sheet with what a whole row may hold, written whole or cell by cell."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet("Blad", worksheet_class=_Blad)
    vet, getal = wb.add_format({"bold": True}), wb.add_format({"num_format": "0.00"})
    lang = "😀" * 9000 + "a" * 20000  # past Excel's 32.767 UTF-16 units: cut, as XlsxWriter cuts
    rijen = {
        0: [ws.tekst("A & <b>", vet), None, ws.getal(2026, getal), ws.leeg(vet)],
        3: [ws.formule('=IF(A1<>"",1,0)&"x"', getal, "1x"), ws.formule("=A1>0", vet, True),
            ws.formule("=1/0", vet, "#DIV/0!"), ws.formule("=B2", getal, 0.1 + 0.2),
            ws.formule("=C2", vet, "")],
        5: [ws.tekst(lang, vet), ws.tekst(None, vet)],
    }
    ws.set_row(3, 30)
    ws.write_comment(5, 1, "een notitie")
    ws.write_string(7, 0, "cel voor cel", vet)  # a row written the usual way, between
    for rij, cellen in rijen.items():
        if hele_rijen:
            ws.rij(rij, cellen, eerste=1 if rij == 3 else 0)
        else:
            _rij_cel_voor_cel(ws, rij, cellen, eerste=1 if rij == 3 else 0)
    wb.close()
    return _delen(buffer.getvalue())


def test_a_whole_row_writes_the_bytes_of_its_cells_written_one_by_one():
    hele, losse = _klein_werkboek(True), _klein_werkboek(False)
    assert hele.keys() == losse.keys()
    assert [d for d in hele if hele[d] != losse[d]] == []
    assert b"A &amp; &lt;b&gt;" in hele["xl/sharedStrings.xml"]


def test_a_row_is_written_once_and_holds_finite_numbers():
    wb = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    ws = wb.add_worksheet("Blad", worksheet_class=_Blad)
    fmt = wb.add_format()
    ws.rij(0, [ws.tekst("a", fmt)])
    with pytest.raises(ValueError, match="twice"):
        ws.rij(0, [ws.tekst("b", fmt)])
    ws.write_string(1, 0, "los", fmt)
    with pytest.raises(ValueError, match="twice"):
        ws.rij(1, [ws.tekst("b", fmt)])
    with pytest.raises(ValueError, match="cannot hold"):
        ws.getal(float("nan"), fmt)
    with pytest.raises(ValueError, match="format"):
        ws.rij(2, [ws.tekst("zonder opmaak", None)])
