"""The computing sheets of the scenario workbook: Berekening, Resultaat (with the region
line) and Samenvatting, every figure a formula found by key."""

from __future__ import annotations

import math
from dataclasses import dataclass

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from .. import __version__
from ..getallen import format_fte
from ..kosten import kosten
from ..model import functie_regels, verschil
from ..onzekerheid import BUDGET_PERCENTIEL
from ..parameters import parameter
from ..regio import REGIOBELEID, REGIONALE_FUNCTIES  # shared with the pages
from .blad import (
    _RIJNUMMER,
    _afdruk,
    _bescherm,
    _breedte,
    _Formaten,
    _kol,
    _kopregels,
    _sluit_tabel,
    _sorteervolgorde,
    _Tabel,
    _tekst,
    _tekst_formule,
    _validatie,
    _Werkboek,
    _zoeksleutel_formule,
)
from .formaat import (
    ALLE,
    BEREKENING_2_SLEUTELS,
    BLAD_BEREKENING,
    BLAD_ORGANISATIE,
    BLAD_RESULTAAT,
    EERSTE_RIJ,
    REGEL_LEIDING,
    REGEL_MINIMUM,
    REGEL_TOTAAL_VAN,
    REGEL_VAST,
    REGIO_REGEL,
    SAMENVATTING_SLEUTELRIJ,
    SAMENVATTING_SLEUTELS,
    SLEUTELRIJ,
    TOTAAL,
    TOTAAL_FUNCTIE,
    TOTAAL_REGEL,
    ZOEK_SCHEIDING,
    ZOEKSLEUTEL,
    regio_bezetting_naam,
    samenvatting_regels,
)

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
    # Every formula refers to cells of its own row only: made once per column with a
    # stand-in for the row number (the export's hot loop: 10.000 rows in the national one).
    rn = _RIJNUMMER
    gemeente, label = f"${k['gemeentecode']}{rn}", f"${k['normenset']}{rn}"
    functie, taak = f"${k['functie']}{rn}", f"${k['taak']}{rn}"
    formules = []  # (key, formula, format) of the columns from volume on, in column order
    for c0, w_inv, w_uren, w_casus in (
            (S.index("volume"), "waarde", "uren", "casus_uren_per_fte"),
            (S.index("scenario_volume"), "scenario_waarde", "scenario_uren",
             "scenario_casus_uren_per_fte")):
        kv, kh, ku, kc = (xl_col_to_name(c0 + d) for d in range(4))
        formules += [
            (S[c0], "=" + inv.op(w_inv, f"${k['invoer_rij']}{rn}"), f.formule_aantal),
            (S[c0 + 1], "=" + nor.zoek(w_uren, label, taak), f.formule_uren_eenheid),
            (S[c0 + 2], f"={kv}{rn}*{kh}{rn}", f.formule_uren),
            (S[c0 + 3], "=" + org.zoek(w_casus, label, functie), f.formule_uren),
            (S[c0 + 4], f"={ku}{rn}/{kc}{rn}", f.formule_fte3)]
    formules += [("invoer_rij", "=" + inv.positie(gemeente, f"${k['invoer']}{rn}"),
                  f.formule_aantal),
                 (ZOEKSLEUTEL, _zoeksleutel_formule(S, BLAD_BEREKENING, rn), f.formule_tekst)]
    teksten = ("gemeentecode", "gemeentenaam", "normenset", "functie", "taak", "invoer")
    if (*teksten, *(s for s, _f, _o in formules)) != S:
        raise RuntimeError("Berekening's columns are not in its key order")
    r = EERSTE_RIJ
    for g, code, naam, n, res, regel in rijen:
        kt = n.taak_sleutels.index(regel.sleutel)
        t = n.taken[kt]
        j = n.functie_sleutels.index(t.functie)
        basis = (float(res.taak_volume[g, kt]), float(t.uren), float(res.uren[g, kt]),
                 float(res.casus_uren_per_fte[j]), float(res.fte_taak[g, kt]))
        waarden = (*basis, *basis, invoer_rijen[code, t.invoer],
                   code + ZOEK_SCHEIDING + t.functie)
        R = str(r + 1)
        ws.rij(r, [*(ws.tekst(tekst, f.tekst) for tekst in (code, naam, n.label, t.functie,
                                                             t.sleutel, t.invoer)),
                   *(ws.formule(formule.replace(rn, R), opmaak, waarde) for (_s, formule, opmaak),
                     waarde in zip(formules, waarden, strict=True))])
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
           f"(1 + opslag), blad {BLAD_ORGANISATIE})", f.kop)
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


