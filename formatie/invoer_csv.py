"""Reading an invoer CSV: one row per gemeente, one column per invoer sleutel.

Comma-separated with a decimal point, or semicolon-separated with a decimal comma (what Dutch
Excel writes); every problem is reported with its line and column.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .getallen import GetalFout, _kort, format_telling, parse_getal
from .normenset import Invoer, Normenset
from .normenset_toml import VASTE_KOLOMMEN
from .parameters import JAAR, geldig_jaar, melding, melding_voor
from .problemen import InvoerFout, Probleem
from .referentie import load_referentie

_GEMEENTECODE = re.compile(r"^(?:GM)?(\d{1,4})$", re.IGNORECASE)
#: Most columns a CSV may have: far above any normenset (gemeentecode, jaar, the invoer and
#: fte_<functie>: ~40 for the default), far below what makes the header check costly.
MAX_KOLOMMEN = 1_000


def _toets_kopbreedte(kop: list[str], regel: int, bestand: str) -> None:
    """Refuse a header of more than :data:`MAX_KOLOMMEN` columns (line ``regel``)."""
    if len(kop) > MAX_KOLOMMEN:
        raise InvoerFout([Probleem(f"de kopregel heeft {format_telling(len(kop))} kolommen; "
                                   f"maximaal {format_telling(MAX_KOLOMMEN)}.", regel)], bestand)


@dataclass(frozen=True)
class InvoerTabel:
    """Invoer for some gemeenten: ``volume`` is (G, I) in the normenset's invoer order."""

    gemeentecodes: tuple[str, ...]
    jaren: tuple[int | None, ...]
    volume: np.ndarray
    regels: tuple[int, ...] = ()  # line in the source file per row
    extra: dict[str, np.ndarray] | None = None  # extra numeric columns asked for, (G,) each
    #: Lines skipped because no invoer was filled in (blank lines, unfilled template rows).
    overgeslagen: tuple[int, ...] = ()


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


def lees_csv_tekst(bron: str | Path | bytes, bestand: str) -> str:
    """The text of a CSV (a path, or the raw bytes of an upload): UTF-8 or, as Dutch Excel
    saves it, Windows-1252. A missing, unreadable, binary or empty file is an InvoerFout."""
    if isinstance(bron, bytes):
        data = bron
    else:
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
    if not tekst.lstrip().split("\n", 1)[0].strip():
        raise InvoerFout([Probleem("het bestand is leeg.")], bestand)
    return tekst


def scheidingsteken(tekst: str) -> str:
    """``;`` when the header line has more semicolons than commas (Dutch Excel), else ``,``."""
    eerste = tekst.lstrip().split("\n", 1)[0]
    return ";" if eerste.count(";") > eerste.count(",") else ","


def csv_rijen(tekst: str, bestand: str):
    """(line number, cells) of every row of a CSV text; a malformed file is an InvoerFout."""
    lezer = csv.reader(io.StringIO(tekst), delimiter=scheidingsteken(tekst))
    for cellen in _csv_rijen_veilig(lezer, bestand):
        yield lezer.line_num, cellen


def read_invoer_csv(
    bron: str | Path | bytes,
    normenset: Normenset,
    *,
    ontbrekend_is_nul: bool = False,
    extra_kolommen: tuple[str, ...] = (),
    extra_optioneel: tuple[str, ...] = (),
    bestand: str | None = None,
) -> InvoerTabel:
    """Read an invoer CSV (a path, or the raw bytes of an upload).

    ``,``-separated files use a decimal point; ``;``-separated files (Dutch Excel) a decimal
    comma. Rows whose invoer cells are all empty (unfilled template rows) are skipped; their
    line numbers are in ``InvoerTabel.overgeslagen`` so a caller can say so.
    ``extra_kolommen`` are further numeric columns the caller needs (e.g. ``fte_leerplicht``);
    those also in ``extra_optioneel`` may be left out or left empty (NaN: not known, e.g. a
    gemeente's ``fte_doorstroompunt``, which is the region's).
    """
    bestand = bestand or ("invoer" if isinstance(bron, bytes) else str(bron))
    tekst = lees_csv_tekst(bron, bestand)
    scheiding = scheidingsteken(tekst)
    decimaal = "," if scheiding == ";" else "."
    lezer = csv.reader(io.StringIO(tekst), delimiter=scheiding)
    problemen: list[Probleem] = []
    kop: list[str] = []
    for cellen in _csv_rijen_veilig(lezer, bestand):
        if any(c.strip() for c in cellen):
            kop = [k.strip() for k in cellen]
            break
    kop_regel = lezer.line_num
    _toets_kopbreedte(kop, kop_regel, bestand)

    kolommen = set(kop)
    sleutels = normenset.invoer_sleutels
    bekend = set(VASTE_KOLOMMEN) | set(sleutels) | set(extra_kolommen)
    for k in kop:
        if k not in bekend:
            problemen.append(Probleem(
                f"onbekende kolom '{k}'. Verwacht: gemeentecode, jaar (optioneel) en de invoer van "
                f"normenset {normenset.label}.", kop_regel))
    dubbel = {k for k, n in Counter(kop).items() if n > 1}
    problemen += [Probleem(f"kolom '{k}' komt dubbel voor.", kop_regel) for k in sorted(dubbel)]
    if "gemeentecode" not in kolommen:
        problemen.append(Probleem("kolom 'gemeentecode' ontbreekt.", kop_regel))
    ontbrekend = [s for s in sleutels if s not in kolommen]
    if ontbrekend and not ontbrekend_is_nul:
        problemen.append(Probleem(
            "ontbrekende invoerkolommen: " + ", ".join(ontbrekend)
            + ". Voeg ze toe, of geef --ontbrekend-is-nul om ze als 0 te tellen.", kop_regel))
    problemen += [Probleem(f"kolom '{k}' ontbreekt.", kop_regel)
                  for k in extra_kolommen if k not in kolommen and k not in extra_optioneel]
    if problemen:
        raise InvoerFout(problemen, bestand)

    referentie = load_referentie()
    invoer_def = {i.sleutel: i for i in normenset.invoer}
    codes: list[str] = []
    jaren: list[int | None] = []
    rijen: list[list[float]] = []
    extra: list[list[float]] = []
    regelnummers: list[int] = []
    overgeslagen: list[int] = []
    gezien: dict[tuple[str, int | None], int] = {}
    for cellen in _csv_rijen_veilig(lezer, bestand):
        regel = lezer.line_num
        if not any(c.strip() for c in cellen):
            overgeslagen.append(regel)
            continue
        if len(cellen) != len(kop):
            problemen.append(Probleem(
                f"{len(cellen)} cellen, maar de kopregel heeft {len(kop)} kolommen.", regel))
            continue
        rij = dict(zip(kop, cellen, strict=True))
        if not any(rij.get(s, "").strip() for s in sleutels if s in rij) and not any(
            rij.get(k, "").strip() for k in extra_kolommen
        ):
            overgeslagen.append(regel)  # an unfilled template row
            continue
        code = normaliseer_gemeentecode(rij["gemeentecode"])
        if code is None or code not in referentie.index:
            problemen.append(Probleem(
                f"onbekende gemeentecode '{rij['gemeentecode'].strip()}' (verwacht 4 cijfers uit "
                "de gemeentelijke indeling, bijvoorbeeld 0363).", regel, "gemeentecode"))
            continue
        ok, jaar = _lees_jaar(rij.get("jaar", ""), regel, problemen)
        if not ok:
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
            if k in extra_optioneel and not rij.get(k, "").strip():
                extra_waarden.append(float("nan"))
                continue
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
        overgeslagen=tuple(overgeslagen),
    )


def _lees_jaar(tekst: str, regel: int, problemen: list[Probleem]) -> tuple[bool, int | None]:
    """An optional ``jaar`` cell: (True, None) when empty, (True, year) when valid, else
    (False, None) with the problem added."""
    if not tekst.strip():
        return True, None
    jaar = geldig_jaar(tekst)
    if jaar is None:
        problemen.append(Probleem(f"'{_kort(tekst.strip())}' is geen geldig jaar "
                                  f"({JAAR.bereik_tekst()}).", regel, "jaar"))
        return False, None
    return True, jaar


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
    if bericht := melding_voor(invoer.parameter, waarde, f"'{_kort(tekst.strip())}'"):
        problemen.append(Probleem(bericht, regel, invoer.sleutel))
        return None
    return waarde


def read_bezetting_csv(bron: str | Path | bytes, functies: tuple[str, ...],
                       codes: tuple[str, ...], bestand: str | None = None
                       ) -> dict[str, dict[str, float]]:
    """``gemeentecode`` and ``fte_<functie>`` columns (empty cell = unknown) →
    ``{gemeentecode: {functie: fte}}``, for the gemeenten ``codes``. Read like an invoer CSV
    (:func:`lees_csv_tekst`: encoding, NUL check; the column cap; ``,`` with a decimal point or
    ``;`` with a decimal comma); bounds from the parameter table."""
    bestand = bestand or ("bezetting" if isinstance(bron, bytes) else str(bron))
    tekst = lees_csv_tekst(bron, bestand)
    decimaal = "," if scheidingsteken(tekst) == ";" else "."
    rijen = [(n, r) for n, r in csv_rijen(tekst, bestand) if any(c.strip() for c in r)]
    kopregel, kop = rijen[0][0], [k.strip() for k in rijen[0][1]]
    _toets_kopbreedte(kop, kopregel, bestand)
    kolommen = {k: i for i, k in enumerate(kop)}
    bekend = {"gemeentecode", "gemeentenaam", "jaar", *(f"fte_{f}" for f in functies)}
    problemen = [Probleem(f"onbekende kolom '{_kort(k)}'. Verwacht: gemeentecode en "
                          + ", ".join(f"fte_{f}" for f in functies) + ".", kopregel, k)
                 for k in kop if k not in bekend]
    problemen += [Probleem(f"kolom '{k}' komt dubbel voor.", kopregel, k)
                  for k in sorted({k for k in kop if kop.count(k) > 1})]
    if "gemeentecode" not in kolommen:
        problemen.append(Probleem("kolom 'gemeentecode' ontbreekt.", kopregel))
    if problemen:
        raise InvoerFout(problemen, bestand)
    uit: dict[str, dict[str, float]] = {}
    for regel, rij in rijen[1:]:
        rij = rij + [""] * (len(kop) - len(rij))
        code = normaliseer_gemeentecode(rij[kolommen["gemeentecode"]])
        if code is None or code not in codes:
            problemen.append(Probleem(f"gemeente '{_kort(rij[kolommen['gemeentecode']].strip())}"
                                      "' staat niet in het werkboek.", regel, "gemeentecode"))
            continue
        if code in uit:
            problemen.append(Probleem(f"gemeente {code} staat dubbel.", regel, "gemeentecode"))
            continue
        uit[code] = {}
        for f in functies:
            if f"fte_{f}" not in kolommen:
                continue
            try:
                waarde = parse_getal(rij[kolommen[f"fte_{f}"]], decimaal)
            except GetalFout as fout:
                problemen.append(Probleem(str(fout), regel, f"fte_{f}"))
                continue
            if waarde is None:
                continue
            if bericht := melding("bezetting", waarde, "de bezetting"):
                problemen.append(Probleem(bericht, regel, f"fte_{f}"))
                continue
            uit[code][f] = waarde
    if problemen:
        raise InvoerFout(problemen, bestand)
    return uit


def read_regio_bezetting_csv(pad: str | Path, kolommen: tuple[str, ...]
                             ) -> dict[tuple[str, int | None], dict[str, float]]:
    """A region's bezetting of its regional functies: columns ``regio`` (MC01 … MC41),
    ``jaar`` (optional) and ``kolommen`` (e.g. ``fte_doorstroompunt``; empty = not known);
    separator and decimal mark as :func:`read_invoer_csv`. {(regio, jaar): {kolom: fte}}.
    Every problem with its line and column, raised together as :class:`InvoerFout`."""
    bestand = str(pad)
    tekst = lees_csv_tekst(pad, bestand)  # encoding, NUL check, empty file
    decimaal = "," if scheidingsteken(tekst) == ";" else "."
    rijen = [r for _n, r in csv_rijen(tekst, bestand)]
    if len(rijen[0]) > MAX_KOLOMMEN:
        raise InvoerFout([Probleem(f"de kopregel heeft meer dan {MAX_KOLOMMEN} kolommen.", 1)],
                         bestand)
    kop = [k.strip() for k in rijen[0]]
    problemen = [Probleem(f"kolom '{k}' ontbreekt.", 1) for k in ("regio", *kolommen)
                 if k not in kop]
    problemen += [Probleem(f"onbekende kolom '{k}'. Verwacht: regio, jaar (optioneel), "
                           + ", ".join(kolommen) + ".", 1)
                  for k in kop if k not in ("regio", "jaar", *kolommen)]
    if problemen:
        raise InvoerFout(problemen, bestand)
    regios = set(load_referentie().regio_per_gemeente)
    uit: dict[tuple[str, int | None], dict[str, float]] = {}
    for regel, cellen in enumerate(rijen[1:], start=2):
        if not any(c.strip() for c in cellen):
            continue
        rij = dict(zip(kop, cellen, strict=False))
        regio = rij.get("regio", "").strip().upper()
        if regio not in regios:
            problemen.append(Probleem(f"onbekende regio '{regio}' (verwacht MC01 … MC41).",
                                      regel, "regio"))
            continue
        ok, jaar = _lees_jaar(rij.get("jaar", ""), regel, problemen)
        if not ok:
            continue
        if (regio, jaar) in uit:
            problemen.append(Probleem(f"regio {regio} staat dubbel in het bestand.", regel,
                                      "regio"))
            continue
        waarden = {}
        for k in kolommen:
            try:
                w = parse_getal(rij.get(k, ""), decimaal)
            except GetalFout as exc:
                problemen.append(Probleem(str(exc), regel, k))
                continue
            if w is not None and (bericht := melding("bezetting", w, "de bezetting")):
                problemen.append(Probleem(bericht, regel, k))
            elif w is not None:
                waarden[k] = w
        uit[regio, jaar] = waarden
    if problemen:
        raise InvoerFout(problemen, bestand)
    return uit
