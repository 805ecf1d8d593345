"""Scenario workbooks: a live Excel model of the formatie chain (export with XlsxWriter).

:func:`exporteer_werkboek` writes one workbook for one gemeente, a region or all 342; the CLI
(``formatie export``) and the web download both call it. The sheets are written by
:mod:`~formatie.werkboek.bladen_invoer` (Toelichting, Invoer, Normen, Organisatie, Normensets),
:mod:`~formatie.werkboek.bladen_berekening` (Berekening, Resultaat, Samenvatting) and
:mod:`~formatie.werkboek.analyse` (Onzekerheid, Gevoeligheid), with the toolkit of
:mod:`~formatie.werkboek.blad`. Reading an edited workbook back lives in
:mod:`formatie.werkboek.lezen`; the layout both share (sheet names, key rows, format version)
is :mod:`formatie.werkboek.formaat`.

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
* ``Invoer`` — one row per gemeente × invoer (:data:`~formatie.werkboek.formaat.INVOER_SLEUTELS`):
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
* ``Begroting`` (optional) — this year and the next ones per gemeente and functie: fte of the
  forecast at export, euros as formulas on Organisatie (:mod:`~formatie.werkboek.begroting`).

Every formula is written with the value :func:`formatie.model.bereken` computes (so viewers that
do not recalculate show the model), English function names only; text from users or files is
always written with ``write_string``. Yellow cells change a figure; white cells with a border
may be edited but change none (range, bron, jaar).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Protocol

import numpy as np
import xlsxwriter

from .. import __version__
from ..herkomst import Herkomst
from ..meerjaren import Meerjarenbegroting, TeamMeerjarenbegroting
from ..model import Groep, bereken_groepen
from ..normenset import Normenset
from ..referentie import BRONVERMELDING, Referentie, load_referentie
from ..regio import REGIONALE_FUNCTIES  # shared with the pages
from ..teams import TeamUitkomst
from .analyse import (
    _schrijf_gevoeligheid,
    _schrijf_onzekerheid,
)
from .begroting import _schrijf_begroting
from .blad import (
    _Blad,
    _eindig,
    _Formaten,
    _kop_en_voet,
    _kort,
    _Werkboek,
)
from .bladen_berekening import (
    _schrijf_berekening,
    _schrijf_resultaat,
    _schrijf_samenvatting,
)
from .bladen_invoer import (
    _schrijf_invoer,
    _schrijf_normen,
    _schrijf_normensets,
    _schrijf_organisatie,
    _schrijf_toelichting,
)
from .formaat import (
    BLAD_BEGROTING,
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
    NAAM_NORMENSET,
    NAAM_NORMENSET_VERSIE,
    NAAM_VERSIE,
    WERKBOEK_FORMAAT,
)
from .geheugen import zonder_gc
from .team import schrijf_team, team_notitie


class InvoerLike(Protocol):
    """What the export needs from an invoer table (an :class:`formatie.invoer_csv.InvoerTabel`)."""

    gemeentecodes: tuple[str, ...]
    volume: np.ndarray



@zonder_gc()  # some 330.000 cells: see formatie.werkboek.geheugen
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
    team: TeamUitkomst | None = None,
    team_bezetting: float | None = None,
    begroting: Meerjarenbegroting | TeamMeerjarenbegroting | None = None,
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
    ``begroting``: a :class:`formatie.meerjaren.Meerjarenbegroting` of the workbook's gemeenten
    — adds ``Begroting`` (:mod:`formatie.werkboek.begroting`: the euros as live formulas on
    Organisatie); a :class:`formatie.meerjaren.TeamMeerjarenbegroting` (with ``team``) adds
    the team's Begroting, with each member's bijdrage per year.
    ``titel``, ``notitie``, ``invoer_bron`` are free text (written as text, never a formula).
    ``team``: a :class:`formatie.teams.TeamUitkomst` of the workbook's gemeenten (one
    normenset) — adds the sheet Team (:mod:`formatie.werkboek.team`), opened first, with
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
    wb.set_custom_property(NAAM_VERSIE, __version__)
    wb.set_custom_property("formatie_werkboek_formaat", str(WERKBOEK_FORMAAT))
    wb.set_custom_property(NAAM_NORMENSET, eerste.naam)
    wb.set_custom_property(NAAM_NORMENSET_VERSIE, eerste.versie)

    ws_samenvatting = wb.add_worksheet(BLAD_SAMENVATTING, worksheet_class=_Blad)
    ws_team = (wb.add_worksheet(BLAD_TEAM, worksheet_class=_Blad) if team is not None
               else None)
    ws_toelichting = wb.add_worksheet(BLAD_TOELICHTING, worksheet_class=_Blad)
    ws_invoer = wb.add_worksheet(BLAD_INVOER, worksheet_class=_Blad)
    ws_normen = wb.add_worksheet(BLAD_NORMEN, worksheet_class=_Blad)
    ws_organisatie = wb.add_worksheet(BLAD_ORGANISATIE, worksheet_class=_Blad)
    ws_berekening = wb.add_worksheet(BLAD_BEREKENING, worksheet_class=_Blad)
    ws_resultaat = wb.add_worksheet(BLAD_RESULTAAT, worksheet_class=_Blad)

    if team is not None:
        notitie = team_notitie(team) + (f" {notitie}" if notitie else "")
    _schrijf_toelichting(wb, ws_toelichting, f, w, notitie, invoer_bron)
    w.invoer = _schrijf_invoer(ws_invoer, f, w)
    w.normen = _schrijf_normen(ws_normen, f, w)
    w.organisatie = _schrijf_organisatie(ws_organisatie, f, w)
    w.berekening = _schrijf_berekening(ws_berekening, f, w)
    w.resultaat = _schrijf_resultaat(wb, ws_resultaat, f, w)
    _schrijf_samenvatting(wb, ws_samenvatting, f, w)
    if ws_team is not None:
        schrijf_team(wb, ws_team, f, groepen[0].normenset, referentie, team, w.invoer,
                     w.organisatie, w.berekening, w.resultaat, team_bezetting)
    _schrijf_normensets(wb.add_worksheet(BLAD_NORMENSETS, worksheet_class=_Blad), f, w)
    if onzekerheid is not None:
        _schrijf_onzekerheid(wb.add_worksheet(BLAD_ONZEKERHEID, worksheet_class=_Blad), f, w,
                             onzekerheid)
    if gevoeligheid is not None:
        _schrijf_gevoeligheid(wb, wb.add_worksheet(BLAD_GEVOELIGHEID, worksheet_class=_Blad),
                              f, gevoeligheid)
    if begroting is not None:
        team_b = begroting if isinstance(begroting, TeamMeerjarenbegroting) else None
        mb = begroting.begroting if team_b is not None else begroting
        if set(mb.gemeentecodes) != set(codes):
            raise ValueError("the begroting is not of the workbook's gemeenten")
        _schrijf_begroting(wb, wb.add_worksheet(BLAD_BEGROTING, worksheet_class=_Blad), f, w,
                           mb, team_b)
    for ws in wb.worksheets():
        _kop_en_voet(ws, w)
    (ws_team or ws_samenvatting).activate()
    ws_samenvatting.set_first_sheet()
    wb.close()
    return buffer.getvalue()


