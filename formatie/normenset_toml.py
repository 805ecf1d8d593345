"""The normenset file format (TOML): reading with full validation, and the shipped default.

Every problem is reported with its line, in Dutch (:class:`~formatie.problemen.InvoerFout`).
Writing a normenset back as TOML is :func:`formatie.normenset.normenset_als_toml`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from .gegevenscache import bewaard
from .getallen import format_invoer, format_telling
from .normenset import (
    MAX_NORMENSET_NAAM,
    MAX_NORMENSET_VERSIE,
    ORGANISATIE_PARAMETERS,
    ORGANISATIE_STANDAARD,
    SCHATTING_BASES,
    SPREIDINGEN,
    STANDAARD_BRON,
    Controle,
    Functie,
    Invoer,
    Normenset,
    Taak,
)
from .parameters import KOSTEN_PARAMETERS, melding
from .problemen import InvoerFout, Probleem
from .tekst import STUURTEKEN_MELDING, heeft_stuurteken, zichtbaar

NORMEN = Path(__file__).parent / "normen"
#: The default (2026.3). The earlier defaults (2026.2, 2026.1) stay shipped: stored
#: invoer and scenarios may refer to it, and ``flask init`` leaves it in the database.
STANDAARD_NORMENSET = "standaard-2026-3.toml"

#: Columns of an invoer CSV that are not invoer sleutels (so no invoer may use them).
VASTE_KOLOMMEN = ("gemeentecode", "gemeentenaam", "jaar")
#: Names no invoer sleutel may take, because something else already uses them under the same
#: name: the CSV's fixed columns; the web invoer form's own fields and attributes (each invoer
#: becomes a form field named by its sleutel: ``version`` would overwrite the optimistic lock,
#: ``meta``/``csrf_token``/``validate`` … break every save); the audit trail's extra fields
#: (``status``, ``normenset``) and the form's record of prefilled estimates (``geschat``).
#: tests/web/test_invoer.py checks the form part against the form.
GERESERVEERDE_SLEUTELS = frozenset({
    *VASTE_KOLOMMEN,
    "meta", "csrf_token", "version", "concept", "indienen", "normenset", "status", "geschat",
    "data", "errors", "form_errors", "process", "post_process", "populate_obj", "hidden_tag",
    "is_submitted",
    "validate", "validate_on_submit", "validate_invoer", "getalvelden", "invoervelden",
    "bezettingvelden", "groepen", "fouten", "invoer_waarden", "bezetting_waarden", "vul",
    "rekenfout", "team_functies",
})
#: Prefixes no invoer sleutel may start with (CSV columns ``fte_<functie>``, form fields
#: ``bezetting_<functie>``, the audit trail's ``herkomst_<invoer>``).
GERESERVEERDE_VOORVOEGSELS = ("fte_", "bezetting_", "herkomst_")
#: Deepest nesting (arrays, inline tables) tomllib may recurse into before we call it hostile;
#: a normenset needs 2. Python's recursion limit would stop it with a RecursionError.
MAX_TOML_DIEPTE = 50
#: Longest normenset text (characters); the shipped one has ~32,000.
MAX_TOML_TEKENS = 2_000_000
_SLEUTEL = re.compile(r"^[a-z][a-z0-9_]{0,62}$")




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
        if heeft_stuurteken(waarde):  # ESC, BEL …: they would reach a terminal or page raw
            self.fout((*plaats, sleutel), f"{wat}: '{sleutel}' {STUURTEKEN_MELDING}")
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
        try:
            waarde = float(waarde)
        except OverflowError:  # an integer with hundreds of digits
            waarde = float("inf")
        if not np.isfinite(waarde):
            self.fout((*plaats, sleutel), f"{wat}: '{sleutel}' moet een eindig getal zijn.")
            return None
        return waarde

    def onbekend(self, tabel: dict, plaats: tuple, bekend: set[str], wat: str) -> None:
        for sleutel in tabel:
            if sleutel not in bekend:
                self.fout(
                    (*plaats, sleutel),
                    f"{wat}: onbekende sleutel '{zichtbaar(sleutel)}' (bekend: "
                    f"{', '.join(sorted(bekend))}).",
                )


#: Provenance sub-tables of a functie: ``[functie.<sleutel>.bron]`` and
#: ``[functie.<sleutel>.toelichting]``, each keyed by organisation parameter (text values).
FUNCTIE_HERKOMST = ("bron", "toelichting")
_FUNCTIE_SLEUTELS = {"naam", *ORGANISATIE_PARAMETERS, *FUNCTIE_HERKOMST}
_INVOER_SLEUTELS = {
    "sleutel", "naam", "eenheid", "groep", "min", "max", "toelichting", "spreiding",
    "schatting_basis", "schatting_per_1000",
}
_TAAK_SLEUTELS = {
    "sleutel", "functie", "naam", "invoer", "uren", "uren_laag", "uren_hoog", "bron", "toelichting"
}
_CONTROLE_SLEUTELS = {"links", "rechts", "melding"}
#: Provenance of the whole set: school years it is meant for, and the set it was derived from.
NORMENSET_HERKOMST = ("geldig_vanaf", "geldig_tot", "afgeleid_van")
_TOP_SLEUTELS = {"naam", "versie", "toelichting", "per_duizend", "functie", "invoer", "taak",
                 "controle", *NORMENSET_HERKOMST}
#: A school year as written in a normenset: "2026/2027" (the second year follows the first).
_SCHOOLJAAR = re.compile(r"^(\d{4})/(\d{4})$")


def _lees_herkomst(doc: dict, c: _Controleur) -> dict[str, str | None]:
    """``geldig_vanaf``/``geldig_tot`` (school years, vanaf ≤ tot) and ``afgeleid_van``."""
    uit: dict[str, str | None] = {}
    for sleutel in NORMENSET_HERKOMST:
        uit[sleutel] = c.tekst(doc, (), sleutel, "normenset", verplicht=False) or None
    jaren = {}
    for sleutel in ("geldig_vanaf", "geldig_tot"):
        waarde = uit[sleutel]
        if waarde is None:
            continue
        m = _SCHOOLJAAR.match(waarde)
        if not m or int(m.group(2)) != int(m.group(1)) + 1:
            c.fout((sleutel,), f"normenset: {sleutel} moet een schooljaar zijn zoals "
                               f"\"2026/2027\" (nu \"{waarde}\").")
            continue
        jaren[sleutel] = int(m.group(1))
    if len(jaren) == 2 and jaren["geldig_tot"] < jaren["geldig_vanaf"]:
        c.fout(("geldig_tot",), f"normenset: geldig_tot ({uit['geldig_tot']}) ligt vóór "
                                f"geldig_vanaf ({uit['geldig_vanaf']}).")
    return uit


_BASIS_STRING_EIND = re.compile(r'(?:[^"\\\n]|\\[^\n]?)*("|\n|$)')
_TOML_TEKEN = re.compile(r"\"\"\"|'''|[\"'#\[\]{}\n]")


def _toml_diepte(tekst: str, grens: int) -> tuple[int, int]:
    """(deepest nesting of [ and { in values, its line), skipping strings and comments; the
    scan stops as soon as the nesting passes ``grens``.

    A linear scan without recursion (a regex jumps from one bracket, quote, # or newline to the
    next; ``str.find`` skips strings and comments), so text nested 5,000 deep is refused before
    tomllib recurses into it. Table headers (``[taak]``, ``[[taak]]``) count as 1–2.
    """
    diepte = hoogste = 0
    regel = plaats = 1
    i, n = 0, len(tekst)
    while (m := _TOML_TEKEN.search(tekst, i)) is not None:
        t, i = m.group(), m.end()
        if t == "\n":
            regel += 1
        elif t == "#":
            j = tekst.find("\n", i)
            i = n if j < 0 else j
        elif t in ("'", "'''", '"""'):  # literal strings: no escapes
            j = tekst.find(t, i)
            j = n if j < 0 else j
            regel += tekst.count("\n", i, j)
            i = j + len(t)
        elif t == '"':  # basic string: up to an unescaped quote, or the end of the line
            e = _BASIS_STRING_EIND.match(tekst, i)
            i = e.end()
            if e.group(1) == "\n":
                regel += 1
        elif t in "[{":
            diepte += 1
            if diepte > hoogste:
                hoogste, plaats = diepte, regel
                if hoogste > grens:
                    break
        else:
            diepte = max(0, diepte - 1)
    return hoogste, plaats


def _laad_toml(tekst: str, bestand: str) -> dict:
    """``tomllib.loads`` behind a guard: nesting deeper than :data:`MAX_TOML_DIEPTE` and
    integers longer than Python converts (4,300 digits: ValueError) are refused in Dutch, as
    is a RecursionError should the scan miss a way to nest."""
    import tomllib  # here, not at start-up: the CLI reads its parsed data from gegevenscache

    fout = None
    if len(tekst) > MAX_TOML_TEKENS:
        fout = Probleem(f"de normenset is te lang ({format_telling(len(tekst))} tekens; "
                        f"maximaal {format_telling(MAX_TOML_TEKENS)}).")
    elif (diepte := _toml_diepte(tekst, MAX_TOML_DIEPTE))[0] > MAX_TOML_DIEPTE:
        fout = Probleem(f"de waarden zijn meer dan {MAX_TOML_DIEPTE} lagen diep genest.",
                        diepte[1])
    else:
        try:
            return tomllib.loads(tekst)
        except tomllib.TOMLDecodeError as exc:
            fout = _toml_syntaxfout(str(exc), tekst)
        except RecursionError:
            fout = Probleem(f"de waarden zijn meer dan {MAX_TOML_DIEPTE} lagen diep genest.")
        except ValueError:  # int(): "Exceeds the limit (4300 digits) for integer string …"
            fout = Probleem("een getal heeft te veel cijfers.")
    raise InvoerFout([fout], bestand)


def parse_normenset(tekst: str, bestand: str = "normenset") -> Normenset:
    """Parse and fully validate a normenset from TOML text; raise InvoerFout with every problem."""
    doc = _laad_toml(tekst, bestand)
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
    # No text holds a control character (_Controleur.tekst: TOML's \u001b lets any through, and
    # `formatie normen` or a page would show it raw); naam and versie are stored in their own
    # columns and shown on one line, so they hold no tab or line break either.
    for sleutel, waarde in (("naam", naam), ("versie", versie)):
        if heeft_stuurteken(waarde, meerdere_regels=False):
            c.fout((sleutel,), f"normenset: de {sleutel} {STUURTEKEN_MELDING}")

    toelichting = c.tekst(doc, (), "toelichting", "normenset", verplicht=False)
    herkomst = _lees_herkomst(doc, c)
    functies = _lees_functies(doc, c)
    invoer = _lees_invoer(doc, c)
    taken = _lees_taken(doc, c, {f.sleutel for f in functies}, {i.sleutel for i in invoer})
    controles = _lees_controles(doc, c, {i.sleutel for i in invoer})
    for f in functies:
        if not any(t.functie == f.sleutel for t in taken):
            c.fout(("functie", f.sleutel), f"functie '{f.sleutel}' heeft geen taken.")
    per_duizend = doc.get("per_duizend")
    if per_duizend is not None and (not isinstance(per_duizend, str)
                                    or per_duizend not in {i.sleutel for i in invoer}):
        c.fout(("per_duizend",),
               f"per_duizend: onbekende invoer '{zichtbaar(str(per_duizend))[:60]}'.")
    if c.problemen:
        raise InvoerFout(sorted(c.problemen, key=lambda p: p.regel or 0), bestand)
    return Normenset(
        naam=naam,
        versie=versie,
        functies=tuple(functies),
        invoer=tuple(invoer),
        taken=tuple(taken),
        controles=tuple(controles),
        toelichting=toelichting,
        per_duizend=per_duizend,
        **herkomst,
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
        wat = f"functie '{zichtbaar(sleutel)}'"
        if not _SLEUTEL.match(sleutel):
            c.fout(plaats, f"{wat}: de sleutel mag alleen kleine letters, cijfers en _ bevatten.")
        if not isinstance(f, dict):
            c.fout(plaats, f"{wat} moet een tabel zijn.")
            continue
        c.onbekend(f, plaats, _FUNCTIE_SLEUTELS, wat)
        waarden = {p: c.getal(f, plaats, p, wat, verplicht=p not in ORGANISATIE_STANDAARD)
                   for p in ORGANISATIE_PARAMETERS}
        waarden.update({p: v for p, v in ORGANISATIE_STANDAARD.items()
                        if waarden[p] is None and p not in f})
        naam = c.tekst(f, plaats, "naam", wat)
        for p, v in waarden.items():
            if v is not None and (bericht := melding(p, v, f"{wat}: {p}")):
                c.fout((*plaats, p), bericht)
        herkomst = {soort: _lees_parameterteksten(f, plaats, soort, wat, c)
                     for soort in FUNCTIE_HERKOMST}
        # a cost parameter left out takes the tool's default, and says so in its bron
        bronnen = dict(herkomst["bron"])
        bronnen.update({p: STANDAARD_BRON for p in KOSTEN_PARAMETERS
                        if p not in f and p not in bronnen})
        herkomst["bron"] = tuple((p, bronnen[p]) for p in ORGANISATIE_PARAMETERS if p in bronnen)
        if all(v is not None for v in waarden.values()):
            functies.append(Functie(sleutel=sleutel, naam=naam, **waarden,
                                    bronnen=herkomst["bron"],
                                    toelichtingen=herkomst["toelichting"]))
    return functies


def _lees_parameterteksten(f: dict, plaats: tuple, soort: str, wat: str, c: _Controleur
                           ) -> tuple[tuple[str, str], ...]:
    """``[functie.<sleutel>.<soort>]``: a text per organisation parameter, in
    ORGANISATIE_PARAMETERS order (so writing and reading back gives an equal tuple)."""
    tabel = f.get(soort)
    if tabel is None:
        return ()
    if not isinstance(tabel, dict):
        c.fout((*plaats, soort), f"{wat}: '{soort}' moet een tabel [functie.<sleutel>.{soort}] "
                                 "zijn met een tekst per organisatieparameter.")
        return ()
    c.onbekend(tabel, (*plaats, soort), set(ORGANISATIE_PARAMETERS), f"{wat}: {soort}")
    teksten = {p: c.tekst(tabel, (*plaats, soort), p, f"{wat}: {soort}", verplicht=False)
               for p in ORGANISATIE_PARAMETERS}
    return tuple((p, t) for p, t in teksten.items() if t)


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
        if sleutel in GERESERVEERDE_SLEUTELS or sleutel.startswith(GERESERVEERDE_VOORVOEGSELS):
            c.fout((*plaats, "sleutel"), f"{wat}: deze sleutel is gereserveerd.")
        naam = c.tekst(item, plaats, "naam", wat)
        eenheid = c.tekst(item, plaats, "eenheid", wat)
        groep = c.tekst(item, plaats, "groep", wat, verplicht=False) or "Overig"
        toelichting = c.tekst(item, plaats, "toelichting", wat, verplicht=False)
        lo = c.getal(item, plaats, "min", wat)
        hi = c.getal(item, plaats, "max", wat)
        for grens, v in (("min", lo), ("max", hi)):
            if v is not None and (bericht := melding("invoer", v, f"{wat}: {grens}")):
                c.fout((*plaats, grens), bericht)
        if lo is not None and hi is not None and hi < lo:
            c.fout((*plaats, "max"), f"{wat}: max ({format_invoer(hi)}) is kleiner dan min "
                                     f"({format_invoer(lo)}).")
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
        if per_1000 is not None and (bericht := melding(
                "schatting_per_1000", per_1000, f"{wat}: schatting_per_1000")):
            c.fout((*plaats, "schatting_per_1000"), bericht)
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
            if v is not None and (bericht := melding(p, v, f"{wat}: {p}")):
                c.fout((*plaats, p), bericht)
        if None not in (uren, laag, hoog) and not laag <= uren <= hoog:
            c.fout((*plaats, "uren"), f"{wat}: er moet gelden uren_laag ≤ uren ≤ uren_hoog "
                                      f"(nu {format_invoer(laag)} / {format_invoer(uren)} / "
                                      f"{format_invoer(hoog)}).")
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
    """Read a normenset file; None gives the shipped default (:data:`STANDAARD_NORMENSET`)."""
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
    """The default normenset shipped with the tool, parsed once per version of the package
    (:func:`formatie.gegevenscache.bewaard`)."""
    return bewaard("standaard_normenset", _lees_standaard_normenset)


def _lees_standaard_normenset() -> Normenset:
    tekst = (NORMEN / STANDAARD_NORMENSET).read_text(encoding="utf-8")
    return parse_normenset(tekst, STANDAARD_NORMENSET)


@lru_cache(maxsize=1)
def meegeleverde_normensets() -> tuple[tuple[Normenset, str], ...]:
    """Every normenset shipped with the tool (formatie/normen/*.toml) with its file name, the
    default first."""
    namen = sorted((p.name for p in NORMEN.iterdir() if p.name.endswith(".toml")),
                   key=lambda naam: naam != STANDAARD_NORMENSET)
    return tuple((standaard_normenset() if naam == STANDAARD_NORMENSET
                  else parse_normenset((NORMEN / naam).read_text(encoding="utf-8"), naam), naam)
                 for naam in namen)
