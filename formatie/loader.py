"""All file reading of the model: normensets (TOML), invoer (CSV) and the shipped CBS/DUO data.

Every reader validates fully and reports *every* problem it finds with its place (file, line,
column) in Dutch, raising :class:`InvoerFout` (a list of :class:`Probleem`). Nothing is returned
half-read.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from .getallen import GetalFout, parse_getal
from .normenset import (
    MAX_BEZETTING_FTE,
    MAX_NORMENSET_NAAM,
    MAX_NORMENSET_VERSIE,
    ORGANISATIE_PARAMETERS,
    SCHATTING_BASES,
    SPREIDINGEN,
    Controle,
    Functie,
    Invoer,
    Normenset,
    Taak,
    afgeleide_versie,
    normenset_als_toml,
)

DATA = resources.files("formatie") / "data"
NORMEN = resources.files("formatie") / "normen"
STANDAARD_NORMENSET = "standaard-2026.toml"

#: Columns of an invoer CSV that are not invoer sleutels.
VASTE_KOLOMMEN = ("gemeentecode", "gemeentenaam", "jaar")
_SLEUTEL = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_GEMEENTECODE = re.compile(r"^(?:GM)?(\d{1,4})$", re.IGNORECASE)


@dataclass(frozen=True)
class Probleem:
    """One problem in a file: where it is and a Dutch sentence saying what is wrong."""

    bericht: str
    regel: int | None = None
    kolom: str | None = None

    def tekst(self, bestand: str | None = None) -> str:
        plaats = [p for p in (bestand, self.regel and f"regel {self.regel}") if p]
        if self.kolom:
            plaats.append(f"kolom '{self.kolom}'")
        return (", ".join(plaats) + ": " if plaats else "") + self.bericht


class InvoerFout(Exception):
    """A file that cannot be used; carries every problem found."""

    def __init__(self, problemen: list[Probleem], bestand: str | None = None):
        self.problemen = problemen
        self.bestand = bestand
        super().__init__("\n".join(p.tekst(bestand) for p in problemen))


# =============================================================================================
# Normenset (TOML)
# =============================================================================================


def _toml_regels(tekst: str) -> dict[tuple, int]:
    """Map TOML places to line numbers: ``("taak", 2)`` → header, ``("taak", 2, "uren")`` → key.

    tomllib gives no positions, so the raw text is scanned for table headers and keys (skipping
    multi-line strings). Good enough to point a user at the right line.
    """
    regels: dict[tuple, int] = {}
    teller: dict[str, int] = {}
    tabel: tuple = ()
    in_string = False
    for nr, regel in enumerate(tekst.splitlines(), start=1):
        kaal = regel.strip()
        if in_string:
            if kaal.count('"""') % 2 == 1 or kaal.count("'''") % 2 == 1:
                in_string = False
            continue
        if m := re.match(r"^\[\[\s*([\w.\-]+)\s*\]\]", kaal):
            naam = m.group(1)
            index = teller.get(naam, 0)
            teller[naam] = index + 1
            tabel = (naam, index)
            regels.setdefault(tabel, nr)
        elif m := re.match(r'^\[\s*([\w.\-"]+)\s*\]', kaal):
            tabel = tuple(deel.strip('"') for deel in m.group(1).split("."))
            regels.setdefault(tabel, nr)
        elif m := re.match(r"^([\w\-]+)\s*=", kaal):
            regels.setdefault((*tabel, m.group(1)), nr)
            if kaal.count('"""') % 2 == 1 or kaal.count("'''") % 2 == 1:
                in_string = True
    return regels


#: tomllib's (English) syntax messages, by their start, in Dutch.
_TOML_MELDINGEN = (
    ("Invalid value", "ongeldige waarde: zet tekst tussen aanhalingstekens en gebruik in getallen "
                      "een punt als decimaalteken"),
    ("Cannot overwrite a value", "een sleutel staat twee keer in dezelfde tabel"),
    ("Cannot declare", "een tabel is twee keer gedeclareerd"),
    ("Expected '=' after a key", "na een sleutel hoort '='"),
    ("Expected ']' at the end of a table", "de tabelkop mist een ']'"),
    ("Expected ']]' at the end of an array", "de tabelkop mist ']]'"),
    ("Unterminated string", "een tekst is niet afgesloten met een aanhalingsteken"),
    ("Expected newline", "na een waarde hoort een nieuwe regel"),
    ("Unclosed array", "een lijst is niet afgesloten met ']'"),
    ("Illegal character '\\n'", "een tekst is niet afgesloten met een aanhalingsteken vóór het "
                                  "einde van de regel"),
    ("Illegal character", "een teken dat hier niet mag staan"),
)


def _toml_syntaxfout(melding: str, tekst: str) -> Probleem:
    """A tomllib syntax error as a Dutch problem with its line (the last one at end of text)."""
    m = re.search(r"line (\d+), column (\d+)", melding)
    regel = int(m.group(1)) if m else max(1, len(tekst.splitlines()))
    uitleg = next((nl for en, nl in _TOML_MELDINGEN if melding.startswith(en)),
                  "ongeldige TOML-syntaxis")
    plaats = f" bij teken {m.group(2)}" if m else ""
    return Probleem(f"geen geldige TOML{plaats}: {uitleg}.", regel)


class _Controleur:
    """Collects problems while reading a parsed TOML document."""

    def __init__(self, regels: dict[tuple, int]):
        self.regels = regels
        self.problemen: list[Probleem] = []

    def regel(self, *plaats) -> int | None:
        while plaats:
            if plaats in self.regels:
                return self.regels[plaats]
            plaats = plaats[:-1]
        return None

    def fout(self, plaats: tuple, bericht: str) -> None:
        self.problemen.append(Probleem(bericht, self.regel(*plaats)))

    def tekst(self, tabel: dict, plaats: tuple, sleutel: str, wat: str, verplicht=True) -> str:
        waarde = tabel.get(sleutel)
        if waarde is None:
            if verplicht:
                self.fout(plaats, f"{wat}: '{sleutel}' ontbreekt.")
            return ""
        if not isinstance(waarde, str) or (verplicht and not waarde.strip()):
            self.fout((*plaats, sleutel), f"{wat}: '{sleutel}' moet een (niet-lege) tekst zijn.")
            return ""
        return waarde.strip()

    def getal(
        self, tabel: dict, plaats: tuple, sleutel: str, wat: str, verplicht=True
    ) -> float | None:
        waarde = tabel.get(sleutel)
        if waarde is None:
            if verplicht:
                self.fout(plaats, f"{wat}: '{sleutel}' ontbreekt.")
            return None
        if isinstance(waarde, bool) or not isinstance(waarde, int | float):
            self.fout((*plaats, sleutel), f"{wat}: '{sleutel}' moet een getal zijn.")
            return None
        waarde = float(waarde)
        if not np.isfinite(waarde):
            self.fout((*plaats, sleutel), f"{wat}: '{sleutel}' moet een eindig getal zijn.")
            return None
        return waarde

    def onbekend(self, tabel: dict, plaats: tuple, bekend: set[str], wat: str) -> None:
        for sleutel in tabel:
            if sleutel not in bekend:
                self.fout(
                    (*plaats, sleutel),
                    f"{wat}: onbekende sleutel '{sleutel}' (bekend: {', '.join(sorted(bekend))}).",
                )


_FUNCTIE_SLEUTELS = {"naam", *ORGANISATIE_PARAMETERS}
_INVOER_SLEUTELS = {
    "sleutel", "naam", "eenheid", "groep", "min", "max", "toelichting", "spreiding",
    "schatting_basis", "schatting_per_1000",
}
_TAAK_SLEUTELS = {
    "sleutel", "functie", "naam", "invoer", "uren", "uren_laag", "uren_hoog", "bron", "toelichting"
}
_CONTROLE_SLEUTELS = {"links", "rechts", "melding"}
_TOP_SLEUTELS = {"naam", "versie", "toelichting", "per_duizend", "functie", "invoer", "taak",
                 "controle"}


def parse_normenset(tekst: str, bestand: str = "normenset") -> Normenset:
    """Parse and fully validate a normenset from TOML text; raise InvoerFout with every problem."""
    try:
        doc = tomllib.loads(tekst)
    except tomllib.TOMLDecodeError as exc:
        raise InvoerFout([_toml_syntaxfout(str(exc), tekst)], bestand) from None
    c = _Controleur(_toml_regels(tekst))
    c.onbekend(doc, (), _TOP_SLEUTELS, "normenset")
    naam = c.tekst(doc, (), "naam", "normenset")
    versie = doc.get("versie")
    if isinstance(versie, int | float) and not isinstance(versie, bool):
        versie = str(versie)
    versie = c.tekst({"versie": versie}, (), "versie", "normenset")
    if len(naam) > MAX_NORMENSET_NAAM:
        c.fout(("naam",), f"normenset: de naam is {len(naam)} tekens lang; maximaal "
                          f"{MAX_NORMENSET_NAAM}.")
    if len(versie) > MAX_NORMENSET_VERSIE:
        c.fout(("versie",), f"normenset: de versie is {len(versie)} tekens lang; maximaal "
                            f"{MAX_NORMENSET_VERSIE}.")

    functies = _lees_functies(doc, c)
    invoer = _lees_invoer(doc, c)
    taken = _lees_taken(doc, c, {f.sleutel for f in functies}, {i.sleutel for i in invoer})
    controles = _lees_controles(doc, c, {i.sleutel for i in invoer})
    for f in functies:
        if not any(t.functie == f.sleutel for t in taken):
            c.fout(("functie", f.sleutel), f"functie '{f.sleutel}' heeft geen taken.")
    per_duizend = doc.get("per_duizend")
    if per_duizend is not None and per_duizend not in {i.sleutel for i in invoer}:
        c.fout(("per_duizend",), f"per_duizend: onbekende invoer '{per_duizend}'.")
    if c.problemen:
        raise InvoerFout(sorted(c.problemen, key=lambda p: p.regel or 0), bestand)
    return Normenset(
        naam=naam,
        versie=versie,
        functies=tuple(functies),
        invoer=tuple(invoer),
        taken=tuple(taken),
        controles=tuple(controles),
        toelichting=str(doc.get("toelichting", "")),
        per_duizend=per_duizend,
        bron_tekst=tekst,
    )


def _lees_functies(doc: dict, c: _Controleur) -> list[Functie]:
    tabel = doc.get("functie")
    if not isinstance(tabel, dict) or not tabel:
        c.fout((), "de normenset heeft geen [functie.…]-tabellen.")
        return []
    functies = []
    for sleutel, f in tabel.items():
        plaats = ("functie", sleutel)
        wat = f"functie '{sleutel}'"
        if not _SLEUTEL.match(sleutel):
            c.fout(plaats, f"{wat}: de sleutel mag alleen kleine letters, cijfers en _ bevatten.")
        if not isinstance(f, dict):
            c.fout(plaats, f"{wat} moet een tabel zijn.")
            continue
        c.onbekend(f, plaats, _FUNCTIE_SLEUTELS, wat)
        waarden = {p: c.getal(f, plaats, p, wat) for p in ORGANISATIE_PARAMETERS}
        naam = c.tekst(f, plaats, "naam", wat)
        if (v := waarden["contracturen_per_fte"]) is not None and not 0 < v <= 8784:
            c.fout((*plaats, "contracturen_per_fte"),
                   f"{wat}: contracturen_per_fte moet tussen 0 en 8784 (uren in een jaar) liggen.")
        for p in ("afwezigheid", "indirect"):
            if (v := waarden[p]) is not None and not 0 <= v < 1:
                c.fout((*plaats, p), f"{wat}: {p} is een aandeel en moet in [0, 1) liggen.")
        for p in ("leiding", "vast_fte"):
            if (v := waarden[p]) is not None and v < 0:
                c.fout((*plaats, p), f"{wat}: {p} mag niet negatief zijn.")
        if all(v is not None for v in waarden.values()):
            functies.append(Functie(sleutel=sleutel, naam=naam, **waarden))
    return functies


def _lijst(doc: dict, naam: str, c: _Controleur) -> list:
    lijst = doc.get(naam, [])
    if not isinstance(lijst, list) or not all(isinstance(x, dict) for x in lijst):
        c.fout((naam,), f"'{naam}' moet een lijst van [[{naam}]]-tabellen zijn.")
        return []
    return lijst


def _unieke_sleutel(item: dict, plaats: tuple, wat: str, gezien: set, c: _Controleur) -> str:
    sleutel = c.tekst(item, plaats, "sleutel", wat)
    if sleutel and not _SLEUTEL.match(sleutel):
        c.fout((*plaats, "sleutel"),
               f"{wat}: sleutel '{sleutel}' mag alleen kleine letters, cijfers en _ bevatten "
               "en moet met een letter beginnen.")
    if sleutel in gezien:
        c.fout((*plaats, "sleutel"), f"{wat}: sleutel '{sleutel}' komt dubbel voor.")
    gezien.add(sleutel)
    return sleutel


def _lees_invoer(doc: dict, c: _Controleur) -> list[Invoer]:
    lijst = _lijst(doc, "invoer", c)
    if not lijst:
        c.fout((), "de normenset heeft geen [[invoer]].")
    invoer, gezien = [], set()
    for n, item in enumerate(lijst):
        plaats = ("invoer", n)
        wat = f"invoer {n + 1}"
        c.onbekend(item, plaats, _INVOER_SLEUTELS, wat)
        sleutel = _unieke_sleutel(item, plaats, wat, gezien, c)
        wat = f"invoer '{sleutel}'" if sleutel else wat
        if sleutel in VASTE_KOLOMMEN or sleutel.startswith(("fte_", "bezetting_")):
            c.fout((*plaats, "sleutel"), f"{wat}: deze sleutel is gereserveerd.")
        naam = c.tekst(item, plaats, "naam", wat)
        eenheid = c.tekst(item, plaats, "eenheid", wat)
        groep = c.tekst(item, plaats, "groep", wat, verplicht=False) or "Overig"
        toelichting = c.tekst(item, plaats, "toelichting", wat, verplicht=False)
        lo = c.getal(item, plaats, "min", wat)
        hi = c.getal(item, plaats, "max", wat)
        if lo is not None and lo < 0:
            c.fout((*plaats, "min"), f"{wat}: min mag niet negatief zijn (volumes zijn ≥ 0).")
        if lo is not None and hi is not None and hi < lo:
            c.fout((*plaats, "max"), f"{wat}: max ({hi:g}) is kleiner dan min ({lo:g}).")
        spreiding = item.get("spreiding", "poisson")
        if spreiding not in SPREIDINGEN:
            c.fout((*plaats, "spreiding"),
                   f"{wat}: spreiding moet een van {', '.join(SPREIDINGEN)} zijn.")
        basis = item.get("schatting_basis")
        per_1000 = c.getal(item, plaats, "schatting_per_1000", wat, verplicht=False)
        if basis is not None and basis not in SCHATTING_BASES:
            c.fout((*plaats, "schatting_basis"),
                   f"{wat}: schatting_basis moet een van {', '.join(SCHATTING_BASES)} zijn.")
        if (basis is None) != (item.get("schatting_per_1000") is None):
            c.fout(plaats, f"{wat}: geef schatting_basis en schatting_per_1000 allebei of geen van "
                           "beide.")
        if per_1000 is not None and per_1000 < 0:
            c.fout((*plaats, "schatting_per_1000"), f"{wat}: schatting_per_1000 mag niet negatief "
                                                    "zijn.")
        if sleutel and naam and eenheid and lo is not None and hi is not None:
            invoer.append(Invoer(sleutel, naam, eenheid, groep, lo, hi, toelichting, spreiding,
                                 basis, per_1000))
    return invoer


def _lees_taken(doc: dict, c: _Controleur, functies: set[str], invoer: set[str]) -> list[Taak]:
    lijst = _lijst(doc, "taak", c)
    if not lijst:
        c.fout((), "de normenset heeft geen [[taak]].")
    taken, gezien = [], set()
    for n, item in enumerate(lijst):
        plaats = ("taak", n)
        wat = f"taak {n + 1}"
        c.onbekend(item, plaats, _TAAK_SLEUTELS, wat)
        sleutel = _unieke_sleutel(item, plaats, wat, gezien, c)
        wat = f"taak '{sleutel}'" if sleutel else wat
        functie = c.tekst(item, plaats, "functie", wat)
        if functie and functie not in functies:
            c.fout((*plaats, "functie"), f"{wat}: onbekende functie '{functie}'.")
        bron_invoer = c.tekst(item, plaats, "invoer", wat)
        if bron_invoer and bron_invoer not in invoer:
            c.fout((*plaats, "invoer"), f"{wat}: onbekende invoer '{bron_invoer}'.")
        naam = c.tekst(item, plaats, "naam", wat)
        uren = c.getal(item, plaats, "uren", wat)
        laag = c.getal(item, plaats, "uren_laag", wat, verplicht=False)
        hoog = c.getal(item, plaats, "uren_hoog", wat, verplicht=False)
        laag = uren if laag is None else laag
        hoog = uren if hoog is None else hoog
        for p, v in (("uren", uren), ("uren_laag", laag), ("uren_hoog", hoog)):
            if v is not None and v < 0:
                c.fout((*plaats, p), f"{wat}: {p} mag niet negatief zijn.")
        if None not in (uren, laag, hoog) and not laag <= uren <= hoog:
            c.fout((*plaats, "uren"), f"{wat}: er moet gelden uren_laag ≤ uren ≤ uren_hoog "
                                      f"(nu {laag:g} / {uren:g} / {hoog:g}).")
        bron = c.tekst(item, plaats, "bron", wat, verplicht=False) or "aanname"
        toelichting = c.tekst(item, plaats, "toelichting", wat, verplicht=False)
        if sleutel and functie and bron_invoer and naam and uren is not None:
            taken.append(Taak(sleutel, functie, naam, bron_invoer, uren, laag, hoog, bron,
                              toelichting))
    return taken


def _lees_controles(doc: dict, c: _Controleur, invoer: set[str]) -> list[Controle]:
    controles = []
    for n, item in enumerate(_lijst(doc, "controle", c)):
        plaats = ("controle", n)
        wat = f"controle {n + 1}"
        c.onbekend(item, plaats, _CONTROLE_SLEUTELS, wat)
        links = c.tekst(item, plaats, "links", wat)
        rechts = c.tekst(item, plaats, "rechts", wat)
        melding = c.tekst(item, plaats, "melding", wat)
        for p, v in (("links", links), ("rechts", rechts)):
            if v and v not in invoer:
                c.fout((*plaats, p), f"{wat}: onbekende invoer '{v}'.")
        if links and rechts and melding:
            controles.append(Controle(links, rechts, melding))
    return controles


def load_normenset(pad: str | Path | None = None) -> Normenset:
    """Read a normenset file; None gives the shipped default (standaard-2026)."""
    if pad is None:
        return standaard_normenset()
    pad = Path(pad)
    try:
        tekst = pad.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvoerFout([Probleem("bestand niet gevonden.")], str(pad)) from None
    except UnicodeDecodeError:
        raise InvoerFout([Probleem("het bestand is geen UTF-8-tekst.")], str(pad)) from None
    except OSError as exc:
        raise InvoerFout([Probleem(f"kan het bestand niet lezen ({exc.strerror}).")],
                         str(pad)) from None
    return parse_normenset(tekst, str(pad))


@lru_cache(maxsize=1)
def standaard_normenset() -> Normenset:
    """The default normenset shipped with the tool."""
    tekst = (NORMEN / STANDAARD_NORMENSET).read_text(encoding="utf-8")
    return parse_normenset(tekst, STANDAARD_NORMENSET)


# =============================================================================================
# Reference data (CBS, DUO)
# =============================================================================================

BRONVERMELDING = "Bron: CBS, DUO (CC BY 4.0)"


@dataclass(frozen=True)
class Referentie:
    """The 342 gemeenten (2024 indeling) with CBS population and DUO figures; arrays are (G,)."""

    gemeentecodes: tuple[str, ...]
    gemeentenamen: tuple[str, ...]
    inwoners: np.ndarray
    leeftijd_0_14: np.ndarray
    leeftijd_15_24: np.ndarray
    leeftijd_25_44: np.ndarray
    vestigingen_po: np.ndarray
    regio_per_gemeente: tuple[str, ...]  # MCxx
    regionamen: dict[str, str]  # MCxx → name

    @property
    def index(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.gemeentecodes)}

    def naam(self, code: str) -> str:
        return self.gemeentenamen[self.index[code]]

    def leden(self, regio: str) -> list[str]:
        return [c for c, r in zip(self.gemeentecodes, self.regio_per_gemeente, strict=True)
                if r == regio]


def _csv_rijen(naam: str) -> list[dict[str, str]]:
    with (DATA / naam).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def load_referentie() -> Referentie:
    """Read the shipped CBS/DUO files (see formatie/data/README.md)."""
    gemeenten = sorted(_csv_rijen("bevolking_leeftijd_gemeenten_2024.csv"),
                       key=lambda r: r["gemeentecode"])
    codes = tuple(r["gemeentecode"] for r in gemeenten)
    index = {c: i for i, c in enumerate(codes)}

    def kolom(naam: str) -> np.ndarray:
        return np.array([float(r[naam]) for r in gemeenten])

    vestigingen = np.zeros(len(codes))
    for r in _csv_rijen("duo_leerlingen_po_per_gemeente.csv"):
        vestigingen[index[r["gemeentecode"]]] += float(r["vestigingen_met_leerlingen_2025"])
    regio = {r["gemeentecode"]: r["rmc_statcode"] for r in _csv_rijen("gemeente_rmc_regio.csv")}
    regionamen = {r["rmc_statcode"]: r["rmc_naam"]
                  for r in sorted(_csv_rijen("rmc_regios.csv"), key=lambda r: r["rmc_statcode"])}
    return Referentie(
        gemeentecodes=codes,
        gemeentenamen=tuple(r["gemeentenaam"] for r in gemeenten),
        inwoners=kolom("inwoners_totaal"),
        leeftijd_0_14=kolom("leeftijd_0_14"),
        leeftijd_15_24=kolom("leeftijd_15_24"),
        leeftijd_25_44=kolom("leeftijd_25_44"),
        vestigingen_po=vestigingen,
        regio_per_gemeente=tuple(regio[c] for c in codes),
        regionamen=regionamen,
    )


# =============================================================================================
# Invoer (CSV)
# =============================================================================================


@dataclass(frozen=True)
class InvoerTabel:
    """Invoer for some gemeenten: ``volume`` is (G, I) in the normenset's invoer order."""

    gemeentecodes: tuple[str, ...]
    jaren: tuple[int | None, ...]
    volume: np.ndarray
    regels: tuple[int, ...] = ()  # line in the source file per row
    extra: dict[str, np.ndarray] | None = None  # extra numeric columns asked for, (G,) each


def normaliseer_gemeentecode(tekst: str) -> str | None:
    """``363``, ``0363`` and ``GM0363`` → ``0363``; anything else → None."""
    m = _GEMEENTECODE.match(tekst.strip())
    return m.group(1).zfill(4) if m else None


def _decodeer(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Dutch Excel saves "CSV (gescheiden door lijstscheidingsteken)" as Windows-1252.
        return data.decode("cp1252", errors="replace")


def read_invoer_csv(
    bron: str | Path | bytes,
    normenset: Normenset,
    *,
    ontbrekend_is_nul: bool = False,
    extra_kolommen: tuple[str, ...] = (),
    bestand: str | None = None,
) -> InvoerTabel:
    """Read an invoer CSV (a path, or the raw bytes of an upload).

    ``,``-separated files use a decimal point; ``;``-separated files (Dutch Excel) a decimal
    comma. Rows whose invoer cells are all empty (unfilled template rows) are skipped.
    ``extra_kolommen`` are further numeric columns the caller needs (e.g. ``fte_leerplicht``).
    """
    if isinstance(bron, bytes):
        data, bestand = bron, bestand or "invoer"
    else:
        bestand = bestand or str(bron)
        try:
            data = Path(bron).read_bytes()
        except FileNotFoundError:
            raise InvoerFout([Probleem("bestand niet gevonden.")], bestand) from None
        except OSError as exc:
            raise InvoerFout([Probleem(f"kan het bestand niet lezen ({exc.strerror}).")],
                             bestand) from None
    tekst = _decodeer(data)
    if "\x00" in tekst:
        raise InvoerFout([Probleem("dit is geen tekstbestand (CSV).")], bestand)
    eerste = tekst.lstrip().split("\n", 1)[0]
    if not eerste.strip():
        raise InvoerFout([Probleem("het bestand is leeg.")], bestand)
    scheiding = ";" if eerste.count(";") > eerste.count(",") else ","
    decimaal = "," if scheiding == ";" else "."
    lezer = csv.reader(io.StringIO(tekst), delimiter=scheiding)
    problemen: list[Probleem] = []
    kop: list[str] = []
    for cellen in _csv_rijen_veilig(lezer, bestand):
        if any(c.strip() for c in cellen):
            kop = [k.strip() for k in cellen]
            break
    kop_regel = lezer.line_num

    sleutels = normenset.invoer_sleutels
    bekend = set(VASTE_KOLOMMEN) | set(sleutels) | set(extra_kolommen)
    for k in kop:
        if k not in bekend:
            problemen.append(Probleem(
                f"onbekende kolom '{k}'. Verwacht: gemeentecode, jaar (optioneel) en de invoer van "
                f"normenset {normenset.label}.", kop_regel))
    dubbel = {k for k in kop if kop.count(k) > 1}
    problemen += [Probleem(f"kolom '{k}' komt dubbel voor.", kop_regel) for k in sorted(dubbel)]
    if "gemeentecode" not in kop:
        problemen.append(Probleem("kolom 'gemeentecode' ontbreekt.", kop_regel))
    ontbrekend = [s for s in sleutels if s not in kop]
    if ontbrekend and not ontbrekend_is_nul:
        problemen.append(Probleem(
            "ontbrekende invoerkolommen: " + ", ".join(ontbrekend)
            + ". Voeg ze toe, of geef --ontbrekend-is-nul om ze als 0 te tellen.", kop_regel))
    problemen += [Probleem(f"kolom '{k}' ontbreekt.", kop_regel)
                  for k in extra_kolommen if k not in kop]
    if problemen:
        raise InvoerFout(problemen, bestand)

    referentie = load_referentie()
    invoer_def = {i.sleutel: i for i in normenset.invoer}
    codes: list[str] = []
    jaren: list[int | None] = []
    rijen: list[list[float]] = []
    extra: list[list[float]] = []
    regelnummers: list[int] = []
    gezien: dict[tuple[str, int | None], int] = {}
    for cellen in _csv_rijen_veilig(lezer, bestand):
        regel = lezer.line_num
        if not any(c.strip() for c in cellen):
            continue
        if len(cellen) != len(kop):
            problemen.append(Probleem(
                f"{len(cellen)} cellen, maar de kopregel heeft {len(kop)} kolommen.", regel))
            continue
        rij = dict(zip(kop, cellen, strict=True))
        if not any(rij.get(s, "").strip() for s in sleutels if s in rij) and not any(
            rij[k].strip() for k in extra_kolommen
        ):
            continue  # an unfilled template row
        code = normaliseer_gemeentecode(rij["gemeentecode"])
        if code is None or code not in referentie.index:
            problemen.append(Probleem(
                f"onbekende gemeentecode '{rij['gemeentecode'].strip()}' (verwacht 4 cijfers uit "
                "de gemeentelijke indeling, bijvoorbeeld 0363).", regel, "gemeentecode"))
            continue
        jaar = None
        if rij.get("jaar", "").strip():
            try:
                jaar = int(rij["jaar"].strip())
                if not 2000 <= jaar <= 2100:
                    raise ValueError
            except ValueError:
                problemen.append(Probleem(f"'{rij['jaar'].strip()}' is geen geldig jaar.", regel,
                                          "jaar"))
                continue
        if (code, jaar) in gezien:
            problemen.append(Probleem(
                f"gemeente {code} ({referentie.naam(code)}) staat dubbel in het bestand "
                f"(ook op regel {gezien[code, jaar]}).", regel, "gemeentecode"))
            continue
        gezien[code, jaar] = regel
        waarden = []
        for s in sleutels:
            waarde = _cel(rij.get(s), invoer_def[s], decimaal, ontbrekend_is_nul, regel, problemen)
            waarden.append(waarde)
        for controle in normenset.geschonden_controles(dict(zip(sleutels, waarden, strict=True))):
            problemen.append(Probleem(controle.melding, regel, controle.links))
        waarden = [0.0 if w is None else w for w in waarden]
        extra_waarden = []
        for k in extra_kolommen:
            try:
                w = parse_getal(rij[k], decimaal)
            except GetalFout as exc:
                problemen.append(Probleem(str(exc), regel, k))
                continue
            if w is None or w < 0:
                problemen.append(Probleem("vul een getal van 0 of meer in.", regel, k))
                continue
            extra_waarden.append(w)
        codes.append(code)
        jaren.append(jaar)
        rijen.append(waarden)
        extra.append(extra_waarden)
        regelnummers.append(regel)
    if not problemen and not codes:
        problemen.append(Probleem("het bestand bevat geen gemeenten met gegevens."))
    if problemen:
        raise InvoerFout(problemen, bestand)
    return InvoerTabel(
        gemeentecodes=tuple(codes),
        jaren=tuple(jaren),
        volume=np.array(rijen, dtype=float).reshape(len(codes), len(sleutels)),
        regels=tuple(regelnummers),
        extra={k: np.array([e[j] for e in extra]) for j, k in enumerate(extra_kolommen)},
    )


def _csv_rijen_veilig(lezer, bestand: str):
    """Rows of a csv.reader; a malformed file becomes an InvoerFout with its line."""
    while True:
        try:
            yield next(lezer)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvoerFout([Probleem(f"het bestand is geen geldige CSV ({exc}).",
                                       lezer.line_num)], bestand) from None


def _cel(
    tekst: str | None,
    invoer: Invoer,
    decimaal: str,
    ontbrekend_is_nul: bool,
    regel: int,
    problemen: list[Probleem],
) -> float | None:
    """One invoer cell, parsed and checked against min/max. A problem is appended and None
    returned when the cell is not usable (so cross-field checks skip it)."""
    if tekst is None or not tekst.strip():
        if not ontbrekend_is_nul:
            problemen.append(Probleem(
                "lege cel. Vul een getal in (0 als er niets was), of geef --ontbrekend-is-nul.",
                regel, invoer.sleutel))
            return None
        return 0.0
    try:
        waarde = parse_getal(tekst, decimaal)
    except GetalFout as exc:
        problemen.append(Probleem(str(exc), regel, invoer.sleutel))
        return None
    assert waarde is not None
    if waarde < invoer.min:
        problemen.append(Probleem(
            f"{tekst.strip()} is kleiner dan het minimum {invoer.min:g}.", regel, invoer.sleutel))
        return None
    if waarde > invoer.max:
        problemen.append(Probleem(
            f"{tekst.strip()} is groter dan het maximum {invoer.max:g} ({invoer.eenheid}).",
            regel, invoer.sleutel))
        return None
    return waarde


# =============================================================================================
# Scenario workbooks (xlsx)
# =============================================================================================
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

_WERKBOEK_SOORT = "Formatietool scenariowerkboek"
_WERKBOEK_FORMAAT = "1"
_VERPLICHTE_BLADEN = ("Toelichting", "Invoer", "Normen")
_TAAK_KOLOMMEN = ("taak", "functie", "invoer", "uren", "uren_laag", "uren_hoog", "bron")
_HERKOMST_NAMEN = ("formatie_werkboek", "formatie_formaat", "formatie_versie", "normenset_naam",
                   "normenset_versie", "export_tijd")


@dataclass(frozen=True)
class CelProbleem(Probleem):
    """A problem in a workbook: sheet and cell (``regel`` is the Excel row number)."""

    blad: str | None = None
    cel: str | None = None

    def tekst(self, bestand: str | None = None) -> str:
        plaats = [p for p in (bestand, self.blad and f"blad '{self.blad}'",
                              self.cel and f"cel {self.cel}") if p]
        if self.kolom:
            plaats.append(f"kolom '{self.kolom}'")
        return (", ".join(plaats) + ": " if plaats else "") + self.bericht


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
    if "Toelichting" not in bladen:
        raise stop(vreemd)
    ontbrekend = [b for b in _VERPLICHTE_BLADEN if b not in bladen]
    if ontbrekend:
        raise stop("het werkboek mist de bladen " + ", ".join(f"'{b}'" for b in ontbrekend)
                   + ". Verwijder of hernoem geen bladen.")
    cellen = {b: _blad_cellen(wb[b]) for b in _VERPLICHTE_BLADEN}

    herkomst: dict[str, str] = {}
    for naam in _HERKOMST_NAMEN:
        plaats = _naam_cel(wb, naam)
        if plaats is None or plaats[0] not in cellen:
            continue
        waarde = cellen[plaats[0]].get((plaats[1], plaats[2]))
        if waarde is not None:
            herkomst[naam] = str(waarde)
    if herkomst.get("formatie_werkboek") != _WERKBOEK_SOORT:
        raise stop(vreemd)
    if herkomst.get("formatie_formaat") != _WERKBOEK_FORMAAT:
        raise stop(f"dit werkboek heeft formaat {herkomst.get('formatie_formaat', '?')}; deze "
                   f"versie van de tool leest formaat {_WERKBOEK_FORMAAT}. Download een nieuw "
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
    invoer = _lees_invoer_blad(cellen["Invoer"], basis, problemen)
    normenset_nieuw, wijzigingen = _lees_normen_blad(wb, cellen, basis, problemen, opmerkingen)
    bezetting = (_lees_bezetting(_blad_cellen(wb["Resultaat"]), basis, problemen)
                 if "Resultaat" in bladen else {})
    if problemen:
        raise InvoerFout(problemen, bestand)
    assert invoer is not None and normenset_nieuw is not None
    return Werkboek(invoer=invoer, normenset=normenset_nieuw, basis=basis,
                    normwijzigingen=tuple(wijzigingen), herkomst=herkomst,
                    opmerkingen=tuple(opmerkingen), bezetting=bezetting)


def _lees_bezetting(cellen: dict, n: Normenset, problemen: list[Probleem]
                    ) -> dict[str, dict[str, float]]:
    """The optional ``bezetting_<functie>`` columns of Resultaat (empty cells = unknown)."""
    blad = "Resultaat"
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
            if waarde is not None and not 0 <= waarde <= MAX_BEZETTING_FTE:
                bericht = ("de bezetting mag niet negatief zijn." if waarde < 0 else
                           f"de bezetting ({waarde:g} fte) is groter dan het maximum "
                           f"{MAX_BEZETTING_FTE:g} fte.")
                problemen.append(CelProbleem(bericht, rij, f"bezetting_{functie}", blad,
                                             f"{_kolomletter(kolom)}{rij}"))
            elif waarde is not None:
                bezetting.setdefault(code, {})[functie] = waarde
    return bezetting


def _lees_invoer_blad(cellen: dict, n: Normenset, problemen: list[Probleem]
                      ) -> InvoerTabel | None:
    blad = "Invoer"
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

    blad = "Normen"
    normcellen = cellen[blad]
    aantal_fouten = len(problemen)
    gevonden = _sleutelrij(normcellen, "taak")
    if gevonden is None:
        problemen.append(CelProbleem("de sleutelrij met 'taak', 'uren' … ontbreekt in de eerste "
                                     "vijf rijen.", blad=blad))
        return None, []
    sleutelrij, kolommen = gevonden
    ontbrekend = [k for k in _TAAK_KOLOMMEN if k not in kolommen]
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
            if waarde is not None and waarde < 0:
                problemen.append(CelProbleem(f"taak '{sleutel}': {veld} mag niet negatief zijn.",
                                             rij, veld, blad, f"{_kolomletter(kolom)}{rij}"))
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
            fout = None
            if p == "contracturen_per_fte" and not 0 < waarde <= 8784:
                fout = "contracturen_per_fte moet tussen 0 en 8784 (uren in een jaar) liggen."
            elif p in ("afwezigheid", "indirect") and not 0 <= waarde < 1:
                fout = f"{p} is een aandeel en moet tussen 0 % en 100 % (niet inbegrepen) liggen."
            elif p in ("leiding", "vast_fte") and waarde < 0:
                fout = f"{p} mag niet negatief zijn."
            if fout:
                problemen.append(CelProbleem(f"functie '{fn.sleutel}': {fout}", r, p, blad, cel))
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
    nieuw = replace(nieuw, versie=afgeleide_versie(basis.versie, "-excel"))
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
                wijzigingen.append(Wijziging("Invoer", None if rij is None else f"rij {rij}",
                                             code, sleutel, vorige, waarde))
    return wijzigingen
