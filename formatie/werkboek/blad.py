"""The sheet writers' toolkit: formats, key lookups (:class:`_Tabel`), column widths,
print setup and protection, and the state every sheet writer shares
(:class:`_Werkboek`). Package-private: only :mod:`formatie.werkboek` modules use it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from .. import __version__
from ..getallen import EXCEL_FORMATEN
from ..herkomst import Herkomst
from ..kosten import kosten
from ..model import Groep, Resultaat, regels_opgeteld
from ..parameters import Parameter
from ..referentie import Referentie
from ..taal import format_datum
from .formaat import (
    EERSTE_RIJ,
    SLEUTELRIJ,
    ZOEK_SCHEIDING,
    ZOEKSLEUTEL,
    ZOEKSLEUTEL_DELEN,
)

if TYPE_CHECKING:
    from .bladen_berekening import _Resultaatkolommen

_GEEL = "#FFF2CC"  # input that changes a figure
_GRIJS = "#EDEDED"  # formula
_KOP = "#1F4E79"



class _Blad(xlsxwriter.worksheet.Worksheet):
    """A worksheet that stores and writes the cells this package writes without XlsxWriter's
    general per-cell machinery: the national workbook has ~330.000 cells, and most of its
    export time went to checks that never apply here.

    * Formulas skip the future-function rewriting (some 30 regular expressions per formula)
      and the dynamic-array and array checks: the package writes only Excel 2007 functions
      (SUM, SUMIF(S), SUMPRODUCT, COUNTIF, INDEX, MATCH, IF, IFERROR, MAX, NA), never an array
      formula, so none applies.
    * ``write_formula``, ``write_string``, ``write_number`` and ``write_blank`` take row and
      column numbers only (no A1 notation) and store the cell as XlsxWriter itself would.
    * :meth:`rij` takes a row of a long table (Invoer, Berekening) whole and makes its XML at
      once, leaving only the format numbers for when the sheet is written.
    * :meth:`_write_rows` writes a row's number, shared string, formula and blank cells with a
      format as one string, the bytes XlsxWriter writes (its attribute escaping is a no-op on
      a cell reference and a format index); any other cell goes the general way.

    ``tests/test_werkboek_blad.py`` holds every part of a workbook written this way against
    the same workbook written through XlsxWriter's own methods, byte for byte.
    """

    def __init__(self) -> None:
        super().__init__()
        #: Rows written whole (:meth:`rij`): row → (first column, last column, XML pieces).
        self._rijen: dict[int, tuple[int, int, list]] = {}

    def _prepare_formula(self, formula, expand_future_functions=False):
        return formula.removeprefix("{").removeprefix("=").removesuffix("}")

    def write_formula(self, row: int, col: int, formula: str, cell_format=None, value=0):
        if self._check_dimensions(row, col):
            return -1
        self.table[row][col] = _Formule(self._prepare_formula(formula), cell_format, value)
        return 0

    def write_string(self, row: int, col: int, string: str, cell_format=None):
        if len(string) > self.xls_strmax // 2:  # may need cutting: the general way
            return super().write_string(row, col, string, cell_format)
        if self._check_dimensions(row, col):
            return -1
        self.table[row][col] = _Tekst(self.str_table._get_shared_string_index(string),
                                      cell_format)
        return 0

    def write_number(self, row: int, col: int, number, cell_format=None):
        if not (type(number) is float and math.isfinite(number)):
            return super().write_number(row, col, number, cell_format)
        if self._check_dimensions(row, col):
            return -1
        self.table[row][col] = _Getal(number, cell_format)
        return 0

    def write_blank(self, row: int, col: int, blank, cell_format=None):
        if cell_format is None:  # XlsxWriter writes no blank cell without a format
            return 0
        if self._check_dimensions(row, col):
            return -1
        self.table[row][col] = _Leeg(cell_format)
        return 0

    # -- whole rows: the long tables (Invoer, Berekening) --------------------------------------

    @staticmethod
    def tekst(waarde: str | None, opmaak) -> _Cel:
        """A text cell for :meth:`rij`: a shared string, never a formula, URL or number."""
        return _Cel(_TEKST, "" if waarde is None else str(waarde), opmaak)

    @staticmethod
    def getal(waarde: float, opmaak) -> _Cel:
        """A number cell for :meth:`rij` (finite: a workbook holds no NaN)."""
        if not math.isfinite(waarde):
            raise ValueError(f"a workbook cell cannot hold {waarde}")
        return _Cel(_GETAL, waarde, opmaak)

    @staticmethod
    def leeg(opmaak) -> _Cel:
        """An empty cell with a format (a yellow input cell left blank) for :meth:`rij`."""
        return _Cel(_LEEG, None, opmaak)

    @staticmethod
    def formule(formule: str, opmaak, resultaat=0) -> _Cel:
        """A formula cell for :meth:`rij`, with ``resultaat`` as its stored result."""
        return _Cel(_FORMULE, formule.removeprefix("="), opmaak, resultaat)

    def rij(self, rij: int, cellen: Sequence[_Cel | None], eerste: int = 0) -> None:
        """Row ``rij`` (0-based) whole: ``cellen`` from column ``eerste`` on (None: no cell),
        made by :meth:`tekst`, :meth:`getal`, :meth:`leeg` and :meth:`formule`, each with a
        format. Its XML is made now; the format numbers when the sheet is written, in the
        order XlsxWriter gives them. A row is written whole or cell by cell (``write_*``),
        not both; not for rows a chart reads (XlsxWriter takes a chart's cached values from
        the cells written one by one)."""
        kolommen = [k for k, cel in enumerate(cellen, start=eerste) if cel is not None]
        if rij in self._rijen or rij in self.table:
            raise ValueError(f"row {rij} is written twice")
        if not kolommen:
            return
        if self._check_dimensions(rij, kolommen[0]) or self._check_dimensions(rij, kolommen[-1]):
            raise ValueError(f"row {rij} lies outside the sheet")
        nummer, stukken, staart = str(rij + 1), [], ""
        for k in kolommen:  # [xml, format, xml, format, …, xml]
            soort, waarde, opmaak, resultaat = cellen[k - eerste]
            if opmaak is None:
                raise ValueError("a cell of a whole row needs a format")
            stukken += (f'{staart}<c r="{_letter(k)}{nummer}" s="', opmaak)
            if soort is _TEKST:
                if len(waarde) > self.xls_strmax // 2:
                    waarde = _binnen_excel(waarde, self.xls_strmax)
                waarde = self.str_table._get_shared_string_index(waarde)
                staart = '"' + _lijf_tekst(waarde)
            elif soort is _FORMULE:
                staart = '"' + _lijf_formule(waarde, resultaat)
            elif soort is _GETAL:
                staart = '"' + _lijf_getal(waarde)
            else:
                staart = '"' + _LIJF_LEEG
        stukken.append(staart)
        self._rijen[rij] = (kolommen[0], kolommen[-1], stukken)

    # -- writing the sheet ----------------------------------------------------------------------

    def _calculate_spans(self) -> None:
        """XlsxWriter's row spans (first:last column, 1-based, per block of 16 rows) from each
        row's lowest and highest column instead of a scan over every column of every row."""
        blokken: dict[int, tuple[int, int]] = {}

        def neem(rij: int, laag: int, hoog: int) -> None:
            blok = blokken.get(rij // 16)
            blokken[rij // 16] = (laag, hoog) if blok is None else (
                min(blok[0], laag), max(blok[1], hoog))

        for rijen in (self.table, self.comments):
            for rij, cellen in rijen.items():
                if cellen:
                    neem(rij, min(cellen), max(cellen))
        for rij, (laag, hoog, _stukken) in self._rijen.items():
            neem(rij, laag, hoog)
        self.row_spans = {b: f"{laag + 1}:{hoog + 1}" for b, (laag, hoog) in blokken.items()}

    def _write_rows(self) -> None:
        """The sheet's rows, the bytes XlsxWriter writes: rows and their cells in key order
        (not a scan of every column of every row), a row's cells as one string."""
        self._calculate_spans()
        rijen = sorted(r for r in {*self.table, *self._rijen, *self.row_info, *self.comments}
                       if self.dim_rowmin <= r <= self.dim_rowmax
                       and (self.table.get(r) or r in self._rijen or r in self.row_info
                            or r in self.comments))
        xf: dict[int, str] = {}  # id(format) → XF index (fixed once XlsxWriter assigns it)

        def index(opmaak) -> str:
            nummer = xf.get(id(opmaak))
            if nummer is None:
                nummer = xf[id(opmaak)] = str(opmaak._get_xf_index())
            return nummer

        for rij in rijen:
            cellen, heel = self.table.get(rij), self._rijen.get(rij)
            span = self.row_spans.get(rij // 16)
            if cellen and heel:
                raise ValueError(f"row {rij} is written whole and cell by cell")
            if not (cellen or heel):
                self._write_empty_row(rij, span, self.row_info.get(rij))
                continue
            self._write_row(rij, span, self.row_info.get(rij))
            if heel:
                stukken = heel[2]
                stukken[1::2] = [index(opmaak) for opmaak in stukken[1::2]]
                self.fh.write("".join(stukken))
            else:
                nummer, delen = str(rij + 1), []
                for kolom in sorted(cellen):
                    cel = cellen[kolom]
                    soort = cel.__class__
                    if cel.format is None or soort not in _LIJF:  # the general way
                        self.fh.write("".join(delen))
                        delen.clear()
                        super()._write_cell(rij, kolom, cel)
                        continue
                    delen.append(f'<c r="{_letter(kolom)}{nummer}" s="{index(cel.format)}"'
                                 f"{_LIJF[soort](cel)}")
                self.fh.write("".join(delen))
            self.fh.write("</row>")


class _Cel(NamedTuple):
    """A cell for :meth:`_Blad.rij`."""

    soort: str  # _TEKST, _GETAL, _LEEG or _FORMULE
    waarde: object  # the text, the number, None, or the formula without "="
    opmaak: object  # an XlsxWriter Format
    resultaat: object = 0  # a formula's stored result


_TEKST, _GETAL, _LEEG, _FORMULE = "tekst", "getal", "leeg", "formule"


# A cell's XML after its format number (``s="…"``), as XlsxWriter writes it, for whole rows
# (:meth:`_Blad.rij`) and for cells written one by one (:data:`_LIJF`).


def _lijf_tekst(index: int) -> str:
    """A shared string, by its index in the workbook's table of strings."""
    return f' t="s"><v>{index}</v></c>'


def _lijf_getal(getal) -> str:
    return f"><v>{getal:.16G}</v></c>"


_LIJF_LEEG = "/>"


def _lijf_formule(formule: str, waarde) -> str:
    """A formula and its stored result, as XlsxWriter writes them."""
    soort = ""
    if isinstance(waarde, bool):
        soort, waarde = ' t="b"', int(waarde)
    elif isinstance(waarde, str):
        if waarde in _FOUTCODES:
            soort = ' t="e"'
        elif waarde:
            soort = ' t="str"'
        waarde = _xml(waarde)
    return f"{soort}><f>{_xml(formule)}</f><v>{waarde}</v></c>"


def _xml(tekst: str) -> str:
    """Text in an XML element (XlsxWriter's escaping: quotes stay)."""
    if "&" in tekst or "<" in tekst or ">" in tekst:
        return tekst.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return tekst


def _binnen_excel(tekst: str, eenheden: int) -> str:
    """``tekst`` cut to Excel's limit of ``eenheden`` UTF-16 code units (as XlsxWriter cuts)."""
    return tekst.encode("utf-16-le")[: 2 * eenheden].decode("utf-16-le", "ignore")


@lru_cache(maxsize=1024)
def _letter(kolom: int) -> str:
    """Column letters of a 0-based column number."""
    return xl_col_to_name(kolom)


_Formule = xlsxwriter.worksheet.CellFormulaTuple
_Tekst = xlsxwriter.worksheet.CellStringTuple
_Getal = xlsxwriter.worksheet.CellNumberTuple
_Leeg = xlsxwriter.worksheet.CellBlankTuple
#: The cell kinds :meth:`_Blad._write_rows` writes itself: their XML after the format number.
_LIJF = {
    _Formule: lambda cel: _lijf_formule(cel.formula, cel.value),
    _Tekst: lambda cel: _lijf_tekst(cel.string),
    _Getal: lambda cel: _lijf_getal(cel.number),
    _Leeg: lambda cel: _LIJF_LEEG,
}
#: The error values XlsxWriter writes as ``t="e"`` (its own list).
_FOUTCODES = frozenset(("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"))


def _validatie(p: Parameter, uitleg: str | None = None, leeg_mag: bool = False) -> dict:
    """Excel data validation for a cell holding parameter ``p`` (stored unit), from the one
    parameter table: Excel compares with ≥/≤ only, so an open end moves by a hair. The prompt
    is short (Excel cuts at 255 characters); full explanations stand in cells and comments."""
    hair = 1e-9 * max(abs(p.max), 1.0)
    bericht = f"{p.label}: {p.bereik_tekst()}."
    return {
        "validate": "decimal", "criteria": "between",
        "minimum": p.min + (hair if p.min_open else 0.0),
        "maximum": p.max - (hair if p.max_open else 0.0),
        "ignore_blank": leeg_mag, "input_title": _kort(p.label, 32),
        "input_message": _kort(f"{uitleg} {bericht}" if uitleg else bericht, 255),
        "error_title": "Ongeldige waarde", "error_message": _kort(bericht, 255),
    }


def _kort(tekst: str, n: int) -> str:
    return tekst if len(tekst) <= n else tekst[: n - 1] + "…"


def _kol(sleutels: Sequence[str], sleutel: str) -> str:
    """Column letter of ``sleutel`` in a key row."""
    return _kol_van(tuple(sleutels), sleutel)


@lru_cache(maxsize=4096)
def _kol_van(sleutels: tuple[str, ...], sleutel: str) -> str:
    """:func:`_kol`, remembered: the national workbook asks 160.000 times."""
    return xl_col_to_name(sleutels.index(sleutel))


@dataclass(frozen=True)
class _Tabel:
    """A table sheet: its key row and the 1-based first and last data row (for lookups).

    ``match``: the lookup values of this table are safe for an exact ``MATCH`` (no wildcard
    character ``*?~`` and at most 255 characters, Excel's limit), so :meth:`zoek` is one
    ``INDEX``/``MATCH`` on the zoeksleutel; otherwise (a normenset label with such characters
    or a very long one) the same lookup as an exact but slower ``SUMPRODUCT``."""

    blad: str
    sleutels: tuple[str, ...]
    eerste: int
    laatste: int
    match: bool = True

    def bereik(self, sleutel: str) -> str:
        k = _kol(self.sleutels, sleutel)
        return f"{self.blad}!${k}${self.eerste}:${k}${self.laatste}"

    def zoek(self, waarde: str, *delen: str) -> str:
        """Column ``waarde`` of the one row whose key columns
        (:data:`~formatie.werkboek.formaat.ZOEKSLEUTEL_DELEN`) equal the expressions ``delen``
        (cell references or quoted text): exact and order-free."""
        if not self.match:
            voorwaarden = "*".join(f"({self.bereik(k)}={v})" for k, v in zip(
                ZOEKSLEUTEL_DELEN[self.blad], delen, strict=True))
            return f"SUMPRODUCT({voorwaarden},{self.bereik(waarde)})"
        return (f"INDEX({self.bereik(waarde)},MATCH({_zoekwaarde(delen)},"
                f"{self.bereik(ZOEKSLEUTEL)},0))")

    def positie(self, *delen: str) -> str:
        """The position (1-based, within the data rows) of the one row whose zoeksleutel
        equals ``delen`` joined: a binary search (``MATCH(…,1)``, a few comparisons) checked
        to have found that very key, else an exact ``MATCH(…,0)`` through every row. The
        writer stores the rows in sort order (:func:`_sorteervolgorde`), so an exported
        workbook recalculates fast; after a user's sort the answer is the same, found slower."""
        k, zs = _zoekwaarde(delen), self.bereik(ZOEKSLEUTEL)
        return (f"IFERROR(IF(INDEX({zs},MATCH({k},{zs},1))={k},MATCH({k},{zs},1),NA()),"
                f"MATCH({k},{zs},0))")

    def op(self, waarde: str, positie: str) -> str:
        """Column ``waarde`` at ``positie`` (a cell holding :meth:`positie`)."""
        return f"INDEX({self.bereik(waarde)},{positie})"

    def blok_som(self, waarde: str, aantal: int, *delen: str) -> str:
        """The sum of column ``waarde`` over the ``aantal`` rows whose zoeksleutel equals
        ``delen`` joined. The writer stores them together in sort order, so a binary search
        finds the last and ``COUNTIF`` over the ``aantal`` rows up to it checks them all; when
        that check fails (after a user's sort) a ``SUMIF`` adds them up through every row."""
        if aantal == 0:
            return "0"
        k, zs, v = _zoekwaarde(delen), self.bereik(ZOEKSLEUTEL), self.bereik(waarde)
        laatste = f"MATCH({k},{zs},1)"
        eerste = f"{laatste}-{aantal - 1}" if aantal > 1 else laatste
        return (f"IFERROR(IF(COUNTIF(INDEX({zs},MAX(1,{eerste})):INDEX({zs},{laatste}),{k})="
                f"{aantal},SUM(INDEX({v},{eerste}):INDEX({v},{laatste})),NA()),"
                f"SUMIF({zs},{k},{v}))")

    def som(self, waarde: str, *delen: str) -> str:
        """The sum of column ``waarde`` over the rows whose zoeksleutel equals ``delen``
        joined (keys of identifiers and gemeentecodes only: exact as a SUMIF criterion)."""
        return f"SUMIF({self.bereik(ZOEKSLEUTEL)},{_zoekwaarde(delen)},{self.bereik(waarde)})"


def _zoekwaarde(delen: Sequence[str]) -> str:
    """The formula text joining the parts of a zoeksleutel (as :func:`_zoeksleutel` does)."""
    return f'&"{ZOEK_SCHEIDING}"&'.join(delen)


def _zoeksleutel(ws, r: int, sleutels: tuple[str, ...], blad: str, fmt, *waarden: str) -> None:
    """Write row ``r``'s zoeksleutel (0-based): its key columns joined, a formula of its own
    cells, stored with its value (``waarden``: the keys' texts)."""
    ws.write_formula(r, sleutels.index(ZOEKSLEUTEL), _zoeksleutel_formule(
        sleutels, blad, str(r + 1)), fmt, ZOEK_SCHEIDING.join(waarden))


def _zoeksleutel_formule(sleutels: tuple[str, ...], blad: str, rij: str) -> str:
    """The zoeksleutel formula of row ``rij`` (1-based, as text: it may be :data:`_RIJNUMMER`)."""
    return "=" + _zoekwaarde([f"${_kol(sleutels, d)}{rij}" for d in ZOEKSLEUTEL_DELEN[blad]])


#: A stand-in for the row number in a formula made once for every row of a table.
_RIJNUMMER = "\0"


def _sorteervolgorde(tekst: str) -> str:
    """A sort key that orders zoeksleutels (digits, lowercase letters, ``#`` and ``_``) as
    Excel and LibreOffice compare text: punctuation before digits before letters."""
    return tekst.translate(_VOLGORDE)


_VOLGORDE = str.maketrans({ZOEK_SCHEIDING: "\x01", "_": "\x02"})


def _veilig_voor_match(teksten) -> bool:
    """Every lookup value built from ``teksten`` (plus a separator and a key of at most 63
    characters) is exact for MATCH: no wildcard character and within Excel's 255."""
    return all(not any(c in t for c in "*?~") and len(t) + 64 <= 255 for t in teksten)


def _sluit_tabel(ws, blad: str, sleutels: tuple[str, ...], laatste: int,
                 match: bool = True) -> _Tabel:
    """Finish a table sheet (0-based ``laatste`` data row): frozen keys, a filter over the key
    row (sorting is harmless: formulas find rows by key), the zoeksleutel column hidden,
    print setup, protection."""
    ws.freeze_panes(EERSTE_RIJ, 2)
    ws.autofilter(SLEUTELRIJ, 0, max(laatste, EERSTE_RIJ), len(sleutels) - 1)
    if ZOEKSLEUTEL in sleutels:
        k = sleutels.index(ZOEKSLEUTEL)
        ws.set_column(k, k, 20, None, {"hidden": True})
    _afdruk(ws, herhaal_tot=SLEUTELRIJ)
    _bescherm(ws)
    return _Tabel(blad, sleutels, EERSTE_RIJ + 1, laatste + 1, match)


def _tekst_formule(tekst: str) -> str:
    """A text constant inside a formula."""
    return '"' + tekst.replace('"', '""') + '"'


def _eindig(waarde) -> float | None:
    """A stored value as a finite float, None when unknown (never NaN in a workbook)."""
    if waarde is None:
        return None
    getal = float(waarde)
    return getal if math.isfinite(getal) else None


def _functies(groepen: Sequence[Groep]) -> list[tuple[str, str]]:
    """(sleutel, naam) of every functie over the groups, first occurrence order."""
    uit: dict[str, str] = {}
    for groep in groepen:
        for fn in groep.normenset.functies:
            uit.setdefault(fn.sleutel, fn.naam)
    return list(uit.items())


def _scope(codes: Sequence[str], referentie: Referentie) -> str:
    """'Zaanstad (0479)', 'regio Agglomeratie Amsterdam (MC21)' or 'n gemeenten'."""
    if len(codes) == 1:
        return f"{referentie.naam(codes[0])} ({codes[0]})"
    regios = {referentie.regio_per_gemeente[referentie.index[c]] for c in codes}
    if len(regios) == 1:
        regio = regios.pop()
        volledig = set(referentie.leden(regio)) == set(codes)
        return (f"regio {referentie.regionamen.get(regio, regio)} ({regio})"
                + ("" if volledig else f", {len(codes)} gemeenten"))
    return f"{len(codes)} gemeenten"


class _Werkboek:
    """What every sheet writer needs: the groups, their results and where tables landed."""

    def __init__(self, groepen: list[Groep], resultaten: list[Resultaat], referentie,
                 jaren: dict, bezetting: dict, onzekerheid, titel, export_tijd: datetime):
        self.groepen = groepen
        self.resultaten = resultaten
        self.referentie = referentie
        self.jaren = jaren
        self.bezetting = bezetting
        self.onzekerheid = onzekerheid
        self.titel = titel
        self.export_tijd = export_tijd
        self.codes = tuple(c for g in groepen for c in g.gemeentecodes)
        #: Region workbooks: {regional functie: fte or None}; None in a gemeente workbook.
        self.regio_bezetting: dict[str, float | None] | None = None
        #: {gemeentecode: {invoer: Herkomst}} for Invoer's herkomst column (may be empty).
        self.herkomst: dict[str, dict[str, Herkomst]] = {}
        self.scope = _scope(self.codes, referentie)
        self.functies = _functies(groepen)
        self.datum = format_datum(export_tijd)  # "7 december 2026"
        self.normensets = ", ".join(g.normenset.label for g in groepen)
        self.invoer = self.normen = self.organisatie = self.berekening = None
        #: Invoer's rows in sheet order: (group, g, code, naam, normenset, invoer index).
        self.invoer_volgorde: list[tuple] = []
        self.resultaat: _Resultaatkolommen | None = None
        #: (functie, soort, sleutel) → fte summed over every gemeente: the Samenvatting's lines
        #: (formatie.model.regels_opgeteld).
        self.regels = regels_opgeteld(resultaten)
        #: Euros per functie sleutel and "totaal" over the workbook's gemeenten (central fte).
        self.kosten: dict[str, float] = {}
        for res in resultaten:
            euros = kosten(res.normenset, res.fte)
            for j, s in enumerate(res.normenset.functie_sleutels):
                self.kosten[s] = self.kosten.get(s, 0.0) + float(euros[:, j].sum())
        self.kosten["totaal"] = float(sum(self.kosten.values()))
        #: Lookups on normenset labels can be exact MATCHes (see _Tabel.match).
        self.match = _veilig_voor_match(g.normenset.label for g in groepen)

    def per_gemeente(self):
        """(group index, g within the group, code, naam, normenset, Resultaat) in sheet order."""
        for h, (groep, res) in enumerate(zip(self.groepen, self.resultaten, strict=True)):
            for g, code in enumerate(groep.gemeentecodes):
                yield h, g, code, self.referentie.naam(code), groep.normenset, res


class _Formaten:
    def __init__(self, wb: xlsxwriter.Workbook):
        # Table cells: a light border, and text at the top (a row may be two lines high).
        rand = {"border": 1, "border_color": "#BFBFBF", "valign": "top"}
        self.titel = wb.add_format({"bold": True, "font_size": 14, "font_color": _KOP})
        self.kop = wb.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                  "bg_color": "#DDEBF7", **rand})
        self.sleutel = wb.add_format({"font_color": "#595959", "italic": True, "font_size": 9,
                                      "bg_color": "#F2F2F2", **rand})
        self.tekst = wb.add_format({**rand})
        self.tekst_wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.tekst_rand_wrap = wb.add_format({"text_wrap": True, "valign": "top", **rand})
        self.uitleg = wb.add_format({"text_wrap": True, "valign": "top", "font_size": 9,
                                     **rand})
        # One line that runs on to the right (the last column of Invoer, on screen only).
        self.uitleg_regel = wb.add_format({"font_size": 9, "font_color": "#404040"})
        self.vet = wb.add_format({"bold": True, "valign": "top"})
        self.klein = wb.add_format({"font_size": 9, "font_color": "#595959", "text_wrap": True,
                                    "valign": "top"})
        fmt = EXCEL_FORMATEN  # the same kinds and decimals as the pages (formatie.getallen)
        # Yellow: typed values that change a figure.
        self.invoer_aantal = wb.add_format({"bg_color": _GEEL, "locked": False, **rand,
                                            "num_format": fmt["telling"]})
        # A small fractional volume (an estimate below 100) keeps its decimals.
        self.invoer_decimaal = wb.add_format({"bg_color": _GEEL, "locked": False, **rand,
                                              "num_format": "#,##0.0#"})
        self.invoer_uren = wb.add_format({"bg_color": _GEEL, "locked": False, **rand,
                                          "num_format": fmt["uren"]})
        self.invoer_procent = wb.add_format({"bg_color": _GEEL, "locked": False, **rand,
                                             "num_format": fmt["procent"]})
        self.invoer_fte = wb.add_format({"bg_color": _GEEL, "locked": False, **rand,
                                         "num_format": fmt["fte"]})
        # White with a border, unlocked: may be edited, changes no figure.
        self.vrij_getal = wb.add_format({"locked": False, **rand, "num_format": "0"})
        self.vrij_uren = wb.add_format({"locked": False, **rand, "num_format": fmt["uren"]})
        self.vrij_tekst = wb.add_format({"locked": False, **rand, "num_format": "@",
                                         "text_wrap": True, "valign": "top"})
        # Grey: formulas.
        self.formule_aantal = wb.add_format({"bg_color": _GRIJS, **rand,
                                             "num_format": fmt["telling"]})
        self.formule_decimaal = wb.add_format({"bg_color": _GRIJS, **rand,
                                               "num_format": "#,##0.0#"})
        self.formule_uren = wb.add_format({"bg_color": _GRIJS, **rand,
                                           "num_format": fmt["telling"]})
        self.formule_uren_eenheid = wb.add_format({"bg_color": _GRIJS, **rand,
                                                   "num_format": fmt["uren"]})
        self.formule_fte = wb.add_format({"bg_color": _GRIJS, **rand, "num_format": fmt["fte"]})
        self.formule_euro = wb.add_format({"bg_color": _GRIJS, **rand, "num_format": fmt["euro"]})
        self.formule_fte3 = wb.add_format({"bg_color": _GRIJS, **rand,
                                           "num_format": fmt["fte_taak"]})
        self.totaal_fte = wb.add_format({"bg_color": _GRIJS, "bold": True, "top": 2,
                                         "num_format": fmt["fte"]})
        self.totaal_tekst = wb.add_format({"bold": True, "top": 2})
        # Conditional (Samenvatting's total lines): bold with a rule above, whatever the cell.
        self.totaal_regel = wb.add_format({"bold": True, "top": 2})
        self.formule_tekst = wb.add_format({"bg_color": _GRIJS, **rand, "font_size": 9,
                                            "font_color": "#595959"})
        self.waarde_fte = wb.add_format({**rand, "num_format": fmt["fte"]})
        self.legenda_invoer = wb.add_format({"bg_color": _GEEL, **rand})
        self.legenda_formule = wb.add_format({"bg_color": _GRIJS, **rand})
        self.legenda_tekst = wb.add_format({**rand})


#: Width (characters) of an explanation column; at font size 9 about 1.25 × as many fit.
_UITLEG_BREED = 50
#: Width of Invoer's column with the invoer's name (wraps when longer).
_NAAM_BREED = 44


def _breedte(teksten, minimum: int = 10, maximum: int = 65) -> int:
    """A column width (characters) that shows the longest of ``teksten`` whole (a key column
    is never clipped: keys have at most 63 characters), within ``minimum`` and ``maximum``."""
    return max(minimum, min(maximum, 2 + max((len(t) for t in teksten), default=0)))


def _rijhoogte(ws, rij: int, tekst: str, breedte: int = _UITLEG_BREED, grootte: int = 9
               ) -> None:
    """Room for ``tekst`` wrapped in a column ``breedte`` wide at font size ``grootte``
    (XlsxWriter cannot autofit, LibreOffice does not on load): a line per estimated
    ``breedte × 1.1`` characters at 11 pt (× 1.25 at 9 pt), 12 or 14 points each."""
    per_regel = breedte * (1.25 if grootte <= 9 else 1.1)
    regels = max(1, math.ceil(len(tekst) / per_regel))
    if regels > 1:
        ws.set_row(rij, (12 if grootte <= 9 else 14) * regels + 3)


def _tekst(ws, rij: int, kolom: int, waarde: str | None, fmt=None) -> None:
    """User or file text: always a string cell, never a formula, URL or number."""
    ws.write_string(rij, kolom, "" if waarde is None else str(waarde), fmt)


def _kopregels(ws, f: _Formaten, labels, sleutels, hoogte: int, rij: int = 1) -> None:
    """A Dutch label row at ``rij`` and, right under it, the machine-readable key row."""
    for k, (label, sleutel) in enumerate(zip(labels, sleutels, strict=True)):
        _tekst(ws, rij, k, label, f.kop)
        _tekst(ws, rij + 1, k, sleutel, f.sleutel)
    ws.set_row(rij, hoogte)


def _afdruk(ws, herhaal_tot: int | None = None, staand: bool = False) -> None:
    """A4, one page wide (any number of pages high), key rows repeated on every page."""
    if staand:
        ws.set_portrait()
    else:
        ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    if herhaal_tot is not None:
        ws.repeat_rows(0, herhaal_tot)


def _kop_en_voet(ws, w: _Werkboek) -> None:
    """Header and footer on every sheet: gemeente or region, sheet, date and versions."""
    def veilig(tekst: str, n: int) -> str:  # '&' starts a control code in headers
        return _kort(tekst, n).replace("&", "&&")

    ws.set_header(f"&L{veilig(w.scope, 70)}&C&A&R{w.datum}")
    ws.set_footer(f"&LFormatietool {veilig(__version__, 20)} · normenset "
                  f"{veilig(w.normensets, 90)}&RPagina &P van &N")


def _bescherm(ws) -> None:
    """Sheet protection without a password: only the unlocked cells can be edited."""
    ws.protect("", {"format_columns": True, "format_rows": True, "sort": False,
                    "autofilter": True, "select_locked_cells": True,
                    "select_unlocked_cells": True})


