"""Scenario workbooks: a live Excel model of the formatie chain (export with XlsxWriter).

:func:`exporteer_werkboek` writes one workbook for one gemeente, a region or all 342; the CLI
(``formatie export``) and the web download both call it. Reading an edited workbook back lives in
:mod:`formatie.werkboek_lezen`; the layout both share is :mod:`formatie.werkboek_formaat`.

Sheets and the chain they mirror (see :mod:`formatie.model`):

* ``Toelichting`` — how to use, colour legend, provenance (named cells ``formatie_werkboek``,
  ``formatie_versie``, ``normenset_naam``, ``normenset_versie``, ``export_tijd``).
* ``Invoer`` — one row per gemeente; key row 3: ``gemeentecode``, ``gemeentenaam``, ``jaar``,
  the invoer sleutels. Yellow cells are unlocked and validated (invoer min/max).
* ``Normen`` — key row 3: ``taak``, ``naam``, ``functie``, ``invoer``, ``eenheid``, ``uren``,
  ``uren_laag``, ``uren_hoog``, ``bron``; every taak's ``uren`` cell is named ``uren_<taak>``.
  Below it the organisation parameters per functie, named ``<functie>_<parameter>``, with the
  formulas ``<functie>_netto_uren_per_fte`` and ``<functie>_casus_uren_per_fte``.
* ``Berekening`` — one row per gemeente × taak: volume → × uren per eenheid → uren →
  ÷ casusuren per fte → fte_taak (locked formulas).
* ``Resultaat`` — key row 3: ``gemeentecode``, ``gemeentenaam``, ``fte_<functie>``,
  ``fte_totaal`` (+ ``bezetting_<functie>``, ``verschil_<functie>`` when a bezetting is given),
  ``fte = (Σ fte_taak + vast_fte) × (1 + leiding)``; a table of fte per taak; two charts.
* ``Onzekerheid`` (optional) — P10/P50/P80/P90 per gemeente and functie as values (the Monte
  Carlo model is not in the workbook, so these do not follow edits).

Every formula is written with the value :func:`formatie.model.bereken` computes, English
function names only; text from users or files is always written with ``write_string``.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import numpy as np
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from . import __version__
from .getallen import EXCEL_FORMATEN, format_fte
from .model import bereken
from .normenset import ORGANISATIE_PARAMETERS, Normenset
from .parameters import Parameter, parameter
from .referentie import BRONVERMELDING, Referentie, load_referentie
from .taal import aantal_woord
from .werkboek_formaat import (
    BEREKENING_SLEUTELS,
    BLAD_BEREKENING,
    BLAD_GEVOELIGHEID,
    BLAD_INVOER,
    BLAD_NORMEN,
    BLAD_ONZEKERHEID,
    BLAD_RESULTAAT,
    BLAD_TOELICHTING,
    EERSTE_RIJ,
    PARAMETER_SLEUTELS,
    PERCENTIELEN,
    SLEUTELRIJ,
    TAAK_SLEUTELS,
    WERKBOEK_FORMAAT,
    WERKBOEK_SOORT,
    parameter_naam,
    uren_naam,
)

_GEEL = "#FFF2CC"  # input
_GRIJS = "#EDEDED"  # formula
_KOP = "#1F4E79"

_PARAMETER_LABELS = {
    "contracturen_per_fte": "Contracturen per fte per jaar",
    "afwezigheid": "Afwezigheid (verlof, ziekte, scholing)",
    "indirect": "Indirecte tijd (overleg, beleid, reistijd)",
    "leiding": "Leiding en ondersteuning (fte per fte)",
    "vast_fte": "Vaste basis per gemeente (fte)",
    "netto_uren_per_fte": "Netto uren per fte",
    "casus_uren_per_fte": "Casusuren per fte",
}


class InvoerLike(Protocol):
    """What the export needs from an invoer table (an :class:`formatie.invoer_csv.InvoerTabel`)."""

    gemeentecodes: tuple[str, ...]
    volume: np.ndarray


@dataclass(frozen=True)
class _Plaats:
    """Where things were written, for formulas and charts."""

    invoer_cel: dict[tuple[int, int], str]  # (g, i) → 'Invoer!$D$4'
    uren_naam: dict[str, str]  # taak → defined name of its uren cell
    parameter_naam: dict[tuple[str, str], str]  # (functie, parameter) → defined name
    berekening_blok: dict[tuple[int, int], tuple[int, int]]  # (g, f) → first, last row


def onzekerheid_uit_bereik(bereik) -> dict[str, dict[str, dict[str, float]]]:
    """The ``onzekerheid`` argument of :func:`exporteer_werkboek` from a
    :class:`formatie.onzekerheid.Bereik` (fte (P, G, F), fte_totaal (P, G), P = P10/P50/P80/P90).
    """
    uit: dict[str, dict[str, dict[str, float]]] = {}
    for g, code in enumerate(bereik.gemeentecodes):
        per = {f.sleutel: {p: float(w) for p, w in zip(PERCENTIELEN, bereik.fte[:, g, j],
                                                       strict=True)}
               for j, f in enumerate(bereik.normenset.functies)}
        per["totaal"] = {p: float(w) for p, w in zip(PERCENTIELEN, bereik.fte_totaal[:, g],
                                                     strict=True)}
        uit[code] = per
    return uit


def _validatie(p: Parameter, uitleg: str | None = None, leeg_mag: bool = False) -> dict:
    """Excel data validation for a cell holding parameter ``p`` (stored unit), from the one
    parameter table: Excel compares with ≥/≤ only, so an open end moves by a hair."""
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


def exporteer_werkboek(
    normenset: Normenset,
    invoer: InvoerLike,
    referentie: Referentie | None = None,
    *,
    bezetting: Mapping[str, Mapping[str, float]] | None = None,
    onzekerheid: Mapping[str, Mapping[str, Mapping[str, float]]] | None = None,
    gevoeligheid=None,
    titel: str | None = None,
    notitie: str | None = None,
    invoer_bron: str | None = None,
    export_tijd: datetime | None = None,
) -> bytes:
    """The scenario workbook (.xlsx) as bytes.

    ``invoer``: anything with ``gemeentecodes`` (G,) and ``volume`` (G, I) in the normenset's
    invoer order, optionally ``jaren`` (an :class:`~formatie.invoer_csv.InvoerTabel` fits).
    ``bezetting``: current formation ``{gemeentecode: {functie: fte}}`` where known.
    ``onzekerheid``: ``{gemeentecode: {functie | "totaal": {"p10": …, "p50": …, "p80": …,
    "p90": …}}}`` — adds the ``Onzekerheid`` sheet. ``gevoeligheid``: a
    :class:`formatie.gevoeligheid.Tornado` — adds the ``Gevoeligheid`` sheet (top rows as
    values and a tornado bar chart). ``titel``, ``notitie``, ``invoer_bron``
    are free text (written as text, never as a formula).
    """
    referentie = referentie or load_referentie()
    codes = tuple(invoer.gemeentecodes)
    if not codes:
        raise ValueError("a workbook needs at least one gemeente")
    volume = np.atleast_2d(np.asarray(invoer.volume, dtype=float))
    if volume.shape != (len(codes), len(normenset.invoer)):
        raise ValueError(f"volume has shape {volume.shape}, expected "
                         f"({len(codes)}, {len(normenset.invoer)})")
    if not np.isfinite(volume).all():
        raise ValueError("volume contains NaN or infinity")
    onbekend = [c for c in codes if c not in referentie.index]
    if onbekend:
        raise ValueError(f"unknown gemeentecodes: {', '.join(onbekend)}")
    jaren = tuple(getattr(invoer, "jaren", None) or (None,) * len(codes))
    resultaat = bereken(normenset, volume, codes)
    namen = tuple(referentie.naam(c) for c in codes)
    export_tijd = export_tijd or datetime.now(UTC)

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                      "strings_to_urls": False, "strings_to_numbers": False})
    f = _Formaten(wb)
    wb.set_properties({
        "title": _kort(titel or "Formatietool scenario", 200),
        "subject": f"Normenset {normenset.label}",
        "author": "Formatietool",
        "comments": BRONVERMELDING,
    })
    wb.set_custom_property("formatie_versie", __version__)
    wb.set_custom_property("formatie_werkboek_formaat", str(WERKBOEK_FORMAAT))
    wb.set_custom_property("normenset_naam", normenset.naam)
    wb.set_custom_property("normenset_versie", normenset.versie)

    toelichting = wb.add_worksheet(BLAD_TOELICHTING)
    ws_invoer = wb.add_worksheet(BLAD_INVOER)
    ws_normen = wb.add_worksheet(BLAD_NORMEN)
    ws_berekening = wb.add_worksheet(BLAD_BEREKENING)
    ws_resultaat = wb.add_worksheet(BLAD_RESULTAAT)

    _schrijf_toelichting(wb, toelichting, f, normenset, codes, titel, notitie, invoer_bron,
                         export_tijd, onzekerheid is not None)
    invoer_cel = _schrijf_invoer(ws_invoer, f, normenset, codes, namen, jaren, volume)
    uren, parameters = _schrijf_normen(wb, ws_normen, f, normenset)
    plaats = _Plaats(invoer_cel, uren, parameters, {})
    _schrijf_berekening(ws_berekening, f, normenset, codes, namen, resultaat, plaats)
    _schrijf_resultaat(wb, ws_resultaat, f, normenset, codes, namen, resultaat, plaats,
                       bezetting or {})
    if onzekerheid is not None:
        _schrijf_onzekerheid(wb.add_worksheet(BLAD_ONZEKERHEID), f, normenset, codes, namen,
                             onzekerheid)
    if gevoeligheid is not None:
        _schrijf_gevoeligheid(wb, wb.add_worksheet(BLAD_GEVOELIGHEID), f, gevoeligheid)
    ws_resultaat.activate()
    wb.close()
    return buffer.getvalue()


class _Formaten:
    def __init__(self, wb: xlsxwriter.Workbook):
        rand = {"border": 1, "border_color": "#BFBFBF"}
        self.titel = wb.add_format({"bold": True, "font_size": 14, "font_color": _KOP})
        self.kop = wb.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                  "bg_color": "#DDEBF7", **rand})
        self.sleutel = wb.add_format({"font_color": "#595959", "italic": True, "font_size": 9,
                                      "bg_color": "#F2F2F2", **rand})
        self.tekst = wb.add_format({**rand})
        self.tekst_wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.vet = wb.add_format({"bold": True})
        self.invoer = wb.add_format({"bg_color": _GEEL, "locked": False, **rand})
        self.invoer_tekst = wb.add_format({"bg_color": _GEEL, "locked": False, **rand,
                                           "num_format": "@"})
        fmt = EXCEL_FORMATEN  # the same kinds and decimals as the pages (formatie.getallen)
        self.invoer_uren = wb.add_format({"bg_color": _GEEL, "locked": False, **rand,
                                          "num_format": fmt["uren"]})
        self.invoer_procent = wb.add_format({"bg_color": _GEEL, "locked": False, **rand,
                                             "num_format": fmt["procent"]})
        self.invoer_fte = wb.add_format({"bg_color": _GEEL, "locked": False, **rand,
                                         "num_format": fmt["fte"]})
        self.formule = wb.add_format({"bg_color": _GRIJS, **rand})
        self.formule_uren = wb.add_format({"bg_color": _GRIJS, **rand,
                                           "num_format": fmt["telling"]})
        self.formule_fte = wb.add_format({"bg_color": _GRIJS, **rand, "num_format": fmt["fte"]})
        self.formule_fte3 = wb.add_format({"bg_color": _GRIJS, **rand,
                                           "num_format": fmt["fte_taak"]})
        self.totaal_fte = wb.add_format({"bg_color": _GRIJS, "bold": True, "top": 2,
                                         "num_format": fmt["fte"]})
        self.totaal_tekst = wb.add_format({"bold": True, "top": 2})
        self.waarde_fte = wb.add_format({**rand, "num_format": fmt["fte"]})
        self.legenda_invoer = wb.add_format({"bg_color": _GEEL, **rand})
        self.legenda_formule = wb.add_format({"bg_color": _GRIJS, **rand})
        self.legenda_tekst = wb.add_format({**rand})


def _tekst(ws, rij: int, kolom: int, waarde: str | None, fmt=None) -> None:
    """User or file text: always a string cell, never a formula, URL or number."""
    ws.write_string(rij, kolom, "" if waarde is None else str(waarde), fmt)



def _kopregels(ws, f: _Formaten, labels, sleutels, hoogte: int, rij: int = 1) -> None:
    """A Dutch label row at ``rij`` and, right under it, the machine-readable key row."""
    for k, (label, sleutel) in enumerate(zip(labels, sleutels, strict=True)):
        _tekst(ws, rij, k, label, f.kop)
        _tekst(ws, rij + 1, k, sleutel, f.sleutel)
    ws.set_row(rij, hoogte)

def _afdruk(ws, herhaal_tot: int | None = None) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_footer("&L&A&RPagina &P van &N")
    if herhaal_tot is not None:
        ws.repeat_rows(0, herhaal_tot)


def _bescherm(ws) -> None:
    """Sheet protection without a password: only the yellow cells can be edited."""
    ws.protect("", {"format_columns": True, "format_rows": True, "sort": False,
                    "autofilter": True, "select_locked_cells": True,
                    "select_unlocked_cells": True})


# ----------------------------------------------------------------------------------------------
# Toelichting
# ----------------------------------------------------------------------------------------------


def _schrijf_toelichting(wb, ws, f: _Formaten, n: Normenset, codes, titel, notitie,
                         invoer_bron, export_tijd: datetime, met_onzekerheid: bool) -> None:
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 90)
    _tekst(ws, 0, 0, titel or "Formatietool leerplicht en Doorstroompunt — scenario", f.titel)
    uitleg = [
        "Dit werkboek is een levend rekenmodel: pas de gele cellen aan en de benodigde fte "
        "worden direct opnieuw berekend (in Excel, LibreOffice of Numbers).",
        "1. Invoer: één rij per gemeente met de aantallen per jaar (meldingen, leerlingen, "
        "trajecten …). Bij een cel ziet u de toegestane waarden.",
        "2. Normen: de uren per eenheid per taak en per functie de contracturen, afwezigheid, "
        "indirecte tijd, leiding en vaste basis.",
        "3. Berekening: per gemeente en taak volume × uren per eenheid = uren; uren ÷ "
        "casusuren per fte = fte. Niet te wijzigen.",
        "4. Resultaat: fte per functie = (som fte van de taken + vaste basis) × (1 + leiding), "
        "met grafieken.",
        "Terugzetten: lees het bewaarde werkboek in met 'formatie import' of upload het in de "
        "webapplicatie. Verander de sleutelrijen (grijze cursieve rij 3) en de bladnamen niet.",
        "De bladen zijn beveiligd zonder wachtwoord, zodat alleen de gele cellen te wijzigen "
        "zijn. Opheffen kan via Controleren → Beveiliging blad opheffen.",
        "Typ in invoercellen een getal, geen formule: formules in invoercellen worden bij het "
        "terugzetten geweigerd.",
    ]
    if met_onzekerheid:
        uitleg.append("Onzekerheid: P10/P50/P80/P90 uit het Monte-Carlomodel van de tool bij de "
                      "export; deze waarden rekenen niet mee met wijzigingen in dit werkboek.")
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
        (f.legenda_invoer, "Geel", "invoer: hier mag u wijzigen"),
        (f.legenda_formule, "Grijs", "formule: wordt berekend, beveiligd"),
        (f.legenda_tekst, "Wit", "tekst en sleutels: niet wijzigen"),
    ):
        ws.write_string(rij, 0, wat, fmt)
        ws.write_string(rij, 1, uitleg_kleur)
        rij += 1
    rij += 1
    _tekst(ws, rij, 0, "Herkomst", f.vet)
    rij += 1
    herkomst = [
        ("formatie_werkboek", "Soort bestand", WERKBOEK_SOORT),
        ("formatie_formaat", "Werkboekformaat", str(WERKBOEK_FORMAAT)),
        ("formatie_versie", "Versie formatietool", __version__),
        ("normenset_naam", "Normenset", n.naam),
        ("normenset_versie", "Versie normenset", n.versie),
        ("export_tijd", "Gemaakt op (UTC)", export_tijd.astimezone(UTC).strftime(
            "%Y-%m-%d %H:%M:%S")),
        (None, "Aantal gemeenten", str(len(codes))),
        (None, "Invoer", invoer_bron or "ingevoerde aantallen"),
        (None, "Bronnen", BRONVERMELDING),
    ]
    for naam, label, waarde in herkomst:
        ws.write_string(rij, 0, label, f.tekst)
        _tekst(ws, rij, 1, waarde, f.tekst)
        if naam:
            wb.define_name(naam, f"=Toelichting!${xl_col_to_name(1)}${rij + 1}")
        rij += 1
    if n.toelichting:
        rij += 1
        _tekst(ws, rij, 0, "Over de normenset", f.vet)
        rij += 1
        ws.merge_range(rij, 0, rij, 1, "", f.tekst_wrap)
        _tekst(ws, rij, 0, n.toelichting, f.tekst_wrap)
        ws.set_row(rij, 45)
        rij += 1
    if notitie:
        rij += 1
        _tekst(ws, rij, 0, "Notitie", f.vet)
        rij += 1
        ws.merge_range(rij, 0, rij, 1, "", f.tekst_wrap)
        _tekst(ws, rij, 0, notitie, f.tekst_wrap)
        ws.set_row(rij, 45)
    _afdruk(ws)
    _bescherm(ws)


# ----------------------------------------------------------------------------------------------
# Invoer
# ----------------------------------------------------------------------------------------------


def _schrijf_invoer(ws, f: _Formaten, n: Normenset, codes, namen, jaren, volume):
    _tekst(ws, 0, 0, "Invoer per gemeente — wijzig de gele cellen", f.titel)
    kolommen = ["gemeentecode", "gemeentenaam", "jaar", *n.invoer_sleutels]
    labels = ["Gemeentecode", "Gemeente", "Jaar",
              *[f"{i.naam} ({i.eenheid})" for i in n.invoer]]
    _kopregels(ws, f, labels, kolommen, hoogte=75)
    ws.set_column(0, 0, 13)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 2, 8)
    ws.set_column(3, 2 + len(n.invoer), 16)
    invoer_cel = {}
    for g, code in enumerate(codes):
        r = EERSTE_RIJ + g
        _tekst(ws, r, 0, code, f.tekst)
        _tekst(ws, r, 1, namen[g], f.tekst)
        if jaren[g] is None:
            ws.write_blank(r, 2, None, f.invoer)
        else:
            ws.write_number(r, 2, int(jaren[g]), f.invoer)
        for i in range(len(n.invoer)):
            ws.write_number(r, 3 + i, float(volume[g, i]), f.invoer)
            invoer_cel[g, i] = f"Invoer!{xl_rowcol_to_cell(r, 3 + i, True, True)}"
    laatste = EERSTE_RIJ + max(len(codes), 1) - 1
    ws.data_validation(EERSTE_RIJ, 2, laatste, 2, {
        "validate": "integer", "criteria": "between", "minimum": 2000, "maximum": 2100,
        "ignore_blank": True, "input_title": "Jaar",
        "input_message": "Het jaar waarop de aantallen betrekking hebben (mag leeg blijven).",
        "error_title": "Ongeldig jaar", "error_message": "Vul een jaar tussen 2000 en 2100 in.",
    })
    for i, inv in enumerate(n.invoer):
        bereik = f"{inv.min:g} tot en met {inv.max:g}"
        bericht = f"{inv.eenheid}; toegestaan: {bereik}. {inv.toelichting}".strip()
        ws.data_validation(EERSTE_RIJ, 3 + i, laatste, 3 + i, {
            "validate": "decimal", "criteria": "between",
            "minimum": float(inv.min), "maximum": float(inv.max), "ignore_blank": False,
            "input_title": _kort(inv.naam, 32), "input_message": _kort(bericht, 255),
            "error_title": "Ongeldige waarde",
            "error_message": _kort(f"{inv.naam}: vul een getal van {bereik} in.", 255),
        })
    ws.freeze_panes(EERSTE_RIJ, 2)
    _afdruk(ws, herhaal_tot=SLEUTELRIJ)
    _bescherm(ws)
    return invoer_cel


# ----------------------------------------------------------------------------------------------
# Normen
# ----------------------------------------------------------------------------------------------


def _schrijf_normen(wb, ws, f: _Formaten, n: Normenset):
    _tekst(ws, 0, 0, f"Normen — normenset {n.label}", f.titel)
    labels = ("Taak (sleutel)", "Taak", "Functie", "Invoer", "Eenheid", "Uren per eenheid",
              "Uren laag (P10)", "Uren hoog (P90)", "Bron")
    _kopregels(ws, f, labels, TAAK_SLEUTELS, hoogte=30)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 44)
    ws.set_column(2, 4, 18)
    ws.set_column(5, 7, 13)
    ws.set_column(8, 8, 40)
    uren = {}
    gebruikte_namen = {parameter_naam(fs, p) for fs in n.functie_sleutels
                       for p in (*ORGANISATIE_PARAMETERS, "netto_uren_per_fte",
                                 "casus_uren_per_fte")}
    for k, t in enumerate(n.taken):
        r = EERSTE_RIJ + k
        _tekst(ws, r, 0, t.sleutel, f.tekst)
        _tekst(ws, r, 1, t.naam, f.tekst)
        _tekst(ws, r, 2, t.functie, f.tekst)
        _tekst(ws, r, 3, t.invoer, f.tekst)
        _tekst(ws, r, 4, n.invoer_by_sleutel(t.invoer).eenheid, f.tekst)
        ws.write_number(r, 5, t.uren, f.invoer_uren)
        ws.write_number(r, 6, t.uren_laag, f.invoer_uren)
        ws.write_number(r, 7, t.uren_hoog, f.invoer_uren)
        _tekst(ws, r, 8, t.bron, f.invoer_tekst)
        cel = f"=Normen!{xl_rowcol_to_cell(r, 5, True, True)}"
        naam = uren_naam(t.sleutel)
        if naam in gebruikte_namen:  # cannot happen with sane keys; fall back to the cell
            uren[t.sleutel] = cel[1:]
        else:
            wb.define_name(naam, cel)
            uren[t.sleutel] = naam
    laatste = EERSTE_RIJ + len(n.taken) - 1
    ws.data_validation(EERSTE_RIJ, 5, laatste, 7, _validatie(
        parameter("uren"), "Uren per eenheid volume. Laag ≤ uren ≤ hoog."))

    # Organisation parameters per functie.
    start = laatste + 3
    _tekst(ws, start, 0, "Organisatie per functie", f.vet)
    plabels = ("Functie (sleutel)", "Functie",
               *[_PARAMETER_LABELS[p] for p in PARAMETER_SLEUTELS[2:]])
    _kopregels(ws, f, plabels, PARAMETER_SLEUTELS, hoogte=45, rij=start + 1)
    parameters = {}
    for j, fn in enumerate(n.functies):
        r = start + 3 + j
        _tekst(ws, r, 0, fn.sleutel, f.tekst)
        _tekst(ws, r, 1, fn.naam, f.tekst)
        for k, p in enumerate(ORGANISATIE_PARAMETERS):
            fmt = f.invoer_procent if p in ("afwezigheid", "indirect") else f.invoer_uren
            ws.write_number(r, 2 + k, getattr(fn, p), fmt)
            naam = parameter_naam(fn.sleutel, p)
            wb.define_name(naam, f"=Normen!{xl_rowcol_to_cell(r, 2 + k, True, True)}")
            parameters[fn.sleutel, p] = naam
        c, a, i = (parameters[fn.sleutel, p]
                   for p in ("contracturen_per_fte", "afwezigheid", "indirect"))
        netto = parameter_naam(fn.sleutel, "netto_uren_per_fte")
        casus = parameter_naam(fn.sleutel, "casus_uren_per_fte")
        kolom = 2 + len(ORGANISATIE_PARAMETERS)
        ws.write_formula(r, kolom, f"={c}*(1-{a})", f.formule_uren, fn.netto_uren_per_fte)
        # Same operation order as formatie.model.casus_uren_per_fte: c × (1 − a) × (1 − i).
        ws.write_formula(r, kolom + 1, f"={c}*(1-{a})*(1-{i})", f.formule_uren,
                         float(fn.contracturen_per_fte * (1.0 - fn.afwezigheid)
                               * (1.0 - fn.indirect)))
        wb.define_name(netto, f"=Normen!{xl_rowcol_to_cell(r, kolom, True, True)}")
        wb.define_name(casus, f"=Normen!{xl_rowcol_to_cell(r, kolom + 1, True, True)}")
        parameters[fn.sleutel, "casus_uren_per_fte"] = casus
    eerste_p, laatste_p = start + 3, start + 2 + len(n.functies)
    for k, p in enumerate(ORGANISATIE_PARAMETERS):
        ws.data_validation(eerste_p, 2 + k, laatste_p, 2 + k, _validatie(parameter(p)))
    ws.freeze_panes(EERSTE_RIJ, 1)
    _afdruk(ws, herhaal_tot=SLEUTELRIJ)
    _bescherm(ws)
    return uren, parameters


# ----------------------------------------------------------------------------------------------
# Berekening
# ----------------------------------------------------------------------------------------------

def _taak_volgorde(n: Normenset) -> list[tuple[int, list[int]]]:
    """Taken grouped by functie (functie order, then taak order): [(f, [k, …]), …]."""
    return [(j, [k for k, t in enumerate(n.taken) if t.functie == fn.sleutel])
            for j, fn in enumerate(n.functies)]


def _schrijf_berekening(ws, f: _Formaten, n: Normenset, codes, namen, resultaat,
                        plaats: _Plaats) -> None:
    _tekst(ws, 0, 0, "Berekening per gemeente en taak (formules, niet wijzigen)", f.titel)
    labels = ("Gemeentecode", "Gemeente", "Functie", "Taak", "Invoer", "Volume",
              "Uren per eenheid", "Uren (volume × uren per eenheid)", "Casusuren per fte",
              "Fte (uren ÷ casusuren per fte)")
    _kopregels(ws, f, labels, BEREKENING_SLEUTELS, hoogte=45)
    ws.set_column(0, 0, 13)
    ws.set_column(1, 1, 22)
    ws.set_column(2, 2, 15)
    ws.set_column(3, 3, 40)
    ws.set_column(4, 4, 28)
    ws.set_column(5, 9, 14)
    volgorde = _taak_volgorde(n)
    casus = resultaat.casus_uren_per_fte
    r = EERSTE_RIJ
    for g, code in enumerate(codes):
        for j, taken in volgorde:
            eerste = r
            fn = n.functies[j]
            for k in taken:
                t = n.taken[k]
                i = int(n.taak_invoer_index[k])
                _tekst(ws, r, 0, code, f.tekst)
                _tekst(ws, r, 1, namen[g], f.tekst)
                _tekst(ws, r, 2, fn.sleutel, f.tekst)
                _tekst(ws, r, 3, t.sleutel, f.tekst)
                _tekst(ws, r, 4, t.invoer, f.tekst)
                ws.write_formula(r, 5, "=" + plaats.invoer_cel[g, i], f.formule,
                                 float(resultaat.taak_volume[g, k]))
                ws.write_formula(r, 6, "=" + plaats.uren_naam[t.sleutel], f.formule_uren,
                                 float(t.uren))
                ws.write_formula(r, 7, f"=F{r + 1}*G{r + 1}", f.formule_uren,
                                 float(resultaat.uren[g, k]))
                ws.write_formula(r, 8, "=" + plaats.parameter_naam[fn.sleutel,
                                                                   "casus_uren_per_fte"],
                                 f.formule_uren, float(casus[j]))
                ws.write_formula(r, 9, f"=H{r + 1}/I{r + 1}", f.formule_fte3,
                                 float(resultaat.fte_taak[g, k]))
                r += 1
            plaats.berekening_blok[g, j] = (eerste, r - 1)
    ws.freeze_panes(EERSTE_RIJ, 2)
    if r > EERSTE_RIJ:
        ws.autofilter(SLEUTELRIJ, 0, r - 1, len(BEREKENING_SLEUTELS) - 1)
    _afdruk(ws, herhaal_tot=SLEUTELRIJ)
    _bescherm(ws)


# ----------------------------------------------------------------------------------------------
# Resultaat
# ----------------------------------------------------------------------------------------------


def _schrijf_resultaat(wb, ws, f: _Formaten, n: Normenset, codes, namen, resultaat,
                       plaats: _Plaats, bezetting: Mapping[str, Mapping[str, float]]) -> None:
    _tekst(ws, 0, 0, f"Resultaat: benodigde fte — normenset {n.label}", f.titel)
    functies = n.functie_sleutels
    F = len(functies)
    met_bezetting = any(code in bezetting for code in codes)
    kolommen = ["gemeentecode", "gemeentenaam", *[f"fte_{s}" for s in functies], "fte_totaal"]
    labels = ["Gemeentecode", "Gemeente", *[f"Fte {fn.naam}" for fn in n.functies],
              "Fte totaal"]
    if met_bezetting:
        kolommen += [f"bezetting_{s}" for s in functies] + [f"verschil_{s}" for s in functies]
        labels += [f"Huidige bezetting {fn.naam} (fte)" for fn in n.functies]
        labels += [f"Verschil {fn.naam} (nodig − bezetting)" for fn in n.functies]
    _kopregels(ws, f, labels, kolommen, hoogte=45)
    ws.set_column(0, 0, 13)
    ws.set_column(1, 1, 24)
    ws.set_column(2, len(kolommen) - 1, 14)
    Jt = 2 + F  # fte_totaal column
    for g, code in enumerate(codes):
        r = EERSTE_RIJ + g
        _tekst(ws, r, 0, code, f.tekst)
        _tekst(ws, r, 1, namen[g], f.tekst)
        for j, fn in enumerate(n.functies):
            eerste, laatste = plaats.berekening_blok[g, j]
            vast = plaats.parameter_naam[fn.sleutel, "vast_fte"]
            leiding = plaats.parameter_naam[fn.sleutel, "leiding"]
            som = (f"SUM(Berekening!$J${eerste + 1}:$J${laatste + 1})" if laatste >= eerste
                   else "0")
            ws.write_formula(r, 2 + j, f"=({som}+{vast})*(1+{leiding})", f.formule_fte,
                             float(resultaat.fte[g, j]))
        ws.write_formula(r, Jt, f"=SUM({xl_rowcol_to_cell(r, 2)}:{xl_rowcol_to_cell(r, Jt - 1)})",
                         f.formule_fte, float(resultaat.fte_totaal[g]))
        if met_bezetting:
            bekend = bezetting.get(code, {})
            for j, s in enumerate(functies):
                kb, kv = Jt + 1 + j, Jt + 1 + F + j
                waarde = bekend.get(s)
                if waarde is None or not math.isfinite(float(waarde)):
                    ws.write_blank(r, kb, None, f.invoer_fte)
                    verschil = ""
                else:
                    ws.write_number(r, kb, float(waarde), f.invoer_fte)
                    verschil = float(resultaat.fte[g, j]) - float(waarde)
                b, nodig = xl_rowcol_to_cell(r, kb), xl_rowcol_to_cell(r, 2 + j)
                ws.write_formula(r, kv, f'=IF({b}="","",{nodig}-{b})', f.formule_fte, verschil)
    G = len(codes)
    laatste_rij = EERSTE_RIJ + G - 1
    if met_bezetting:
        ws.data_validation(EERSTE_RIJ, Jt + 1, laatste_rij, Jt + F, _validatie(
            parameter("bezetting"), "De huidige formatie in fte (mag leeg blijven).",
            leeg_mag=True))
    # Totals row.
    if G > 1:
        r = laatste_rij + 1
        ws.write_string(r, 0, "", f.totaal_tekst)
        ws.write_string(r, 1, f"Totaal ({G} gemeenten)", f.totaal_tekst)
        som = resultaat.som()
        for k in range(2, Jt + 1):
            kol = xl_col_to_name(k)
            waarde = float(som["fte"][k - 2]) if k < Jt else float(som["fte_totaal"])
            ws.write_formula(r, k, f"=SUM({kol}{EERSTE_RIJ + 1}:{kol}{laatste_rij + 1})",
                             f.totaal_fte, waarde)

    # Fte per taak (all gemeenten in this workbook), for the second chart.
    kt = len(kolommen) + 1
    _tekst(ws, 1, kt, "Taak", f.kop)
    _tekst(ws, 1, kt + 1, "Functie", f.kop)
    _tekst(ws, 1, kt + 2, "Fte (alle gemeenten in dit werkboek)", f.kop)
    for k, sleutel in enumerate(("taak", "functie", "taak_fte")):
        _tekst(ws, SLEUTELRIJ, kt + k, sleutel, f.sleutel)
    ws.set_column(kt - 1, kt - 1, 3)
    ws.set_column(kt, kt, 40)
    ws.set_column(kt + 1, kt + 2, 14)
    onder = max((b for _, b in plaats.berekening_blok.values()), default=EERSTE_RIJ) + 1
    fte_taak_som = resultaat.fte_taak.sum(axis=0)
    rij_taak = EERSTE_RIJ
    for _, taken in _taak_volgorde(n):
        for k in taken:
            t = n.taken[k]
            _tekst(ws, rij_taak, kt, t.naam, f.tekst)
            _tekst(ws, rij_taak, kt + 1, t.functie, f.tekst)
            ws.write_string(rij_taak, kt + 3, t.sleutel)  # hidden helper column for SUMIF
            ws.write_formula(
                rij_taak, kt + 2,
                f"=SUMIF(Berekening!$D${EERSTE_RIJ + 1}:$D${onder},"
                f"{xl_rowcol_to_cell(rij_taak, kt + 3)},"
                f"Berekening!$J${EERSTE_RIJ + 1}:$J${onder})",
                f.formule_fte, float(fte_taak_som[k]))
            rij_taak += 1
    ws.set_column(kt + 3, kt + 3, None, None, {"hidden": True})

    # Charts.
    kg = kt + 5
    grafiek = wb.add_chart({"type": "column", "subtype": "stacked"})
    for j in range(F):
        grafiek.add_series({
            "name": [BLAD_RESULTAAT, SLEUTELRIJ - 1, 2 + j],
            "categories": [BLAD_RESULTAAT, EERSTE_RIJ, 1, laatste_rij, 1],
            "values": [BLAD_RESULTAAT, EERSTE_RIJ, 2 + j, laatste_rij, 2 + j],
        })
    grafiek.set_title({"name": "Benodigde fte per functie"})
    grafiek.set_y_axis({"name": "fte", "num_format": "0.0"})
    grafiek.set_legend({"position": "bottom"})
    grafiek.set_size({"width": 720, "height": 360})
    ws.insert_chart(1, kg, grafiek)
    per_taak = wb.add_chart({"type": "bar"})
    per_taak.add_series({
        "name": "Fte per taak",
        "categories": [BLAD_RESULTAAT, EERSTE_RIJ, kt, rij_taak - 1, kt],
        "values": [BLAD_RESULTAAT, EERSTE_RIJ, kt + 2, rij_taak - 1, kt + 2],
    })
    per_taak.set_title({"name": "Fte per taak"})
    per_taak.set_x_axis({"name": "fte", "num_format": "0.0"})
    per_taak.set_y_axis({"reverse": True})
    per_taak.set_legend({"none": True})
    per_taak.set_size({"width": 720, "height": max(360, 18 * len(n.taken) + 80)})
    ws.insert_chart(20, kg, per_taak)

    ws.freeze_panes(EERSTE_RIJ, 2)
    _afdruk(ws, herhaal_tot=SLEUTELRIJ)
    _bescherm(ws)


# ----------------------------------------------------------------------------------------------
# Onzekerheid
# ----------------------------------------------------------------------------------------------


def _schrijf_onzekerheid(ws, f: _Formaten, n: Normenset, codes, namen, onzekerheid) -> None:
    _tekst(ws, 0, 0, "Onzekerheid (Monte Carlo bij de export; rekent niet mee met wijzigingen)",
           f.titel)
    groepen = [(s, fn.naam) for s, fn in zip(n.functie_sleutels, n.functies, strict=True)]
    groepen.append(("totaal", "Totaal"))
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
        grafiek.set_y_axis({"reverse": True})
        grafiek.set_legend({"position": "bottom"})
        grafiek.set_size({"width": 860, "height": 60 + 32 * len(rijen)})
        ws.insert_chart(laatste + 2, 0, grafiek)
    ws.freeze_panes(EERSTE_RIJ, 1)
    _afdruk(ws, herhaal_tot=SLEUTELRIJ)
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
