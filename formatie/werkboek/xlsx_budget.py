"""A budget for reading an uploaded .xlsx: real rows, columns and cells counted from the XML
stream, before openpyxl sees the file.

A workbook within the byte limit can hold a million real rows (hundreds of MB in memory), or
declare ``<dimension ref="A1:XFD1048576"/>``, which openpyxl's read-only mode would walk cell by
cell. So every XML part of the zip is streamed once, counting what is really there — row
elements, the highest row and column a cell names, cells, shared strings — and refused at the
first cap it passes, or when the time budget runs out. The count runs on the raw bytes with
regular expressions (cells as Excel, LibreOffice and XlsxWriter write them: with an ``r``
reference); a part with cells without one is counted again exactly with expat.

The declared ``<dimension>`` is never trusted nor refused: LibreOffice writes ``A1:K1048576``
(and an empty ``<row r="1048576">``) after any row deletion, so a claim says nothing. The reader
drops it (:mod:`formatie.werkboek.openen` resets openpyxl's dimensions and stops at
:attr:`XlsxBudget.max_rijen`), so what openpyxl walks is bounded by the real rows, each as wide
as its own last cell: at most ``rijen × hoogste kolom`` cells (:attr:`XlsxBudget.max_oppervlak`).

The caps are far above the largest real workbook (the national one: 342 gemeenten, see
``bench/bench_aanvallen.py`` for its counts) and far below what hurts a worker.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
import zlib
from dataclasses import dataclass
from operator import itemgetter
from xml.parsers import expat

from ..getallen import format_telling
from ..problemen import InvoerFout, Probleem


@dataclass(frozen=True)
class XlsxBudget:
    """Caps per sheet (rows, the highest column, cells), for the whole workbook (cells, shared
    strings) and the time (seconds) the count may take.

    The time is the CPU time of the counting thread (:func:`time.thread_time`), not the wall
    clock, so a busy machine or a gthread worker's other requests do not refuse a real workbook;
    the caps stop every hostile file long before it.
    """

    max_rijen: int = 50_000  # per sheet; the national workbook: 9,921 (Berekening)
    max_kolommen: int = 1_000  # highest column index per sheet; national: 21
    max_cellen_blad: int = 800_000  # per sheet; national: 158,721
    max_cellen: int = 1_500_000  # all sheets together; national: 275,892
    max_teksten: int = 200_000  # shared strings (<si>); national: 1,096
    #: per sheet: row elements × highest column, what openpyxl walks (each row is padded to
    #: its last cell); national: 9,924 × 19 = 188,556 (Berekening)
    max_oppervlak: int = 4_000_000
    #: CPU time of this thread. The national workbook's count took 1,0–1,1 s on a slow host
    #: and past 1,5 s under load there, when a real workbook was refused in a test run (it is
    #: ~0,25 s since the one-pass count, 07-12-2026). A backstop only: the caps above stop
    #: every hostile file first.
    max_seconden: float = 6.0


BUDGET = XlsxBudget()

_CEL_REF = re.compile(r"([A-Za-z]{1,3})?(\d+)?")
_BLOK = 64 * 1024


@dataclass
class Telling:
    """What one XML part really holds."""

    rijen: int = 0  # row elements (with or without cells)
    hoogste_rij: int = 0  # the highest row holding a cell
    hoogste_kolom: int = 0
    cellen: int = 0
    teksten: int = 0


class _Over(Exception):
    """A cap was passed; ``args`` are the Dutch reason and (once known) the zip part."""


def _kolomnummer(letters: str) -> int:
    n = 0
    for letter in letters.upper():
        n = n * 26 + ord(letter) - 64
    return n


def _naam(tag: str) -> str:
    """Local name of an expat tag with namespace separator ' '."""
    return tag.rpartition(" ")[2]


class _Teller:
    """Expat handlers that count one part and raise :class:`_Over` at the first passed cap."""

    def __init__(self, deel: str, budget: XlsxBudget, totaal: list[int], einde: float,
                 namen: dict[str, str]):
        self.deel = deel
        self.budget = budget
        self.totaal = totaal  # [cells over all parts] (shared across parts)
        self.namen = namen  # "id:<r:id>" → sheet name, "rel:<r:id>" → zip part (shared)
        self.einde = einde
        self.t = Telling()
        self.rij = 0  # current row number (rows without r= follow the previous one)
        self.kolom = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        naam = _naam(tag)
        b, t = self.budget, self.t
        if naam == "row":
            t.rijen += 1
            r = attrs.get("r")
            self.rij = int(r) if r and r.isdigit() and len(r) < 10 else self.rij + 1
            self.kolom = 0
            if t.rijen > b.max_rijen:
                _toets(t, b, self.totaal[0])
        elif naam == "c":
            t.cellen += 1
            self.totaal[0] += 1
            m = _CEL_REF.fullmatch(attrs.get("r", ""))
            rij = self.rij
            if m and m.group(1):
                self.kolom = _kolomnummer(m.group(1))
                if m.group(2):
                    rij = int(m.group(2)) if len(m.group(2)) < 10 else b.max_rijen + 1
            else:
                self.kolom += 1
            t.hoogste_rij = max(t.hoogste_rij, rij)
            t.hoogste_kolom = max(t.hoogste_kolom, self.kolom)
            if (t.hoogste_rij > b.max_rijen or t.hoogste_kolom > b.max_kolommen
                    or t.cellen % 4096 == 0):
                _toets(t, b, self.totaal[0])
                self.klok()
        elif naam == "si":
            t.teksten += 1
            if t.teksten > b.max_teksten:
                _toets(t, b, self.totaal[0])
        elif naam == "sheet" and self.deel == "xl/workbook.xml":
            rid = next((v for k, v in attrs.items() if _naam(k) == "id"), "")
            self.namen[f"id:{rid}"] = attrs.get("name", "")[:100]
        elif naam == "Relationship" and self.deel == "xl/_rels/workbook.xml.rels":
            doel = attrs.get("Target", "").lstrip("/")
            self.namen[f"rel:{attrs.get('Id')}"] = doel if doel.startswith("xl/") else f"xl/{doel}"

    def einde_deel(self) -> None:
        """The caps once more at the end of a part (the per-cell checks are sampled)."""
        _toets(self.t, self.budget, self.totaal[0])

    def klok(self) -> None:
        if time.thread_time() > self.einde:
            raise _Over("het tellen duurde te lang")


def _toets(t: Telling, b: XlsxBudget, totaal: int) -> None:
    """Raise :class:`_Over` with the Dutch reason when part ``t`` (or the workbook's ``totaal``
    of cells) passes a cap of ``b``."""
    if t.rijen > b.max_rijen:
        raise _Over(f"meer dan {format_telling(b.max_rijen)} rijen")
    if t.hoogste_rij > b.max_rijen:
        raise _Over(f"een cel voorbij rij {format_telling(b.max_rijen)}")
    if t.hoogste_kolom > b.max_kolommen:
        raise _Over(f"meer dan {format_telling(b.max_kolommen)} kolommen")
    if t.cellen > b.max_cellen_blad or totaal > b.max_cellen:
        raise _Over("te veel cellen")
    if t.rijen * t.hoogste_kolom > b.max_oppervlak:
        raise _Over(f"{format_telling(t.rijen)} rijen tot kolom {format_telling(t.hoogste_kolom)}"
                    f", meer dan {format_telling(b.max_oppervlak)} cellen in rijen × kolommen")
    if t.teksten > b.max_teksten:
        raise _Over("te veel teksten")


_NS = rb"<(?:[A-Za-z_][\w.\-]*:)?"
#: Rows, cells and shared strings: their tag names, counted in one pass.
_TAG = re.compile(_NS + rb"(row|c|si)[\s/>]")
#: A cell's reference in the usual form (Excel, LibreOffice, XlsxWriter: ``r`` first) …
_CEL_GEWOON = re.compile(rb'<c r="([A-Za-z]{1,3})(\d{1,12})"')
#: … and anywhere among its attributes, with or without a namespace prefix.
_CEL_MET_REF = re.compile(_NS + rb"c\s[^>]*?\br=\"([A-Za-z]{1,3})(\d{1,12})\"")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def _kolom_bytes(letters: bytes) -> int:
    return _kolomnummer(letters.decode("ascii"))


def _snel(stroom, teller: _Teller) -> bool:
    """Count one part with regular expressions over the raw bytes (C speed: the national
    workbook's 276,000 cells in ~0.1 s instead of ~0.9 s through expat callbacks).

    False when the part has cells without an ``r`` reference (legal, but their column follows
    from their position): then the caller counts it again exactly with expat. Rows, cells and
    shared strings are counted exactly either way, so a part over those caps is refused here,
    in this fast pass, whatever its references (the expat pass would take seconds of the time
    budget to reach the 50.000th row of a million bare ones). Tags may carry
    a namespace prefix. Text in comments or CDATA that looks like a tag only counts extra.
    An empty row element far down (LibreOffice writes ``<row r="1048576">`` after a deletion)
    counts as one row: only cells set the highest row.
    """
    b, t = teller.budget, teller.t
    rest = b""
    exact = True
    while True:
        blok = stroom.read(_BLOK)
        buffer = rest + blok
        if blok:
            knip = buffer.rfind(b"<")
            knip = knip if knip > 0 else len(buffer)
            buffer, rest = buffer[:knip], buffer[knip:]
            if len(rest) > 64 * 1024:  # a tag is never this long: text without markup
                rest = rest[-1024:]
        if _DOCTYPE.search(buffer):
            raise _Over("een DOCTYPE-declaratie")
        tags = _TAG.findall(buffer)
        cellen = tags.count(b"c")
        # every usual-form match is a counted cell: as many means every cell has a reference
        met_ref = _CEL_GEWOON.findall(buffer)
        if len(met_ref) != cellen:
            met_ref = _CEL_MET_REF.findall(buffer)
        exact &= len(met_ref) == cellen
        t.rijen += tags.count(b"row")
        t.cellen += cellen
        teller.totaal[0] += cellen
        t.teksten += tags.count(b"si")
        if met_ref:
            t.hoogste_rij = max(t.hoogste_rij, max(map(int, map(itemgetter(1), met_ref))))
            t.hoogste_kolom = max(t.hoogste_kolom, *(_kolom_bytes(k)
                                                     for k in {k for k, _r in met_ref}))
        _toets(t, b, teller.totaal[0])
        teller.klok()
        if not blok:
            return exact


def _doctype(*_args) -> None:
    raise _Over("een DOCTYPE-declaratie")


def tel_xlsx(data: bytes, budget: XlsxBudget = BUDGET,
             namen: dict[str, str] | None = None) -> dict[str, Telling]:
    """Count every XML part of the zip ``data``: part name → :class:`Telling`.

    Raises ``_Over`` (internal) at the first cap passed; use :func:`controleer_budget`.
    ``namen`` collects zip part → sheet name from the parts counted so far (for messages).
    Assumes :func:`formatie.werkboek.openen.controleer_xlsx` already checked the zip itself
    (sizes, ratio, encryption).
    """
    einde = time.thread_time() + budget.max_seconden
    totaal = [0]
    namen = {} if namen is None else namen
    uit: dict[str, Telling] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        # the workbook and its rels first: they name the sheets for a refusal message
        voor = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
        for info in sorted(zf.infolist(), key=lambda i: i.filename not in voor):
            # not ZipInfo.is_dir(): it indexes filename[-1], an IndexError for the empty name
            # a damaged central directory can hold (found by the damaged-workbook property test)
            if info.filename.endswith("/") or not info.filename.lower().endswith((".xml",
                                                                                   ".rels")):
                continue
            teller = _Teller(info.filename, budget, totaal, einde, namen)
            try:
                if info.filename not in voor:
                    with zf.open(info) as stroom:
                        if _snel(stroom, teller):
                            uit[info.filename] = teller.t
                            continue
                    # cells without r="…": count this part again, exactly, with expat
                    totaal[0] -= teller.t.cellen
                    teller = _Teller(info.filename, budget, totaal, einde, namen)
                parser = expat.ParserCreate(namespace_separator=" ")
                parser.StartElementHandler = teller.start
                parser.StartDoctypeDeclHandler = _doctype
                with zf.open(info) as stroom:
                    while blok := stroom.read(_BLOK):
                        parser.Parse(blok, False)
                        teller.klok()
                    parser.Parse(b"", True)
                teller.einde_deel()
            except _Over as over:
                raise _Over(over.args[0], info.filename) from None
            uit[info.filename] = teller.t
    return uit


def controleer_budget(data: bytes, bestand: str = "werkboek",
                      budget: XlsxBudget = BUDGET) -> dict[str, Telling]:
    """Refuse a workbook whose real content passes a cap of ``budget`` (or that cannot be
    counted within its time budget), with a Dutch message naming the sheet. Raises InvoerFout;
    returns the counts per XML part otherwise.

    ``data`` must be a zip that :func:`formatie.werkboek.openen.controleer_xlsx` accepted.
    """
    namen: dict[str, str] = {}
    try:
        return tel_xlsx(data, budget, namen)
    except _Over as over:
        reden, deel = over.args[0], over.args[-1]
    except (expat.ExpatError, zipfile.BadZipFile, zlib.error, ValueError, EOFError, OSError,
            NotImplementedError, RuntimeError):
        # a damaged part (bad CRC, broken deflate stream, malformed XML, an unsupported
        # compression method): openpyxl would fail on it too
        raise InvoerFout([Probleem("het werkboek kan niet worden gelezen: het bestand is "
                                   "beschadigd.")], bestand) from None
    rid = next((k[4:] for k, pad in namen.items() if k.startswith("rel:") and pad == deel), None)
    waar = namen.get(f"id:{rid}")
    plaats = f"het blad '{waar}'" if waar else "het werkboek"
    raise InvoerFout([Probleem(
        f"{plaats} is te groot om te lezen ({reden}). Dat is veel meer dan een werkboek uit de "
        "formatietool bevat; download een nieuw werkboek en neem uw wijzigingen daarin "
        "over.")], bestand)

