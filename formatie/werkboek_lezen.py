"""Reading back a scenario workbook made by :func:`formatie.excel.exporteer_werkboek`.

The layout (sheet names, key rows, defined names, format version) is
:mod:`formatie.werkboek_formaat`, shared with the writer.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .invoer_csv import InvoerTabel, normaliseer_gemeentecode
from .normenset import (
    ORGANISATIE_PARAMETERS,
    Normenset,
    Taak,
    afgeleide_versie,
    normenset_als_toml,
)
from .normenset_toml import parse_normenset
from .parameters import melding
from .problemen import CelProbleem, InvoerFout, Probleem
from .referentie import load_referentie
from .werkboek_formaat import (
    BLAD_INVOER,
    BLAD_NORMEN,
    BLAD_RESULTAAT,
    BLAD_TOELICHTING,
    HERKOMST_NAMEN,
    TAAK_KOLOMMEN_VERPLICHT,
    VERPLICHTE_BLADEN,
    WERKBOEK_FORMAAT,
    WERKBOEK_SOORT,
)

#
# Reading back a workbook made by formatie.excel.exporteer_werkboek after a user edited it.
# The upload is checked as a zip BEFORE openpyxl sees it (size, entries, uncompressed size,
# compression ratio), then only the input cells are read: Invoer (one row per gemeente) and
# Normen (taak hours, organisation parameters via their defined names). Formula cells elsewhere
# are ignored; the model is recomputed in Python from the inputs.
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
class Werkboek:
    """What an uploaded scenario workbook holds, validated."""

    invoer: InvoerTabel
    normenset: Normenset  # as edited in the workbook; ``basis`` itself when nothing changed
    basis: Normenset  # the normenset the workbook was compared against
    normwijzigingen: tuple[Wijziging, ...]
    herkomst: dict[str, str]
    opmerkingen: tuple[str, ...] = ()
    #: Current formation typed on the Resultaat sheet: {gemeentecode: {functie: fte}}.
    bezetting: dict[str, dict[str, float]] | None = None

    @property
    def normen_gewijzigd(self) -> bool:
        return bool(self.normwijzigingen)


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


def _open_werkboek(data: bytes, bestand: str):
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it does not read (e.g. x14 data validation
            # written by Excel); they do not matter for reading input values.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False,
                                          keep_links=False)
    except Exception as exc:  # openpyxl raises many types on malformed content
        raise InvoerFout([Probleem(f"het werkboek kan niet worden gelezen ({type(exc).__name__})"
                                   ".")], bestand) from None


class _Formule(str):
    """The text of a formula cell (as opposed to a text cell that starts with '=')."""


def _blad_cellen(ws) -> dict[tuple[int, int], object]:
    """All non-empty cells of a sheet: (row, column), 1-based → value; formulas as _Formule."""
    cellen = {}
    for rij in ws.iter_rows():
        for cel in rij:
            waarde = getattr(cel, "value", None)
            if waarde is None or waarde == "":
                continue
            if cel.data_type == "f":
                waarde = _Formule(getattr(waarde, "text", None) or waarde)
            cellen[cel.row, cel.column] = waarde
    return cellen


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


def _sleutelrij(cellen: dict, verplicht: str) -> tuple[int, dict[str, int]] | None:
    """The row (within the first five) holding key ``verplicht``: (row, {key: column})."""
    for rij in range(1, 6):
        sleutels = {str(v).strip(): k for (r, k), v in cellen.items()
                    if r == rij and isinstance(v, str)}
        if verplicht in sleutels:
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
) -> Werkboek:
    """Read an edited scenario workbook (the bytes of an upload or a file).

    ``normenset`` is the normenset the workbook was made with, or a function
    ``(naam, versie) → Normenset | None`` that looks it up from the workbook's provenance.
    Norms edited in the workbook come back as a new, validated normenset (versie
    ``<versie>-excel``) with the list of changes. Raises InvoerFout with every problem found
    (sheet, cell, column); nothing is returned half-read.
    """
    controleer_xlsx(data, bestand, max_bytes, max_uitgepakt)
    wb = _open_werkboek(data, bestand)
    try:
        return _lees_werkboek(wb, normenset, bestand)
    except InvoerFout:
        raise
    except Exception as exc:
        # read_only openpyxl unpacks and parses sheets lazily: a damaged part only shows up
        # here (bad CRC, zlib.error, XML ParseError, odd attributes: ValueError, TypeError …)
        raise InvoerFout([Probleem(f"het werkboek kan niet worden gelezen: het bestand is "
                                   f"beschadigd ({type(exc).__name__}).")], bestand) from None
    finally:
        wb.close()


def _lees_werkboek(wb, normenset, bestand: str) -> Werkboek:
    def stop(bericht: str) -> InvoerFout:
        return InvoerFout([Probleem(bericht)], bestand)

    vreemd = ("dit werkboek is niet met de formatietool gemaakt (of de herkomstgegevens op het "
              "blad 'Toelichting' zijn verwijderd). Download een nieuw werkboek uit de tool en "
              "neem uw wijzigingen daarin over.")
    bladen = wb.sheetnames
    if BLAD_TOELICHTING not in bladen:
        raise stop(vreemd)
    ontbrekend = [b for b in VERPLICHTE_BLADEN if b not in bladen]
    if ontbrekend:
        raise stop("het werkboek mist de bladen " + ", ".join(f"'{b}'" for b in ontbrekend)
                   + ". Verwijder of hernoem geen bladen.")
    cellen = {b: _blad_cellen(wb[b]) for b in VERPLICHTE_BLADEN}

    herkomst: dict[str, str] = {}
    for naam in HERKOMST_NAMEN:
        plaats = _naam_cel(wb, naam)
        if plaats is None or plaats[0] not in cellen:
            continue
        waarde = cellen[plaats[0]].get((plaats[1], plaats[2]))
        if waarde is not None:
            herkomst[naam] = str(waarde)
    if herkomst.get("formatie_werkboek") != WERKBOEK_SOORT:
        raise stop(vreemd)
    if herkomst.get("formatie_formaat") != str(WERKBOEK_FORMAAT):
        raise stop(f"dit werkboek heeft formaat {herkomst.get('formatie_formaat', '?')}; deze "
                   f"versie van de tool leest formaat {WERKBOEK_FORMAAT}. Download een nieuw "
                   "werkboek.")
    naam_ns = herkomst.get("normenset_naam", "")
    versie_ns = herkomst.get("normenset_versie", "")
    opmerkingen: list[str] = []
    if callable(normenset):
        basis = normenset(naam_ns, versie_ns)
        if basis is None:
            raise stop(f"het werkboek is gemaakt met normenset '{naam_ns}' (versie {versie_ns}), "
                       "die hier niet bekend is. Geef die normenset mee (opdrachtregel: "
                       "--normen FILE.toml).")
    else:
        basis = normenset
        if (basis.naam, basis.versie) != (naam_ns, versie_ns):
            opmerkingen.append(f"het werkboek is gemaakt met normenset '{naam_ns}' (versie "
                               f"{versie_ns}); vergeleken met {basis.label}.")

    problemen: list[Probleem] = []
    invoer = _lees_invoer_blad(cellen[BLAD_INVOER], basis, problemen)
    normenset_nieuw, wijzigingen = _lees_normen_blad(wb, cellen, basis, problemen, opmerkingen)
    bezetting = (_lees_bezetting(_blad_cellen(wb[BLAD_RESULTAAT]), basis, problemen)
                 if BLAD_RESULTAAT in bladen else {})
    if problemen:
        raise InvoerFout(problemen, bestand)
    assert invoer is not None and normenset_nieuw is not None
    return Werkboek(invoer=invoer, normenset=normenset_nieuw, basis=basis,
                    normwijzigingen=tuple(wijzigingen), herkomst=herkomst,
                    opmerkingen=tuple(opmerkingen), bezetting=bezetting)


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
            waarde = _cel_getal(ruw, blad, rij, kolom, f"bezetting_{functie}", problemen)
            bericht = waarde is not None and melding("bezetting", waarde, "de bezetting")
            if bericht:
                problemen.append(CelProbleem(bericht, rij, f"bezetting_{functie}", blad,
                                             f"{_kolomletter(kolom)}{rij}"))
            elif waarde is not None:
                bezetting.setdefault(code, {})[functie] = waarde
    return bezetting


def _lees_invoer_blad(cellen: dict, n: Normenset, problemen: list[Probleem]
                      ) -> InvoerTabel | None:
    blad = BLAD_INVOER
    gevonden = _sleutelrij(cellen, "gemeentecode")
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
        tekst_code = (str(int(ruw_code)) if isinstance(ruw_code, int | float)
                      and not isinstance(ruw_code, bool) and float(ruw_code).is_integer()
                      else str(ruw_code))
        code = normaliseer_gemeentecode(tekst_code)
        if code is None or code not in referentie.index:
            problemen.append(CelProbleem(
                f"onbekende gemeentecode '{_kort_tekst(tekst_code)}' (verwacht 4 cijfers uit de "
                "gemeentelijke indeling, bijvoorbeeld 0363).", rij, "gemeentecode", blad,
                cel_code))
            continue
        jaar = None
        if kolom_jaar is not None and (ruw_jaar := cellen.get((rij, kolom_jaar))) is not None:
            if (isinstance(ruw_jaar, int | float) and not isinstance(ruw_jaar, bool)
                    and float(ruw_jaar).is_integer() and 2000 <= ruw_jaar <= 2100):
                jaar = int(ruw_jaar)
            else:
                problemen.append(CelProbleem(
                    f"'{_kort_tekst(ruw_jaar)}' is geen geldig jaar (2000–2100).", rij, "jaar",
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
            if waarde is not None and not inv.min <= waarde <= inv.max:
                richting = (f"kleiner dan het minimum {inv.min:g}" if waarde < inv.min
                            else f"groter dan het maximum {inv.max:g} ({inv.eenheid})")
                problemen.append(CelProbleem(f"{waarde:g} is {richting}.", rij, inv.sleutel,
                                             blad, f"{_kolomletter(kolom)}{rij}"))
            geldig = waarde is not None and inv.min <= waarde <= inv.max
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
    from dataclasses import replace

    blad = BLAD_NORMEN
    normcellen = cellen[blad]
    aantal_fouten = len(problemen)
    gevonden = _sleutelrij(normcellen, "taak")
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
    rij = sleutelrij + 1
    while (ruw := normcellen.get((rij, kolommen["taak"]))) is not None:
        sleutel = str(ruw).strip()
        cel = f"{_kolomletter(kolommen['taak'])}{rij}"
        if sleutel not in basis.taak_sleutels:
            problemen.append(CelProbleem(f"onbekende taak '{_kort_tekst(sleutel)}' (normenset "
                                         f"{basis.label}).", rij, "taak", blad, cel))
            rij += 1
            continue
        if sleutel in gelezen:
            problemen.append(CelProbleem(f"taak '{sleutel}' staat dubbel.", rij, "taak", blad,
                                         cel))
            rij += 1
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
        bron = str(ruw_bron).strip() if ruw_bron is not None else oud.bron
        bron = bron or oud.bron
        if bron != oud.bron:
            wijzigingen.append(Wijziging(blad, f"{_kolomletter(kolommen['bron'])}{rij}", sleutel,
                                         "bron", oud.bron, bron))
        if None not in getallen.values():
            uren, laag, hoog = getallen["uren"], getallen["uren_laag"], getallen["uren_hoog"]
            if not laag <= uren <= hoog:
                laag, hoog = min(laag, uren), max(hoog, uren)
                opmerkingen.append(f"taak '{sleutel}': het bereik is verruimd tot {laag:g}–"
                                   f"{hoog:g} zodat het de uren ({uren:g}) bevat.")
            gelezen[sleutel] = replace(oud, uren=uren, uren_laag=laag, uren_hoog=hoog, bron=bron)
        rij += 1
    missend = [t for t in basis.taak_sleutels if t not in gelezen]
    if missend and len(problemen) == aantal_fouten:
        problemen.append(CelProbleem("de taken " + ", ".join(missend) + " ontbreken.",
                                     blad=blad))

    parameters: dict[str, dict[str, float]] = {}
    for fn in basis.functies:
        for p in ORGANISATIE_PARAMETERS:
            plaats = _naam_cel(wb, f"{fn.sleutel}_{p}")
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
    nieuw = replace(basis, taken=taken, bron_tekst=None).met_functie_parameters(parameters)
    nieuw = replace(nieuw, versie=afgeleide_versie(basis.versie, "-excel"),
                    afgeleid_van=basis.label)
    try:
        nieuw = parse_normenset(normenset_als_toml(nieuw), "normen uit het werkboek")
    except InvoerFout as fout:
        problemen.extend(CelProbleem(p.bericht, blad=blad) for p in fout.problemen)
        return None, []
    return nieuw, wijzigingen


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
