"""Turning a :class:`~formatie.model.Resultaat` into output: a JSON-able dict, CSV rows, a table.

The web API and the CLI share these so the same input always gives the same figures.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from .getallen import format_euro, format_getal, format_telling, format_uren
from .kosten import kosten, kosten_per_fte
from .model import Resultaat, regel_fte, regel_soorten
from .parameters import KOSTEN_PARAMETERS
from .referentie import Referentie
from .taal import aantal_woord

# The teams, the forecast and their uncertainty load only when a table or answer asks for them:
# a plain `formatie bereken` starts without them (issue 23, start-up).
if TYPE_CHECKING:
    from .meerjaren import Meerjarenbegroting, Tabel, TeamMeerjarenbegroting
    from .teams import TeamUitkomst


def eindig(obj):
    """``obj`` with every non-finite float (NaN, ±inf) replaced by None, recursively (dicts,
    lists, tuples, numpy scalars and arrays): JSON has no NaN or Infinity."""
    if isinstance(obj, dict):
        return {k: eindig(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [eindig(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return eindig(obj.tolist())
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _numpy_waarde(obj):
    """``default`` for :func:`json.dumps`: numpy scalars and arrays as Python values."""
    if isinstance(obj, np.ndarray | np.generic):
        return obj.tolist()
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


def als_json(obj, indent: int | None = None) -> bytes:
    """Strict JSON (UTF-8 bytes) for every JSON answer and the CLI: non-finite numbers become
    null, so no ``NaN``/``Infinity`` token ever leaves the tool. ``indent``: None (compact) or
    2 (for a person at a terminal).

    Encoded by orjson, which writes ``null`` for a non-finite float (Python's json would write
    ``NaN``) and encodes numpy arrays and scalars itself: the national answer (3 MB) in 7 ms
    instead of 80 ms with :mod:`json`, which mattered for the CLI's start-up (issue 23; orjson
    is kept by its authors and imports in 5 ms). Floats are written in their shortest form
    that reads back to the same value, as :func:`repr` does. What orjson refuses (an integer
    beyond 64 bits) goes through :mod:`json` after :func:`eindig`, with the same result."""
    import orjson

    optie = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS
    if indent is not None:
        optie |= orjson.OPT_INDENT_2
    try:
        return orjson.dumps(obj, default=_numpy_waarde, option=optie)
    except TypeError:  # orjson.JSONEncodeError is one
        return json.dumps(eindig(obj), ensure_ascii=False, indent=indent, allow_nan=False,
                          default=_numpy_waarde).encode("utf-8")


def regels_als_dict(res: Resultaat) -> list[list[dict]]:
    """Per gemeente :func:`formatie.model.functie_regels` as JSON: per functie its taken
    (execution fte), "Vaste basis" and "Leiding en ondersteuning", adding up to the functie's
    fte (every gemeente at once, :func:`formatie.model.regel_fte`)."""
    soorten = regel_soorten(res.normenset)
    return [[{"functie": functie, "soort": soort, "sleutel": sleutel, "naam": naam, "fte": fte}
             for (functie, soort, sleutel, naam), fte in zip(soorten, rij, strict=True)]
            for rij in regel_fte(res).tolist()]


def resultaat_als_dict(
    resultaat: Resultaat, referentie: Referentie, jaren: tuple[int | None, ...] = ()
) -> dict:
    """The whole chain per gemeente, functie and taak as plain Python values (no rounding)."""
    n = resultaat.normenset
    index = referentie.index
    per_duizend = (resultaat.fte_per_eenheid(n.per_duizend, 1000.0) if n.per_duizend
                   else None)
    # whole arrays to Python floats at once (the same values as float() per element)
    fte, fte_uitvoering = resultaat.fte.tolist(), resultaat.fte_uitvoering.tolist()
    taak_volume, uren = resultaat.taak_volume.tolist(), resultaat.uren.tolist()
    fte_taak, fte_berekend = resultaat.fte_taak.tolist(), resultaat.fte_berekend.tolist()
    taken_per_functie = [[(k, taak.sleutel) for k, taak in enumerate(n.taken)
                          if taak.functie == functie.sleutel] for functie in n.functies]
    prijs = kosten_per_fte(n)
    euros = kosten(n, resultaat.fte)  # (G, F) central fte × kosten per fte
    per_fte, euro_lijst = prijs.tolist(), euros.tolist()
    euro_totaal, fte_totaal = euros.sum(axis=1).tolist(), resultaat.fte_totaal.tolist()
    duizend_sleutels = [*n.functie_sleutels, "totaal"]
    duizend = per_duizend.tolist() if per_duizend is not None else None
    regels = regels_als_dict(resultaat)
    gemeenten = []
    for g, code in enumerate(resultaat.gemeentecodes):
        functies = {}
        volume_g, uren_g, fte_taak_g = taak_volume[g], uren[g], fte_taak[g]
        for f, functie in enumerate(n.functies):
            functies[functie.sleutel] = {
                "naam": functie.naam,
                "fte": fte[g][f],
                # euros per year; "budget" (the budget fte priced) comes with the ranges
                "kosten": {"per_fte": per_fte[f], "totaal": euro_lijst[g][f]},
                "fte_uitvoering": fte_uitvoering[g][f],
                "fte_berekend": fte_berekend[g][f],
                "aanvulling_minimum": fte[g][f] - fte_berekend[g][f],
                "taken": {sleutel: {"volume": volume_g[k], "uren": uren_g[k], "fte": fte_taak_g[k]}
                          for k, sleutel in taken_per_functie[f]},
            }
        rij = {
            "gemeentecode": code,
            "gemeentenaam": referentie.gemeentenamen[index[code]],
            "regio": referentie.regio_per_gemeente[index[code]],
        }
        if jaren and jaren[g] is not None:
            rij["jaar"] = jaren[g]
        rij["functies"] = functies
        rij["regels"] = regels[g]  # taken + vaste basis + leiding = fte
        rij["fte_totaal"] = fte_totaal[g]
        rij["kosten_totaal"] = euro_totaal[g]
        if duizend is not None:  # kengetal; None where the per_duizend invoer is 0
            rij[f"fte_per_1000_{n.per_duizend}"] = {
                sleutel: None if math.isnan(w) else w
                for sleutel, w in zip(duizend_sleutels, duizend[g], strict=True)}
        gemeenten.append(rij)
    som = resultaat.som()
    return {
        "normenset": {"naam": n.naam, "versie": n.versie},
        "organisatie": {
            f.sleutel: {
                "netto_uren_per_fte": float(resultaat.netto_uren_per_fte[i]),
                "casus_uren_per_fte": float(resultaat.casus_uren_per_fte[i]),
                "leiding": f.leiding,
                "vast_fte": f.vast_fte,
                "minimum_fte": f.minimum_fte,
                "kosten_per_fte": float(prijs[i]),
                **{p: getattr(f, p) for p in KOSTEN_PARAMETERS},
            }
            for i, f in enumerate(n.functies)
        },
        "gemeenten": gemeenten,
        "totaal": {
            "gemeenten": len(resultaat.gemeentecodes),
            "functies": {f.sleutel: float(som["fte"][i]) for i, f in enumerate(n.functies)},
            "fte_totaal": float(som["fte_totaal"]),
            "kosten": {f.sleutel: float(euros[:, i].sum()) for i, f in enumerate(n.functies)},
            "kosten_totaal": float(euros.sum()),
        },
    }


def resultaat_als_csv(resultaat: Resultaat, referentie: Referentie) -> str:
    """One row per gemeente: code, name, fte per functie, fte_totaal (decimal point)."""
    n = resultaat.normenset
    buffer = io.StringIO()
    schrijver = csv.writer(buffer, lineterminator="\n")
    schrijver.writerow(["gemeentecode", "gemeentenaam",
                        *[f"fte_{f}" for f in n.functie_sleutels], "fte_totaal"])
    for g, code in enumerate(resultaat.gemeentecodes):
        schrijver.writerow([code, referentie.naam(code),
                            *[repr(float(x)) for x in resultaat.fte[g]],
                            repr(float(resultaat.fte_totaal[g]))])
    return buffer.getvalue()


def _tabel(kop: list[str], rijen: list[list[str]], rechts_vanaf: int = 1) -> str:
    breedte = [max(len(r[i]) for r in [kop, *rijen]) for i in range(len(kop))]

    def regel(r: list[str]) -> str:
        return "  ".join(c.rjust(b) if i >= rechts_vanaf else c.ljust(b)
                         for i, (c, b) in enumerate(zip(r, breedte, strict=True))).rstrip()

    streep = "  ".join("-" * b for b in breedte)
    return "\n".join([regel(kop), streep, *map(regel, rijen)])


def resultaat_als_tabel(
    resultaat: Resultaat, referentie: Referentie, keten: bool = False,
    regio_totalen: bool = False,
) -> str:
    """A readable Dutch table (decimal comma): fte per gemeente, optional chain and regions."""
    n = resultaat.normenset
    kop = ["Gemeente", *[f"fte {f.naam.lower()}" for f in n.functies], "fte totaal",
           "kosten per jaar"]
    euros = kosten(n, resultaat.fte)
    rijen = []
    for g, code in enumerate(resultaat.gemeentecodes):
        rijen.append([f"{code} {referentie.naam(code)}",
                      *[format_getal(x, 2) for x in resultaat.fte[g]],
                      format_getal(resultaat.fte_totaal[g], 2), format_euro(euros[g].sum())])
    som = resultaat.som()
    rijen.append([f"Totaal ({aantal_woord(len(resultaat.gemeentecodes), 'gemeente')})",
                  *[format_getal(x, 2) for x in som["fte"]], format_getal(som["fte_totaal"], 2),
                  format_euro(euros.sum())])
    delen = [f"Normenset: {n.label}", "", _tabel(kop, rijen, rechts_vanaf=1)]
    if regio_totalen:
        delen += ["", _regio_tabel(resultaat, referentie)]
    if keten:
        for g in range(len(resultaat.gemeentecodes)):
            delen += ["", ketentabel(resultaat, g, referentie)]
    return "\n".join(delen)


def _regio_tabel(resultaat: Resultaat, referentie: Referentie) -> str:
    """Per region its gemeenten and fte per functie as the teams stand by default
    (:func:`formatie.teams.standaard_teams`): the Doorstroompunt is the region's team, a
    gemeente's leerplicht its own team; the region's figure is the sum of its members'
    aandelen (for the Doorstroompunt: its team's fte)."""
    n = resultaat.normenset
    codes = resultaat.gemeentecodes
    regio_van = {c: referentie.regio_per_gemeente[referentie.index[c]] for c in codes}
    per_regio: dict[str, np.ndarray] = {}
    from .teams import bereken_teams, standaard_teams

    for u in bereken_teams(n, resultaat.volume, codes, standaard_teams(n, referentie),
                           referentie):
        f = n.functie_sleutels.index(u.team.functie)
        for code, aandeel in u.aandelen.items():
            per_regio.setdefault(regio_van[code], np.zeros(len(n.functies)))[f] += aandeel
    aantal = dict(Counter(regio_van.values()))
    rijen = [[f"{code} {naam}", str(aantal[code]),
              *[format_getal(x, 1) for x in per_regio[code]],
              format_getal(per_regio[code].sum(), 1)]
             for code, naam in referentie.regionamen.items() if code in per_regio]
    kop = ["Regio (Doorstroompunt)", "gemeenten", *[f"fte {f.naam.lower()}" for f in n.functies],
           "fte totaal"]
    return _tabel(kop, rijen)


def ketentabel(resultaat: Resultaat, g: int, referentie: Referentie) -> str:
    """The chain volume × uren → uren → FTE per taak for gemeente row g."""
    n = resultaat.normenset
    code = resultaat.gemeentecodes[g]
    delen = [f"{code} {referentie.naam(code)}"]
    for f, functie in enumerate(n.functies):
        rijen = []
        for k, taak in enumerate(n.taken):
            if taak.functie != functie.sleutel:
                continue
            rijen.append([taak.naam, format_telling(resultaat.taak_volume[g, k]),
                          format_uren(taak.uren), format_telling(resultaat.uren[g, k]),
                          format_getal(resultaat.fte_taak[g, k], 3)])
        rijen.append(["Vaste basis", "", "", "", format_getal(functie.vast_fte, 3)])
        rijen.append(["Uitvoering", "", "", "", format_getal(resultaat.fte_uitvoering[g, f], 3)])
        rijen.append([f"Met leiding (× {format_getal(1 + functie.leiding, 2)})", "", "", "",
                      format_getal(resultaat.fte_berekend[g, f], 3)])
        if functie.minimum_fte > 0:
            rijen.append([f"Minimumformatie ({format_getal(functie.minimum_fte, 2)} fte)", "",
                          "", "", format_getal(resultaat.fte[g, f], 3)])
        delen += ["", f"{functie.naam}: {format_getal(resultaat.casus_uren_per_fte[f], 0)} "
                      "casusuren per fte",
                  _tabel(["Taak", "volume", "uren/eenheid", "uren", "fte"], rijen)]
    return "\n".join(delen)


def teams_als_tabel(uitkomsten: list[TeamUitkomst], normenset, referentie: Referentie,
                    vergelijkingen: list | None = None) -> str:
    """Per team: its fte (vaste basis, leiding and the floor once), what its members would need
    each on their own, each member's aandeel by the team's verdeelsleutel and its bijdrage in
    euros (both adding up to the team), and with ``vergelijkingen``
    (:func:`formatie.teams.vergelijk_teams`) the benchmark sentence."""
    from .teams import VERDEELSLEUTELS, zin_vergelijking

    delen = []
    for j, u in enumerate(uitkomsten):
        functie = normenset.functie(u.team.functie).naam.lower()
        rijen = [[f"{code} {referentie.naam(code)}", format_getal(u.werk[code], 2),
                  format_getal(a, 2), format_euro(u.bijdragen[code])]
                 for code, a in u.aandelen.items()]
        rijen.append(["Team", format_getal(sum(u.werk.values()), 2), format_getal(u.fte, 2),
                      format_euro(sum(u.bijdragen.values()))])
        zin = (f"Team {u.team.naam} ({functie}, {aantal_woord(len(u.aandelen), 'gemeente')}, "
               f"verdeling {VERDEELSLEUTELS[u.team.verdeelsleutel]}): {format_getal(u.fte, 2)} "
               f"fte; elk apart {format_getal(u.zonder_team, 2)} fte. Kosten "
               f"{format_euro(u.kosten)} per jaar ({format_euro(u.kosten_per_fte)} per fte), "
               "verdeeld als bijdragen in hele euro's.")
        if u.aanvulling > 0:
            zin += (f" Daarin {format_getal(u.aanvulling, 2)} fte aanvulling tot de "
                    "minimumformatie van het team.")
        delen += ["", zin, _tabel(["Gemeente", "werk (fte)", "aandeel (fte)", "bijdrage"],
                                  rijen)]
        if vergelijkingen and vergelijkingen[j] is not None:
            delen.append(zin_vergelijking(vergelijkingen[j]))
    return "\n".join(delen)


def regio_als_dict(
    resultaten: list[Resultaat], referentie: Referentie, jaar: int, regio_code: str,
    bereik: dict | None = None, bezetting: dict[str, float] | None = None,
) -> dict:
    """The region's JSON: the shape of :func:`resultaat_als_dict` for the
    member gemeenten with figures (one entry per gemeente, each with its ``"normenset"``; its
    ``"regels"`` come from the CLI's shape), plus ``"regio"``.

    ``resultaten``: one per normenset group. With one group ``"normenset"`` and
    ``"organisatie"`` are that set's, as in the CLI; with several they are None and
    ``"normensets"`` lists each with its organisation and gemeenten (always present).
    ``bereik``: ``{"functies": {f: {"p10", …}}, "totaal": {"p10", …}}`` (FTE) from the
    uncertainty model, or None, with ``"begroting"`` (:meth:`formatie.budget.Begroting.
    als_dict`); with it every functie gets ``"budget"`` (its share of the region's P80, the
    budget table that adds up), ``"budget_apart"`` (its own P80) and ``kosten.budget``, and the
    region ``"budget"`` (percentiel, label, fte_totaal, functies and gemeenten adding up to it,
    kosten). Every functie has ``"kosten"`` (totaal, per_fte: euros of the central fte) and
    the region ``"kosten_totaal"``; a regional functie (the Doorstroompunt, the region's team)
    also ``"bijdragen"`` ({code: euros}, adding up to its cost rounded to the euro).
    ``bezetting``: the region's bezetting per functie (fte in dienst); where known a functie
    gets ``"bezetting"`` and ``"verschil"`` (bezetting − fte).
    """
    from .model import verschil
    from .onzekerheid import BUDGET_LABEL, BUDGET_PERCENTIEL
    from .regio import REGIOBELEID, voeg_bezetting_toe

    delen = [resultaat_als_dict(res, referentie, tuple(jaar for _ in res.gemeentecodes))
             for res in resultaten]
    gemeenten = []
    normensets = []
    for res, deel in zip(resultaten, delen, strict=True):
        n = res.normenset
        for rij in deel["gemeenten"]:
            rij["normenset"] = {"naam": n.naam, "versie": n.versie}
            gemeenten.append(rij)
        normensets.append({**deel["normenset"], "organisatie": deel["organisatie"],
                           "gemeenten": list(res.gemeentecodes)})
    # a regional functie (the Doorstroompunt) is the region's team: its fte, aandelen and
    # bijdragen come from formatie.teams (the default Doorstroompunt team of the region)
    from .teams import regio_fte_met_team

    som, teams = regio_fte_met_team(resultaten, referentie, regio_code)
    functies = {f: {"fte": w} for f, w in som.items() if f != "totaal"}
    for f, rij in functies.items():
        if bereik is not None and f in bereik["functies"]:
            rij["bereik"] = bereik["functies"][f]
            rij["budget_apart"] = bereik["functies"][f].get(BUDGET_PERCENTIEL)
            rij["budget"] = (bereik["begroting"]["functies"][f] if "begroting" in bereik
                             else rij["budget_apart"])
    # euros: the members' central euros summed (each priced by its own normenset)
    for f, rij in functies.items():
        totaal = sum(g["functies"][f]["kosten"]["totaal"] for g in gemeenten
                     if f in g["functies"])
        rij["kosten"] = {"totaal": totaal, "per_fte": totaal / rij["fte"] if rij["fte"] > 0
                         else None}
        if bereik is not None and "begroting" in bereik:
            rij["kosten"]["budget"] = bereik["begroting"]["kosten"][f]
    # its bijdragen add up to the region's cost rounded to the euro
    for f, u in teams.items():
        functies[f].update(team=u.team.naam, aandelen=dict(u.aandelen),
                           bijdragen=dict(u.bijdragen))
    voeg_bezetting_toe(functies, bezetting or {})
    for f, rij in functies.items():  # verschil against the budget too, labelled apart
        if "bezetting" in rij and bereik is not None and "begroting" in bereik:
            rij["verschil_budget"] = float(verschil(rij["bezetting"],
                                                    bereik["begroting"]["functies"][f]))
    regio = {"code": regio_code, "functies": functies, "fte_totaal": som["totaal"],
             "kosten_totaal": sum(g["kosten_totaal"] for g in gemeenten),
             "bereik_totaal": bereik["totaal"] if bereik is not None else None,
             "budget": None if bereik is None else {
                 "percentiel": BUDGET_PERCENTIEL, "label": BUDGET_LABEL,
                 "fte_totaal": bereik["totaal"].get(BUDGET_PERCENTIEL),
                 # the budget table that adds up: over functies and over gemeenten
                 **{k: v for k, v in bereik.get("begroting", {}).items()
                    if k not in ("percentiel", "fte_totaal")}}}
    een = len(delen) == 1
    return {
        "normenset": delen[0]["normenset"] if een else None,
        "organisatie": delen[0]["organisatie"] if een else None,
        "normensets": normensets,
        "regiobeleid": REGIOBELEID,
        "gemeenten": gemeenten,
        "totaal": {"gemeenten": len(gemeenten),
                   "functies": {f: r["fte"] for f, r in functies.items()},
                   "fte_totaal": som["totaal"],
                   "kosten": {f: r["kosten"]["totaal"] for f, r in functies.items()},
                   "kosten_totaal": regio["kosten_totaal"]},
        "regio": regio,
    }


#: Most gemeenten whose lines a multi-year table lists one by one (a national run: JSON).
MEERJAREN_MAX_GEMEENTEN = 50


def meerjaren_als_tabel(mb: Meerjarenbegroting, referentie: Referentie,
                        euros: tuple[Tabel, Tabel] | None = None, titel: str = "Begroting",
                        per_gemeente: str = "Per gemeente") -> str:
    """The multi-year begroting as Dutch tables: per year each functie and the total (fte,
    begroot fte, kosten per fte, kosten, begroot), and for a few gemeenten per year each
    gemeente; figures rounded by the largest-remainder rule, so every table adds up; then
    what rests on the forecast and the indexation. ``euros``: (central, budget) whole euros
    in place of :meth:`Meerjarenbegroting.euros` (a team's bijdragen:
    :func:`team_meerjaren_als_tabel`)."""
    fte, budget = mb.tabel(mb.fte, 0.01), mb.tabel(mb.budget_fte, 0.01)
    euro, euro_budget = euros if euros is not None else mb.euros()
    per_fte = mb.kosten_per_fte()
    begroot = f"begroot ({mb.percentiel.upper()})"
    kop = ["Jaar", "Functie", "fte", f"fte {begroot}", "kosten per fte", "kosten",
           f"kosten {begroot}"]
    rijen = []
    for t, jaar in enumerate(mb.jaren):
        label = f"{jaar} ({mb.bron[t]})"
        for j, naam in enumerate(mb.functienamen):
            rijen.append([label, naam, format_getal(fte.functies[t, j], 2),
                          format_getal(budget.functies[t, j], 2), format_euro(per_fte[t, j]),
                          format_euro(euro.functies[t, j]),
                          format_euro(euro_budget.functies[t, j])])
        rijen.append([label, "Totaal", format_getal(fte.totaal[t], 2),
                      format_getal(budget.totaal[t], 2), "", format_euro(euro.totaal[t]),
                      format_euro(euro_budget.totaal[t])])
    peil = ("prijzen van elk jaar" if mb.prijspeil[0] is not None
            else "prijzen van de normenset, niet geïndexeerd")
    periode = (f"{mb.jaren[0]}" if len(mb.jaren) == 1 else f"{mb.jaren[0]}–{mb.jaren[-1]}")
    delen = ["", f"{titel} {periode} (euro's per jaar, {peil})",
             _tabel(kop, rijen, rechts_vanaf=2)]
    if 1 < len(mb.gemeentecodes) <= MEERJAREN_MAX_GEMEENTEN:
        rijen = [[str(jaar), f"{code} {referentie.naam(code)}",
                  format_getal(fte.gemeenten[t, g], 2), format_getal(budget.gemeenten[t, g], 2),
                  format_euro(euro.gemeenten[t, g]), format_euro(euro_budget.gemeenten[t, g])]
                 for t, jaar in enumerate(mb.jaren) for g, code in enumerate(mb.gemeentecodes)]
        delen += ["", per_gemeente, _tabel(["Jaar", "Gemeente", "fte", f"fte {begroot}",
                                              "kosten", f"kosten {begroot}"], rijen,
                                             rechts_vanaf=2)]
    elif len(mb.gemeentecodes) > MEERJAREN_MAX_GEMEENTEN:
        delen += ["", f"{per_gemeente} ({aantal_woord(len(mb.gemeentecodes), 'gemeente')}): "
                      "zie --formaat json."]
    delen += ["", "Waarop dit rust:", *[f"- {zin}" for zin in mb.aannames],
              "- Afgerond met de grootste-restmethode: de regels tellen op tot het totaal; een "
              "regel kan daardoor 1 eenheid afwijken van hetzelfde getal los afgerond."]
    return "\n".join(delen)


def team_meerjaren_als_tabel(tb: TeamMeerjarenbegroting, referentie: Referentie) -> str:
    """A team's multi-year begroting (:func:`formatie.meerjaren.team_meerjarenbegroting`) as
    :func:`meerjaren_als_tabel`: the team's fte and euros per year, and per member its
    aandeel and its bijdrage (whole euros, adding up to the team's cost)."""
    return meerjaren_als_tabel(tb.begroting, referentie, tb.euros(),
                               titel=f"Begroting team {tb.team.naam}",
                               per_gemeente="Per gemeente (aandeel en bijdrage)")
