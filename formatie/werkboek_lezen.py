"""Reading back a scenario workbook made by :func:`formatie.excel.exporteer_werkboek`
(format 2, and format 1 from before key-based formulas), with a self-check of the workbook's
stored results against the model on its own inputs.

The layout (sheet names, key rows, defined names, format version) is
:mod:`formatie.werkboek_formaat`, shared with the writer.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from .getallen import format_aantal, format_fte, format_invoer, format_telling
from .invoer_csv import InvoerTabel, normaliseer_gemeentecode
from .model import bereken, regels_opgeteld
from .normenset import (
    ORGANISATIE_PARAMETERS,
    ORGANISATIE_STANDAARD,
    Normenset,
    Taak,
    afgeleide_versie,
    normenset_als_toml,
)
from .normenset_toml import parse_normenset
from .parameters import JAAR, geldig_jaar, melding, melding_voor
from .problemen import CelProbleem, InvoerFout, Probleem
from .referentie import load_referentie
from .regio import REGIONALE_FUNCTIES
from .scenario import Scenario
from .tekst import STUURTEKEN_MELDING, heeft_stuurteken
from .werkboek_formaat import (
    BEREKENING_2_SLEUTELS,
    BEREKENING_SLEUTELS,
    BLAD_BEREKENING,
    BLAD_INVOER,
    BLAD_NORMEN,
    BLAD_NORMENSETS,
    BLAD_ORGANISATIE,
    BLAD_RESULTAAT,
    BLAD_SAMENVATTING,
    BLAD_TOELICHTING,
    GELEZEN_FORMATEN,
    HERKOMST_NAMEN,
    INVOER_FORMULES,
    INVOER_SLEUTELS,
    NORMEN_FORMULES,
    NORMEN_SLEUTELS,
    NORMEN_VERPLICHT,
    NORMENSETS_SLEUTELS,
    ORGANISATIE_FORMULES,
    ORGANISATIE_SLEUTELS,
    REGEL_LEIDING,
    REGEL_MINIMUM,
    REGEL_TOTAAL_VAN,
    REGEL_VAST,
    REGIO_REGEL,
    SAMENVATTING_SLEUTELS,
    TAAK_KOLOMMEN_VERPLICHT,
    TOTAAL,
    TOTAAL_FUNCTIE,
    TOTAAL_REGEL,
    VERPLICHTE_BLADEN,
    VERPLICHTE_BLADEN_2,
    WERKBOEK_FORMAAT,
    WERKBOEK_SOORT,
    regio_bezetting_naam,
    samenvatting_regels,
)
from .xlsx_budget import BUDGET, controleer_budget
from .xlsx_cellen import lees_blad

#
# Reading back a workbook made by formatie.excel.exporteer_werkboek after a user edited it.
# The upload is checked as a zip BEFORE openpyxl sees it (size, entries, uncompressed size,
# compression ratio), then the input cells are read by key, wherever a sort put their rows:
# format 2 — Invoer (gemeente × invoer), Normen (normenset × taak), Organisatie (normenset ×
# functie), each with its scenario column; format 1 — Invoer (one row per gemeente) and Normen
# (taak hours, organisation parameters via their defined names). The model is recomputed in
# Python from those inputs and, as a self-check, compared with the results the workbook itself
# stored on Resultaat and Berekening (a sorted format-1 sheet or a typed-over formula shows up
# there); a file without stored results is accepted with a notice.
#
# Formulas typed into an input cell are refused (with the cell named) rather than evaluated or
# trusted: their cached value may be stale or absent depending on the program that saved the
# file, and the model must never run on a number the user cannot see. Text in a number cell is
# refused too, even when it looks like a number ("12,5" stored as text is ambiguous).

#: Largest upload accepted (bytes of the .xlsx file itself).
MAX_WERKBOEK_BYTES = 10 * 1024 * 1024
#: Largest total uncompressed size of the zip members.
MAX_WERKBOEK_UITGEPAKT = 100 * 1024 * 1024
#: Largest compression ratio of one member (XML of a big workbook compresses ~10–30×).
MAX_COMPRESSIE = 200
MAX_ZIP_DELEN = 1000



@dataclass(frozen=True)
class Wijziging:
    """One changed field, for a preview (old → new)."""

    blad: str
    cel: str | None
    sleutel: str  # gemeentecode, taak or functie
    veld: str  # invoer sleutel, taak field or organisation parameter
    oud: float | str | None
    nieuw: float | str | None


@dataclass(frozen=True)
class WerkboekGroep:
    """The gemeenten of a workbook that count with one normenset, as read back.

    ``basis``: the normenset the workbook was made with; ``normenset``: as edited (``basis``
    itself when its norms were not changed, else a validated new normenset, versie
    ``<versie>-excel``, ``afgeleid_van`` = the base's label). ``scenario``: the scenario
    column's norm changes (:class:`formatie.scenario.Scenario` with ``uren`` and
    ``organisatie``; None when the scenario columns are empty) and ``scenario_volume``:
    ``{gemeentecode: {invoer: value}}`` where the scenario replaces a volume.
    """

    basis: Normenset
    normenset: Normenset
    invoer: InvoerTabel
    normwijzigingen: tuple[Wijziging, ...] = ()
    scenario: Scenario | None = None
    scenario_volume: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Werkboek:
    """What an uploaded scenario workbook holds, validated.

    ``groepen``: one :class:`WerkboekGroep` per normenset (a region's members may count with
    different normensets). ``gecontroleerd``: the workbook's own stored results were compared
    with the model and agreed; False when the file carried no stored values (then
    ``opmerkingen`` says it could not be checked). ``formaat``: the layout version read.
    The properties ``invoer``, ``normenset``, ``basis``, ``normwijzigingen`` are those of the
    only group (a workbook with one normenset, every format-1 workbook).
    """

    groepen: tuple[WerkboekGroep, ...]
    herkomst: dict[str, str]
    opmerkingen: tuple[str, ...] = ()
    #: Current formation typed on the Resultaat sheet: {gemeentecode: {functie: fte}}.
    bezetting: dict[str, dict[str, float]] | None = None
    #: A region workbook's bezetting of its regional functies (the Doorstroompunt), from the
    #: one cell ``regio_bezetting_<functie>``: {functie: fte, or None when left empty}; None
    #: when the workbook has no such cell (a gemeente workbook, format 1).
    regio_bezetting: dict[str, float | None] | None = None
    gecontroleerd: bool = False
    formaat: int = WERKBOEK_FORMAAT

    def _enige(self) -> WerkboekGroep:
        if len(self.groepen) != 1:
            raise ValueError("this workbook holds several normensets; use .groepen")
        return self.groepen[0]

    @property
    def invoer(self) -> InvoerTabel:
        return self._enige().invoer

    @property
    def normenset(self) -> Normenset:
        return self._enige().normenset

    @property
    def basis(self) -> Normenset:
        return self._enige().basis

    @property
    def normwijzigingen(self) -> tuple[Wijziging, ...]:
        return tuple(w for g in self.groepen for w in g.normwijzigingen)

    @property
    def normen_gewijzigd(self) -> bool:
        return bool(self.normwijzigingen)

    @property
    def scenario(self) -> Scenario | None:
        return self._enige().scenario


def _kolomletter(kolom: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while kolom:
        kolom, rest = divmod(kolom - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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
    :func:`formatie.xlsx_budget.controleer_budget`)."""
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
    """An opened workbook: the formulas (``wb``) and the stored results (``waarden``, None when
    not opened), each sheet's cells read once (:func:`_blad_cellen`)."""

    def __init__(self, wb, waarden=None):
        self.wb = wb
        self.waarden = waarden
        self._cellen: dict[str, dict] = {}
        self._opgeslagen: dict[str, dict] = {}
        self._snel_opgeslagen: dict[str, dict] = {}  # from the same pass as the formulas

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
        if self.waarden is None or blad not in self.waarden.sheetnames:
            return {}
        if blad not in self._opgeslagen and blad in self._snel_opgeslagen:
            self._opgeslagen[blad] = self._snel_opgeslagen[blad]
        if blad not in self._opgeslagen:
            ws = self.waarden[blad]
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


def _adres(blad: str, kolom: int, rij: int) -> str:
    """"Blad!C12" (made only for a message: a national self-check walks 300.000 cells)."""
    return f"{blad}!{_kolomletter(kolom)}{rij}"


def _is_formule(waarde) -> bool:
    return isinstance(waarde, _Formule)


def _kort_tekst(waarde, n: int = 40) -> str:
    tekst = str(waarde)
    return tekst if len(tekst) <= n else tekst[: n - 1] + "…"


def _cel_getal(waarde, blad: str, rij: int, kolom: int, sleutel: str,
               problemen: list[Probleem]) -> float | None:
    """A number from an input cell, or None with a problem appended."""
    cel = f"{_kolomletter(kolom)}{rij}"

    def fout(bericht: str) -> None:
        problemen.append(CelProbleem(bericht, rij, sleutel, blad, cel))

    if waarde is None or (isinstance(waarde, str) and not waarde.strip()):
        fout("lege cel. Vul een getal in (0 als er niets was).")
        return None
    if _is_formule(waarde):
        fout(f"de cel bevat een formule ({_kort_tekst(waarde)}). Typ in invoercellen een getal.")
        return None
    if isinstance(waarde, bool):
        fout(f"'{waarde}' is geen getal.")
        return None
    if isinstance(waarde, int | float):
        getal = float(waarde)
        if not np.isfinite(getal):
            fout("geen eindig getal.")
            return None
        return getal
    if isinstance(waarde, str):
        fout(f"de cel bevat tekst ('{_kort_tekst(waarde.strip())}') in plaats van een getal. "
             "Typ het getal opnieuw in de cel (zonder aanhalingsteken of tekstopmaak).")
    else:
        fout(f"'{_kort_tekst(waarde)}' is geen getal.")
    return None


def _sleutelrij(cellen: dict, verplicht: str, blad: str | None = None,
                problemen: list[Probleem] | None = None
                ) -> tuple[int, dict[str, int]] | None:
    """The row (within the first five) holding key ``verplicht``: (row, {key: column}).

    A key that stands twice in that row is a problem (which column would count?), appended to
    ``problemen`` when given."""
    bovenaan = sorted((rk, v) for rk, v in cellen.items() if rk[0] <= 5)
    for rij in range(1, 6):
        sleutels: dict[str, int] = {}
        dubbel: dict[str, list[int]] = {}
        for (r, k), v in bovenaan:
            if r != rij or not isinstance(v, str):
                continue
            sleutel = v.strip()
            if sleutel in sleutels:
                dubbel.setdefault(sleutel, [sleutels[sleutel]]).append(k)
            else:
                sleutels[sleutel] = k
        if verplicht in sleutels:
            if problemen is not None:
                for sleutel, kolommen in dubbel.items():
                    problemen.append(CelProbleem(
                        f"de sleutel '{_kort_tekst(sleutel)}' staat meer dan eens in de "
                        "sleutelrij (kolommen " + ", ".join(_kolomletter(k) for k in kolommen)
                        + "); welke kolom telt is dan niet duidelijk. Verwijder de extra kolom.",
                        rij, sleutel, blad, f"{_kolomletter(kolommen[-1])}{rij}"))
            return rij, sleutels
    return None


def _gelijk(a: float, b: float) -> bool:
    """Equal up to the 16 significant digits a workbook stores."""
    return abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))


def lees_werkboek(
    data: bytes,
    normenset: Normenset | Callable[[str, str], Normenset | None],
    *,
    bestand: str = "werkboek",
    max_bytes: int = MAX_WERKBOEK_BYTES,
    max_uitgepakt: int = MAX_WERKBOEK_UITGEPAKT,
    normensets_uit_werkboek: bool = False,
    vergelijk_met: Normenset | None = None,
) -> Werkboek:
    """Read an edited scenario workbook (the bytes of an upload or a file), format 1 or 2.

    ``normenset`` is the normenset the workbook was made with, or a function
    ``(naam, versie) → Normenset | None`` that looks up each normenset the workbook names (a
    region workbook may name several). Norms edited in the workbook come back per normenset as
    a new, validated normenset (versie ``<versie>-excel``) with the list of changes.
    ``normensets_uit_werkboek``: a normenset found neither way is taken from the workbook's
    own hidden sheet :data:`~formatie.werkboek_formaat.BLAD_NORMENSETS` (validated as any
    normenset file): for the command line, never for an upload to the web.
    ``vergelijk_met``: a workbook of one normenset that is found nowhere is read with this one
    (a notice says so; a ``normenset`` given as a Normenset is that too).

    The workbook is checked against itself: when it carries stored (cached) results, the model
    is run on the workbook's own inputs and every result on Resultaat and Berekening must
    equal it; a formula replaced by a typed number is refused too. Both name the cells.
    Raises InvoerFout with every problem found (sheet, cell, column); nothing is returned
    half-read.
    """
    controleer_xlsx(data, bestand, max_bytes, max_uitgepakt)
    wb = _open_werkboek(data, bestand)
    waarden = None
    try:
        waarden = _open_werkboek(data, bestand, alleen_waarden=True)
        return _lees_werkboek(_Boek(wb, waarden), normenset, bestand, normensets_uit_werkboek,
                              vergelijk_met)
    except InvoerFout:
        raise
    except Exception as exc:
        # read_only openpyxl unpacks and parses sheets lazily: a damaged part only shows up
        # here (bad CRC, zlib.error, XML ParseError, odd attributes: ValueError, TypeError …)
        raise InvoerFout([Probleem(f"het werkboek kan niet worden gelezen: het bestand is "
                                   f"beschadigd ({type(exc).__name__}).")], bestand) from None
    finally:
        wb.close()
        if waarden is not None:
            waarden.close()


def _lees_werkboek(wb: _Boek, normenset, bestand: str, uit_werkboek: bool = False,
                   vergelijk_met: Normenset | None = None) -> Werkboek:
    def stop(bericht: str) -> InvoerFout:
        return InvoerFout([Probleem(bericht)], bestand)

    vreemd = ("dit werkboek is niet met de formatietool gemaakt (of de herkomstgegevens op het "
              "blad 'Toelichting' zijn verwijderd). Download een nieuw werkboek uit de tool en "
              "neem uw wijzigingen daarin over.")
    bladen = wb.sheetnames
    if BLAD_TOELICHTING not in bladen:
        plaats = _naam_cel(wb, "formatie_werkboek")
        if plaats is not None and plaats[0] in bladen:
            raise stop(f"het blad 'Toelichting' heet nu '{_kort_tekst(plaats[0])}'. Geef het "
                       "blad zijn naam 'Toelichting' terug; de tool vindt de herkomst van het "
                       "werkboek daar.")
        raise stop(vreemd)
    herkomst: dict[str, str] = {}
    toelichting = wb.cellen(BLAD_TOELICHTING)
    for naam in HERKOMST_NAMEN:
        plaats = _naam_cel(wb, naam)
        if plaats is None or plaats[0] != BLAD_TOELICHTING:
            continue
        waarde = toelichting.get((plaats[1], plaats[2]))
        if waarde is not None:
            herkomst[naam] = str(waarde)
    if herkomst.get("formatie_werkboek") != WERKBOEK_SOORT:
        raise stop(vreemd)
    formaat = herkomst.get("formatie_formaat", "?")
    if formaat not in {str(f) for f in GELEZEN_FORMATEN}:
        raise stop(f"dit werkboek heeft formaat {_kort_tekst(formaat)}; deze versie van de tool "
                   "leest formaat " + " en ".join(map(str, GELEZEN_FORMATEN))
                   + ". Download een nieuw werkboek.")
    verplicht = VERPLICHTE_BLADEN if formaat == "1" else VERPLICHTE_BLADEN_2
    ontbrekend = [b for b in verplicht if b not in bladen]
    if ontbrekend:
        raise stop("het werkboek mist de bladen " + ", ".join(f"'{b}'" for b in ontbrekend)
                   + ". Verwijder of hernoem geen bladen (hernoemde bladen: geef ze hun naam "
                   "terug).")
    if formaat == "1":
        return _lees_formaat_1(wb, normenset, bestand, herkomst, vergelijk_met)
    return _lees_formaat_2(wb, normenset, bestand, herkomst, uit_werkboek, vergelijk_met)


def _lees_formaat_1(wb: _Boek, normenset, bestand: str, herkomst: dict[str, str],
                    vergelijk_met: Normenset | None = None) -> Werkboek:
    """Format 1 (fixed cell references, one normenset): inputs as before, then the self-check
    is what catches a sorted sheet."""
    def stop(bericht: str) -> InvoerFout:
        return InvoerFout([Probleem(bericht)], bestand)

    bladen = wb.sheetnames
    cellen = {b: wb.cellen(b) for b in VERPLICHTE_BLADEN}
    naam_ns = herkomst.get("normenset_naam", "")
    versie_ns = herkomst.get("normenset_versie", "")
    opmerkingen: list[str] = []
    if not callable(normenset):
        normenset, vergelijk_met = _zoek_in((normenset,)), normenset
    basis = normenset(naam_ns, versie_ns)
    if basis is None and vergelijk_met is not None:
        basis = vergelijk_met
        opmerkingen.append(f"het werkboek is gemaakt met normenset '{naam_ns}' (versie "
                           f"{versie_ns}); vergeleken met {basis.label}.")
    if basis is None:
        raise stop(f"het werkboek is gemaakt met normenset '{naam_ns}' (versie {versie_ns}), "
                   "die hier niet bekend is. Geef die normenset mee (opdrachtregel: "
                   "--normen BESTAND.toml).")

    problemen: list[Probleem] = []
    invoer = _lees_invoer_blad(cellen[BLAD_INVOER], basis, problemen)
    normenset_nieuw, wijzigingen = _lees_normen_blad(wb, cellen, basis, problemen, opmerkingen)
    bezetting = (_lees_bezetting(wb.cellen(BLAD_RESULTAAT), basis, problemen)
                 if BLAD_RESULTAAT in bladen else {})
    if problemen:
        raise InvoerFout(problemen, bestand)
    assert invoer is not None and normenset_nieuw is not None
    resultaat = bereken(normenset_nieuw, invoer.volume, invoer.gemeentecodes)
    verwacht_fte = {(c, s): float(resultaat.fte[g, j])
                    for g, c in enumerate(invoer.gemeentecodes)
                    for j, s in enumerate(normenset_nieuw.functie_sleutels)}
    verwacht_fte.update({(c, "totaal"): float(resultaat.fte_totaal[g])
                         for g, c in enumerate(invoer.gemeentecodes)})
    verwacht_taak = {(c, t): float(resultaat.fte_taak[g, k])
                     for g, c in enumerate(invoer.gemeentecodes)
                     for k, t in enumerate(normenset_nieuw.taak_sleutels)}
    controle = _Zelfcontrole()
    controle.blad(wb, BLAD_RESULTAAT, ("gemeentecode",),
                  formules=lambda k: k.startswith(("fte_", "verschil_")),
                  vergelijk={f"fte_{s}": lambda x, s=s: verwacht_fte.get((x[0], s))
                             for s in (*normenset_nieuw.functie_sleutels, "totaal")})
    controle.blad(wb, BLAD_BEREKENING, ("gemeentecode", "taak"),
                  formules=lambda k: k in BEREKENING_SLEUTELS[5:],
                  vergelijk={"fte_taak": verwacht_taak.get})
    controle.klaar(bestand, opmerkingen)
    groep = WerkboekGroep(basis=basis, normenset=normenset_nieuw, invoer=invoer,
                          normwijzigingen=tuple(wijzigingen))
    return Werkboek(groepen=(groep,), herkomst=herkomst, opmerkingen=tuple(opmerkingen),
                    bezetting=bezetting, gecontroleerd=controle.gecontroleerd, formaat=1)


# ----------------------------------------------------------------------------------------------
# The self-check: the workbook's stored results against the model on its own inputs
# ----------------------------------------------------------------------------------------------


class _Zelfcontrole:
    """Collects what the self-check finds, cause first: a constant where a formula belongs (the
    cell named), a row missing or twice, then stored results that differ from the model.
    ``gecontroleerd`` ends True when stored values were present, compared and all agreed."""

    def __init__(self):
        self.oorzaken: list[Probleem] = []  # typed-over formulas, missing or double rows
        self.verschillen: list[Probleem] = []  # stored results unlike the model
        self.vergeleken = 0
        self.opmerkingen: list[str] = []

    def blad(self, wb: _Boek, blad: str, sleutels: tuple[str, ...], *,
             formules: Callable[[str], bool],
             vergelijk: dict[str, Callable[[tuple], float | None]] | None = None,
             rijen: dict[tuple, str] | None = None, rij_weg_is_fout: bool = True,
             teksten: dict[str, Callable[[tuple], set[str]]] | None = None,
             alleen_tabel: bool = False) -> None:
        """Walk the data rows of ``blad``, each identified by its key columns ``sleutels``
        (the first one finds the key row; a gemeentecode is normalised).

        ``formules``: the columns whose cells must hold formulas. ``vergelijk``: column →
        the model's figure for a row key (None: not compared). ``rijen``: every row key the
        sheet must have, with how to name it; one missing or twice is a cause (a notice only
        when not ``rij_weg_is_fout``). ``teksten``: column → the texts a formula there may
        show for a row key (labels computed from the keys). ``alleen_tabel``: lines without
        keys (text under the table) are not checked."""
        if blad not in wb.sheetnames:
            return
        cellen = wb.cellen(blad)
        gevonden = _sleutelrij(cellen, sleutels[0])
        if gevonden is None:
            return
        sleutelrij, kolommen = gevonden
        opgeslagen = wb.opgeslagen(blad) if vergelijk or teksten else {}
        gezien: dict[tuple, int] = {}
        for rij, r in _tabel_rijen(cellen, sleutelrij, kolommen, tuple(kolommen)):
            sleutel = tuple(_rijsleutel(s, r.get(s)) for s in sleutels)
            if not any(sleutel):
                sleutel = None  # a line outside the table (the region line, a blank row)
            elif rijen is not None and sleutel in gezien:
                self.oorzaken.append(CelProbleem(
                    f"de rij van {rijen.get(sleutel, ' × '.join(sleutel))} staat dubbel (rij "
                    f"{gezien[sleutel]} en {rij}); verwijder de extra rij of download een "
                    "nieuw werkboek.", rij, blad=blad))
            else:
                gezien[sleutel] = rij
            for s, waarde in r.items():
                kolom = kolommen[s]
                if sleutel is None and alleen_tabel:
                    break
                if formules(s) and not _is_formule(waarde):
                    getypt = (format_aantal(waarde) if isinstance(waarde, int | float)
                              and not isinstance(waarde, bool) else _als_tekst(waarde))
                    self.oorzaken.append(Probleem(
                        f"{_adres(blad, kolom, rij)} hoort een formule te bevatten, maar bevat "
                        f"'{_kort_tekst(getypt)}': is een formule overschreven? "
                        "Zet de formule terug of download een nieuw werkboek."))
                    continue
                if sleutel is None or not _is_formule(waarde):
                    continue
                getoond = opgeslagen.get((rij, kolom))
                if teksten and s in teksten:
                    mag = teksten[s](sleutel)
                    if mag and isinstance(getoond, str) and getoond not in mag:
                        self.verschillen.append(Probleem(
                            f"{_adres(blad, kolom, rij)} toont '{_kort_tekst(getoond)}' in "
                            f"plaats van '{_kort_tekst(sorted(mag)[0])}': is een formule "
                            "overschreven?"))
                    continue
                if not vergelijk or s not in vergelijk:
                    continue
                model = vergelijk[s](sleutel)
                if model is None:
                    continue
                if isinstance(getoond, str) and getoond.startswith("#"):  # an error value
                    self.verschillen.append(Probleem(
                        f"{_adres(blad, kolom, rij)} toont {_kort_tekst(getoond)}, de invoer geeft "
                        f"{format_fte(model)} fte: is er een rij verwijderd of een formule "
                        "overschreven?"))
                    continue
                if getoond is None or isinstance(getoond, bool | str) \
                        or not isinstance(getoond, int | float):
                    continue  # no stored value (a program that does not keep them)
                self.vergeleken += 1
                if not abs(float(getoond) - model) <= 1e-9 * max(1.0, abs(model)):
                    self.verschillen.append(Probleem(
                        f"{_adres(blad, kolom, rij)} toont {format_fte(float(getoond))} fte, "
                        f"de invoer geeft {format_fte(model)} fte: is er gesorteerd of een formule "
                        "overschreven? Er is niets opgeslagen; download een nieuw werkboek of "
                        "herstel het blad."))
        for sleutel, naam in (rijen or {}).items():
            if sleutel not in gezien:
                if rij_weg_is_fout:
                    self.oorzaken.append(CelProbleem(f"de rij van {naam} ontbreekt: {RIJ_WEG}",
                                                     blad=blad))
                else:
                    self.opmerkingen.append(f"op het blad {blad} ontbreekt {naam} (verwijderd?)"
                                            "; de andere regels kloppen met de invoer.")

    @property
    def gecontroleerd(self) -> bool:
        return self.vergeleken > 0 and not self.oorzaken and not self.verschillen

    def klaar(self, bestand: str, opmerkingen: list[str]) -> None:
        """Raise the refusals — the causes named, the figures that follow from them counted —
        or note what could not be compared."""
        if self.oorzaken:
            gevolg = ([Probleem(f"Daardoor {'toont' if len(self.verschillen) == 1 else 'tonen'}"
                                f" {format_telling(len(self.verschillen))} "
                                f"{'cel' if len(self.verschillen) == 1 else 'cellen'} een andere "
                                "uitkomst dan de invoer geeft.")] if self.verschillen else [])
            raise InvoerFout(_beperk(self.oorzaken) + gevolg, bestand)
        if self.verschillen:
            raise InvoerFout(_beperk(self.verschillen), bestand)
        opmerkingen.extend(self.opmerkingen)
        if self.vergeleken == 0:
            opmerkingen.append(ONGECONTROLEERD)


def _beperk(problemen: list[Probleem]) -> list[Probleem]:
    """At most :data:`MAX_ZELFCONTROLE` problems, and how many more there are."""
    if len(problemen) <= MAX_ZELFCONTROLE:
        return problemen
    rest = len(problemen) - MAX_ZELFCONTROLE
    meer = Probleem(f"… en nog {format_telling(rest)} {'cel' if rest == 1 else 'cellen'}.")
    return [*problemen[:MAX_ZELFCONTROLE], meer]


def _rijsleutel(sleutel: str, waarde) -> str:
    """A key cell as text; a gemeentecode normalised ("363" → "0363")."""
    if waarde is None:
        return ""
    if sleutel == "gemeentecode":
        return normaliseer_gemeentecode(_als_tekst(waarde)) or _als_tekst(waarde).strip()
    return _als_tekst(waarde).strip()


#: What a missing row is told, after which row it is.
RIJ_WEG = ("is de rij verwijderd? Zet de rij terug (Ongedaan maken) of download een nieuw "
           "werkboek en neem uw wijzigingen daarin over.")
#: Most self-check refusals listed (a sorted sheet breaks every row).
MAX_ZELFCONTROLE = 20
#: The notice for a workbook saved without stored results.
ONGECONTROLEERD = ("het werkboek bevat geen opgeslagen uitkomsten (het is bewaard door een "
                   "programma dat die weglaat), dus het kon niet tegen zichzelf worden "
                   "gecontroleerd; de uitkomsten zijn opnieuw berekend uit de invoer.")


def _als_tekst(waarde) -> str:
    if isinstance(waarde, float) and waarde.is_integer():
        return str(int(waarde))
    return str(waarde)


# ----------------------------------------------------------------------------------------------
# Format 2: long tables keyed by (gemeente, invoer), (normenset, taak), (normenset, functie)
# ----------------------------------------------------------------------------------------------


def _lees_formaat_2(wb: _Boek, normenset, bestand: str, herkomst: dict[str, str],
                    uit_werkboek: bool = False, vergelijk_met: Normenset | None = None
                    ) -> Werkboek:
    problemen: list[Probleem] = []
    opmerkingen: list[str] = []
    org = wb.cellen(BLAD_ORGANISATIE)
    ingebouwd = _ingebouwde_normensets(wb) if uit_werkboek else {}
    basissen = _normensets_van_organisatie(org, normenset, problemen, opmerkingen, ingebouwd,
                                           vergelijk_met)
    if problemen:
        raise InvoerFout(problemen, bestand)
    scope = tuple(c for c in herkomst.get("werkboek_gemeenten", "").split(",") if c)
    invoer = _lees_invoer_2(wb.cellen(BLAD_INVOER), basissen, scope, problemen)
    normen = _lees_normen_2(wb.cellen(BLAD_NORMEN), basissen, problemen)
    organisatie = _lees_organisatie_2(org, basissen, problemen)
    bezetting = (_lees_bezetting_2(wb.cellen(BLAD_RESULTAAT), basissen, invoer,
                                   problemen) if BLAD_RESULTAAT in wb.sheetnames else {})
    regio_bezetting = _lees_regio_bezetting(wb, basissen, problemen)
    if problemen:
        raise InvoerFout(problemen, bestand)
    groepen: list[WerkboekGroep] = []
    verwacht: dict[str, dict] = {"fte": {}, "scenario_fte": {}, "taak": {},
                                               "scenario_taak": {}}
    for label, basis in basissen.items():
        if label not in invoer:
            continue  # a normenset none of whose gemeenten remain on Invoer
        tabel, scenario_volume = invoer[label]
        taken, scenario_uren = normen[label]
        parameters, scenario_org = organisatie[label]
        nieuw, wijzigingen = _bewerkte_normenset(basis, taken, parameters, problemen,
                                                 opmerkingen)
        if nieuw is None:
            continue
        scenario = None
        if scenario_uren or scenario_org:
            scenario = Scenario(naam=f"Scenario uit het werkboek ({basis.label})",
                                gemeentecodes=tabel.gemeentecodes, normenset_naam=nieuw.naam,
                                normenset_versie=nieuw.versie, uren=scenario_uren,
                                organisatie=scenario_org,
                                toelichting="Scenariokolommen van een Excel-werkboek")
        groepen.append(WerkboekGroep(basis=basis, normenset=nieuw, invoer=tabel,
                                     normwijzigingen=tuple(wijzigingen), scenario=scenario,
                                     scenario_volume=scenario_volume))
        _verwachting(verwacht, "", nieuw, tabel.gemeentecodes, tabel.volume)
        s_normenset = nieuw.met_uren(scenario_uren).met_functie_parameters(scenario_org)
        s_volume = tabel.volume.copy()
        for g, code in enumerate(tabel.gemeentecodes):
            for sleutel, waarde in scenario_volume.get(code, {}).items():
                s_volume[g, nieuw.invoer_sleutels.index(sleutel)] = waarde
        _verwachting(verwacht, "scenario_", s_normenset, tabel.gemeentecodes, s_volume)
    if problemen:
        raise InvoerFout(problemen, bestand)
    if not groepen:
        raise InvoerFout([CelProbleem("het blad bevat geen gemeenten met invoer.",
                                      blad=BLAD_INVOER)], bestand)
    controle = _zelfcontrole_2(wb, groepen, verwacht)
    controle.klaar(bestand, opmerkingen)
    return Werkboek(groepen=tuple(groepen), herkomst=herkomst, opmerkingen=tuple(opmerkingen),
                    bezetting=bezetting, regio_bezetting=regio_bezetting,
                    gecontroleerd=controle.gecontroleerd, formaat=2)


#: Resultaat columns (format 2) that hold formulas, by key prefix.
RESULTAAT_FORMULES = ("fte_", "scenario_", "verschil_", "taken_", "vast_", "leiding_",
                      "minimum_", "kosten_")


def _zelfcontrole_2(wb: _Boek, groepen: list[WerkboekGroep], verwacht: dict) -> _Zelfcontrole:
    """The self-check of a format-2 workbook: formulas where the writer put them on every sheet
    (a value typed over one is named as the cause), every gemeente's rows on Berekening and
    Resultaat and every line of Samenvatting present once, and every stored figure equal to
    the model on the workbook's own inputs (``verwacht``, see :func:`_verwachting`)."""
    referentie = load_referentie()
    normensets = [g.normenset for g in groepen]
    functies = {s for n in normensets for s in n.functie_sleutels}
    controle = _Zelfcontrole()
    for blad, sleutels, formules in ((BLAD_INVOER, ("gemeentecode", "invoer"), INVOER_FORMULES),
                                     (BLAD_NORMEN, ("normenset", "taak"), NORMEN_FORMULES),
                                     (BLAD_ORGANISATIE, ("normenset", "functie"),
                                      ORGANISATIE_FORMULES)):
        controle.blad(wb, blad, sleutels, formules=formules.__contains__)
    berekening, resultaat = {}, {}
    for groep in groepen:
        for code in groep.invoer.gemeentecodes:
            naam = f"gemeente {code} ({referentie.naam(code)})"
            resultaat[(code,)] = naam
            for t in groep.normenset.taak_sleutels:
                berekening[code, t] = f"{naam} en taak '{t}'"
    controle.blad(wb, BLAD_BEREKENING, ("gemeentecode", "taak"), rijen=berekening,
                  formules=lambda k: k in BEREKENING_2_SLEUTELS[6:],
                  vergelijk={f"{voor}fte_taak": lambda x, voor=voor: verwacht[f"{voor}taak"].get(x)
                             for voor in ("", "scenario_")})
    controle.blad(wb, BLAD_RESULTAAT, ("gemeentecode",), rijen=resultaat,
                  formules=lambda k: k.startswith(RESULTAAT_FORMULES),
                  vergelijk={f"{voor}fte_{s}": lambda x, voor=voor, s=s:
                             verwacht[f"{voor}fte"].get((x[0], s))
                             for voor in ("", "scenario_") for s in (*functies, "totaal")})
    functienamen = {f.sleutel: {f.naam} for n in normensets for f in n.functies}
    taaknamen: dict[str, set[str]] = {}
    for n in normensets:
        for t in n.taken:
            taaknamen.setdefault(t.sleutel, set()).add(t.naam)

    def functie_naam(x: tuple) -> set[str]:
        return {TOTAAL_FUNCTIE} if x[0] == TOTAAL else functienamen.get(x[0], set())

    def regel(x: tuple) -> set[str]:
        functie, soort, taak = x
        if soort == "fte":
            return ({TOTAAL_REGEL} if functie == TOTAAL
                    else {REGEL_TOTAAL_VAN + naam for naam in functienamen.get(functie, ())})
        return {"taak": taaknamen.get(taak, set()), "vast": {REGEL_VAST},
                "leiding": {REGEL_LEIDING}, "minimum": {REGEL_MINIMUM}}.get(soort, set())

    def beschrijf(x: tuple) -> str:
        label = sorted(regel(x))[0] if regel(x) else " · ".join(v for v in x if v)
        van = "" if x[1] == "fte" else f" van {sorted(functie_naam(x))[0]}"
        return f"de regel '{label}'{van}"

    regels = {x: beschrijf(x) for x in samenvatting_regels(normensets)}
    controle.blad(wb, BLAD_SAMENVATTING, ("functie", "soort", "taak"), rijen=regels,
                  rij_weg_is_fout=False, alleen_tabel=True,
                  formules=lambda k: k in SAMENVATTING_SLEUTELS[:4],
                  vergelijk={f"{voor}fte": lambda x, voor=voor:
                             verwacht[f"{voor}samenvatting"].get(x)
                             for voor in ("", "scenario_")},
                  teksten={"functie_naam": functie_naam, "regel": regel})
    return controle


def _verwachting(verwacht: dict, voor: str, n: Normenset, codes, volume: np.ndarray) -> None:
    """The model's figures for the self-check, keyed like the workbook's rows; Samenvatting's
    lines (:func:`formatie.model.regels_opgeteld`) summed over every group added so far."""
    res = bereken(n, volume, codes)
    verwacht.setdefault(f"{voor}resultaten", []).append(res)
    verwacht[f"{voor}samenvatting"] = regels_opgeteld(verwacht[f"{voor}resultaten"])
    for g, code in enumerate(codes):
        for j, s in enumerate(n.functie_sleutels):
            verwacht[f"{voor}fte"][code, s] = float(res.fte[g, j])
        verwacht[f"{voor}fte"][code, "totaal"] = float(res.fte_totaal[g])
        for k, t in enumerate(n.taak_sleutels):
            verwacht[f"{voor}taak"][code, t] = float(res.fte_taak[g, k])


def _tabel_rijen(cellen: dict, sleutelrij: int, kolommen: dict[str, int], sleutels):
    """(row, {key: raw value}) for every data row with any cell in the key columns filled."""
    rijen: dict[int, dict[str, object]] = {}
    omgekeerd = {k: s for s, k in kolommen.items() if s in sleutels}
    for (rij, kolom), waarde in cellen.items():
        if rij > sleutelrij and kolom in omgekeerd:
            rijen.setdefault(rij, {})[omgekeerd[kolom]] = waarde
    return sorted(rijen.items())


def _zoek_in(normensets) -> Callable[[str, str], Normenset | None]:
    """A lookup ``(naam, versie) → Normenset | None`` over ``normensets``."""
    bekend = {(n.naam, n.versie): n for n in normensets}
    return lambda naam, versie: bekend.get((naam, versie))


def _normensets_van_organisatie(cellen: dict, normenset, problemen: list[Probleem],
                                opmerkingen: list[str],
                                ingebouwd: dict[tuple[str, str], Normenset],
                                vergelijk_met: Normenset | None = None
                                ) -> dict[str, Normenset]:
    """label → base normenset, from the (normenset, normenset_naam, normenset_versie) columns
    of Organisatie, looked up with ``normenset`` (a lookup function, or a Normenset that is
    also ``vergelijk_met``), else in ``ingebouwd`` (the workbook's own, when the caller allows
    them); a workbook of one normenset found nowhere is compared with ``vergelijk_met`` (a
    notice says so)."""
    blad = BLAD_ORGANISATIE
    gevonden = _sleutelrij(cellen, "normenset", blad, problemen)
    if gevonden is None or not {"normenset_naam", "normenset_versie"} <= set(gevonden[1]):
        problemen.append(CelProbleem("de sleutelrij met 'normenset', 'functie', "
                                     "'normenset_naam' en 'normenset_versie' ontbreekt in de "
                                     "eerste vijf rijen.", blad=blad))
        return {}
    sleutelrij, kolommen = gevonden
    namen: dict[str, tuple[str, str]] = {}
    for _rij, rij in _tabel_rijen(cellen, sleutelrij, kolommen,
                                  ("normenset", "normenset_naam", "normenset_versie")):
        label = str(rij.get("normenset") or "").strip()
        if label:
            namen.setdefault(label, (str(rij.get("normenset_naam") or "").strip(),
                                     str(rij.get("normenset_versie") or "").strip()))
    if not callable(normenset):
        normenset, vergelijk_met = _zoek_in((normenset,)), normenset
    basissen: dict[str, Normenset] = {}
    for label, (naam, versie) in namen.items():
        basis = normenset(naam, versie)
        if basis is None and (naam, versie) in ingebouwd:
            basis = ingebouwd[naam, versie]
            opmerkingen.append(f"normenset {basis.label} is gelezen uit het werkboek zelf.")
        if basis is None and vergelijk_met is not None and len(namen) == 1:
            basis = vergelijk_met
            opmerkingen.append(f"het werkboek is gemaakt met normenset '{naam}' (versie "
                               f"{versie}); vergeleken met {basis.label}.")
        if basis is None:
            problemen.append(Probleem(
                f"het werkboek rekent met normenset '{naam}' (versie {versie}), die hier niet "
                "bekend is. Geef die normenset mee (opdrachtregel: --normen BESTAND.toml, meer "
                "keren mogelijk)."))
            continue
        basissen[label] = basis
    if not namen:
        problemen.append(CelProbleem("het blad bevat geen functies.", blad=blad))
    return basissen


def _ingebouwde_normensets(wb: _Boek) -> dict[tuple[str, str], Normenset]:
    """The normensets on the workbook's hidden sheet Normensets, (naam, versie) → Normenset,
    each validated by :func:`formatie.normenset_toml.parse_normenset`; a part that is missing
    or altered leaves that normenset out (then it is "not known", as without the sheet)."""
    if BLAD_NORMENSETS not in wb.sheetnames:
        return {}
    cellen = wb.cellen(BLAD_NORMENSETS)
    gevonden = _sleutelrij(cellen, "toml")
    if gevonden is None or not set(NORMENSETS_SLEUTELS) <= set(gevonden[1]):
        return {}
    sleutelrij, kolommen = gevonden
    delen: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for _rij, r in _tabel_rijen(cellen, sleutelrij, kolommen, NORMENSETS_SLEUTELS):
        try:
            deel = int(float(str(r.get("deel"))))
        except ValueError:
            continue
        delen.setdefault((str(r.get("naam", "")), str(r.get("versie", ""))), []).append(
            (deel, str(r.get("toml", ""))))
    uit: dict[tuple[str, str], Normenset] = {}
    for (naam, versie), stukken in delen.items():
        try:
            n = parse_normenset("".join(t for _d, t in sorted(stukken)),
                                f"normenset {naam} ({versie}) in het werkboek")
        except InvoerFout:
            continue
        if (n.naam, n.versie) == (naam, versie):
            uit[naam, versie] = n
    return uit


def _lees_invoer_2(cellen: dict, basissen: dict[str, Normenset], scope: tuple[str, ...],
                   problemen: list[Probleem]
                   ) -> dict[str, tuple[InvoerTabel, dict[str, dict[str, float]]]]:
    """label → (invoer table, scenario volumes {code: {invoer: value}}) from the long Invoer."""
    blad = BLAD_INVOER
    gevonden = _sleutelrij(cellen, "gemeentecode", blad, problemen)
    nodig = ("gemeentecode", "normenset", "invoer", "waarde")
    if gevonden is None or not set(nodig) <= set(gevonden[1]):
        problemen.append(CelProbleem("de sleutelrij met " + ", ".join(f"'{s}'" for s in nodig)
                                     + " ontbreekt in de eerste vijf rijen.", blad=blad))
        return {}
    sleutelrij, kolommen = gevonden
    referentie = load_referentie()
    binnen = set(scope)

    def cel(rij: int, sleutel: str) -> str:
        return f"{_kolomletter(kolommen[sleutel])}{rij}"

    # code → (label, jaar, first row); (code, invoer) → row; code → {invoer: value}
    gemeente: dict[str, tuple[str, int | None, int]] = {}
    gezien: dict[tuple[str, str], int] = {}
    waarden: dict[str, dict[str, float]] = {}
    scenario: dict[str, dict[str, float]] = {}
    aantal = len(problemen)
    for rij, r in _tabel_rijen(cellen, sleutelrij, kolommen, (*INVOER_SLEUTELS,)):
        ruw_code, sleutel = r.get("gemeentecode"), r.get("invoer")
        if ruw_code is None and sleutel is None and r.get("waarde") is None \
                and r.get("scenario") is None:
            continue  # only explanatory cells
        if ruw_code is None or sleutel is None:
            wat = "de gemeentecode" if ruw_code is None else "de invoersleutel"
            problemen.append(CelProbleem(f"{wat} ontbreekt in een rij met invoer.", rij,
                                         "gemeentecode" if ruw_code is None else "invoer",
                                         blad, cel(rij, "gemeentecode" if ruw_code is None
                                                   else "invoer")))
            continue
        code = _gemeentecode(ruw_code, referentie, blad, rij, cel(rij, "gemeentecode"),
                             problemen)
        if code is None:
            continue
        if binnen and code not in binnen:
            problemen.append(CelProbleem(
                f"gemeente {code} ({referentie.naam(code)}) hoort niet bij dit werkboek, dat "
                f"gemaakt is voor {len(binnen)} gemeente{'n' if len(binnen) != 1 else ''} "
                f"({', '.join(referentie.naam(c) for c in scope[:5])}"
                f"{' …' if len(scope) > 5 else ''}). Een gemeente toevoegen kan niet in het "
                "werkboek: download het werkboek van die gemeente of regio.", rij,
                "gemeentecode", blad, cel(rij, "gemeentecode")))
            continue
        label = str(r.get("normenset") or "").strip()
        if label not in basissen:
            problemen.append(CelProbleem(
                f"onbekende normenset '{_kort_tekst(label)}' (het blad Organisatie noemt "
                + ", ".join(f"'{x}'" for x in basissen) + ").", rij, "normenset", blad,
                cel(rij, "normenset") if "normenset" in kolommen else None))
            continue
        n = basissen[label]
        jaar = None
        if (ruw_jaar := r.get("jaar")) is not None:
            if not isinstance(ruw_jaar, str) and (jaar := geldig_jaar(ruw_jaar)) is not None:
                pass
            else:
                problemen.append(CelProbleem(
                    f"'{_kort_tekst(ruw_jaar)}' is geen geldig jaar ({JAAR.bereik_tekst()}).",
                    rij, "jaar",
                    blad, cel(rij, "jaar")))
                continue
        eerder = gemeente.setdefault(code, (label, jaar, rij))
        if eerder[0] != label:
            problemen.append(CelProbleem(
                f"gemeente {code} rekent in rij {eerder[2]} met normenset '{eerder[0]}' en hier "
                f"met '{_kort_tekst(label)}'; een gemeente telt met één normenset.", rij,
                "normenset", blad, cel(rij, "normenset")))
            continue
        if eerder[1] != jaar:
            problemen.append(CelProbleem(
                f"gemeente {code} heeft in rij {eerder[2]} jaar {eerder[1] or '(leeg)'} en hier "
                f"{jaar or '(leeg)'}; geef de gemeente één jaar.", rij, "jaar", blad,
                cel(rij, "jaar")))
            continue
        sleutel = str(sleutel).strip()
        if sleutel not in n.invoer_sleutels:
            problemen.append(CelProbleem(
                f"onbekende invoer '{_kort_tekst(sleutel)}' (normenset {n.label}).", rij,
                "invoer", blad, cel(rij, "invoer")))
            continue
        if (code, sleutel) in gezien:
            problemen.append(CelProbleem(
                f"gemeente {code} ({referentie.naam(code)}): de invoer '{sleutel}' staat dubbel "
                f"(ook in rij {gezien[code, sleutel]}).", rij, "invoer", blad,
                cel(rij, "invoer")))
            continue
        gezien[code, sleutel] = rij
        inv = n.invoer_by_sleutel(sleutel)
        for veld, doel, leeg_mag in (("waarde", waarden, False), ("scenario", scenario, True)):
            if veld not in kolommen:
                continue
            ruw = r.get(veld)
            if ruw is None and leeg_mag:
                continue
            waarde = _cel_getal(ruw, blad, rij, kolommen[veld], sleutel, problemen)
            if waarde is None:
                continue
            if bericht := melding_voor(inv.parameter, waarde, format_invoer(waarde)):
                problemen.append(CelProbleem(bericht, rij, sleutel, blad,
                                             cel(rij, veld)))
                continue
            doel.setdefault(code, {})[sleutel] = waarde
    # Rows that are gone (deleted in the spreadsheet): every gemeente of the workbook, and
    # every invoer of its normenset, has one row.
    for code, (label, _jaar, _rij) in gemeente.items():
        n = basissen[label]
        for sleutel in n.invoer_sleutels:
            if (code, sleutel) not in gezien:
                problemen.append(CelProbleem(
                    f"de rij van gemeente {code} ({referentie.naam(code)}) met invoer "
                    f"'{sleutel}' ({n.invoer_by_sleutel(sleutel).naam}) ontbreekt: {RIJ_WEG}",
                    blad=blad))
    for code in scope:
        if code not in gemeente and code in referentie.index:
            problemen.append(CelProbleem(
                f"de rijen van gemeente {code} ({referentie.naam(code)}) ontbreken: {RIJ_WEG}",
                blad=blad))
    uit: dict[str, tuple[InvoerTabel, dict[str, dict[str, float]]]] = {}
    if len(problemen) > aantal:
        return uit
    # Gemeenten in the workbook's own order (its scope), whatever order a sort left the rows in.
    volgorde = {c: k for k, c in enumerate(scope)}
    for label, n in basissen.items():
        codes = sorted((c for c, (lab, _, _) in gemeente.items() if lab == label),
                       key=lambda c: (volgorde.get(c, len(volgorde)), gemeente[c][2]))
        if not codes:
            continue
        rijen = []
        for code in codes:
            for naam, w in (("basis", waarden.get(code, {})),
                            ("scenario", {**waarden.get(code, {}), **scenario.get(code, {})})):
                for controle in n.geschonden_controles(dict(w)):
                    rij = gezien[code, controle.links]
                    problemen.append(CelProbleem(
                        controle.melding + (" (scenario)" if naam == "scenario" else ""), rij,
                        controle.links, blad, cel(rij, "scenario" if naam == "scenario"
                                                  else "waarde")))
            rijen.append([waarden[code][s] for s in n.invoer_sleutels])
        scenario_hier = {c: {s: v for s, v in scenario.get(c, {}).items()
                             if not _gelijk(v, waarden[c][s])}
                         for c in codes if c in waarden}
        uit[label] = (InvoerTabel(
            gemeentecodes=tuple(codes), jaren=tuple(gemeente[c][1] for c in codes),
            volume=np.array(rijen, dtype=float).reshape(len(rijen), len(n.invoer)),
            regels=tuple(gemeente[c][2] for c in codes), extra={}),
            {c: v for c, v in scenario_hier.items() if v})
    if not gemeente and len(problemen) == aantal:
        problemen.append(CelProbleem("het blad bevat geen gemeenten met invoer.", blad=blad))
    return uit


def _lees_normen_2(cellen: dict, basissen: dict[str, Normenset], problemen: list[Probleem]
                   ) -> dict[str, tuple[dict[str, dict], dict[str, float]]]:
    """label → ({taak: {uren, uren_laag, uren_hoog, bron, rij}}, scenario {taak: uren})."""
    blad = BLAD_NORMEN
    gevonden = _sleutelrij(cellen, "taak", blad, problemen)
    if gevonden is None or not set(NORMEN_VERPLICHT) <= set(gevonden[1]):
        ontbrekend = [k for k in NORMEN_VERPLICHT if gevonden is None or k not in gevonden[1]]
        problemen.append(CelProbleem("de sleutelrij mist de kolommen " + ", ".join(ontbrekend)
                                     + " (of staat niet in de eerste vijf rijen).", blad=blad))
        return {}
    sleutelrij, kolommen = gevonden
    uit: dict[str, tuple[dict[str, dict], dict[str, float]]] = {
        label: ({}, {}) for label in basissen}

    def cel(rij: int, sleutel: str) -> str:
        return f"{_kolomletter(kolommen[sleutel])}{rij}"

    for rij, r in _tabel_rijen(cellen, sleutelrij, kolommen, NORMEN_SLEUTELS):
        label, taak = r.get("normenset"), r.get("taak")
        if label is None and taak is None:
            if any(r.get(k) is not None for k in ("uren", "scenario", "uren_laag", "uren_hoog")):
                problemen.append(CelProbleem("deze rij heeft uren maar geen normenset en taak; "
                                             "vul de sleutels in of maak de rij leeg.", rij,
                                             "taak", blad, cel(rij, "taak")))
            continue  # a blank row (inserted by hand) is harmless
        label, taak = str(label or "").strip(), str(taak or "").strip()
        if label not in basissen:
            problemen.append(CelProbleem(f"onbekende normenset '{_kort_tekst(label)}'.", rij,
                                         "normenset", blad, cel(rij, "normenset")))
            continue
        basis = basissen[label]
        if taak not in basis.taak_sleutels:
            problemen.append(CelProbleem(f"onbekende taak '{_kort_tekst(taak)}' (normenset "
                                         f"{basis.label}).", rij, "taak", blad, cel(rij, "taak")))
            continue
        taken, scenario = uit[label]
        if taak in taken:
            problemen.append(CelProbleem(f"taak '{taak}' van normenset {basis.label} staat "
                                         f"dubbel (ook in rij {taken[taak]['rij']}).", rij,
                                         "taak", blad, cel(rij, "taak")))
            continue
        oud = basis.taak(taak)
        for veld in ("functie", "invoer"):
            if str(r.get(veld) or "").strip() != getattr(oud, veld):
                problemen.append(CelProbleem(
                    f"taak '{taak}': de {veld} kan in het werkboek niet worden gewijzigd "
                    f"(verwacht '{getattr(oud, veld)}').", rij, veld, blad, cel(rij, veld)))
        gelezen: dict[str, object] = {"rij": rij}
        for veld in ("uren", "uren_laag", "uren_hoog", "scenario"):
            if veld not in kolommen or (veld == "scenario" and r.get(veld) is None):
                continue
            waarde = _cel_getal(r.get(veld), blad, rij, kolommen[veld], veld, problemen)
            naam = "uren" if veld == "scenario" else veld
            if waarde is not None and (bericht := melding(naam, waarde,
                                                          f"taak '{taak}': {veld}")):
                problemen.append(CelProbleem(bericht, rij, veld, blad, cel(rij, veld)))
                waarde = None
            if veld == "scenario":
                if waarde is not None:
                    scenario[taak] = waarde
                continue
            if waarde is not None and _gelijk(waarde, getattr(oud, veld)):
                waarde = getattr(oud, veld)  # keep the exact stored value
            gelezen[veld] = waarde
        ruw_bron = r.get("bron")
        if _is_formule(ruw_bron):
            problemen.append(CelProbleem("de cel bevat een formule; typ een tekst.", rij, "bron",
                                         blad, cel(rij, "bron")))
        elif ruw_bron is not None and heeft_stuurteken(str(ruw_bron)):
            problemen.append(CelProbleem(f"de bron {STUURTEKEN_MELDING}", rij, "bron", blad,
                                         cel(rij, "bron")))
        gelezen["bron"] = (str(ruw_bron).strip() if ruw_bron is not None else "") or oud.bron
        gelezen["cel_uren"] = cel(rij, "uren")
        gelezen["cel_bron"] = cel(rij, "bron")
        taken[taak] = gelezen
    for label, (taken, _scenario) in uit.items():
        basis = basissen[label]
        for t in basis.taken:
            if t.sleutel not in taken:
                problemen.append(CelProbleem(
                    f"de rij van taak '{t.sleutel}' ({t.naam}) van normenset {basis.label} "
                    f"ontbreekt: {RIJ_WEG}", blad=blad))
    for taken, scenario in uit.values():
        # A scenario hour equal to the (edited) base is no change.
        for taak in [t for t, v in scenario.items() if taken.get(t, {}).get("uren") is not None
                     and _gelijk(v, taken[t]["uren"])]:
            del scenario[taak]
    return uit


def _lees_organisatie_2(cellen: dict, basissen: dict[str, Normenset],
                        problemen: list[Probleem]
                        ) -> dict[str, tuple[dict[str, dict[str, tuple[float, str]]],
                                             dict[str, dict[str, float]]]]:
    """label → ({functie: {parameter: (value, cell)}}, scenario {functie: {parameter: v}})."""
    blad = BLAD_ORGANISATIE
    gevonden = _sleutelrij(cellen, "normenset", blad, problemen)
    if gevonden is None:
        return {}
    sleutelrij, kolommen = gevonden
    uit = {label: ({}, {}) for label in basissen}
    # a parameter added later (minimum_fte) may be absent: older workbooks keep the base's value
    ontbrekend = [p for p in ("functie", *ORGANISATIE_PARAMETERS)
                  if p not in kolommen and p not in ORGANISATIE_STANDAARD]
    if ontbrekend:
        problemen.append(CelProbleem("de sleutelrij mist de kolommen " + ", ".join(ontbrekend)
                                     + ".", sleutelrij, blad=blad))
        return uit
    for rij, r in _tabel_rijen(cellen, sleutelrij, kolommen, ORGANISATIE_SLEUTELS):
        label, functie = r.get("normenset"), r.get("functie")
        if label is None and functie is None:
            continue
        label, functie = str(label or "").strip(), str(functie or "").strip()
        if label not in basissen:
            continue  # reported by _normensets_van_organisatie
        basis = basissen[label]
        if functie not in basis.functie_sleutels:
            problemen.append(CelProbleem(f"onbekende functie '{_kort_tekst(functie)}' "
                                         f"(normenset {basis.label}).", rij, "functie", blad,
                                         f"{_kolomletter(kolommen['functie'])}{rij}"))
            continue
        parameters, scenario = uit[label]
        if functie in parameters:
            problemen.append(CelProbleem(f"functie '{functie}' van normenset {basis.label} "
                                         "staat dubbel.", rij, "functie", blad,
                                         f"{_kolomletter(kolommen['functie'])}{rij}"))
            continue
        parameters[functie] = {}
        for p in ORGANISATIE_PARAMETERS:
            for veld in (p, f"scenario_{p}"):
                if veld not in kolommen or (veld != p and r.get(veld) is None):
                    continue
                adres = f"{_kolomletter(kolommen[veld])}{rij}"
                waarde = _cel_getal(r.get(veld), blad, rij, kolommen[veld], veld, problemen)
                if waarde is None:
                    continue
                if fout := melding(p, waarde, f"functie '{functie}': {veld}"):
                    problemen.append(CelProbleem(fout, rij, veld, blad, adres))
                    continue
                if veld == p:
                    parameters[functie][p] = (waarde, adres)
                elif not _gelijk(waarde, getattr(basis.functie(functie), p)):
                    scenario.setdefault(functie, {})[p] = waarde
    for label, basis in basissen.items():
        for fn in basis.functies:
            if fn.sleutel not in uit[label][0]:
                problemen.append(CelProbleem(
                    f"de rij van functie '{fn.sleutel}' ({fn.naam}) van normenset {basis.label} "
                    f"ontbreekt: {RIJ_WEG}", blad=blad))
    return uit


def _bewerkte_normenset(basis: Normenset, taken: dict[str, dict], parameters: dict,
                        problemen: list[Probleem], opmerkingen: list[str]
                        ) -> tuple[Normenset | None, list[Wijziging]]:
    """The base with the workbook's edits (a validated new normenset, versie
    ``<versie>-excel``, afgeleid_van the base), or the base itself when nothing changed."""

    missend = [t for t in basis.taak_sleutels if t not in taken]
    if missend:
        problemen.append(CelProbleem(f"normenset {basis.label}: de taken " + ", ".join(missend)
                                     + " ontbreken (rij verwijderd?).", blad=BLAD_NORMEN))
        return None, []
    wijzigingen: list[Wijziging] = []
    nieuwe_taken = []
    for oud in basis.taken:
        t = taken[oud.sleutel]
        if any(t.get(v) is None for v in ("uren", "uren_laag", "uren_hoog")):
            return None, []  # reported while reading
        uren, laag, hoog = float(t["uren"]), float(t["uren_laag"]), float(t["uren_hoog"])
        for veld, waarde in (("uren", uren), ("uren_laag", laag), ("uren_hoog", hoog),
                             ("bron", t["bron"])):
            if waarde != getattr(oud, veld):
                cel = t["cel_bron"] if veld == "bron" else t["cel_uren"]
                wijzigingen.append(Wijziging(BLAD_NORMEN, cel, oud.sleutel, veld,
                                             getattr(oud, veld), waarde))
        if not laag <= uren <= hoog:
            laag, hoog = min(laag, uren), max(hoog, uren)
            opmerkingen.append(f"taak '{oud.sleutel}': het bereik is verruimd tot "
                               f"{format_invoer(laag)}–{format_invoer(hoog)} zodat het de uren "
                               f"({format_invoer(uren)}) bevat.")
        nieuwe_taken.append(replace(oud, uren=uren, uren_laag=laag, uren_hoog=hoog,
                                    bron=str(t["bron"])))
    nieuwe_parameters: dict[str, dict[str, float]] = {}
    for fn in basis.functies:
        for p, (waarde, cel) in parameters.get(fn.sleutel, {}).items():
            if not _gelijk(waarde, getattr(fn, p)):
                nieuwe_parameters.setdefault(fn.sleutel, {})[p] = waarde
                wijzigingen.append(Wijziging(BLAD_ORGANISATIE, cel, fn.sleutel, p,
                                             getattr(fn, p), waarde))
    if not wijzigingen:
        return basis, []
    nieuw = _afgeleide_set(basis, tuple(nieuwe_taken), nieuwe_parameters, BLAD_NORMEN,
                           problemen)
    return (nieuw, wijzigingen) if nieuw is not None else (None, [])


def _afgeleide_set(basis: Normenset, taken: tuple, parameters: dict, blad: str,
                   problemen: list[Probleem]) -> Normenset | None:
    """``basis`` with the workbook's taken and organisation parameters, as a derived set
    (``<versie>-excel``, ``afgeleid_van`` = the base), validated by writing and reading it as
    TOML like any normenset; problems go to ``blad`` (and None comes back)."""
    nieuw = replace(basis, taken=taken, bron_tekst=None).met_functie_parameters(parameters)
    nieuw = replace(nieuw, versie=afgeleide_versie(basis.versie, "-excel"),
                    afgeleid_van=basis.label)
    try:
        return parse_normenset(normenset_als_toml(nieuw), "normen uit het werkboek")
    except InvoerFout as fout:
        problemen.extend(CelProbleem(p.bericht, blad=blad) for p in fout.problemen)
        return None


def _lees_regio_bezetting(wb, basissen: dict[str, Normenset], problemen: list[Probleem]
                          ) -> dict[str, float | None] | None:
    """The region's bezetting of its regional functies: the cell each defined name
    ``regio_bezetting_<functie>`` points at (empty = unknown), checked against the parameter
    table's "bezetting" row. None when the workbook has none of these cells."""
    functies = [s for n in basissen.values() for s in n.functie_sleutels
                if s in REGIONALE_FUNCTIES]
    uit: dict[str, float | None] = {}
    for functie in dict.fromkeys(functies):
        plek = _naam_cel(wb, regio_bezetting_naam(functie))
        if plek is None or plek[0] not in wb.sheetnames:
            continue
        blad, rij, kolom = plek
        cellen = wb.cellen(blad)  # read-only: no random cell access
        if cellen.get((rij, 2)) != REGIO_REGEL:
            problemen.append(CelProbleem(
                f"de cel {blad}!{_kolomletter(kolom)}{rij} voor de bezetting van de regio staat "
                f"niet meer in de regel '{REGIO_REGEL}' (is het blad gesorteerd?). Zet de regel "
                "terug of download een nieuw werkboek.", rij, f"bezetting_{functie}", blad,
                f"{_kolomletter(kolom)}{rij}"))
            continue
        ruw = cellen.get((rij, kolom))
        if ruw is None or (isinstance(ruw, str) and not ruw.strip()):
            uit[functie] = None
            continue
        sleutel = f"bezetting_{functie}"
        waarde = _cel_getal(ruw, blad, rij, kolom, sleutel, problemen)
        bericht = waarde is not None and melding("bezetting", waarde, "de bezetting van de regio")
        if bericht:
            problemen.append(CelProbleem(bericht, rij, sleutel, blad,
                                         f"{_kolomletter(kolom)}{rij}"))
        elif waarde is not None:
            uit[functie] = waarde
    return uit or None


def _lees_bezetting_2(cellen: dict, basissen: dict[str, Normenset], invoer: dict,
                      problemen: list[Probleem]) -> dict[str, dict[str, float]]:
    """The ``bezetting_<functie>`` columns of Resultaat (format 2; empty cells = unknown)."""
    blad = BLAD_RESULTAAT
    gevonden = _sleutelrij(cellen, "gemeentecode", blad, problemen)
    if gevonden is None:
        return {}
    sleutelrij, kolommen = gevonden
    functies = {s for n in basissen.values() for s in n.functie_sleutels}
    bekend = {c for tabel, _ in invoer.values() for c in tabel.gemeentecodes}
    bezetting: dict[str, dict[str, float]] = {}
    for rij, r in _tabel_rijen(cellen, sleutelrij, kolommen, tuple(kolommen)):
        code = normaliseer_gemeentecode(_als_tekst(r.get("gemeentecode", "")))
        if code is None:
            continue
        for functie in functies:
            ruw = r.get(f"bezetting_{functie}")
            if ruw is None:
                continue
            if code not in bekend:
                problemen.append(CelProbleem(
                    f"een bezetting voor gemeente {code}, die niet op het blad Invoer staat.",
                    rij, f"bezetting_{functie}", blad,
                    f"{_kolomletter(kolommen[f'bezetting_{functie}'])}{rij}"))
                continue
            waarde = _bezettingscel(ruw, blad, rij, kolommen[f"bezetting_{functie}"],
                                    functie, problemen)
            if waarde is not None:
                bezetting.setdefault(code, {})[functie] = waarde
    return bezetting


def _gemeentecode(ruw, referentie, blad: str, rij: int, cel: str,
                  problemen: list[Probleem]) -> str | None:
    """A gemeentecode cell (text, or a number that Excel made of "0363") as a known code of
    the indeling, or a problem naming the cell (and None)."""
    tekst = (str(int(ruw)) if isinstance(ruw, int | float) and not isinstance(ruw, bool)
             and float(ruw).is_integer() else str(ruw))
    code = normaliseer_gemeentecode(tekst)
    if code is None or code not in referentie.index:
        problemen.append(CelProbleem(
            f"onbekende gemeentecode '{_kort_tekst(tekst)}' (verwacht 4 cijfers uit de "
            "gemeentelijke indeling, bijvoorbeeld 0363).", rij, "gemeentecode", blad, cel))
        return None
    return code


def _bezettingscel(ruw, blad: str, rij: int, kolom: int, functie: str,
                   problemen: list[Probleem]) -> float | None:
    """One ``bezetting_<functie>`` cell: a number within the parameter table's bounds, or a
    problem naming the cell (and None)."""
    waarde = _cel_getal(ruw, blad, rij, kolom, f"bezetting_{functie}", problemen)
    if waarde is not None and (bericht := melding("bezetting", waarde, "de bezetting")):
        problemen.append(CelProbleem(bericht, rij, f"bezetting_{functie}", blad,
                                     f"{_kolomletter(kolom)}{rij}"))
        return None
    return waarde


def _lees_bezetting(cellen: dict, n: Normenset, problemen: list[Probleem]
                    ) -> dict[str, dict[str, float]]:
    """The optional ``bezetting_<functie>`` columns of Resultaat (empty cells = unknown)."""
    blad = BLAD_RESULTAAT
    gevonden = _sleutelrij(cellen, "gemeentecode")
    if gevonden is None:
        return {}
    sleutelrij, kolommen = gevonden
    kolom_code = kolommen["gemeentecode"]
    bezetting: dict[str, dict[str, float]] = {}
    rijen = sorted({r for r, _ in cellen if r > sleutelrij})
    for functie in n.functie_sleutels:
        kolom = kolommen.get(f"bezetting_{functie}")
        if kolom is None:
            continue
        for rij in rijen:
            ruw = cellen.get((rij, kolom))
            code = normaliseer_gemeentecode(str(cellen.get((rij, kolom_code), "")))
            if ruw is None or code is None:
                continue
            waarde = _bezettingscel(ruw, blad, rij, kolom, functie, problemen)
            if waarde is not None:
                bezetting.setdefault(code, {})[functie] = waarde
    return bezetting


def _lees_invoer_blad(cellen: dict, n: Normenset, problemen: list[Probleem]
                      ) -> InvoerTabel | None:
    blad = BLAD_INVOER
    gevonden = _sleutelrij(cellen, "gemeentecode", blad, problemen)
    if gevonden is None:
        problemen.append(CelProbleem("de sleutelrij met 'gemeentecode' en de invoersleutels "
                                     "ontbreekt in de eerste vijf rijen.", blad=blad))
        return None
    sleutelrij, kolommen = gevonden
    ontbrekend = [s for s in n.invoer_sleutels if s not in kolommen]
    if ontbrekend:
        problemen.append(CelProbleem(
            f"de sleutelrij (rij {sleutelrij}) mist de invoerkolommen " + ", ".join(ontbrekend)
            + f" van normenset {n.label}.", sleutelrij, blad=blad))
        return None
    referentie = load_referentie()
    laatste_rij = max((r for r, _ in cellen), default=sleutelrij)
    kolom_code = kolommen["gemeentecode"]
    kolom_jaar = kolommen.get("jaar")
    codes: list[str] = []
    jaren: list[int | None] = []
    rijen: list[list[float]] = []
    regels: list[int] = []
    # gemeentecode → {jaar: row}. A row without a year stands for the workbook's year, so it
    # clashes with every other row of that gemeente; only two explicit, different years (a
    # multi-year CSV exported by the CLI) may share a gemeente.
    gezien: dict[str, dict[int | None, int]] = {}
    aantal_fouten = len(problemen)
    for rij in range(sleutelrij + 1, laatste_rij + 1):
        ruw_code = cellen.get((rij, kolom_code))
        waarden_ruw = [cellen.get((rij, kolommen[s])) for s in n.invoer_sleutels]
        if ruw_code is None and all(w is None for w in waarden_ruw):
            continue
        cel_code = f"{_kolomletter(kolom_code)}{rij}"
        if ruw_code is None:
            problemen.append(CelProbleem("de gemeentecode ontbreekt in een rij met invoer.", rij,
                                         "gemeentecode", blad, cel_code))
            continue
        code = _gemeentecode(ruw_code, referentie, blad, rij, cel_code, problemen)
        if code is None:
            continue
        jaar = None
        if kolom_jaar is not None and (ruw_jaar := cellen.get((rij, kolom_jaar))) is not None:
            if not isinstance(ruw_jaar, str) and (jaar := geldig_jaar(ruw_jaar)) is not None:
                pass
            else:
                problemen.append(CelProbleem(
                    f"'{_kort_tekst(ruw_jaar)}' is geen geldig jaar ({JAAR.bereik_tekst()}).",
                    rij, "jaar",
                    blad, f"{_kolomletter(kolom_jaar)}{rij}"))
                continue
        eerder = gezien.setdefault(code, {})
        botsing = [r for j, r in eerder.items() if jaar is None or j is None or j == jaar]
        if botsing:
            problemen.append(CelProbleem(
                f"gemeente {code} ({referentie.naam(code)}) staat dubbel in het werkboek (ook in "
                f"rij {botsing[0]}).", rij, "gemeentecode", blad, cel_code))
            continue
        eerder[jaar] = rij
        waarden = []
        for inv, ruw in zip(n.invoer, waarden_ruw, strict=True):
            kolom = kolommen[inv.sleutel]
            waarde = _cel_getal(ruw, blad, rij, kolom, inv.sleutel, problemen)
            bericht = waarde is not None and melding_voor(inv.parameter, waarde,
                                                          format_invoer(waarde))
            if bericht:
                problemen.append(CelProbleem(bericht, rij, inv.sleutel, blad,
                                             f"{_kolomletter(kolom)}{rij}"))
            geldig = waarde is not None and not bericht
            waarden.append(waarde if geldig else None)
        for controle in n.geschonden_controles(dict(zip(n.invoer_sleutels, waarden,
                                                        strict=True))):
            kolom = kolommen[controle.links]
            problemen.append(CelProbleem(controle.melding, rij, controle.links, blad,
                                         f"{_kolomletter(kolom)}{rij}"))
        waarden = [0.0 if w is None else w for w in waarden]
        codes.append(code)
        jaren.append(jaar)
        rijen.append(waarden)
        regels.append(rij)
    if not codes and len(problemen) == aantal_fouten:
        problemen.append(CelProbleem("het blad bevat geen gemeenten met invoer.", blad=blad))
    if len(problemen) > aantal_fouten:
        return None
    return InvoerTabel(
        gemeentecodes=tuple(codes), jaren=tuple(jaren),
        volume=np.array(rijen, dtype=float).reshape(len(codes), len(n.invoer)),
        regels=tuple(regels), extra={},
    )


def _lees_normen_blad(wb, cellen: dict, basis: Normenset, problemen: list[Probleem],
                      opmerkingen: list[str]) -> tuple[Normenset | None, list[Wijziging]]:

    blad = BLAD_NORMEN
    normcellen = cellen[blad]
    aantal_fouten = len(problemen)
    gevonden = _sleutelrij(normcellen, "taak", blad, problemen)
    if gevonden is None:
        problemen.append(CelProbleem("de sleutelrij met 'taak', 'uren' … ontbreekt in de eerste "
                                     "vijf rijen.", blad=blad))
        return None, []
    sleutelrij, kolommen = gevonden
    ontbrekend = [k for k in TAAK_KOLOMMEN_VERPLICHT if k not in kolommen]
    if ontbrekend:
        problemen.append(CelProbleem("de sleutelrij mist de kolommen " + ", ".join(ontbrekend)
                                     + ".", sleutelrij, blad=blad))
        return None, []
    wijzigingen: list[Wijziging] = []
    gelezen: dict[str, Taak] = {}
    # Taak rows run down to the organisation table's title ("Organisatie per functie"); a
    # blank row in between (inserted by hand) is skipped, not the end of the table.
    einde = min((r for (r, k), v in normcellen.items()
                 if k == 1 and r > sleutelrij and v == "Organisatie per functie"),
                default=max((r for r, _ in normcellen), default=sleutelrij) + 1)
    for rij in range(sleutelrij + 1, einde):
        ruw = normcellen.get((rij, kolommen["taak"]))
        if ruw is None:
            if any(normcellen.get((rij, kolommen[v])) is not None
                   for v in ("uren", "uren_laag", "uren_hoog")):
                problemen.append(CelProbleem("deze rij heeft uren maar geen taaksleutel.", rij,
                                             "taak", blad,
                                             f"{_kolomletter(kolommen['taak'])}{rij}"))
            continue
        sleutel = str(ruw).strip()
        cel = f"{_kolomletter(kolommen['taak'])}{rij}"
        if sleutel not in basis.taak_sleutels:
            problemen.append(CelProbleem(f"onbekende taak '{_kort_tekst(sleutel)}' (normenset "
                                         f"{basis.label}).", rij, "taak", blad, cel))
            continue
        if sleutel in gelezen:
            problemen.append(CelProbleem(f"taak '{sleutel}' staat dubbel.", rij, "taak", blad,
                                         cel))
            continue
        oud = basis.taak(sleutel)
        for veld in ("functie", "invoer"):
            waarde = normcellen.get((rij, kolommen[veld]))
            if str(waarde or "").strip() != getattr(oud, veld):
                problemen.append(CelProbleem(
                    f"taak '{sleutel}': de {veld} kan in het werkboek niet worden gewijzigd "
                    f"(verwacht '{getattr(oud, veld)}').", rij, veld, blad,
                    f"{_kolomletter(kolommen[veld])}{rij}"))
        getallen = {}
        for veld in ("uren", "uren_laag", "uren_hoog"):
            kolom = kolommen[veld]
            waarde = _cel_getal(normcellen.get((rij, kolom)), blad, rij, kolom, veld, problemen)
            if waarde is not None and (bericht := melding(veld, waarde,
                                                          f"taak '{sleutel}': {veld}")):
                problemen.append(CelProbleem(bericht, rij, veld, blad,
                                             f"{_kolomletter(kolom)}{rij}"))
                waarde = None
            if waarde is not None and _gelijk(waarde, getattr(oud, veld)):
                waarde = getattr(oud, veld)  # keep the exact stored value
            getallen[veld] = waarde
            if waarde is not None and waarde != getattr(oud, veld):
                wijzigingen.append(Wijziging(blad, f"{_kolomletter(kolom)}{rij}", sleutel, veld,
                                             getattr(oud, veld), waarde))
        ruw_bron = normcellen.get((rij, kolommen["bron"]))
        if _is_formule(ruw_bron):
            problemen.append(CelProbleem("de cel bevat een formule; typ een tekst.", rij, "bron",
                                         blad, f"{_kolomletter(kolommen['bron'])}{rij}"))
        elif ruw_bron is not None and heeft_stuurteken(str(ruw_bron)):
            problemen.append(CelProbleem(f"de bron {STUURTEKEN_MELDING}", rij, "bron", blad,
                                         f"{_kolomletter(kolommen['bron'])}{rij}"))
        bron = str(ruw_bron).strip() if ruw_bron is not None else oud.bron
        bron = bron or oud.bron
        if bron != oud.bron:
            wijzigingen.append(Wijziging(blad, f"{_kolomletter(kolommen['bron'])}{rij}", sleutel,
                                         "bron", oud.bron, bron))
        if None not in getallen.values():
            uren, laag, hoog = getallen["uren"], getallen["uren_laag"], getallen["uren_hoog"]
            if not laag <= uren <= hoog:
                laag, hoog = min(laag, uren), max(hoog, uren)
                opmerkingen.append(f"taak '{sleutel}': het bereik is verruimd tot "
                                   f"{format_invoer(laag)}–{format_invoer(hoog)} zodat het de "
                                   f"uren ({format_invoer(uren)}) bevat.")
            gelezen[sleutel] = replace(oud, uren=uren, uren_laag=laag, uren_hoog=hoog, bron=bron)
    missend = [t for t in basis.taak_sleutels if t not in gelezen]
    if missend and len(problemen) == aantal_fouten:
        problemen.append(CelProbleem("de taken " + ", ".join(missend) + " ontbreken.",
                                     blad=blad))

    parameters: dict[str, dict[str, float]] = {}
    for fn in basis.functies:
        for p in ORGANISATIE_PARAMETERS:
            plaats = _naam_cel(wb, f"{fn.sleutel}_{p}")
            if plaats is None and p in ORGANISATIE_STANDAARD:
                continue  # format 1 predates it: the base's value holds
            if plaats is None or plaats[0] != blad:
                problemen.append(CelProbleem(
                    f"de benoemde cel '{fn.sleutel}_{p}' (organisatie van functie "
                    f"'{fn.sleutel}') ontbreekt.", blad=blad))
                continue
            _, r, k = plaats
            cel = f"{_kolomletter(k)}{r}"
            waarde = _cel_getal(normcellen.get((r, k)), blad, r, k, p, problemen)
            if waarde is None:
                continue
            if fout := melding(p, waarde, f"functie '{fn.sleutel}': {p}"):
                problemen.append(CelProbleem(fout, r, p, blad, cel))
                continue
            oud = getattr(fn, p)
            if _gelijk(waarde, oud):
                continue
            parameters.setdefault(fn.sleutel, {})[p] = waarde
            wijzigingen.append(Wijziging(blad, cel, fn.sleutel, p, oud, waarde))
    if len(problemen) > aantal_fouten:
        return None, []
    if not wijzigingen:
        return basis, []
    taken = tuple(gelezen[t] for t in basis.taak_sleutels)
    nieuw = _afgeleide_set(basis, taken, parameters, blad, problemen)
    return (nieuw, wijzigingen) if nieuw is not None else (None, [])


def invoer_wijzigingen(oud: InvoerTabel, nieuw: InvoerTabel, normenset: Normenset
                       ) -> list[Wijziging]:
    """Per gemeente and invoer field, old → new (for the upload preview). Rows are matched on
    (gemeentecode, jaar); a gemeente only in ``nieuw`` has ``oud`` None for every field."""
    oud_rij = {(c, j): g for g, (c, j) in enumerate(zip(oud.gemeentecodes, oud.jaren,
                                                          strict=True))}
    wijzigingen = []
    for g, (code, jaar) in enumerate(zip(nieuw.gemeentecodes, nieuw.jaren, strict=True)):
        h = oud_rij.get((code, jaar))
        for i, sleutel in enumerate(normenset.invoer_sleutels):
            waarde = float(nieuw.volume[g, i])
            vorige = None if h is None else float(oud.volume[h, i])
            if vorige is None or not _gelijk(vorige, waarde):
                rij = nieuw.regels[g] if nieuw.regels else None
                wijzigingen.append(Wijziging(BLAD_INVOER, None if rij is None else f"rij {rij}",
                                             code, sleutel, vorige, waarde))
    return wijzigingen
