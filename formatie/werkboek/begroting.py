"""The workbook's Begroting sheet: this year and the next ones (formatie.meerjaren) with live
euros.

One row per jaar × gemeente × functie (:data:`~formatie.werkboek.formaat.BEGROTING_SLEUTELS`):
the central and budget fte of the forecast at export time (values: the forecast is not a
workbook formula), the normenset's peiljaar, and as formulas the functie's indexatie and
kosten per fte looked up on Organisatie by (normenset, functie), indexed to the row's year, and
the euros = fte × that price. So a salary, employer's charges, opslag or indexatie typed on
Organisatie moves every euro here, as :func:`formatie.kosten.kosten_per_fte_in` computes it.
Under the table a summary per jaar (each functie and the total) sums the rows by key
(``SUMIFS``), so sorting the table changes nothing.

A team workbook's sheet (``team=``, a :class:`formatie.meerjaren.TeamMeerjarenbegroting`) has
one row per jaar × member (:data:`~formatie.werkboek.formaat.BEGROTING_TEAM_SLEUTELS`): its
share of the team's fte and P80 (values), the same live price and euros, so a year's rows add
up to the team's cost, and the member's bijdrage per year as formulas: the year's cost rounded
to the euro split by the rows' euros in whole euros by largest remainder (ties by ``volgorde``),
as :func:`formatie.teams.verdeel_euros`, so the bijdragen add up to the team's cost.
"""

from __future__ import annotations

from ..getallen import EXCEL_FORMATEN
from ..kosten import peiljaar
from ..meerjaren import Meerjarenbegroting, TeamMeerjarenbegroting
from .blad import (
    _GRIJS,
    _afdruk,
    _bescherm,
    _Formaten,
    _kol,
    _kopregels,
    _sluit_tabel,
    _tekst,
    _Werkboek,
    _zoeksleutel,
)
from .formaat import (
    BEGROTING_SLEUTELS,
    BEGROTING_TEAM_SLEUTELS,
    BEGROTING_TOTAAL_SLEUTELS,
    BLAD_BEGROTING,
    BLAD_ORGANISATIE,
    EERSTE_RIJ,
    TOTAAL,
)

_LABELS = ("Jaar", "Rust op", "Gemeentecode", "Gemeente", "Normenset", "Functie (sleutel)",
           "Functie", "Benodigd (fte)", "Begroot P80 (fte)", "Prijspeil normenset",
           "Indexatie per jaar", "Kosten per fte in dit jaar (euro)", "Kosten (euro)",
           "Kosten begroot P80 (euro)", "Zoeksleutel")
_TOTAAL_LABELS = ("Jaar", "Functie (sleutel)", "Functie", "Benodigd (fte)",
                  "Begroot P80 (fte)", "Kosten (euro)", "Kosten begroot P80 (euro)")


_TEAM_LABELS = (*_LABELS[:7], "Aandeel in het team (fte)", "Aandeel begroot P80 (fte)",
                *_LABELS[9:-1], "Volgorde in het team", "Bijdrage exact (euro)",
                "Bijdrage (euro)", "Bijdrage begroot exact (euro)", "Bijdrage begroot (euro)",
                _LABELS[-1])


def _schrijf_begroting(wb, ws, f: _Formaten, w: _Werkboek, mb: Meerjarenbegroting,
                       team: TeamMeerjarenbegroting | None = None) -> None:
    """The Begroting sheet of ``mb`` (its gemeenten are the workbook's, in any order); with
    ``team`` (whose ``begroting`` is ``mb``) the team's sheet with the bijdragen."""
    S = BEGROTING_SLEUTELS if team is None else BEGROTING_TEAM_SLEUTELS
    rand = {"border": 1, "border_color": "#BFBFBF", "valign": "top"}
    jaar_fmt = wb.add_format({**rand, "num_format": "0"})
    procent_fmt = wb.add_format({**rand, "bg_color": _GRIJS,
                                 "num_format": EXCEL_FORMATEN["procent"]})
    _tekst(ws, 0, 0, f"Begroting {mb.jaren[0]}–{mb.jaren[-1]}: benodigde fte en kosten per "
                     f"jaar — {w.scope}", f.titel)
    _kopregels(ws, f, _LABELS if team is None else _TEAM_LABELS, S, hoogte=45)
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 10)
    ws.set_column(2, 2, 12)
    ws.set_column(3, 6, 18)
    ws.set_column(7, len(S) - 2, 14)
    org = w.organisatie
    K = {k: _kol(S, k) for k in S}
    normenset_van = {c: g.normenset for g in w.groepen for c in g.gemeentecodes}
    r = EERSTE_RIJ
    for t, jaar in enumerate(mb.jaren):
        for g, code in enumerate(mb.gemeentecodes):
            n = normenset_van[code]
            for j, s in enumerate(mb.functies):
                if s not in n.functie_sleutels:
                    continue
                fn = n.functie(s)
                R = r + 1
                ws.write_number(r, S.index("jaar"), jaar, jaar_fmt)
                _tekst(ws, r, S.index("bron"), mb.bron[t], f.tekst)
                _tekst(ws, r, S.index("gemeentecode"), code, f.tekst)
                _tekst(ws, r, S.index("gemeentenaam"), w.referentie.naam(code), f.tekst)
                _tekst(ws, r, S.index("normenset"), n.label, f.tekst)
                _tekst(ws, r, S.index("functie"), s, f.tekst)
                _tekst(ws, r, S.index("naam"), fn.naam, f.tekst)
                ws.write_number(r, S.index("fte"), float(mb.fte[t, g, j]), f.waarde_fte)
                ws.write_number(r, S.index("budget_fte"), float(mb.budget_fte[t, g, j]),
                                f.waarde_fte)
                if peiljaar(n) is None:  # not indexed (formatie.kosten.kosten_per_fte_in)
                    ws.write_blank(r, S.index("peiljaar"), None, jaar_fmt)
                else:
                    ws.write_number(r, S.index("peiljaar"), peiljaar(n), jaar_fmt)
                sleutels = (f"${K['normenset']}{R}", f"${K['functie']}{R}")
                ws.write_formula(r, S.index("indexatie"),
                                 "=" + org.zoek("indexatie", *sleutels), procent_fmt,
                                 fn.indexatie)
                factor = (f'IF(${K["peiljaar"]}{R}="",1,(1+${K["indexatie"]}{R})'
                          f'^(${K["jaar"]}{R}-${K["peiljaar"]}{R}))')
                prijs = float(mb.prijs[t, g, j])
                ws.write_formula(r, S.index("kosten_per_fte"),
                                 f"={org.zoek('kosten_per_fte', *sleutels)}*{factor}",
                                 f.formule_euro, prijs)
                ws.write_formula(r, S.index("kosten"), f"=${K['fte']}{R}*${K['kosten_per_fte']}"
                                 f"{R}", f.formule_euro, float(mb.fte[t, g, j]) * prijs)
                ws.write_formula(r, S.index("kosten_budget"),
                                 f"=${K['budget_fte']}{R}*${K['kosten_per_fte']}{R}",
                                 f.formule_euro, float(mb.budget_fte[t, g, j]) * prijs)
                if team is not None:
                    _schrijf_bijdragen(ws, f, team, r, t, g, eerste=EERSTE_RIJ + 1,
                                       laatste=EERSTE_RIJ + len(mb.jaren) * len(
                                           mb.gemeentecodes))
                _zoeksleutel(ws, r, S, BLAD_BEGROTING, f.formule_tekst, str(jaar), code, s)
                r += 1
    laatste = r - 1
    tabel = _sluit_tabel(ws, BLAD_BEGROTING, S, laatste, w.match)
    _schrijf_totalen(ws, f, mb, tabel, laatste + 2, jaar_fmt, () if team is None else (
        "Bijdrage: de kosten van het team in dat jaar, afgerond op hele euro's, verdeeld naar "
        "de euro's van elke gemeente met de grootste-restmethode (bij gelijke resten gaat de "
        "volgorde in het team voor); de bijdragen van een jaar tellen op tot die kosten.",))


def _schrijf_bijdragen(ws, f: _Formaten, team: TeamMeerjarenbegroting, r: int, t: int, g: int,
                       eerste: int, laatste: int) -> None:
    """Row ``r`` (0-based; year ``t``, member ``g``) of a team's Begroting: its volgorde and
    its bijdragen, central and budget, as :func:`formatie.teams.verdeel_euros` computes them
    on the year's rows (``eerste``…``laatste``, 1-based): the year's euros rounded, times this
    row's part of them, rounded down, plus one euro for the largest remainders."""
    S = BEGROTING_TEAM_SLEUTELS
    R = r + 1

    def kolom(sleutel: str) -> str:
        return f"${_kol(S, sleutel)}${eerste}:${_kol(S, sleutel)}${laatste}"

    def cel(sleutel: str) -> str:
        return f"${_kol(S, sleutel)}{R}"

    ws.write_number(r, S.index("volgorde"), g + 1, f.tekst)
    mb = team.begroting
    jaar_r, jaar_c, volgorde = kolom("jaar"), cel("jaar"), kolom("volgorde")
    for kosten, exact, bijdrage, waarden, verdeeld in (
            ("kosten", "bijdrage_exact", "bijdrage", mb.kosten, team.bijdragen),
            ("kosten_budget", "bijdrage_budget_exact", "bijdrage_budget", mb.kosten_budget,
             team.bijdragen_budget)):
        som = f"SUMIF({jaar_r},{jaar_c},{kolom(kosten)})"
        totaal = float(waarden[t].sum())
        deel = float(waarden[t, g, 0]) / totaal if totaal > 0 else 0.0
        ws.write_formula(r, S.index(exact), f"=IF({som}>0,ROUND({som},0)*{cel(kosten)}/{som},"
                                            "0)", f.formule_decimaal, round(totaal) * deel)
        e, c = kolom(exact), cel(exact)
        rest_r, rest_c = f"({e}-INT({e}))", f"({c}-INT({c}))"
        hoger = (f"SUMPRODUCT(({jaar_r}={jaar_c})*(({rest_r}>{rest_c})+({rest_r}={rest_c})"
                 f"*({volgorde}<{cel('volgorde')})))")
        over = f"(ROUND({som},0)-SUMPRODUCT(({jaar_r}={jaar_c})*INT({e})))"
        ws.write_formula(r, S.index(bijdrage), f"=INT({c})+IF({hoger}<{over},1,0)",
                         f.formule_euro, int(verdeeld[t, g]))


def _schrijf_totalen(ws, f: _Formaten, mb: Meerjarenbegroting, tabel, rij: int,
                     jaar_fmt, zinnen: tuple[str, ...] = ()) -> None:
    """Per jaar each functie and the total, summed from the table by key (SUMIFS), then what
    the figures rest on."""
    T = BEGROTING_TOTAAL_SLEUTELS
    _tekst(ws, rij, 0, "Per jaar (de som van de regels hierboven)", f.vet)
    _kopregels(ws, f, _TOTAAL_LABELS, T, hoogte=30, rij=rij + 1)
    r = rij + 3
    kosten, kosten_budget = mb.kosten, mb.kosten_budget
    waarden = {"fte": mb.fte, "budget_fte": mb.budget_fte, "kosten": kosten,
               "kosten_budget": kosten_budget}
    for t, jaar in enumerate(mb.jaren):
        for j, (s, naam) in enumerate([*zip(mb.functies, mb.functienamen, strict=True),
                                       (TOTAAL, "Totaal")]):
            R = r + 1
            ws.write_number(r, 0, jaar, jaar_fmt)
            _tekst(ws, r, 1, s, f.tekst)
            _tekst(ws, r, 2, naam, f.totaal_tekst if s == TOTAAL else f.tekst)
            for k, sleutel in enumerate(T[3:], start=3):
                fmt = f.formule_fte if "fte" in sleutel else f.formule_euro
                if s == TOTAAL:
                    formule = f"=SUMIF({tabel.bereik('jaar')},$A{R},{tabel.bereik(sleutel)})"
                    waarde = float(waarden[sleutel][t].sum())
                else:
                    formule = (f"=SUMIFS({tabel.bereik(sleutel)},{tabel.bereik('jaar')},$A{R},"
                               f"{tabel.bereik('functie')},$B{R})")
                    waarde = float(waarden[sleutel][t, :, j].sum())
                ws.write_formula(r, k, formule, fmt, waarde)
            r += 1
    r += 1
    _tekst(ws, r, 0, "Waarop dit rust", f.vet)
    for zin in (*mb.aannames,
                "De fte zijn de prognose bij de export: ze volgen wijzigingen van invoer en "
                "normen in dit werkboek niet. De euro's rekenen mee met salaris, "
                f"werkgeverslasten, opslag en indexatie op het blad {BLAD_ORGANISATIE}.",
                "Elke cel is hier los afgerond; de webpagina en de JSON ronden met de "
                "grootste-restmethode, zodat daar de regels optellen tot het totaal (verschil "
                "hooguit € 1 per regel).", *zinnen):
        r += 1
        _tekst(ws, r, 0, zin, f.klein)
    _afdruk(ws)
    _bescherm(ws)
