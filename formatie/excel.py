"""Scenario workbooks: a live Excel model of the formatie chain (export with XlsxWriter).

:func:`exporteer_werkboek` writes one workbook for one gemeente, a region or all 342; the CLI
(``formatie export``) and the web download both call it. Reading an edited workbook back lives in
:mod:`formatie.werkboek_lezen`; the layout both share (sheet names, key rows, format version)
is :mod:`formatie.werkboek_formaat`.

Region policy: every gemeente counts with the normenset its figures were saved under; a region
is the sum of its members (:class:`formatie.model.Groep`). So a workbook can hold several
normensets, and every table carries a ``normenset`` key column.

Format 2 — every formula finds its row by key, so sorting or reordering the rows of any sheet
changes no figure. Lookups are ``SUMPRODUCT((keys=key)*(keys=key), values)`` over the data rows
of a table (exact comparison: no wildcards or regular expressions, evaluated alike by Excel 2010+
and LibreOffice); other references stay within their own row.

* ``Samenvatting`` (first, printable on one A4 page) — per functie the lines of
  :func:`formatie.model.functie_regels` (taken, vaste basis, leiding en ondersteuning), base and
  scenario side by side; bezetting and verschil (bezetting − benodigd); P10–P90 and the budget
  figure; fte per 1.000 (``normenset.per_duizend``); normenset, date and tool version.
* ``Toelichting`` — how to use, colour legend, region policy, provenance (named cells
  ``formatie_werkboek``, ``formatie_formaat``, ``formatie_versie``, ``normenset_naam``,
  ``normenset_versie``, ``export_tijd``, ``werkboek_gemeenten``).
* ``Invoer`` — one row per gemeente × invoer (:data:`~formatie.werkboek_formaat.INVOER_SLEUTELS`):
  ``waarde`` and ``scenario`` are typed, the full explanation stands beside them.
* ``Normen`` — one row per normenset × taak (``uren``, ``scenario``, the 80 % range, bron and
  the full toelichting).
* ``Organisatie`` — one row per normenset × functie: the organisation parameters, their scenario
  columns and the casusuren per fte.
* ``Berekening`` — one row per gemeente × taak: volume × uren per eenheid = uren; ÷ casusuren
  per fte = fte_taak; the same for the scenario.
* ``Resultaat`` — one row per gemeente: ``fte_<functie>`` = (Σ fte_taak + vaste basis) ×
  (1 + leiding), ``fte_totaal``, the scenario, bezetting and verschil, and the lines
  ``taken_``/``vast_``/``leiding_<functie>``.
* ``Onzekerheid``, ``Gevoeligheid`` (optional) — values from the Monte Carlo model and the
  tornado at export time (they do not follow edits).

Every formula is written with the value :func:`formatie.model.bereken` computes (so viewers that
do not recalculate show the model), English function names only; text from users or files is
always written with ``write_string``. Yellow cells change a figure; white cells with a border
may be edited but change none (range, bron, jaar).
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Protocol

import numpy as np
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from . import __version__
from .budget import begroting_gemeente, begroting_groepen, begroting_rijen
from .getallen import EXCEL_FORMATEN, format_fte
from .herkomst import Herkomst
from .kosten import kosten
from .model import (
    Groep,
    Resultaat,
    bereken_groepen,
    functie_regels,
    regels_opgeteld,
    verschil,
)
from .normenset import ORGANISATIE_PARAMETERS, Normenset, normenset_als_toml
from .onzekerheid import BUDGET_PERCENTIEL
from .parameters import JAAR, Parameter, parameter
from .referentie import BRONVERMELDING, Referentie, load_referentie
from .regio import REGIOBELEID, REGIONALE_FUNCTIES  # shared with the pages
from .taal import aantal_woord, format_datum
from .werkboek_formaat import (
    ALLE,
    BEREKENING_2_SLEUTELS,
    BLAD_BEREKENING,
    BLAD_GEVOELIGHEID,
    BLAD_INVOER,
    BLAD_NORMEN,
    BLAD_NORMENSETS,
    BLAD_ONZEKERHEID,
    BLAD_ORGANISATIE,
    BLAD_RESULTAAT,
    BLAD_SAMENVATTING,
    BLAD_TEAM,
    BLAD_TOELICHTING,
    EERSTE_RIJ,
    INVOER_SLEUTELS,
    NORMEN_SLEUTELS,
    NORMENSETS_SLEUTELS,
    ORGANISATIE_SLEUTELS,
    PERCENTIELEN,
    REGEL_LEIDING,
    REGEL_MINIMUM,
    REGEL_TOTAAL_VAN,
    REGEL_VAST,
    REGIO_REGEL,
    SAMENVATTING_SLEUTELRIJ,
    SAMENVATTING_SLEUTELS,
    SLEUTELRIJ,
    TOML_DEEL,
    TOTAAL,
    TOTAAL_FUNCTIE,
    TOTAAL_REGEL,
    WERKBOEK_FORMAAT,
    WERKBOEK_SOORT,
    ZOEK_SCHEIDING,
    ZOEKSLEUTEL,
    ZOEKSLEUTEL_DELEN,
    regio_bezetting_naam,
    samenvatting_regels,
)

_GEEL = "#FFF2CC"  # input that changes a figure
_GRIJS = "#EDEDED"  # formula
_KOP = "#1F4E79"



class _Blad(xlsxwriter.worksheet.Worksheet):
    """A worksheet whose formulas skip XlsxWriter's future-function rewriting.

    This module writes only SUM, SUMPRODUCT, IF and IFERROR (Excel 2007 functions), which need
    no ``_xlfn.`` prefix; XlsxWriter would still try some 30 regular expressions per formula,
    most of the export time of a large workbook (a region has ~12.000 formulas)."""

    def _prepare_formula(self, formula, expand_future_functions=False):
        return formula.removeprefix("{").removeprefix("=").removesuffix("}")


class InvoerLike(Protocol):
    """What the export needs from an invoer table (an :class:`formatie.invoer_csv.InvoerTabel`)."""

    gemeentecodes: tuple[str, ...]
    volume: np.ndarray


def onzekerheid_uit_bereik(bereik) -> dict[str, dict[str, dict[str, float]]]:
    """The ``onzekerheid`` argument of :func:`exporteer_werkboek` from a
    :class:`formatie.onzekerheid.Bereik` (fte (P, G, F), fte_totaal (P, G), P = P10/P50/P80/P90),
    with the whole selection together under :data:`~formatie.werkboek_formaat.ALLE`
    (percentiles of the sum, from ``totaal_fte``/``totaal_totaal``).
    """
    uit: dict[str, dict[str, dict[str, float]]] = {}
    sleutels = bereik.normenset.functie_sleutels

    def per_p(waarden) -> dict[str, float]:
        return {p: float(w) for p, w in zip(PERCENTIELEN, waarden, strict=True)}

    for g, code in enumerate(bereik.gemeentecodes):
        per = {s: per_p(bereik.fte[:, g, j]) for j, s in enumerate(sleutels)}
        per["totaal"] = per_p(bereik.fte_totaal[:, g])
        if bereik.trekkingen_fte is not None:
            _met_begroting(per, begroting_gemeente(bereik, g))
        uit[code] = per
    alle = {s: per_p(bereik.totaal_fte[:, j]) for j, s in enumerate(sleutels)}
    alle["totaal"] = per_p(bereik.totaal_totaal)
    if bereik.trekkingen_fte is not None:
        _met_begroting(alle, begroting_rijen(
            bereik, np.arange(len(bereik.gemeentecodes)),
            float(bereik.totaal_totaal[PERCENTIELEN.index(BUDGET_PERCENTIEL)]),
            bereik.totaal_fte[PERCENTIELEN.index(BUDGET_PERCENTIEL)]))
    uit[ALLE] = alle
    return uit


def _met_begroting(per: dict[str, dict[str, float]], begroting) -> None:
    """Add ``"budget"`` to each functie's percentiles: its share of the total's P80
    (:mod:`formatie.budget`, adding up to the total's P80, which is the total's budget)."""
    for s, fte in begroting.functies.items():
        per[s]["budget"] = fte
    per["totaal"]["budget"] = begroting.fte_totaal


def onzekerheid_uit_groepen(groepen_bereik) -> dict[str, dict[str, dict[str, float]]]:
    """The ``onzekerheid`` argument for a region whose members count with different
    normensets, from a :class:`formatie.onzekerheid.GroepenBereik`: every gemeente's own
    ranges, and under :data:`~formatie.werkboek_formaat.ALLE` the region's (percentiles of the
    summed draws, not sums of percentiles)."""
    uit: dict[str, dict[str, dict[str, float]]] = {}
    for b in groepen_bereik.bereiken:
        uit.update(onzekerheid_uit_bereik(b))
    alle = {f: {p: float(w) for p, w in zip(PERCENTIELEN, groepen_bereik.fte[:, j], strict=True)}
            for j, f in enumerate(groepen_bereik.functies)}
    alle["totaal"] = {p: float(w) for p, w in zip(PERCENTIELEN, groepen_bereik.totaal,
                                                  strict=True)}
    _met_begroting(alle, begroting_groepen(groepen_bereik))
    uit[ALLE] = alle
    return uit


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
        (:data:`~formatie.werkboek_formaat.ZOEKSLEUTEL_DELEN`) equal the expressions ``delen``
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
    delen = ZOEKSLEUTEL_DELEN[blad]
    ws.write_formula(r, sleutels.index(ZOEKSLEUTEL), "=" + _zoekwaarde(
        [f"${_kol(sleutels, d)}{r + 1}" for d in delen]), fmt, ZOEK_SCHEIDING.join(waarden))


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


def exporteer_werkboek(
    groepen: Sequence[Groep] | Normenset,
    invoer: InvoerLike | None = None,
    referentie: Referentie | None = None,
    *,
    jaren: Mapping[str, int | None] | None = None,
    bezetting: Mapping[str, Mapping[str, float]] | None = None,
    regio_bezetting: Mapping[str, float | None] | None = None,
    onzekerheid: Mapping[str, Mapping[str, Mapping[str, float]]] | None = None,
    gevoeligheid=None,
    titel: str | None = None,
    notitie: str | None = None,
    invoer_bron: str | None = None,
    export_tijd: datetime | None = None,
    herkomst: Mapping[str, Mapping[str, Herkomst]] | None = None,
    team=None,
    team_bezetting: float | None = None,
) -> bytes:
    """The scenario workbook (.xlsx, format 2) as bytes.

    ``groepen``: one :class:`formatie.model.Groep` per normenset (gemeenten that count with it,
    ``volume`` (G, I) in its invoer order); a gemeente appears in one group only. The thin path
    for one normenset: ``exporteer_werkboek(normenset, invoer)`` with ``invoer`` anything with
    ``gemeentecodes`` (G,) and ``volume`` (G, I), optionally ``jaren`` (an
    :class:`~formatie.invoer_csv.InvoerTabel` fits).
    ``jaren``: ``{gemeentecode: jaar}`` (groups path). ``bezetting``: current formation
    ``{gemeentecode: {functie: fte}}`` where known (regional functies are not a gemeente's).
    ``regio_bezetting``: a region workbook's bezetting of its regional functies (the
    Doorstroompunt), ``{functie: fte or None = unknown}``; given (even empty), every regional
    functie gets one yellow input cell (defined name :func:`regio_bezetting_naam`) in a region
    line under Resultaat's table, and Samenvatting and that line show bezetting and verschil
    from it. None (a gemeente workbook): Samenvatting says "regionaal".
    ``herkomst``: ``{gemeentecode: {invoer: Herkomst}}`` (formatie.herkomst), shown per row
    in Invoer's column "Herkomst" (blank where not given).
    ``onzekerheid``: ``{gemeentecode | ALLE: {functie | "totaal": {"p10": …, "p90": …}}}``
    (see :func:`onzekerheid_uit_bereik`) — adds the ``Onzekerheid`` sheet and the range and
    budget figure on ``Samenvatting``.
    ``gevoeligheid``: a :class:`formatie.gevoeligheid.Tornado` — adds ``Gevoeligheid``.
    ``titel``, ``notitie``, ``invoer_bron`` are free text (written as text, never a formula).
    ``team``: a :class:`formatie.teams.TeamUitkomst` of the workbook's gemeenten (one
    normenset) — adds the sheet Team (:mod:`formatie.werkboek_team`), opened first, with
    ``team_bezetting`` (fte or None) in its one yellow cell.
    """
    referentie = referentie or load_referentie()
    if isinstance(groepen, Normenset):
        if invoer is None:
            raise ValueError("exporteer_werkboek(normenset, invoer): invoer is missing")
        codes_invoer = tuple(invoer.gemeentecodes)
        jaren = jaren or dict(zip(codes_invoer, getattr(invoer, "jaren", None)
                                  or (None,) * len(codes_invoer), strict=True))
        groepen = [Groep(groepen, codes_invoer, np.atleast_2d(np.asarray(invoer.volume,
                                                                          dtype=float)))]
    groepen = [Groep(g.normenset, tuple(g.gemeentecodes),
                     np.atleast_2d(np.asarray(g.volume, dtype=float))) for g in groepen
               if len(g.gemeentecodes)]
    codes = tuple(c for g in groepen for c in g.gemeentecodes)
    if not codes:
        raise ValueError("a workbook needs at least one gemeente")
    if len(set(codes)) != len(codes):
        raise ValueError("a gemeente appears twice in the workbook")
    labels = [g.normenset.label for g in groepen]
    if len(set(labels)) != len(labels):
        raise ValueError("two groups share a normenset; merge them")
    for g in groepen:
        if g.volume.shape != (len(g.gemeentecodes), len(g.normenset.invoer)):
            raise ValueError(f"volume has shape {g.volume.shape}, expected "
                             f"({len(g.gemeentecodes)}, {len(g.normenset.invoer)})")
        if not np.isfinite(g.volume).all():
            raise ValueError("volume contains NaN or infinity")
    onbekend = [c for c in codes if c not in referentie.index]
    if onbekend:
        raise ValueError(f"unknown gemeentecodes: {', '.join(onbekend)}")
    jaren = dict(jaren or {})
    resultaten = bereken_groepen(groepen)
    export_tijd = export_tijd or datetime.now(UTC)
    w = _Werkboek(groepen, resultaten, referentie, jaren, dict(bezetting or {}),
                  onzekerheid, titel, export_tijd)
    w.herkomst = {code: dict(per_invoer) for code, per_invoer in (herkomst or {}).items()}
    if regio_bezetting is not None:
        w.regio_bezetting = {s: _eindig(regio_bezetting.get(s)) for s, _ in w.functies
                             if s in REGIONALE_FUNCTIES}

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                      "strings_to_urls": False, "strings_to_numbers": False})
    f = _Formaten(wb)
    eerste = groepen[0].normenset
    wb.set_properties({
        "title": _kort(titel or f"Formatie {w.scope}", 200),
        "subject": "Normenset " + ", ".join(labels),
        "author": "Formatietool",
        "comments": BRONVERMELDING,
    })
    wb.set_custom_property("formatie_versie", __version__)
    wb.set_custom_property("formatie_werkboek_formaat", str(WERKBOEK_FORMAAT))
    wb.set_custom_property("normenset_naam", eerste.naam)
    wb.set_custom_property("normenset_versie", eerste.versie)

    ws_samenvatting = wb.add_worksheet(BLAD_SAMENVATTING, worksheet_class=_Blad)
    ws_team = (wb.add_worksheet(BLAD_TEAM, worksheet_class=_Blad) if team is not None
               else None)
    ws_toelichting = wb.add_worksheet(BLAD_TOELICHTING, worksheet_class=_Blad)
    ws_invoer = wb.add_worksheet(BLAD_INVOER, worksheet_class=_Blad)
    ws_normen = wb.add_worksheet(BLAD_NORMEN, worksheet_class=_Blad)
    ws_organisatie = wb.add_worksheet(BLAD_ORGANISATIE, worksheet_class=_Blad)
    ws_berekening = wb.add_worksheet(BLAD_BEREKENING, worksheet_class=_Blad)
    ws_resultaat = wb.add_worksheet(BLAD_RESULTAAT, worksheet_class=_Blad)

    _schrijf_toelichting(wb, ws_toelichting, f, w, notitie, invoer_bron)
    w.invoer = _schrijf_invoer(ws_invoer, f, w)
    w.normen = _schrijf_normen(ws_normen, f, w)
    w.organisatie = _schrijf_organisatie(ws_organisatie, f, w)
    w.berekening = _schrijf_berekening(ws_berekening, f, w)
    w.resultaat = _schrijf_resultaat(wb, ws_resultaat, f, w)
    _schrijf_samenvatting(wb, ws_samenvatting, f, w)
    if ws_team is not None:
        from .werkboek_team import schrijf_team  # imports this module

        schrijf_team(wb, ws_team, f, groepen[0].normenset, referentie, team, w.invoer,
                     w.organisatie, w.berekening, w.resultaat, team_bezetting)
    _schrijf_normensets(wb.add_worksheet(BLAD_NORMENSETS, worksheet_class=_Blad), f, w)
    if onzekerheid is not None:
        _schrijf_onzekerheid(wb.add_worksheet(BLAD_ONZEKERHEID, worksheet_class=_Blad), f, w,
                             onzekerheid)
    if gevoeligheid is not None:
        _schrijf_gevoeligheid(wb, wb.add_worksheet(BLAD_GEVOELIGHEID, worksheet_class=_Blad),
                              f, gevoeligheid)
    for ws in wb.worksheets():
        _kop_en_voet(ws, w)
    (ws_team or ws_samenvatting).activate()
    ws_samenvatting.set_first_sheet()
    wb.close()
    return buffer.getvalue()


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


# ----------------------------------------------------------------------------------------------
# Toelichting
# ----------------------------------------------------------------------------------------------


def _schrijf_toelichting(wb, ws, f: _Formaten, w: _Werkboek, notitie, invoer_bron) -> None:
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 90)
    _tekst(ws, 0, 0, w.titel or f"Formatietool leerplicht en Doorstroompunt — {w.scope}",
           f.titel)
    uitleg = [
        "Dit werkboek is een levend rekenmodel: pas de gele cellen aan en de benodigde fte "
        "worden direct opnieuw berekend (in Excel, LibreOffice of Numbers).",
        "Samenvatting: één A4 met per functie de taken, de vaste basis en leiding en "
        "ondersteuning, basis en scenario naast elkaar, bezetting, verschil en bandbreedte.",
        "1. Invoer: per gemeente en invoer het aantal per jaar (kolom Waarde) en eventueel een "
        "ander aantal voor het scenario (kolom Scenario; leeg = gelijk aan de basis).",
        "2. Normen: per taak de uren per eenheid (en een scenariowaarde). Organisatie: per "
        "functie contracturen, afwezigheid, indirecte tijd, leiding en vaste basis.",
        "3. Berekening: per gemeente en taak volume × uren per eenheid = uren; uren ÷ "
        "casusuren per fte = fte. Niet te wijzigen.",
        "4. Resultaat: fte per functie = (som fte van de taken + vaste basis) × (1 + leiding); "
        "verschil = bezetting − benodigd (negatief is een tekort).",
        "Regio's: " + REGIOBELEID,
        "Sorteren en filteren mag op elk blad: elke formule zoekt haar rij op sleutel "
        "(gemeentecode, normenset, taak, functie). Verander de sleutelrijen (grijze cursieve rij "
        "3), de sleutelkolommen en de bladnamen niet.",
        "Terugzetten: lees het bewaarde werkboek in met 'formatie importeer' of upload het in de "
        "webapplicatie. Het werkboek wordt dan tegen zichzelf gecontroleerd: een overschreven "
        "formule wordt geweigerd.",
        "De bladen zijn beveiligd zonder wachtwoord, zodat alleen de invoercellen te wijzigen "
        "zijn. Opheffen kan via Controleren → Beveiliging blad opheffen.",
        "Typ in invoercellen een getal, geen formule: formules in invoercellen worden bij het "
        "terugzetten geweigerd.",
    ]
    if w.regio_bezetting:
        uitleg.append("Bezetting van de regio: het Doorstroompunt is van de regio. Vul de "
                      "bezetting één keer in, in de gele cel van de regel Regio onder de tabel "
                      "op Resultaat; Samenvatting toont daaruit het verschil.")
    if w.onzekerheid is not None:
        uitleg.append("Onzekerheid: P10–P90 uit het Monte-Carlomodel van de tool bij de "
                      f"export; begroot op {BUDGET_PERCENTIEL.upper()}. Deze waarden rekenen "
                      "niet mee met wijzigingen in dit werkboek.")
    rij = 2
    for regel in uitleg:
        ws.merge_range(rij, 0, rij, 1, "", f.tekst_wrap)
        _tekst(ws, rij, 0, regel, f.tekst_wrap)
        ws.set_row(rij, 30)
        rij += 1
    rij += 1
    _tekst(ws, rij, 0, "Kleuren", f.vet)
    rij += 1
    for fmt, wat, uitleg_kleur in (
        (f.legenda_invoer, "Geel", "invoer die een uitkomst verandert: hier mag u wijzigen"),
        (f.legenda_tekst, "Wit met rand", "mag u wijzigen, verandert geen uitkomst (bereik, "
                                          "bron, jaar)"),
        (f.legenda_formule, "Grijs", "formule: wordt berekend, beveiligd"),
    ):
        ws.write_string(rij, 0, wat, fmt)
        ws.write_string(rij, 1, uitleg_kleur)
        rij += 1
    rij += 1
    _tekst(ws, rij, 0, "Herkomst", f.vet)
    rij += 1
    eerste = w.groepen[0].normenset
    herkomst = [
        ("formatie_werkboek", "Soort bestand", WERKBOEK_SOORT),
        ("formatie_formaat", "Werkboekformaat", str(WERKBOEK_FORMAAT)),
        ("formatie_versie", "Versie formatietool", __version__),
        ("normenset_naam", "Normenset", eerste.naam),
        ("normenset_versie", "Versie normenset", eerste.versie),
        ("export_tijd", "Gemaakt op (UTC)", w.export_tijd.astimezone(UTC).strftime(
            "%Y-%m-%d %H:%M:%S")),
        ("werkboek_gemeenten", "Gemeenten in dit werkboek", ",".join(w.codes)),
        (None, "Alle normensets", w.normensets),
        (None, "Aantal gemeenten", str(len(w.codes))),
        (None, "Invoer", invoer_bron or "ingevoerde aantallen"),
        (None, "Bronnen", BRONVERMELDING),
    ]
    for naam, label, waarde in herkomst:
        ws.write_string(rij, 0, label, f.tekst)
        _tekst(ws, rij, 1, waarde, f.tekst_wrap if naam == "werkboek_gemeenten" else f.tekst)
        if naam:
            wb.define_name(naam, f"=Toelichting!${xl_col_to_name(1)}${rij + 1}")
        rij += 1
    for groep in w.groepen:
        if groep.normenset.toelichting:
            rij += 1
            _tekst(ws, rij, 0, f"Over normenset {groep.normenset.label}", f.vet)
            rij += 1
            ws.merge_range(rij, 0, rij, 1, "", f.tekst_wrap)
            _tekst(ws, rij, 0, groep.normenset.toelichting, f.tekst_wrap)
            ws.set_row(rij, 45)
            rij += 1
    if notitie:
        rij += 1
        _tekst(ws, rij, 0, "Notitie", f.vet)
        rij += 1
        ws.merge_range(rij, 0, rij, 1, "", f.tekst_wrap)
        _tekst(ws, rij, 0, notitie, f.tekst_wrap)
        ws.set_row(rij, 45)
    _afdruk(ws, staand=True)
    _bescherm(ws)


# ----------------------------------------------------------------------------------------------
# Invoer (long: one row per gemeente × invoer)
# ----------------------------------------------------------------------------------------------


def _schrijf_invoer(ws, f: _Formaten, w: _Werkboek) -> _Tabel:
    S = INVOER_SLEUTELS
    _tekst(ws, 0, 0, "Invoer per gemeente — wijzig de gele cellen", f.titel)
    labels = ("Gemeentecode", "Gemeente", "Normenset", "Jaar", "Invoer (sleutel)", "Invoer",
              "Eenheid", "Waarde", "Scenario (leeg = basis)", "Waarde in het scenario",
              "Herkomst van de waarde", "Zoeksleutel", "Toelichting")
    _kopregels(ws, f, labels, S, hoogte=45)
    # Printed: A–J on A4 landscape, fit to width (~70 %), every key whole (the name of the
    # invoer wraps); the toelichting, the same for every gemeente, is on screen only, on one
    # line running to the right (so the rows stay one line high).
    alle_invoer = [i for g in w.groepen for i in g.normenset.invoer]
    breedtes = {"gemeentecode": 13, "gemeentenaam": 16,
                "normenset": _breedte(g.normenset.label for g in w.groepen), "jaar": 6,
                "invoer": _breedte(i.sleutel for i in alle_invoer), "naam": _NAAM_BREED,
                "eenheid": _breedte(i.eenheid for i in alle_invoer), "waarde": 11,
                "scenario": 11, "scenario_waarde": 11, "herkomst": 14, "toelichting": 60}
    for k, sleutel in enumerate(S):
        if sleutel in breedtes:
            ws.set_column(k, k, breedtes[sleutel])
    waarde, scenario = S.index("waarde"), S.index("scenario")
    cellen: dict[tuple[str, str], list[str]] = {}  # (normenset, invoer) → cells to validate
    # Rows in the order of their zoeksleutel as a spreadsheet compares text, so that
    # Berekening finds each one by binary search (_Tabel.positie); per gemeente, in code order.
    rijen = sorted(((h, g, code, naam, n, i) for h, g, code, naam, n, _res in w.per_gemeente()
                    for i in range(len(n.invoer))),
                   key=lambda x: _sorteervolgorde(x[2] + ZOEK_SCHEIDING
                                                  + x[4].invoer[x[5]].sleutel))
    w.invoer_volgorde = rijen
    r = EERSTE_RIJ
    for h, g, code, naam, n, i in rijen:
        volume = w.groepen[h].volume[g]
        jaar = w.jaren.get(code)
        inv = n.invoer[i]
        _tekst(ws, r, 0, code, f.tekst)
        _tekst(ws, r, 1, naam, f.tekst)
        _tekst(ws, r, 2, n.label, f.tekst)
        if jaar is None:
            ws.write_blank(r, 3, None, f.vrij_getal)
        else:
            ws.write_number(r, 3, int(jaar), f.vrij_getal)
        _tekst(ws, r, 4, inv.sleutel, f.tekst)
        _tekst(ws, r, 5, inv.naam, f.tekst_rand_wrap)
        _tekst(ws, r, 6, inv.eenheid, f.tekst)
        v = float(volume[i])
        # Counts and estimates of 100 or more show whole (24.287, not 24286,6333…);
        # small fractional values keep two decimals.
        ws.write_number(r, waarde, v, f.invoer_aantal if v.is_integer() or abs(v) >= 100
                        else f.invoer_decimaal)
        ws.write_blank(r, scenario, None, f.invoer_aantal)
        s, b = xl_rowcol_to_cell(r, scenario), xl_rowcol_to_cell(r, waarde)
        ws.write_formula(r, scenario + 1, f'=IF({s}="",{b},{s})',
                         f.formule_aantal if v.is_integer() or abs(v) >= 100
                         else f.formule_decimaal, v)
        bekend = w.herkomst.get(code, {}).get(inv.sleutel)
        _tekst(ws, r, S.index("herkomst"), bekend.label if bekend else "", f.tekst_wrap)
        _tekst(ws, r, S.index("toelichting"), inv.toelichting, f.uitleg_regel)
        _zoeksleutel(ws, r, S, BLAD_INVOER, f.formule_tekst, code, inv.sleutel)
        _rijhoogte(ws, r, inv.naam, _NAAM_BREED, grootte=11)
        cellen.setdefault((n.label, inv.sleutel), []).extend(
            [xl_rowcol_to_cell(r, waarde), xl_rowcol_to_cell(r, scenario)])
        r += 1
    laatste = r - 1
    ws.data_validation(EERSTE_RIJ, 3, laatste, 3, {
        "validate": "integer", "criteria": "between", "minimum": int(JAAR.min),
        "maximum": int(JAAR.max),
        "ignore_blank": True, "input_title": "Jaar",
        "input_message": "Het jaar waarop de aantallen betrekking hebben (mag leeg blijven).",
        "error_title": "Ongeldig jaar",
        "error_message": f"Vul een jaar in, {JAAR.bereik_tekst()}.",
    })
    for groep in w.groepen:
        n = groep.normenset
        for inv in n.invoer:
            lijst = cellen.get((n.label, inv.sleutel))
            if not lijst:
                continue
            bereik = inv.parameter.bereik_tekst()  # "van 0 tot en met 2.000 vestigingen"
            ws.data_validation(lijst[0], {
                "validate": "decimal", "criteria": "between", "minimum": float(inv.min),
                "maximum": float(inv.max), "ignore_blank": True,
                "multi_range": " ".join(lijst),
                "input_title": _kort(inv.naam, 32),
                "input_message": _kort(f"Toegestaan: {bereik}. De toelichting "
                                       "staat in de laatste kolom.", 255),
                "error_title": "Ongeldige waarde",
                "error_message": _kort(f"{inv.naam}: vul een getal in, {bereik}.", 255),
            })
    tabel = _sluit_tabel(ws, BLAD_INVOER, S, laatste)
    ws.print_area(0, 0, laatste, S.index("herkomst"))
    return tabel


# ----------------------------------------------------------------------------------------------
# Normen (one row per normenset × taak) and Organisatie (one row per normenset × functie)
# ----------------------------------------------------------------------------------------------


def _schrijf_normen(ws, f: _Formaten, w: _Werkboek) -> _Tabel:
    S = NORMEN_SLEUTELS
    _tekst(ws, 0, 0, "Normen per taak — normenset " + w.normensets, f.titel)
    labels = ("Normenset", "Taak (sleutel)", "Taak", "Functie", "Invoer", "Eenheid",
              "Uren per eenheid", "Scenario (leeg = basis)", "Uren in het scenario",
              "Uren laag (P10)", "Uren hoog (P90)", "Bron", "Toelichting", "Zoeksleutel")
    _kopregels(ws, f, labels, S, hoogte=45)
    sets = [g.normenset for g in w.groepen]
    for k, breedte in enumerate((
            _breedte(n.label for n in sets), _breedte(t.sleutel for n in sets for t in n.taken),
            40, _breedte(f.sleutel for n in sets for f in n.functies),
            _breedte(i.sleutel for n in sets for i in n.invoer),
            _breedte(i.eenheid for n in sets for i in n.invoer), 11, 11, 11, 10, 10, 30,
            _UITLEG_BREED)):
        ws.set_column(k, k, breedte)
    uren, scenario = S.index("uren"), S.index("scenario")
    r = EERSTE_RIJ
    for groep in w.groepen:
        n = groep.normenset
        for t in n.taken:
            _tekst(ws, r, 0, n.label, f.tekst)
            _tekst(ws, r, 1, t.sleutel, f.tekst)
            _tekst(ws, r, 2, t.naam, f.tekst)
            _tekst(ws, r, 3, t.functie, f.tekst)
            _tekst(ws, r, 4, t.invoer, f.tekst)
            _tekst(ws, r, 5, n.invoer_by_sleutel(t.invoer).eenheid, f.tekst)
            ws.write_number(r, uren, t.uren, f.invoer_uren)
            ws.write_blank(r, scenario, None, f.invoer_uren)
            s, b = xl_rowcol_to_cell(r, scenario), xl_rowcol_to_cell(r, uren)
            ws.write_formula(r, scenario + 1, f'=IF({s}="",{b},{s})', f.formule_uren_eenheid,
                             t.uren)
            ws.write_number(r, S.index("uren_laag"), t.uren_laag, f.vrij_uren)
            ws.write_number(r, S.index("uren_hoog"), t.uren_hoog, f.vrij_uren)
            _tekst(ws, r, S.index("bron"), t.bron, f.vrij_tekst)
            _tekst(ws, r, S.index("toelichting"), t.toelichting, f.uitleg)
            _zoeksleutel(ws, r, S, BLAD_NORMEN, f.formule_tekst, n.label, t.sleutel)
            _rijhoogte(ws, r, t.toelichting)
            r += 1
    laatste = r - 1
    ws.data_validation(EERSTE_RIJ, uren, laatste, scenario, _validatie(
        parameter("uren"), "Uren per eenheid volume.", leeg_mag=True))
    ws.data_validation(EERSTE_RIJ, S.index("uren_laag"), laatste, S.index("uren_hoog"),
                       _validatie(parameter("uren"), "Het 80 %-bereik van de uren."))
    return _sluit_tabel(ws, BLAD_NORMEN, S, laatste, w.match)


def _schrijf_organisatie(ws, f: _Formaten, w: _Werkboek) -> _Tabel:
    S = ORGANISATIE_SLEUTELS
    P = ORGANISATIE_PARAMETERS
    _tekst(ws, 0, 0, "Organisatie per functie — normenset " + w.normensets, f.titel)
    labels = ("Normenset", "Functie (sleutel)", "Functie",
              *[f"{parameter(p).label} ({parameter(p).weergave_eenheid})" for p in P],
              "Netto uren per fte", "Casusuren per fte", "Kosten per fte (euro per jaar)",
              *[f"Scenario: {parameter(p).label} (leeg = basis)" for p in P],
              "Casusuren per fte in het scenario", "Leiding in het scenario",
              "Vaste basis in het scenario", "Minimumformatie in het scenario",
              "Kosten per fte in het scenario", "Naam normenset", "Versie normenset",
              "Zoeksleutel")
    _kopregels(ws, f, labels, S, hoogte=75)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 2, 16)
    ws.set_column(3, len(S) - 4, 12)
    ws.set_column(len(S) - 3, len(S) - 2, 16)
    ws.set_column(len(S) - 1, len(S) - 1, 20, None, {"hidden": True})
    for k, p in enumerate(P):  # the full explanation of every parameter, on its label
        if parameter(p).uitleg:
            ws.write_comment(1, 3 + k, f"{parameter(p).label}: {parameter(p).uitleg} "
                                       f"Toegestaan: {parameter(p).bereik_tekst()}.",
                             {"x_scale": 2, "y_scale": 2})
    r = EERSTE_RIJ
    for groep in w.groepen:
        n = groep.normenset
        for fn in n.functies:
            _tekst(ws, r, 0, n.label, f.tekst)
            _tekst(ws, r, 1, fn.sleutel, f.tekst)
            _tekst(ws, r, 2, fn.naam, f.tekst)
            cel = {}
            for p in P:
                kolom = S.index(p)
                fmt = f.invoer_procent if parameter(p).procent else f.invoer_uren
                ws.write_number(r, kolom, getattr(fn, p), fmt)
                uitleg = " ".join(x for x in (fn.toelichting_van(p), fn.bron_van(p)
                                              and f"Bron: {fn.bron_van(p)}") if x)
                if uitleg:
                    ws.write_comment(r, kolom, uitleg, {"x_scale": 2, "y_scale": 2})
                ks = S.index(f"scenario_{p}")
                ws.write_blank(r, ks, None, fmt)
                b, s = xl_rowcol_to_cell(r, kolom), xl_rowcol_to_cell(r, ks)
                cel[p] = b
                cel[f"s_{p}"] = f'IF({s}="",{b},{s})'
            c, a, i = cel["contracturen_per_fte"], cel["afwezigheid"], cel["indirect"]
            ws.write_formula(r, S.index("netto_uren_per_fte"), f"={c}*(1-{a})", f.formule_uren,
                             fn.netto_uren_per_fte)
            casus = fn.casus_uren_per_fte  # the model's own figure, c × (1 − a) × (1 − i)
            ws.write_formula(r, S.index("casus_uren_per_fte"), f"={c}*(1-{a})*(1-{i})",
                             f.formule_uren, casus)
            ws.write_formula(r, S.index("scenario_casus_uren_per_fte"),
                             f"={cel['s_contracturen_per_fte']}*(1-{cel['s_afwezigheid']})"
                             f"*(1-{cel['s_indirect']})", f.formule_uren, casus)
            ws.write_formula(r, S.index("scenario_leiding_waarde"), "=" + cel["s_leiding"],
                             f.formule_fte, fn.leiding)
            ws.write_formula(r, S.index("scenario_vast_fte_waarde"), "=" + cel["s_vast_fte"],
                             f.formule_fte, fn.vast_fte)
            ws.write_formula(r, S.index("scenario_minimum_fte_waarde"),
                             "=" + cel["s_minimum_fte"], f.formule_fte, fn.minimum_fte)
            # formatie.normenset.Functie.kosten_per_fte, in its operation order
            for sleutel, voor in (("kosten_per_fte", ""), ("scenario_kosten_per_fte", "s_")):
                ws.write_formula(r, S.index(sleutel),
                                 f"={cel[voor + 'salaris_per_fte']}"
                                 f"*(1+{cel[voor + 'werkgeverslasten']})"
                                 f"*(1+{cel[voor + 'opslag']})", f.formule_euro,
                                 fn.kosten_per_fte)
            _tekst(ws, r, S.index("normenset_naam"), n.naam, f.tekst)
            _tekst(ws, r, S.index("normenset_versie"), n.versie, f.tekst)
            _zoeksleutel(ws, r, S, BLAD_ORGANISATIE, f.formule_tekst, n.label, fn.sleutel)
            r += 1
    laatste = r - 1
    for p in P:
        for kolom in (S.index(p), S.index(f"scenario_{p}")):
            ws.data_validation(EERSTE_RIJ, kolom, laatste, kolom,
                               _validatie(parameter(p), leeg_mag=kolom != S.index(p)))
    ws.freeze_panes(EERSTE_RIJ, 3)
    _afdruk(ws, herhaal_tot=SLEUTELRIJ)
    _bescherm(ws)
    return _Tabel(BLAD_ORGANISATIE, S, EERSTE_RIJ + 1, laatste + 1, w.match)


# ----------------------------------------------------------------------------------------------
# Berekening (one row per gemeente × taak)
# ----------------------------------------------------------------------------------------------


def _schrijf_berekening(ws, f: _Formaten, w: _Werkboek) -> _Tabel:
    S = BEREKENING_2_SLEUTELS
    _tekst(ws, 0, 0, "Berekening per gemeente en taak (formules, niet wijzigen)", f.titel)
    labels = ("Gemeentecode", "Gemeente", "Normenset", "Functie", "Taak", "Invoer", "Volume",
              "Uren per eenheid", "Uren (volume × uren per eenheid)", "Casusuren per fte",
              "Fte (uren ÷ casusuren per fte)", "Scenario: volume",
              "Scenario: uren per eenheid", "Scenario: uren", "Scenario: casusuren per fte",
              "Scenario: fte", "Rij op Invoer", "Zoeksleutel")
    _kopregels(ws, f, labels, S, hoogte=45)
    sets = [g.normenset for g in w.groepen]
    for k, breedte in enumerate((13, 16, _breedte(n.label for n in sets),
                                 _breedte(f.sleutel for n in sets for f in n.functies),
                                 _breedte(t.sleutel for n in sets for t in n.taken),
                                 _breedte(i.sleutel for n in sets for i in n.invoer))):
        ws.set_column(k, k, breedte)
    ws.set_column(6, len(S) - 3, 12)
    ws.set_column(S.index("invoer_rij"), S.index("invoer_rij"), 8, None, {"hidden": True})
    inv, nor, org = w.invoer, w.normen, w.organisatie
    invoer_rijen = {(code, n.invoer[i].sleutel): p for p, (_h, _g, code, _naam, n, i) in
                    enumerate(w.invoer_volgorde, start=1)}
    k = {s: _kol(S, s) for s in ("gemeentecode", "normenset", "functie", "taak", "invoer",
                                 "invoer_rij")}
    # Rows in the order of their zoeksleutel (gemeentecode#functie) as a spreadsheet compares
    # text, the taken of a functie in normenset order: Resultaat adds up each block of rows
    # found by binary search (_Tabel.blok_som).
    rijen = sorted(((g, code, naam, n, res, regel) for _h, g, code, naam, n, res
                    in w.per_gemeente() for regel in functie_regels(res, g)
                    if regel.soort == "taak"),
                   key=lambda x: _sorteervolgorde(x[1] + ZOEK_SCHEIDING + x[5].functie))
    r = EERSTE_RIJ
    for g, code, naam, n, res, regel in rijen:
        casus = res.casus_uren_per_fte
        t = n.taken[n.taak_sleutels.index(regel.sleutel)]
        kt = n.taak_sleutels.index(regel.sleutel)
        j = n.functie_sleutels.index(t.functie)
        R = r + 1
        gemeente, label = f"${k['gemeentecode']}{R}", f"${k['normenset']}{R}"
        functie, taak = f"${k['functie']}{R}", f"${k['taak']}{R}"
        _tekst(ws, r, 0, code, f.tekst)
        _tekst(ws, r, 1, naam, f.tekst)
        _tekst(ws, r, 2, n.label, f.tekst)
        _tekst(ws, r, 3, t.functie, f.tekst)
        _tekst(ws, r, 4, t.sleutel, f.tekst)
        _tekst(ws, r, 5, t.invoer, f.tekst)
        volume, uren = float(res.taak_volume[g, kt]), float(res.uren[g, kt])
        fte = float(res.fte_taak[g, kt])
        for c0, w_inv, w_uren, w_casus in (
                (S.index("volume"), "waarde", "uren", "casus_uren_per_fte"),
                (S.index("scenario_volume"), "scenario_waarde", "scenario_uren",
                 "scenario_casus_uren_per_fte")):
            kv, kh, ku, kc = (xl_col_to_name(c0 + d) for d in range(4))
            ws.write_formula(r, c0, "=" + inv.op(w_inv, f"${k['invoer_rij']}{R}"),
                             f.formule_aantal, volume)
            ws.write_formula(r, c0 + 1, "=" + nor.zoek(w_uren, label, taak),
                             f.formule_uren_eenheid, float(t.uren))
            ws.write_formula(r, c0 + 2, f"={kv}{R}*{kh}{R}", f.formule_uren, uren)
            ws.write_formula(r, c0 + 3, "=" + org.zoek(w_casus, label, functie),
                             f.formule_uren, float(casus[j]))
            ws.write_formula(r, c0 + 4, f"={ku}{R}/{kc}{R}", f.formule_fte3, fte)
        ws.write_formula(r, S.index("invoer_rij"), "=" + inv.positie(
            gemeente, f"${k['invoer']}{R}"), f.formule_aantal, invoer_rijen[code, t.invoer])
        _zoeksleutel(ws, r, S, BLAD_BEREKENING, f.formule_tekst, code, t.functie)
        r += 1
    laatste = r - 1
    return _sluit_tabel(ws, BLAD_BEREKENING, S, laatste)


# ----------------------------------------------------------------------------------------------
# Resultaat (one row per gemeente)
# ----------------------------------------------------------------------------------------------


@dataclass
class _Resultaatkolommen:
    """Column letters of Resultaat and its data rows (1-based), for Samenvatting and charts."""

    sleutels: tuple[str, ...]
    eerste: int
    laatste: int
    met_bezetting: bool

    def kolom(self, sleutel: str) -> str:
        return _kol(self.sleutels, sleutel)

    def som(self, sleutel: str) -> str:
        k = self.kolom(sleutel)
        return f"SUM({BLAD_RESULTAAT}!${k}${self.eerste}:${k}${self.laatste})"

    def som_van(self, sleutel: str) -> str:
        """The sum of the column whose key is the formula text ``sleutel``: one exact MATCH
        on the key row picks the column of the data rows."""
        laatste = _kol(self.sleutels, self.sleutels[-1])
        return (f"SUM(INDEX({BLAD_RESULTAAT}!$A${self.eerste}:${laatste}${self.laatste},0,"
                f"MATCH({sleutel},{BLAD_RESULTAAT}!$A${SLEUTELRIJ + 1}:${laatste}"
                f"${SLEUTELRIJ + 1},0)))")


def _resultaat_sleutels(w: _Werkboek, met_bezetting: bool) -> tuple[list[str], list[str]]:
    functies = w.functies
    sleutels = ["gemeentecode", "gemeentenaam", "normenset"]
    labels = ["Gemeentecode", "Gemeente", "Normenset"]
    sleutels += [f"fte_{s}" for s, _ in functies] + ["fte_totaal"]
    labels += [f"Benodigd {naam} (fte)" for _, naam in functies] + ["Benodigd totaal (fte)"]
    sleutels += [f"scenario_fte_{s}" for s, _ in functies] + ["scenario_fte_totaal"]
    labels += [f"Scenario {naam} (fte)" for _, naam in functies] + ["Scenario totaal (fte)"]
    sleutels += [f"kosten_{s}" for s, _ in functies] + ["kosten_totaal"]
    labels += [f"Kosten {naam} per jaar (euro)" for _, naam in functies] + [
        "Kosten totaal per jaar (euro)"]
    sleutels += [f"scenario_kosten_{s}" for s, _ in functies] + ["scenario_kosten_totaal"]
    labels += [f"Scenario: kosten {naam} per jaar (euro)" for _, naam in functies] + [
        "Scenario: kosten totaal per jaar (euro)"]
    if met_bezetting:
        sleutels += [f"bezetting_{s}" for s, _ in functies]
        labels += [f"Bezetting {naam} (fte)" for _, naam in functies]
        sleutels += [f"verschil_{s}" for s, _ in functies]
        labels += [f"Verschil {naam} (bezetting − benodigd)" for _, naam in functies]
    for deel, uitleg in (("taken", "taken (fte)"), ("vast", "vaste basis (fte)"),
                         ("leiding", "leiding en ondersteuning (fte)"),
                         ("minimum", "aanvulling tot minimumformatie (fte)"),
                         ("scenario_taken", "scenario: taken (fte)"),
                         ("scenario_vast", "scenario: vaste basis (fte)"),
                         ("scenario_leiding", "scenario: leiding (fte)"),
                         ("scenario_minimum", "scenario: aanvulling tot minimum (fte)")):
        sleutels += [f"{deel}_{s}" for s, _ in functies]
        labels += [f"{naam}: {uitleg}" for _, naam in functies]
    return sleutels, labels


def _schrijf_resultaat(wb, ws, f: _Formaten, w: _Werkboek) -> _Resultaatkolommen:
    met_bezetting = any(code in w.bezetting for code in w.codes) or bool(w.regio_bezetting)
    sleutels, labels = _resultaat_sleutels(w, met_bezetting)
    S = tuple(sleutels)
    _tekst(ws, 0, 0, f"Resultaat: benodigde fte — {w.scope}", f.titel)
    _kopregels(ws, f, labels, S, hoogte=60)
    ws.set_column(0, 0, 11)
    ws.set_column(1, 2, 20)
    ws.set_column(3, len(S) - 1, 12)
    ber, org = w.berekening, w.organisatie

    def schrijf(r: int, sleutel: str, formule: str, waarde: float) -> None:
        ws.write_formula(r, S.index(sleutel), formule, f.formule_fte, waarde)

    r = EERSTE_RIJ
    for _h, g, code, naam, n, res in w.per_gemeente():
        R = r + 1
        _tekst(ws, r, 0, code, f.tekst)
        _tekst(ws, r, 1, naam, f.tekst)
        _tekst(ws, r, 2, n.label, f.tekst)
        for s, _ in w.functies:
            j = n.functie_sleutels.index(s) if s in n.functie_sleutels else None
            fte = 0.0 if j is None else float(res.fte[g, j])
            berekend = 0.0 if j is None else float(res.fte_berekend[g, j])
            uitvoering = 0.0 if j is None else float(res.fte_uitvoering[g, j])
            vast = 0.0 if j is None else float(n.functies[j].vast_fte)
            sleutel_f = _tekst_formule(s)
            for voor, kolom_taak, waarde_vast, waarde_leiding, waarde_minimum in (
                    ("", "fte_taak", "vast_fte", "leiding", "minimum_fte"),
                    ("scenario_", "scenario_fte_taak", "scenario_vast_fte_waarde",
                     "scenario_leiding_waarde", "scenario_minimum_fte_waarde")):
                kt, kv, kl, kf = (_kol(S, f"{voor}{d}_{s}")
                                  for d in ("taken", "vast", "leiding", "fte"))
                schrijf(r, f"{voor}taken_{s}", "=" + ber.blok_som(
                    kolom_taak, len(n.taken_van(s)) if j is not None else 0, f"$A{R}",
                    sleutel_f), uitvoering - vast)
                # A functie the gemeente's normenset does not have: no row on Organisatie.
                schrijf(r, f"{voor}vast_{s}", "=" + (
                    "0" if j is None else org.zoek(waarde_vast, f"$C{R}", sleutel_f)), vast)
                leiding = "0" if j is None else org.zoek(waarde_leiding, f"$C{R}", sleutel_f)
                minimum = "0" if j is None else org.zoek(waarde_minimum, f"$C{R}", sleutel_f)
                schrijf(r, f"{voor}leiding_{s}", f"=({kt}{R}+{kv}{R})*{leiding}",
                        berekend - uitvoering)
                # formatie.model: fte = max(fte_berekend, minimum_fte); the aanvulling its line
                schrijf(r, f"{voor}fte_{s}", f"=MAX({kt}{R}+{kv}{R}+{kl}{R},{minimum})", fte)
                schrijf(r, f"{voor}minimum_{s}", f"={kf}{R}-{kt}{R}-{kv}{R}-{kl}{R}",
                        fte - berekend)
        for voor in ("", "scenario_"):
            a = xl_rowcol_to_cell(r, S.index(f"{voor}fte_{w.functies[0][0]}"))
            b = xl_rowcol_to_cell(r, S.index(f"{voor}fte_{w.functies[-1][0]}"))
            schrijf(r, f"{voor}fte_totaal", f"=SUM({a}:{b})", float(res.fte_totaal[g]))
        # Euros: fte × the functie's kosten per fte on Organisatie (formatie.kosten.kosten)
        euros = kosten(n, res.fte[g])
        for voor, prijs in (("", "kosten_per_fte"), ("scenario_", "scenario_kosten_per_fte")):
            for s, _ in w.functies:
                j = n.functie_sleutels.index(s) if s in n.functie_sleutels else None
                per = "0" if j is None else org.zoek(prijs, f"$C{R}", _tekst_formule(s))
                ws.write_formula(r, S.index(f"{voor}kosten_{s}"),
                                 f"={_kol(S, f'{voor}fte_{s}')}{R}*{per}", f.formule_euro,
                                 0.0 if j is None else float(euros[j]))
            a = xl_rowcol_to_cell(r, S.index(f"{voor}kosten_{w.functies[0][0]}"))
            b = xl_rowcol_to_cell(r, S.index(f"{voor}kosten_{w.functies[-1][0]}"))
            ws.write_formula(r, S.index(f"{voor}kosten_totaal"), f"=SUM({a}:{b})",
                             f.formule_euro, float(euros.sum()))
        if met_bezetting:
            bekend = w.bezetting.get(code, {})
            for s, _ in w.functies:
                kb, kv = S.index(f"bezetting_{s}"), S.index(f"verschil_{s}")
                waarde = bekend.get(s)
                j = n.functie_sleutels.index(s) if s in n.functie_sleutels else None
                fte = 0.0 if j is None else float(res.fte[g, j])
                if waarde is None or not math.isfinite(float(waarde)):
                    ws.write_blank(r, kb, None, f.invoer_fte)
                    verschil = ""
                else:
                    ws.write_number(r, kb, float(waarde), f.invoer_fte)
                    verschil = float(waarde) - fte  # formatie.model.verschil
                b, nodig = xl_rowcol_to_cell(r, kb), f"{_kol(S, f'fte_{s}')}{R}"
                ws.write_formula(r, kv, f'=IF({b}="","",{b}-{nodig})', f.formule_fte, verschil)
        r += 1
    laatste = r - 1
    if met_bezetting:
        ws.data_validation(EERSTE_RIJ, S.index(f"bezetting_{w.functies[0][0]}"), laatste,
                           S.index(f"bezetting_{w.functies[-1][0]}"), _validatie(
                               parameter("bezetting"), "De huidige formatie in fte (mag leeg "
                               "blijven).", leeg_mag=True))
    kolommen = _Resultaatkolommen(S, EERSTE_RIJ + 1, laatste + 1, met_bezetting)
    onder = laatste + 2  # the region line: outside the table and its autofilter (sort range)
    if w.regio_bezetting:
        _schrijf_regio_bezetting(wb, ws, f, w, kolommen, onder)
        onder += 1

    grafiek = wb.add_chart({"type": "column", "subtype": "stacked"})
    for s, _ in w.functies:
        k = S.index(f"fte_{s}")
        grafiek.add_series({
            "name": [BLAD_RESULTAAT, SLEUTELRIJ - 1, k],
            "categories": [BLAD_RESULTAAT, EERSTE_RIJ, 1, laatste, 1],
            "values": [BLAD_RESULTAAT, EERSTE_RIJ, k, laatste, k],
        })
    grafiek.set_title({"name": "Benodigde fte per functie"})
    grafiek.set_y_axis({"name": "fte", "num_format": "0.0"})
    grafiek.set_legend({"position": "bottom"})
    grafiek.set_size({"width": 720, "height": 360})
    ws.insert_chart(onder + 1, 1, grafiek)
    ws.freeze_panes(EERSTE_RIJ, 2)
    ws.autofilter(SLEUTELRIJ, 0, laatste, len(S) - 1)
    _afdruk(ws, herhaal_tot=SLEUTELRIJ)
    _bescherm(ws)
    return kolommen


def _schrijf_regio_bezetting(wb, ws, f: _Formaten, w: _Werkboek, rk: _Resultaatkolommen,
                             r: int) -> None:
    """The region line under Resultaat's table: per regional functie ONE yellow input cell
    (the region's bezetting, defined name ``regio_bezetting_<functie>``, validated by the
    parameter table's "bezetting" row) and its verschil = bezetting − the functie's need summed
    over the workbook's gemeenten (:func:`formatie.model.verschil`)."""
    S = rk.sleutels
    _tekst(ws, r, 1, REGIO_REGEL, f.totaal_tekst)
    for s, waarde in w.regio_bezetting.items():
        kb, kv = S.index(f"bezetting_{s}"), S.index(f"verschil_{s}")
        if waarde is None:
            ws.write_blank(r, kb, None, f.invoer_fte)
        else:
            ws.write_number(r, kb, waarde, f.invoer_fte)
        wb.define_name(regio_bezetting_naam(s), f"={BLAD_RESULTAAT}!${xl_col_to_name(kb)}"
                                                f"${r + 1}")
        ws.data_validation(r, kb, r, kb, _validatie(
            parameter("bezetting"), "De bezetting van de regio in fte (mag leeg blijven).",
            leeg_mag=True))
        benodigd = w.regels.get((s, "fte", ""), 0.0)
        b = xl_rowcol_to_cell(r, kb)
        ws.write_formula(r, kv, f'=IF({b}="","",{b}-{rk.som(f"fte_{s}")})', f.formule_fte,
                         "" if waarde is None else float(verschil(waarde, benodigd)))


# ----------------------------------------------------------------------------------------------
# Samenvatting (one A4 page)
# ----------------------------------------------------------------------------------------------


def _schrijf_samenvatting(wb, ws, f: _Formaten, w: _Werkboek) -> None:
    """Per functie the lines of :func:`formatie.model.functie_regels` summed over the workbook's
    gemeenten (formulas), base and scenario side by side; bezetting and verschil; the range
    and the budget figure (values); the kengetal per 1.000.

    The table of lines cannot be mis-sorted: hidden columns E–G hold each line's keys
    (functie, soort, taak) and every visible cell (functie, regel, benodigd, scenario) is one
    formula of those keys, the same on every row — the label from Organisatie or Normen, the
    figure from Berekening (a taak) or the sum of a Resultaat column (the rest). Sorting the
    whole rows moves label and figure together; sorting only the visible columns leaves every
    row showing what it showed. The totals' bold rule is a conditional format on the key."""
    rk = w.resultaat
    S = SAMENVATTING_SLEUTELS
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 48)
    ws.set_column(2, 3, 15)
    ws.set_column(4, 6, None, None, {"hidden": True})
    jaren = sorted({j for j in w.jaren.values() if j is not None})
    _tekst(ws, 0, 0, w.titel or f"Formatie {w.scope}"
           + (f" {', '.join(map(str, jaren))}" if jaren else ""), f.titel)
    ws.merge_range(1, 0, 1, 3, "", f.klein)
    _tekst(ws, 1, 0, f"Normenset {w.normensets} · gemaakt op {w.datum} · Formatietool "
           f"{__version__}", f.klein)
    if len(w.groepen) > 1:
        ws.merge_range(2, 0, 2, 3, "", f.klein)
        _tekst(ws, 2, 0, REGIOBELEID, f.klein)
    r = SAMENVATTING_SLEUTELRIJ - 1
    for k, kop in enumerate(("Functie", "Regel", "Benodigd (fte)", "Scenario (fte)")):
        _tekst(ws, r, k, kop, f.kop)
    r += 1
    for k, sleutel in enumerate(S):
        _tekst(ws, r, k, sleutel, f.sleutel)
    ws.set_row(r, None, None, {"hidden": True})
    r += 1
    eerste = r
    org, nor, ber = w.organisatie, w.normen, w.berekening
    functienamen = dict(w.functies)
    taaknamen = {t.sleutel: t.naam for g in reversed(w.groepen) for t in g.normenset.taken}
    for functie, soort, taak in samenvatting_regels([g.normenset for g in w.groepen]):
        R = r + 1
        E, F, G = f"$E{R}", f"$F{R}", f"$G{R}"
        for k, waarde in enumerate((functie, soort, taak), start=4):
            _tekst(ws, r, k, waarde)
        functienaam = (f'IF({E}="{TOTAAL}","{TOTAAL_FUNCTIE}",INDEX({org.bereik("naam")},'
                       f'MATCH({E},{org.bereik("functie")},0)))')
        ws.write_formula(r, 0, "=" + functienaam, f.tekst,
                         TOTAAL_FUNCTIE if functie == TOTAAL else functienamen[functie])
        regel = (f'IF({F}="taak",INDEX({nor.bereik("naam")},MATCH({G},{nor.bereik("taak")},0)),'
                 f'IF({F}="vast","{REGEL_VAST}",IF({F}="leiding","{REGEL_LEIDING}",'
                 f'IF({F}="minimum","{REGEL_MINIMUM}",'
                 f'IF({E}="{TOTAAL}","{TOTAAL_REGEL}","{REGEL_TOTAAL_VAN}"&$A{R})))))')
        ws.write_formula(r, 1, "=" + regel, f.tekst, {
            "taak": taaknamen.get(taak, ""), "vast": REGEL_VAST,
            "leiding": REGEL_LEIDING, "minimum": REGEL_MINIMUM}.get(soort) or (
            TOTAAL_REGEL if functie == TOTAAL else REGEL_TOTAAL_VAN + functienamen[functie]))
        waarde = w.regels.get((functie, soort, taak), 0.0)
        for kolom, voor in ((2, ""), (3, "scenario_")):
            taken = (f"SUMIFS({ber.bereik(voor + 'fte_taak')},{ber.bereik('functie')},{E},"
                     f"{ber.bereik('taak')},{G})")
            lijn = rk.som_van(f'"{voor}"&{F}&"_"&{E}')
            ws.write_formula(r, kolom, f'=IF({F}="taak",{taken},{lijn})', f.formule_fte, waarde)
        r += 1
    # The totals' rule and bold follow the key, not the cell (a sort moves cell formats).
    ws.conditional_format(eerste, 0, r - 1, 3, {
        "type": "formula", "criteria": f'=$F{eerste + 1}="fte"', "format": f.totaal_regel})
    alles = w.regels.get((TOTAAL, "fte", ""), 0.0)
    r += 1

    # Euros per functie and in total: the sums of Resultaat's kosten columns (formulas, so a
    # changed salary or norm moves them), base and scenario.
    _tekst(ws, r, 0, "Kosten", f.kop)
    _tekst(ws, r, 1, "Per jaar: fte × kosten per fte (salaris × (1 + werkgeverslasten) × "
           "(1 + opslag), blad Organisatie)", f.kop)
    _tekst(ws, r, 2, "Benodigd (euro)", f.kop)
    _tekst(ws, r, 3, "Scenario (euro)", f.kop)
    ws.set_row(r, 45)
    r += 1
    for s, naam in [*w.functies, ("totaal", TOTAAL_FUNCTIE)]:
        _tekst(ws, r, 0, naam, f.vet if s == "totaal" else f.tekst)
        _tekst(ws, r, 1, "Kosten per jaar" if s != "totaal" else "Kosten van de benodigde "
               "formatie per jaar", f.tekst)
        waarde = w.kosten.get(s, 0.0)
        for kolom, voor in ((2, ""), (3, "scenario_")):
            ws.write_formula(r, kolom, "=" + rk.som(f"{voor}kosten_{s}"), f.formule_euro,
                             waarde)
        r += 1
    r += 1

    # Kengetal: fte per 1.000 of the normenset's per_duizend invoer.
    per = w.groepen[0].normenset.per_duizend
    if per:
        inv = w.groepen[0].normenset.invoer_by_sleutel(per)
        noemer = float(sum(res.volume[:, res.normenset.invoer_sleutels.index(per)].sum()
                           for res in w.resultaten if per in res.normenset.invoer_sleutels))
        _tekst(ws, r, 0, "Kengetal", f.vet)
        _tekst(ws, r, 1, f"Fte per 1.000 {inv.naam.lower()}", f.tekst_rand_wrap)
        ws.set_row(r, 27 if len(inv.naam) > 35 else None)
        for kolom, voor, bron in ((2, "", "waarde"), (3, "scenario_", "scenario_waarde")):
            noemer_formule = (f"SUMIF({w.invoer.bereik('invoer')},{_tekst_formule(per)},"
                              f"{w.invoer.bereik(bron)})")
            formule = f"=IFERROR({rk.som(f'{voor}fte_totaal')}/{noemer_formule}*1000,\"\")"
            ws.write_formula(r, kolom, formule, f.formule_fte,
                             alles / noemer * 1000.0 if noemer > 0 else "")
        r += 2

    # Bezetting and verschil per functie (only when known for every gemeente).
    _tekst(ws, r, 0, "Bezetting", f.kop)
    _tekst(ws, r, 1, "Verschil = bezetting − benodigd; negatief is een tekort", f.kop)
    _tekst(ws, r, 2, "Bezetting (fte)", f.kop)
    _tekst(ws, r, 3, "Verschil (fte)", f.kop)
    ws.set_row(r, 30)  # the header wraps to two lines: room for both
    r += 1
    for s, naam in w.functies:
        _tekst(ws, r, 0, naam, f.tekst)
        bekend = [w.bezetting.get(c, {}).get(s) for c in w.codes]
        if w.regio_bezetting is not None and s in w.regio_bezetting:
            # the region's own entry (one cell on Resultaat), as on the region page
            bezet = w.regio_bezetting[s]
            naam_cel = regio_bezetting_naam(s)
            _tekst(ws, r, 1, "regionaal: de bezetting van de regio (Resultaat, regel Regio)",
                   f.tekst)
            ws.write_formula(r, 2, f'=IF({naam_cel}="","",{naam_cel})', f.formule_fte,
                             "" if bezet is None else bezet)
            ws.write_formula(r, 3, f'=IF(C{r + 1}="","",C{r + 1}-{rk.som(f"fte_{s}")})',
                             f.formule_fte, "" if bezet is None else float(verschil(
                                 bezet, w.regels.get((s, "fte", ""), 0.0))))
        elif rk.met_bezetting and all(b is not None and math.isfinite(float(b))
                                      for b in bekend):
            bezet = float(sum(float(b) for b in bekend))
            benodigd = w.regels.get((s, "fte", ""), 0.0)
            _tekst(ws, r, 1, "", f.tekst)
            ws.write_formula(r, 2, "=" + rk.som(f"bezetting_{s}"), f.formule_fte, bezet)
            ws.write_formula(r, 3, f"=C{r + 1}-{rk.som(f'fte_{s}')}", f.formule_fte,
                             float(verschil(bezet, benodigd)))
        elif s in REGIONALE_FUNCTIES:  # as on the web: the region enters it, once
            _tekst(ws, r, 1, "regionaal: de regio vult de bezetting in (regiopagina)", f.tekst)
        else:
            _tekst(ws, r, 1, "bezetting niet (voor elke gemeente) bekend", f.tekst)
            ws.write_blank(r, 2, None, f.tekst)
            ws.write_blank(r, 3, None, f.tekst)
        r += 1
    r += 1

    # Range and budget figure (values from the Monte Carlo model at export time).
    onz = w.onzekerheid or {}
    bereik = onz.get(ALLE) if len(w.codes) > 1 else onz.get(w.codes[0])
    budget = BUDGET_PERCENTIEL.upper()
    _tekst(ws, r, 0, "Bandbreedte", f.kop)
    _tekst(ws, r, 1, "P10 – P90 (fte)", f.kop)
    _tekst(ws, r, 2, "P50 (fte)", f.kop)
    _tekst(ws, r, 3, f"Budget {budget} (fte)", f.kop)  # columns C–D fit it on one line
    r += 1
    if bereik:
        for s, naam in [*w.functies, ("totaal", "Totaal")]:
            p = bereik.get(s)
            if not p:
                continue
            _tekst(ws, r, 0, naam, f.tekst)
            _tekst(ws, r, 1, f"{format_fte(p['p10'])} – {format_fte(p['p90'])}",
                   f.tekst)
            ws.write_number(r, 2, float(p["p50"]), f.waarde_fte)
            # the budget table that adds up (formatie.budget) where the export kept the draws
            ws.write_number(r, 3, float(p.get("budget", p[BUDGET_PERCENTIEL])), f.waarde_fte)
            r += 1
        ws.merge_range(r, 0, r, 3, "", f.klein)
        verdeeld = all("budget" in (bereik.get(s) or {"budget": 0}) for s, _ in w.functies)
        _tekst(ws, r, 0, f"Begroot op {budget}: in 8 van de 10 jaren is de benodigde "
               "formatie niet hoger. " + (
                   f"De {budget} van het totaal is over de functies verdeeld naar wat elke "
                   f"functie verwacht nodig heeft als het totaal op zijn {budget} ligt, zodat "
                   f"ze optellen; elke functie apart op {budget} begroten kost meer. "
                   if verdeeld else "")
               + "De benodigde fte hierboven rekenen met de normuren zelf; die liggen onder "
               "P50 omdat de uren per taak naar boven scheef verdeeld zijn. Het bereik is "
               "berekend bij de export en volgt wijzigingen niet.", f.klein)
        ws.set_row(r, 78 if verdeeld else 52)
    else:
        ws.merge_range(r, 0, r, 3, "", f.klein)
        _tekst(ws, r, 0, "Geen bandbreedte voor het geheel van dit werkboek (de export had geen "
               "onzekerheid voor alle gemeenten samen).", f.klein)
    r += 1
    ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 1)
    ws.set_margins(left=0.6, right=0.6, top=0.75, bottom=0.75)
    ws.print_area(0, 0, r, 3)
    _bescherm(ws)


# ----------------------------------------------------------------------------------------------
# Onzekerheid
# ----------------------------------------------------------------------------------------------


def _schrijf_onzekerheid(ws, f: _Formaten, w: _Werkboek, onzekerheid) -> None:
    """P10/P50/P80/P90 per gemeente and functie as values (not yellow: they change nothing)."""
    _tekst(ws, 0, 0, "Onzekerheid (Monte Carlo bij de export; rekent niet mee met wijzigingen)",
           f.titel)
    codes = w.codes
    namen = [w.referentie.naam(c) for c in codes]
    groepen = [*w.functies, ("totaal", "Totaal")]
    kolommen = ["gemeentecode", "gemeentenaam"]
    labels = ["Gemeentecode", "Gemeente"]
    for s, naam in groepen:
        for p in PERCENTIELEN:
            kolommen.append(f"fte_{s}_{p}")
            labels.append(f"{naam} {p.upper()}")
    _kopregels(ws, f, labels, kolommen, hoogte=30)
    ws.set_column(0, 0, 13)
    ws.set_column(1, 1, 24)
    ws.set_column(2, len(kolommen) - 1, 12)
    for g, code in enumerate(codes):
        r = EERSTE_RIJ + g
        _tekst(ws, r, 0, code, f.tekst)
        _tekst(ws, r, 1, namen[g], f.tekst)
        per_groep = onzekerheid.get(code, {})
        k = 2
        for s, _ in groepen:
            waarden = per_groep.get(s, {})
            for p in PERCENTIELEN:
                w = waarden.get(p)
                if w is None or not math.isfinite(float(w)):
                    ws.write_blank(r, k, None, f.waarde_fte)
                else:
                    ws.write_number(r, k, float(w), f.waarde_fte)
                k += 1
    ws.freeze_panes(EERSTE_RIJ, 2)
    _afdruk(ws, herhaal_tot=SLEUTELRIJ)
    _bescherm(ws)


# ----------------------------------------------------------------------------------------------
# Gevoeligheid (tornado)
# ----------------------------------------------------------------------------------------------

GEVOELIGHEID_KOLOMMEN = ("invoer", "soort", "sleutel", "waarde_laag", "waarde_centraal",
                         "waarde_hoog", "fte_laag", "fte_hoog", "swing", "verschil_laag",
                         "verschil_hoog")


def _schrijf_gevoeligheid(wb, ws, f: _Formaten, tornado, top: int = 10) -> None:
    """The top ``top`` rows of a tornado as values, and a bar chart of the FTE change from the
    central estimate at each input's low and high value (values, not formulas)."""
    rijen = tornado.top(top)
    centraal = tornado.centraal if tornado.functie is None else float(
        tornado.centraal_functie[tornado.normenset.functie_sleutels.index(tornado.functie)])
    wat = "totale fte" if tornado.functie is None else (
        f"fte {tornado.normenset.functie(tornado.functie).naam}")
    _tekst(ws, 0, 0, f"Gevoeligheid: de {aantal_woord(len(rijen), 'invoerveld')} die de {wat} "
           f"het meest verschuiven (centraal {format_fte(centraal)} fte; één invoer tegelijk "
           "laag/hoog)", f.titel)
    labels = ["Invoer", "Soort", "Sleutel", "Waarde laag", "Waarde centraal", "Waarde hoog",
              "Fte bij laag", "Fte bij hoog", "Uitslag (fte)", "Verschil bij laag (fte)",
              "Verschil bij hoog (fte)"]
    _kopregels(ws, f, labels, GEVOELIGHEID_KOLOMMEN, hoogte=30)
    ws.set_column(0, 0, 48)
    ws.set_column(1, 2, 14)
    ws.set_column(3, len(labels) - 1, 12)
    for i, r in enumerate(rijen):
        rij = EERSTE_RIJ + i
        _tekst(ws, rij, 0, r.label, f.tekst)
        _tekst(ws, rij, 1, r.soort, f.tekst)
        _tekst(ws, rij, 2, r.sleutel, f.tekst)
        for k, w in enumerate((r.waarde_laag, r.waarde_centraal, r.waarde_hoog, r.fte_laag,
                               r.fte_hoog, r.swing, r.fte_laag - centraal,
                               r.fte_hoog - centraal), start=3):
            ws.write_number(rij, k, float(w), f.waarde_fte)
    if rijen:
        laatste = EERSTE_RIJ + len(rijen) - 1
        grafiek = wb.add_chart({"type": "bar"})
        for kolom, naam, kleur in ((9, "Bij lage waarde", "#9CC3EC"),
                                   (10, "Bij hoge waarde", "#1F5FA8")):
            grafiek.add_series({
                "name": naam,
                "categories": [BLAD_GEVOELIGHEID, EERSTE_RIJ, 0, laatste, 0],
                "values": [BLAD_GEVOELIGHEID, EERSTE_RIJ, kolom, laatste, kolom],
                "fill": {"color": kleur}, "overlap": 100, "gap": 40,
            })
        grafiek.set_title({"name": "Tornado: verandering van de fte t.o.v. centraal"})
        grafiek.set_x_axis({"name": "fte"})
        # Labels at the low end of the axis, left of every bar (at 0 they overlap the bars).
        grafiek.set_y_axis({"reverse": True, "label_position": "low"})
        grafiek.set_legend({"position": "bottom"})
        grafiek.set_size({"width": 860, "height": 60 + 32 * len(rijen)})
        ws.insert_chart(laatste + 2, 0, grafiek)
    ws.freeze_panes(EERSTE_RIJ, 1)
    _afdruk(ws, herhaal_tot=SLEUTELRIJ)
    _bescherm(ws)


# ----------------------------------------------------------------------------------------------
# Normensets (very hidden): the workbook's normensets as TOML, for the command line
# ----------------------------------------------------------------------------------------------


def _schrijf_normensets(ws, f: _Formaten, w: _Werkboek) -> None:
    """Every normenset of the workbook as TOML, cut in parts of TOML_DEEL characters, one row
    per part (text cells). Very hidden and protected: not a sheet to read or edit."""
    _tekst(ws, 0, 0, "Normensets van dit werkboek (TOML), voor formatie importeer", f.titel)
    for k, sleutel in enumerate(NORMENSETS_SLEUTELS):
        _tekst(ws, SLEUTELRIJ, k, sleutel, f.sleutel)
    r = EERSTE_RIJ
    for groep in w.groepen:
        n = groep.normenset
        tekst = normenset_als_toml(n)
        for deel, begin in enumerate(range(0, len(tekst), TOML_DEEL), start=1):
            for k, waarde in enumerate((n.label, n.naam, n.versie, str(deel),
                                        tekst[begin:begin + TOML_DEEL])):
                _tekst(ws, r, k, waarde)
            r += 1
    ws.very_hidden()
    _bescherm(ws)


# ----------------------------------------------------------------------------------------------
# Scenario comparison
# ----------------------------------------------------------------------------------------------


def exporteer_vergelijking(
    regels: list[Mapping],
    functies: list[tuple[str, str]],
    *,
    titel: str | None = None,
    export_tijd: datetime | None = None,
) -> bytes:
    """A comparison of scenarios (.xlsx) as bytes: sheets ``Toelichting``, ``Vergelijking``
    and ``Parameters``.

    ``regels``: one mapping per row (a base or a scenario) with ``naam``, ``basis`` (text:
    what the row is compared with), ``fte`` ({functie: fte summed over the gemeenten}),
    ``basis_totaal`` (the base's total) and optionally ``parameters`` (the scenario's JSON
    dict, written as text on ``Parameters``) and ``bereik`` (P10, P50, P80, P90 of the total).
    ``functies``: (sleutel, naam) in column order. On ``Vergelijking`` the key row 3 holds
    ``scenario``, ``basis``, ``fte_<functie>``, ``fte_totaal``, ``basis_totaal``, ``verschil``
    (and ``p10`` … ``p90`` when any row has a ``bereik``); ``fte_totaal`` and ``verschil`` are
    formulas (with their values stored), the rest are values computed by the model.
    """
    export_tijd = export_tijd or datetime.now(UTC)
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                      "strings_to_urls": False, "strings_to_numbers": False})
    f = _Formaten(wb)
    wb.set_properties({"title": _kort(titel or "Vergelijking van scenario's", 200),
                       "author": "Formatietool", "comments": BRONVERMELDING})
    wb.set_custom_property("formatie_versie", __version__)
    toelichting = wb.add_worksheet(BLAD_TOELICHTING)
    ws = wb.add_worksheet("Vergelijking")
    ws_par = wb.add_worksheet("Parameters")

    toelichting.set_column(0, 0, 28)
    toelichting.set_column(1, 1, 90)
    _tekst(toelichting, 0, 0, titel or "Vergelijking van scenario's", f.titel)
    regels_tekst = [
        ("Inhoud", "Per scenario de benodigde fte per functie, opgeteld over de gemeenten van "
                   "de basis, naast de basis zelf (de opgeslagen cijfers zonder wijzigingen)."),
        ("Formules", "fte_totaal = som van de functies; verschil = fte_totaal − basis_totaal. "
                     "De fte per functie zijn waarden uit het model van de Formatietool."),
        ("Parameters", "Het blad Parameters bevat per scenario alle parameters (JSON), zodat "
                       "elke uitkomst te reproduceren is."),
        ("Bereik", "P10 … P90: percentielen van het totaal uit het Monte-Carlomodel van de "
                   "tool (normuren binnen hun bereik, volumes variëren van jaar tot jaar); "
                   "waarden, ze rekenen niet mee met wijzigingen."),
        ("Formatietool", f"versie {__version__}"),
        ("Exporttijd", export_tijd.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("Bronnen", BRONVERMELDING),
    ]
    for r, (kop, tekst) in enumerate(regels_tekst, start=2):
        _tekst(toelichting, r, 0, kop, f.vet)
        _tekst(toelichting, r, 1, tekst, f.tekst_wrap)

    met_bereik = any(regel.get("bereik") is not None for regel in regels)
    sleutels = ["scenario", "basis", *[f"fte_{s}" for s, _ in functies], "fte_totaal",
                "basis_totaal", "verschil", *(PERCENTIELEN if met_bereik else ())]
    koppen = ["Scenario", "Basis", *[f"{naam} (fte)" for _, naam in functies],
              "Totaal (fte)", "Totaal basis (fte)", "Verschil met basis (fte)",
              *([f"Totaal {p.upper()} (fte, Monte Carlo)" for p in PERCENTIELEN]
                if met_bereik else [])]
    _tekst(ws, 0, 0, titel or "Vergelijking van scenario's", f.titel)
    for k, (kop, sleutel) in enumerate(zip(koppen, sleutels, strict=True)):
        _tekst(ws, 1, k, kop, f.kop)
        _tekst(ws, SLEUTELRIJ, k, sleutel, f.sleutel)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 50)
    ws.set_column(2, len(sleutels) - 1, 16)
    eerste_fte, laatste_fte = 2, 1 + len(functies)
    k_totaal, k_basis, k_verschil = laatste_fte + 1, laatste_fte + 2, laatste_fte + 3
    for r, regel in enumerate(regels, start=EERSTE_RIJ):
        _tekst(ws, r, 0, regel["naam"], f.tekst)
        _tekst(ws, r, 1, regel["basis"], f.tekst)
        fte = regel["fte"]
        for k, (sleutel, _) in enumerate(functies, start=eerste_fte):
            ws.write_number(r, k, float(fte.get(sleutel, 0.0)), f.waarde_fte)
        totaal = float(sum(float(fte.get(s, 0.0)) for s, _ in functies))
        ws.write_formula(r, k_totaal, f"=SUM({xl_rowcol_to_cell(r, eerste_fte)}:"
                                      f"{xl_rowcol_to_cell(r, laatste_fte)})", f.formule_fte,
                         totaal)
        ws.write_number(r, k_basis, float(regel["basis_totaal"]), f.waarde_fte)
        ws.write_formula(r, k_verschil, f"={xl_rowcol_to_cell(r, k_totaal)}-"
                                        f"{xl_rowcol_to_cell(r, k_basis)}", f.formule_fte,
                         totaal - float(regel["basis_totaal"]))
        for k, waarde in enumerate(regel.get("bereik") or (), start=k_verschil + 1):
            ws.write_number(r, k, float(waarde), f.waarde_fte)
    ws.freeze_panes(EERSTE_RIJ, 1)
    _afdruk(ws, SLEUTELRIJ)

    import json

    _tekst(ws_par, 0, 0, "Parameters per scenario (JSON)", f.titel)
    for k, (kop, sleutel) in enumerate((("Scenario", "scenario"), ("Parameters",
                                                                   "parameters"))):
        _tekst(ws_par, 1, k, kop, f.kop)
        _tekst(ws_par, SLEUTELRIJ, k, sleutel, f.sleutel)
    ws_par.set_column(0, 0, 34)
    ws_par.set_column(1, 1, 120)
    r = EERSTE_RIJ
    for regel in regels:
        if regel.get("parameters") is None:
            continue
        _tekst(ws_par, r, 0, regel["naam"], f.tekst)
        _tekst(ws_par, r, 1, json.dumps(regel["parameters"], ensure_ascii=False,
                                        sort_keys=True), f.tekst_wrap)
        r += 1
    ws.activate()
    wb.close()
    return buffer.getvalue()
