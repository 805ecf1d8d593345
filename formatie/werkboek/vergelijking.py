"""The scenario comparison workbook (Toelichting, Vergelijking, Parameters)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import UTC, datetime

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from .. import __version__
from ..referentie import BRONVERMELDING
from .blad import (
    _afdruk,
    _Formaten,
    _kort,
    _tekst,
)
from .formaat import (
    BLAD_PARAMETERS,
    BLAD_TOELICHTING,
    BLAD_VERGELIJKING,
    EERSTE_RIJ,
    NAAM_VERSIE,
    PERCENTIELEN,
    SLEUTELRIJ,
)

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
    wb.set_custom_property(NAAM_VERSIE, __version__)
    toelichting = wb.add_worksheet(BLAD_TOELICHTING)
    ws = wb.add_worksheet(BLAD_VERGELIJKING)
    ws_par = wb.add_worksheet(BLAD_PARAMETERS)

    toelichting.set_column(0, 0, 28)
    toelichting.set_column(1, 1, 90)
    _tekst(toelichting, 0, 0, titel or "Vergelijking van scenario's", f.titel)
    regels_tekst = [
        ("Inhoud", "Per scenario de benodigde fte per functie, opgeteld over de gemeenten van "
                   "de basis, naast de basis zelf (de opgeslagen cijfers zonder wijzigingen)."),
        ("Formules", "fte_totaal = som van de functies; verschil = fte_totaal − basis_totaal. "
                     "De fte per functie zijn waarden uit het model van de Formatietool."),
        (BLAD_PARAMETERS, f"Het blad {BLAD_PARAMETERS} bevat per scenario alle parameters "
                          "(JSON), zodat elke uitkomst te reproduceren is."),
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
