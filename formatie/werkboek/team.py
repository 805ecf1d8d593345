"""The team sheet of a scenario workbook (issue 21): a shared team as one organisation.

:func:`schrijf_team` adds :data:`~formatie.werkboek.formaat.BLAD_TEAM` to a workbook whose
gemeenten are the team's members (:func:`formatie.werkboek.schrijven.exporteer_werkboek` with
``team=``).
Every figure is a live formula keyed like the rest of the workbook, so sorting the member rows
changes nothing:

* per member ``taken`` = its taak fte for the functie from Berekening (``SUMIF`` on the
  zoeksleutel gemeentecode#functie), ``werk`` the same plus its own vaste basis where the
  normenset sets that per deelnemende gemeente (:data:`formatie.teams.VASTE_BASIS_PER_LID`),
  ``gewicht`` by the verdeelsleutel (werk, CBS inwoners, or the invoer leerplichtigen from
  Invoer), ``deel`` = gewicht ÷ the members' sum, ``aandeel`` = deel × the team's fte;
* the team block (defined names :data:`~formatie.werkboek.formaat.TEAM_NAMEN`) as
  :func:`formatie.teams.team_resultaat` computes it: the members' taken together, **one**
  vaste basis (or one per member, as above) from Organisatie, uitvoering × leiding **once**,
  then the floor once: ``MAX(uitvoering + leiding, minimum_fte)``; its cost = fte × kosten per
  fte (Organisatie);
* the bijdragen: the cost rounded to the euro split by ``deel`` by largest remainder, as
  :func:`formatie.teams.verdeel_euros` (ties by ``volgorde``), so they add up to it.

The sheet follows the base values; the workbook's scenario columns do not reach it.
"""

from __future__ import annotations

from ..getallen import format_fte
from ..normenset import Normenset
from ..parameters import parameter
from ..referentie import Referentie
from ..taal import aantal_woord
from ..teams import SOORTEN, VERDEELSLEUTELS, TeamUitkomst, vaste_bases
from .blad import (
    _Formaten,
    _kol,
    _kopregels,
    _sluit_tabel,
    _Tabel,
    _tekst,
    _tekst_formule,
    _validatie,
)
from .bladen_berekening import _Resultaatkolommen
from .formaat import (
    BLAD_RESULTAAT,
    BLAD_SAMENVATTING,
    BLAD_TEAM,
    EERSTE_RIJ,
    TEAM_NAMEN,
    TEAM_SLEUTELS,
)


def team_notitie(uitkomst: TeamUitkomst) -> str:
    """The sentence a team workbook's Toelichting opens its note with: the sheet Team is the
    team as one organisation; Samenvatting and Resultaat show each gemeente as if it worked
    alone (so their total is the members' sum, not the team's)."""
    return (f"Teamwerkboek: het blad {BLAD_TEAM} rekent team {uitkomst.team.naam} als één "
            f"organisatie ({format_fte(uitkomst.fte)} fte, met de vaste basis en leiding "
            f"eenmaal). {BLAD_SAMENVATTING} en {BLAD_RESULTAAT} tonen elke gemeente alsof zij "
            f"alleen werkt; hun totaal ({format_fte(uitkomst.zonder_team)} fte) is dus niet de "
            "behoefte van het team.")


def schrijf_team(wb, ws, f: _Formaten, normenset: Normenset, referentie: Referentie,
                 uitkomst: TeamUitkomst, invoer: _Tabel, organisatie: _Tabel,
                 berekening: _Tabel, resultaat: _Resultaatkolommen,
                 bezetting: float | None = None) -> None:
    """Write the team sheet (module text) for ``uitkomst`` (:func:`formatie.teams.
    bereken_teams` on the workbook's gemeenten, its values stored with every formula);
    ``bezetting``: the team's fte in dienst (one yellow cell, may stay empty)."""
    S = TEAM_SLEUTELS
    team, functie = uitkomst.team, uitkomst.team.functie
    naam_functie = normenset.functie(functie).naam
    codes = list(uitkomst.aandelen)
    per_lid = vaste_bases(team, len(codes)) > 1
    _tekst(ws, 0, 0, f"Team {team.naam} — {naam_functie}, "
                     f"{aantal_woord(len(codes), 'gemeente')}, {SOORTEN[team.soort]}; "
                     f"verdeling {VERDEELSLEUTELS[team.verdeelsleutel]}", f.titel)
    labels = ("Gemeentecode", "Gemeente", "Normenset", "Volgorde in het team",
              f"Taken {naam_functie.lower()} (fte)",
              "Werklast (fte)" + (", met eigen vaste basis" if per_lid else ""),
              f"Gewicht ({team.verdeelsleutel})", "Deel", "Aandeel (fte)",
              "Bijdrage exact (euro)", "Rest na afronden omlaag", "Bijdrage (euro)")
    _kopregels(ws, f, labels, S, hoogte=45)
    ws.set_column(0, 0, 12)
    ws.set_column(1, 2, 22)
    ws.set_column(3, len(S) - 1, 13)
    n_leden = len(codes)
    eerste, laatste = EERSTE_RIJ + 1, EERSTE_RIJ + n_leden  # 1-based data rows

    def kolom(sleutel: str) -> str:
        return f"${_kol(S, sleutel)}${eerste}:${_kol(S, sleutel)}${laatste}"

    label = _tekst_formule(normenset.label)
    functie_f = _tekst_formule(functie)
    namen = {k: n for k, (_l, n) in TEAM_NAMEN.items()}
    taak_fte = {c: uitkomst.werk[c] - (normenset.functie(functie).vast_fte if per_lid else 0.0)
                for c in codes}
    som_gewicht = sum(uitkomst.gewicht.values())
    heel = round(uitkomst.kosten)
    for p, code in enumerate(codes):
        r, R = EERSTE_RIJ + p, EERSTE_RIJ + p + 1
        deel = (uitkomst.gewicht[code] / som_gewicht if som_gewicht > 0 else 1.0 / n_leden)
        c = {s: f"{_kol(S, s)}{R}" for s in S}
        _tekst(ws, r, 0, code, f.tekst)
        _tekst(ws, r, 1, referentie.naam(code), f.tekst)
        _tekst(ws, r, 2, normenset.label, f.tekst)
        ws.write_number(r, S.index("volgorde"), p + 1, f.tekst)
        ws.write_formula(r, S.index("taken"), "=" + berekening.som(
            "fte_taak", f"$A{R}", functie_f), f.formule_fte3, taak_fte[code])
        vast = f"+{organisatie.zoek('vast_fte', f'$C{R}', functie_f)}" if per_lid else ""
        ws.write_formula(r, S.index("werk"), f"={c['taken']}{vast}", f.formule_fte3,
                         uitkomst.werk[code])
        if team.verdeelsleutel == "inwoners":  # CBS, not in the workbook's tables
            ws.write_number(r, S.index("gewicht"), uitkomst.gewicht[code], f.formule_aantal)
        elif team.verdeelsleutel == "leerplichtigen":
            ws.write_formula(r, S.index("gewicht"), "=" + invoer.zoek(
                "waarde", f"$A{R}", _tekst_formule("leerplichtigen")), f.formule_aantal,
                uitkomst.gewicht[code])
        else:
            ws.write_formula(r, S.index("gewicht"), f"={c['werk']}", f.formule_fte3,
                             uitkomst.gewicht[code])
        g = kolom("gewicht")
        ws.write_formula(r, S.index("deel"), f"=IF(SUM({g})>0,{c['gewicht']}/SUM({g}),"
                                             f"1/ROWS({g}))", f.formule_decimaal, deel)
        ws.write_formula(r, S.index("aandeel"), f"={c['deel']}*{namen['fte']}",
                         f.formule_fte, uitkomst.aandelen[code])
        ws.write_formula(r, S.index("bijdrage_exact"), f"={namen['kosten_heel']}*{c['deel']}",
                         f.formule_decimaal, heel * deel)
        ws.write_formula(r, S.index("bijdrage_rest"),
                         f"={c['bijdrage_exact']}-INT({c['bijdrage_exact']})",
                         f.formule_decimaal, heel * deel - int(heel * deel))
        rest, volgorde = kolom("bijdrage_rest"), kolom("volgorde")
        hoger = (f"SUMPRODUCT(({rest}>{c['bijdrage_rest']})+({rest}={c['bijdrage_rest']})"
                 f"*({volgorde}<{c['volgorde']}))")
        ws.write_formula(r, S.index("bijdrage"), f"=INT({c['bijdrage_exact']})+IF({hoger}<"
                                                 f"{namen['rest']},1,0)", f.formule_euro,
                         uitkomst.bijdragen[code])
    _sluit_tabel(ws, BLAD_TEAM, S, laatste - 1)

    # The team as one organisation, under the table (outside its sort range), by name.
    org = {p: organisatie.zoek(p, label, functie_f)
           for p in ("vast_fte", "leiding", "minimum_fte", "kosten_per_fte")}
    vast_keer = f"*ROWS({kolom('gemeentecode')})" if per_lid else ""
    leiding = uitkomst.fte_berekend - (sum(taak_fte.values()) + normenset.functie(
        functie).vast_fte * vaste_bases(team, n_leden))
    formules = {
        "taken": (f"=SUM({kolom('taken')})", sum(taak_fte.values())),
        "vast": (f"={org['vast_fte']}{vast_keer}",
                 normenset.functie(functie).vast_fte * vaste_bases(team, n_leden)),
        "uitvoering": (f"={namen['taken']}+{namen['vast']}",
                       uitkomst.fte_berekend - leiding),
        "leiding": (f"={namen['uitvoering']}*{org['leiding']}", leiding),
        "aanvulling": (f"={namen['fte']}-{namen['uitvoering']}-{namen['leiding']}",
                       uitkomst.aanvulling),
        "fte": (f"=MAX({namen['uitvoering']}+{namen['leiding']},{org['minimum_fte']})",
                uitkomst.fte),
        "zonder_team": ("=" + resultaat.som(f"fte_{functie}"), uitkomst.zonder_team),
        "kosten_per_fte": (f"={org['kosten_per_fte']}", uitkomst.kosten_per_fte),
        "kosten": (f"={namen['fte']}*{namen['kosten_per_fte']}", uitkomst.kosten),
        "kosten_heel": (f"=ROUND({namen['kosten']},0)", heel),
        "rest": (f"={namen['kosten_heel']}-SUMPRODUCT(INT({kolom('bijdrage_exact')}))",
                 heel - sum(int(heel * (uitkomst.gewicht[c] / som_gewicht if som_gewicht > 0
                                        else 1.0 / n_leden)) for c in codes)),
    }
    euro = {"kosten_per_fte", "kosten", "kosten_heel", "rest"}
    r = laatste + 1  # 0-based: one empty row under the table
    for sleutel, (tekst, naam) in TEAM_NAMEN.items():
        fmt_tekst = f.totaal_tekst if sleutel in ("fte", "kosten") else f.tekst
        _tekst(ws, r, 1, tekst, fmt_tekst)
        if sleutel == "bezetting":
            if bezetting is None:
                ws.write_blank(r, 2, None, f.invoer_fte)
            else:
                ws.write_number(r, 2, float(bezetting), f.invoer_fte)
            ws.data_validation(r, 2, r, 2, _validatie(
                parameter("bezetting"), "De bezetting van het team in fte (mag leeg blijven).",
                leeg_mag=True))
        elif sleutel == "verschil":
            b = namen["bezetting"]
            ws.write_formula(r, 2, f'=IF({b}="","",{b}-{namen["fte"]})', f.formule_fte,
                             "" if bezetting is None else float(bezetting) - uitkomst.fte)
        else:
            formule, waarde = formules[sleutel]
            ws.write_formula(r, 2, formule, f.formule_euro if sleutel in euro
                             else f.formule_fte, waarde)
        wb.define_name(naam, f"={BLAD_TEAM}!$C${r + 1}")
        r += 1
    uitleg = (f"Het team rekent als één organisatie: de taken van de leden tellen op, de vaste "
              f"basis ({'per deelnemende gemeente, zo zegt de normenset' if per_lid else 'eenmaal'}"
              f"), leiding en ondersteuning en de minimumformatie tellen eenmaal. Elk apart "
              f"hadden de gemeenten {format_fte(uitkomst.zonder_team)} fte nodig. De aandelen "
              "tellen op tot het team; de bijdragen tellen op tot de kosten, afgerond op hele "
              "euro's (de grootste resten krijgen de overgebleven euro's). Dit blad volgt de "
              "basiswaarden, niet de scenariokolommen.")
    ws.merge_range(r + 1, 0, r + 1, len(S) - 1, uitleg, f.tekst_wrap)
    ws.set_row(r + 1, 48)
