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
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from .getallen import GetalFout, parse_getal
from .normenset import (
    ORGANISATIE_PARAMETERS,
    SCHATTING_BASES,
    SPREIDINGEN,
    Controle,
    Functie,
    Invoer,
    Normenset,
    Taak,
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
        m = re.search(r"line (\d+)", str(exc))
        raise InvoerFout(
            [Probleem(f"geen geldige TOML ({exc}).", int(m.group(1)) if m else None)], bestand
        ) from None
    c = _Controleur(_toml_regels(tekst))
    c.onbekend(doc, (), _TOP_SLEUTELS, "normenset")
    naam = c.tekst(doc, (), "naam", "normenset")
    versie = doc.get("versie")
    if isinstance(versie, int | float) and not isinstance(versie, bool):
        versie = str(versie)
    versie = c.tekst({"versie": versie}, (), "versie", "normenset")

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
) -> float:
    """One invoer cell: parsed and checked against min/max; problems are appended."""
    if tekst is None or not tekst.strip():
        if not ontbrekend_is_nul:
            problemen.append(Probleem(
                "lege cel. Vul een getal in (0 als er niets was), of geef --ontbrekend-is-nul.",
                regel, invoer.sleutel))
        return 0.0
    try:
        waarde = parse_getal(tekst, decimaal)
    except GetalFout as exc:
        problemen.append(Probleem(str(exc), regel, invoer.sleutel))
        return 0.0
    assert waarde is not None
    if waarde < invoer.min:
        problemen.append(Probleem(
            f"{tekst.strip()} is kleiner dan het minimum {invoer.min:g}.", regel, invoer.sleutel))
    elif waarde > invoer.max:
        problemen.append(Probleem(
            f"{tekst.strip()} is groter dan het maximum {invoer.max:g} ({invoer.eenheid}).",
            regel, invoer.sleutel))
    return waarde
