"""Turning a :class:`~formatie.model.Resultaat` into output: a JSON-able dict, CSV rows, a table.

The web API and the CLI share these so the same input always gives the same figures.
"""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np

from .getallen import format_euro, format_getal, format_telling, format_uren
from .kosten import kosten, kosten_per_fte
from .model import Resultaat, functie_regels
from .parameters import KOSTEN_PARAMETERS
from .referentie import Referentie
from .taal import aantal_woord


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


def als_json(obj, indent: int | None = None) -> str:
    """Strict JSON for every JSON answer and the CLI: non-finite numbers become null, and
    ``allow_nan=False`` guarantees no ``NaN``/``Infinity`` token ever leaves the tool."""
    return json.dumps(eindig(obj), ensure_ascii=False, indent=indent, allow_nan=False)


def regels_als_dict(res: Resultaat, g: int) -> list[dict]:
    """:func:`formatie.model.functie_regels` as JSON: per functie its taken (execution fte),
    "Vaste basis" and "Leiding en ondersteuning", adding up to the functie's fte."""
    return [{"functie": r.functie, "soort": r.soort, "sleutel": r.sleutel, "naam": r.naam,
             "fte": r.fte} for r in functie_regels(res, g)]


def resultaat_als_dict(
    resultaat: Resultaat, referentie: Referentie, jaren: tuple[int | None, ...] = ()
) -> dict:
    """The whole chain per gemeente, functie and taak as plain Python values (no rounding)."""
    n = resultaat.normenset
    index = referentie.index
    per_duizend = (resultaat.fte_per_eenheid(n.per_duizend, 1000.0) if n.per_duizend
                   else None)
    prijs = kosten_per_fte(n)
    euros = kosten(n, resultaat.fte)  # (G, F) central fte × kosten per fte
    gemeenten = []
    for g, code in enumerate(resultaat.gemeentecodes):
        functies = {}
        for f, functie in enumerate(n.functies):
            functies[functie.sleutel] = {
                "naam": functie.naam,
                "fte": float(resultaat.fte[g, f]),
                # euros per year; "budget" (the budget fte priced) comes with the ranges
                "kosten": {"per_fte": float(prijs[f]), "totaal": float(euros[g, f])},
                "fte_uitvoering": float(resultaat.fte_uitvoering[g, f]),
                "fte_berekend": float(resultaat.fte_berekend[g, f]),
                "aanvulling_minimum": float(resultaat.aanvulling[g, f]),
                "taken": {
                    taak.sleutel: {
                        "volume": float(resultaat.taak_volume[g, k]),
                        "uren": float(resultaat.uren[g, k]),
                        "fte": float(resultaat.fte_taak[g, k]),
                    }
                    for k, taak in enumerate(n.taken)
                    if taak.functie == functie.sleutel
                },
            }
        rij = {
            "gemeentecode": code,
            "gemeentenaam": referentie.gemeentenamen[index[code]],
            "regio": referentie.regio_per_gemeente[index[code]],
        }
        if jaren and jaren[g] is not None:
            rij["jaar"] = jaren[g]
        rij["functies"] = functies
        rij["regels"] = regels_als_dict(resultaat, g)  # taken + vaste basis + leiding = fte
        rij["fte_totaal"] = float(resultaat.fte_totaal[g])
        rij["kosten_totaal"] = float(euros[g].sum())
        if per_duizend is not None:  # kengetal; None where the per_duizend invoer is 0
            rij[f"fte_per_1000_{n.per_duizend}"] = {
                sleutel: None if np.isnan(w) else float(w)
                for sleutel, w in zip([*n.functie_sleutels, "totaal"], per_duizend[g],
                                      strict=True)}
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
    n = resultaat.normenset
    regio = np.array([referentie.regio_per_gemeente[referentie.index[c]]
                      for c in resultaat.gemeentecodes])
    rijen = []
    for code, naam in referentie.regionamen.items():
        leden = np.flatnonzero(regio == code)
        if len(leden) == 0:
            continue
        som = resultaat.som(leden)
        rijen.append([f"{code} {naam}", str(len(leden)),
                      *[format_getal(x, 1) for x in som["fte"]],
                      format_getal(som["fte_totaal"], 1)])
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
