"""Opening an uploaded workbook: the zip checked before openpyxl sees it, openpyxl
read-only, and each sheet's cells read once (:class:`_Boek`)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from ..problemen import InvoerFout, Probleem
from .xlsx_budget import BUDGET, controleer_budget
from .xlsx_cellen import lees_blad

#: Largest upload accepted (bytes of the .xlsx file itself).
MAX_WERKBOEK_BYTES = 10 * 1024 * 1024
#: Largest total uncompressed size of the zip members.
MAX_WERKBOEK_UITGEPAKT = 100 * 1024 * 1024
#: Largest compression ratio of one member (XML of a big workbook compresses ~10–30×).
MAX_COMPRESSIE = 200
MAX_ZIP_DELEN = 1000



def controleer_xlsx(data: bytes, bestand: str = "werkboek",
                    max_bytes: int = MAX_WERKBOEK_BYTES,
                    max_uitgepakt: int = MAX_WERKBOEK_UITGEPAKT) -> None:
    """Refuse anything that is not a plausible, reasonably sized .xlsx (zip) — cheaply, before
    any XML is parsed. Raises InvoerFout."""
    import zipfile

    def fout(bericht: str) -> InvoerFout:
        return InvoerFout([Probleem(bericht)], bestand)

    if len(data) > max_bytes:
        raise fout(f"het bestand is te groot ({len(data) / 1e6:.1f} MB; maximaal "
                   f"{max_bytes / 1e6:.0f} MB).")
    if not data:
        raise fout("het bestand is leeg.")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise fout("dit is een oud Excel-bestand (.xls) of een beveiligd werkboek. Sla het op als "
                   "Excel-werkmap (.xlsx) zonder wachtwoord en probeer het opnieuw.")
    if data[:4] != b"PK\x03\x04":
        raise fout("dit is geen Excel-werkboek (.xlsx).")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            delen = zf.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        # NotImplementedError: a damaged header claiming e.g. "zip file version 8.4"
        raise fout("dit is geen geldig Excel-werkboek (.xlsx): het bestand is "
                   "beschadigd.") from None
    if len(delen) > MAX_ZIP_DELEN:
        raise fout(f"het werkboek bestaat uit te veel delen ({len(delen)}).")
    namen = {d.filename for d in delen}
    if "mimetype" in namen and "xl/workbook.xml" not in namen:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            soort = zf.read("mimetype")[:100]
        if soort.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            raise fout("dit is een OpenDocument-bestand (.ods); sla het op als Excel-werkboek "
                       "(.xlsx) en probeer het opnieuw.")
        if soort.startswith(b"application/vnd.oasis.opendocument"):
            raise fout("dit is een OpenDocument-bestand, geen werkboek; sla het werkboek op als "
                       "Excel-werkboek (.xlsx).")
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= namen:
        raise fout("dit is geen Excel-werkboek (.xlsx): onderdelen van een werkmap ontbreken.")
    totaal = 0
    for deel in delen:
        if deel.flag_bits & 0x1:
            raise fout("het werkboek is versleuteld; sla het op zonder wachtwoord.")
        totaal += deel.file_size
        if deel.file_size > 1_000_000 and deel.file_size > MAX_COMPRESSIE * max(
                deel.compress_size, 1):
            raise fout("het werkboek is verdacht sterk gecomprimeerd (mogelijk een zip-bom) en "
                       "wordt niet geopend.")
    if totaal > max_uitgepakt:
        raise fout(f"het werkboek is uitgepakt te groot ({totaal / 1e6:.0f} MB; maximaal "
                   f"{max_uitgepakt / 1e6:.0f} MB).")
    controleer_budget(data, bestand)  # real rows/columns/cells, never <dimension>


def _open_werkboek(data: bytes, bestand: str, alleen_waarden: bool = False):
    """openpyxl, read-only; ``alleen_waarden``: the stored (cached) results instead of the
    formulas, for the self-check."""
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it does not read (e.g. x14 data validation
            # written by Excel); they do not matter for reading input values.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(data), read_only=True,
                                          data_only=alleen_waarden, keep_links=False)
    except Exception as exc:  # openpyxl raises many types on malformed content
        raise InvoerFout([Probleem(f"het werkboek kan niet worden gelezen ({type(exc).__name__})"
                                   ".")], bestand) from None


class _Formule(str):
    """The text of a formula cell (as opposed to a text cell that starts with '=')."""


def _blad_cellen(ws) -> dict[tuple[int, int], object]:
    """All non-empty cells of a sheet: (row, column), 1-based → value; formulas as _Formule.

    The sheet's declared ``<dimension>`` is dropped first: LibreOffice writes ``A1:K1048576``
    (and an empty row 1,048,576) after any row deletion, and openpyxl's read-only mode would
    pad every row to it and walk to the last one. Without it every row is as wide as its own
    last cell, and the walk stops at the budget's last row (no cell lies beyond it:
    :func:`formatie.werkboek.xlsx_budget.controleer_budget`)."""
    cellen = {}
    ws.reset_dimensions()
    for rij in ws.iter_rows(max_row=BUDGET.max_rijen):
        for cel in rij:
            waarde = getattr(cel, "value", None)
            if waarde is None or waarde == "":
                continue
            if cel.data_type == "f":
                waarde = _Formule(getattr(waarde, "text", None) or waarde)
            cellen[cel.row, cel.column] = waarde
    return cellen


class _Boek:
    """An opened workbook: the formulas (``wb``) and the stored results, each sheet's cells
    read once (:func:`_blad_cellen`). The stored results come from the same fast pass as the
    formulas (:func:`~formatie.werkboek.xlsx_cellen.lees_blad`); ``open_waarden`` opens the
    workbook a second time, with the stored results only, for a sheet that pass leaves to
    openpyxl, when one does (None: the workbook has no stored results to read)."""

    def __init__(self, wb, open_waarden: Callable[[], object] | None = None):
        self.wb = wb
        self._open_waarden = open_waarden
        self._waarden = None  # opened by the first sheet that needs it
        self._cellen: dict[str, dict] = {}
        self._opgeslagen: dict[str, dict] = {}
        self._snel_opgeslagen: dict[str, dict] = {}  # from the same pass as the formulas

    def sluit(self) -> None:
        self.wb.close()
        if self._waarden is not None:
            self._waarden.close()

    @property
    def sheetnames(self) -> list[str]:
        return self.wb.sheetnames

    @property
    def defined_names(self):
        return self.wb.defined_names

    def cellen(self, blad: str) -> dict[tuple[int, int], object]:
        if blad not in self._cellen:
            # one fast pass for formulas and stored results; None: a form left to openpyxl
            snel = lees_blad(self.wb[blad], BUDGET.max_rijen, _Formule)
            if snel is None:
                self._cellen[blad] = _blad_cellen(self.wb[blad])
            else:
                self._cellen[blad], self._snel_opgeslagen[blad] = snel
        return self._cellen[blad]

    def opgeslagen(self, blad: str) -> dict[tuple[int, int], object]:
        """The stored (cached) values of ``blad``: (row, column) → value, an error as its text
        (``#N/A``); empty when the workbook has none."""
        if self._open_waarden is None or blad not in self.wb.sheetnames:
            return {}
        if blad not in self._opgeslagen and blad in self._snel_opgeslagen:
            self._opgeslagen[blad] = self._snel_opgeslagen[blad]
        if blad not in self._opgeslagen:
            if self._waarden is None:
                self._waarden = self._open_waarden()
            ws = self._waarden[blad]
            ws.reset_dimensions()  # as in _blad_cellen
            self._opgeslagen[blad] = {
                (r, k): v for r, rij in enumerate(ws.iter_rows(max_row=BUDGET.max_rijen,
                                                               values_only=True), start=1)
                for k, v in enumerate(rij, start=1) if v is not None and v != ""}
        return self._opgeslagen[blad]


def _naam_cel(wb, naam: str) -> tuple[str, int, int] | None:
    """Sheet, row, column of a workbook-level defined name that points at one cell."""
    definitie = wb.defined_names.get(naam)
    if definitie is None:
        return None
    try:
        bestemmingen = list(definitie.destinations)
    except Exception:
        return None
    if len(bestemmingen) != 1:
        return None
    blad, ref = bestemmingen[0]
    m = re.fullmatch(r"\$?([A-Z]{1,3})\$?(\d+)", ref.upper())
    if not m:
        return None
    kolom = 0
    for letter in m.group(1):
        kolom = kolom * 26 + ord(letter) - 64
    return blad, int(m.group(2)), kolom

