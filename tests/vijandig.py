"""Hostile files of the attack run (issue 12), built in memory: a workbook with a dimension bomb,
a workbook with a million rows, a calibration CSV with 100,000 columns, deep and giant TOML; and
the hostile numbers of issue 19 (:func:`randen`).

Shared by the tests (through fixtures in conftest.py) and bench/bench_aanvallen.py, which times
their refusal.
"""

from __future__ import annotations

import io
import math
import re
import zipfile

#: The declaration openpyxl's read-only mode trusts: every row 16,384 cells wide.
BOM_DIMENSIE = "A1:XFD1048576"


def _herschrijf(data: bytes, deel: str, wijzig) -> bytes:
    """A copy of the zip ``data`` with part ``deel`` replaced by ``wijzig(old bytes)``."""
    uit = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, \
            zipfile.ZipFile(uit, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            inhoud = zin.read(info)
            zout.writestr(info.filename, wijzig(inhoud) if info.filename == deel else inhoud)
    return uit.getvalue()


def blad_deel(data: bytes, blad: str) -> str:
    """The zip part of sheet ``blad`` (via xl/workbook.xml and its rels)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        wb = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{re.escape(blad)}"[^>]*r:id="([^"]+)"', wb).group(1)
    doel = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*Target="([^"]+)"', rels) or \
        re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels)
    pad = doel.group(1).lstrip("/")
    return pad if pad.startswith("xl/") else f"xl/{pad}"


def dimensiebom(werkboek: bytes, blad: str = "Toelichting") -> bytes:
    """``werkboek`` with ``blad`` declaring ``A1:XFD1048576`` and one cell in row 1,048,576:
    a few KB more, and openpyxl would walk 17 billion empty cells."""

    def wijzig(xml: bytes) -> bytes:
        tekst = xml.decode()
        tekst = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{BOM_DIMENSIE}"/>', tekst)
        tekst = tekst.replace("</sheetData>", '<row r="1048576"><c r="A1048576" t="inlineStr">'
                                              "<is><t>x</t></is></c></row></sheetData>")
        return tekst.encode()

    return _herschrijf(werkboek, blad_deel(werkboek, blad), wijzig)


def alleen_dimensie(werkboek: bytes, blad: str = "Toelichting") -> bytes:
    """Only the declaration lies (``A1:XFD1048576``); the cells are the real ones."""
    return _herschrijf(werkboek, blad_deel(werkboek, blad), lambda xml: re.sub(
        rb'<dimension ref="[^"]*"/>', f'<dimension ref="{BOM_DIMENSIE}"/>'.encode(), xml))


def zoals_libreoffice(werkboek: bytes) -> bytes:
    """``werkboek`` as LibreOffice saves it after a row was deleted: every sheet declares
    ``<dimension ref="A1:…1048576"/>`` and ends with an empty ``<row r="1048576">``."""
    with zipfile.ZipFile(io.BytesIO(werkboek)) as zf:
        delen = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]

    def wijzig(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[A-Z]+\d+:([A-Z]+)\d+"/>',
                     rb'<dimension ref="A1:\g<1>1048576"/>', xml)
        return xml.replace(b"</sheetData>", b'<row r="1048576" customFormat="false" '
                                            b'ht="12.8"></row></sheetData>')

    for deel in delen:
        werkboek = _herschrijf(werkboek, deel, wijzig)
    return werkboek


def brede_rijen(werkboek: bytes, rijen: int = 45_000, kolom: str = "ALL",
                blad: str = "Invoer") -> bytes:
    """``rijen`` rows appended to ``blad``, each with one cell far right (column ``kolom``):
    few cells, but openpyxl pads every row to its last cell (rows × columns to walk)."""
    return _herschrijf(werkboek, blad_deel(werkboek, blad), lambda xml: xml.replace(
        b"</sheetData>", "".join(f'<row r="{r}"><c r="{kolom}{r}"><v>1</v></c></row>'
                                 for r in range(1000, 1000 + rijen)).encode()
        + b"</sheetData>"))


def veel_rijen(werkboek: bytes, rijen: int = 1_000_000, blad: str = "Invoer",
               met_ref: bool = False) -> bytes:
    """``werkboek`` with ``rijen`` real rows (one number each) appended to ``blad``, the
    declared dimension left as it was. 1M rows: well under 1 MB zipped, 26 MB of XML."""

    def wijzig(xml: bytes) -> bytes:
        if met_ref:  # as Excel writes them, from row 1000 on
            extra = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>'
                            for r in range(1000, 1000 + rijen)).encode()
        else:  # rows and cells without r="…" follow the previous ones: legal, and smaller
            extra = b"<row><c><v>1</v></c></row>" * rijen
        return xml.replace(b"</sheetData>", extra + b"</sheetData>")

    return _herschrijf(werkboek, blad_deel(werkboek, blad), wijzig)


def verre_kolom(werkboek: bytes, cel: str = "XFD1", blad: str = "Toelichting") -> bytes:
    """One real cell far to the right (the declared dimension unchanged)."""
    rij = re.fullmatch(r"[A-Z]+(\d+)", cel).group(1)
    return _herschrijf(werkboek, blad_deel(werkboek, blad), lambda xml: xml.replace(
        b"</sheetData>", f'<row r="{int(rij) + 5000}"><c r="{cel[:-len(rij)]}{int(rij) + 5000}">'
                         f"<v>1</v></c></row></sheetData>".encode()))


def brede_csv(kolommen: int = 100_000) -> bytes:
    """A calibration CSV with a header of ``kolommen`` columns (~690 KB for 100,000)."""
    kop = ",".join(["gemeentecode", "jaar"] + [f"k{i}" for i in range(kolommen - 2)])
    rij = ",".join(["0363", "2024"] + ["1"] * (kolommen - 2))
    return f"{kop}\n{rij}\n".encode()


def diepe_toml(diepte: int = 5_000) -> str:
    """An array nested ``diepte`` deep: RecursionError in tomllib."""
    return 'naam = "x"\nversie = "1"\nx = ' + "[" * diepte + "]" * diepte + "\n"


def reuzengetal_toml(cijfers: int = 5_000) -> str:
    """An integer of ``cijfers`` digits: over Python's 4,300-digit limit (ValueError)."""
    return 'naam = "x"\nversie = "1"\nx = 1' + "0" * (cijfers - 1) + "\n"


#: Values that broke the model in issue 19 (5e-324 contract hours: NaN and 500s), and signed
#: zeros and the largest floats.
AANVAL = (5e-324, -5e-324, 1e-300, 1e308, -1e308, 0.0, -0.0)


def randen(p) -> list[float]:
    """The attack values and the bounds of ``p`` (a :class:`formatie.parameters.Parameter`),
    each bound also one ulp inside and outside."""
    rand = [p.min, p.max]
    rand += [math.nextafter(x, r) for x in (p.min, p.max) for r in (-math.inf, math.inf)]
    return [*AANVAL, *rand]
