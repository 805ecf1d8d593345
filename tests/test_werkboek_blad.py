"""The workbook's fast cell writer (formatie.werkboek.blad._Blad) writes the bytes XlsxWriter's
own per-cell machinery writes: every part of a region workbook (numbers, shared strings,
formulas with number, text and empty values, blanks, the analysis sheets) is the same with the
fast paths and without them. Guards an XlsxWriter upgrade (its private cell tuples and writer)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

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
                    "_write_cell"):
        assert methode in vars(_Blad)  # the fast path exists, and is switched off here
        monkeypatch.setattr(_Blad, methode, getattr(WERKBLAD, methode))
    gewoon = werkboek()
    snel_delen, gewone_delen = _delen(snel), _delen(gewoon)
    assert snel_delen.keys() == gewone_delen.keys()
    verschillend = [d for d in snel_delen if snel_delen[d] != gewone_delen[d]]
    assert not verschillend
    assert b"<f>" in snel_delen["xl/worksheets/sheet7.xml"]  # Resultaat: formulas were written
