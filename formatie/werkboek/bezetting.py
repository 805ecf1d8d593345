"""Bezetting cells, shared by both readers: the current formation typed on Resultaat
(``bezetting_<functie>`` per gemeente, format 1 and 2) and a region workbook's one cell per
regional functie (defined name :func:`~formatie.werkboek.formaat.regio_bezetting_naam`), each
checked against the parameter table's "bezetting" row."""

from __future__ import annotations

from ..invoer_csv import normaliseer_gemeentecode
from ..normenset import Normenset
from ..parameters import melding
from ..problemen import CelProbleem, Probleem
from ..regio import REGIONALE_FUNCTIES
from .formaat import BLAD_INVOER, BLAD_RESULTAAT, REGIO_REGEL, regio_bezetting_naam
from .getalcellen import _cel_getal
from .openen import _naam_cel
from .sleutelcellen import _als_tekst, _kolomletter, _sleutelrij, _tabel_rijen


def _bezettingscel(ruw, blad: str, rij: int, kolom: int, functie: str,
                   problemen: list[Probleem]) -> float | None:
    """One ``bezetting_<functie>`` cell: a number within the parameter table's bounds, or a
    problem naming the cell (and None)."""
    waarde = _cel_getal(ruw, blad, rij, kolom, f"bezetting_{functie}", problemen)
    if waarde is not None and (bericht := melding("bezetting", waarde, "de bezetting")):
        problemen.append(CelProbleem(bericht, rij, f"bezetting_{functie}", blad,
                                     f"{_kolomletter(kolom)}{rij}"))
        return None
    return waarde


def _lees_bezetting(cellen: dict, n: Normenset, problemen: list[Probleem]
                    ) -> dict[str, dict[str, float]]:
    """The optional ``bezetting_<functie>`` columns of Resultaat (empty cells = unknown)."""
    blad = BLAD_RESULTAAT
    gevonden = _sleutelrij(cellen, "gemeentecode")
    if gevonden is None:
        return {}
    sleutelrij, kolommen = gevonden
    kolom_code = kolommen["gemeentecode"]
    bezetting: dict[str, dict[str, float]] = {}
    rijen = sorted({r for r, _ in cellen if r > sleutelrij})
    for functie in n.functie_sleutels:
        kolom = kolommen.get(f"bezetting_{functie}")
        if kolom is None:
            continue
        for rij in rijen:
            ruw = cellen.get((rij, kolom))
            code = normaliseer_gemeentecode(str(cellen.get((rij, kolom_code), "")))
            if ruw is None or code is None:
                continue
            waarde = _bezettingscel(ruw, blad, rij, kolom, functie, problemen)
            if waarde is not None:
                bezetting.setdefault(code, {})[functie] = waarde
    return bezetting


def _lees_regio_bezetting(wb, basissen: dict[str, Normenset], problemen: list[Probleem]
                          ) -> dict[str, float | None] | None:
    """The region's bezetting of its regional functies: the cell each defined name
    ``regio_bezetting_<functie>`` points at (empty = unknown), checked against the parameter
    table's "bezetting" row. None when the workbook has none of these cells."""
    functies = [s for n in basissen.values() for s in n.functie_sleutels
                if s in REGIONALE_FUNCTIES]
    uit: dict[str, float | None] = {}
    for functie in dict.fromkeys(functies):
        plek = _naam_cel(wb, regio_bezetting_naam(functie))
        if plek is None or plek[0] not in wb.sheetnames:
            continue
        blad, rij, kolom = plek
        cellen = wb.cellen(blad)  # read-only: no random cell access
        if cellen.get((rij, 2)) != REGIO_REGEL:
            problemen.append(CelProbleem(
                f"de cel {blad}!{_kolomletter(kolom)}{rij} voor de bezetting van de regio staat "
                f"niet meer in de regel '{REGIO_REGEL}' (is het blad gesorteerd?). Zet de regel "
                "terug of download een nieuw werkboek.", rij, f"bezetting_{functie}", blad,
                f"{_kolomletter(kolom)}{rij}"))
            continue
        ruw = cellen.get((rij, kolom))
        if ruw is None or (isinstance(ruw, str) and not ruw.strip()):
            uit[functie] = None
            continue
        sleutel = f"bezetting_{functie}"
        waarde = _cel_getal(ruw, blad, rij, kolom, sleutel, problemen)
        bericht = waarde is not None and melding("bezetting", waarde, "de bezetting van de regio")
        if bericht:
            problemen.append(CelProbleem(bericht, rij, sleutel, blad,
                                         f"{_kolomletter(kolom)}{rij}"))
        elif waarde is not None:
            uit[functie] = waarde
    return uit or None


def _lees_bezetting_2(cellen: dict, basissen: dict[str, Normenset], invoer: dict,
                      problemen: list[Probleem]) -> dict[str, dict[str, float]]:
    """The ``bezetting_<functie>`` columns of Resultaat (format 2; empty cells = unknown)."""
    blad = BLAD_RESULTAAT
    gevonden = _sleutelrij(cellen, "gemeentecode", blad, problemen)
    if gevonden is None:
        return {}
    sleutelrij, kolommen = gevonden
    functies = {s for n in basissen.values() for s in n.functie_sleutels}
    bekend = {c for tabel, _ in invoer.values() for c in tabel.gemeentecodes}
    bezetting: dict[str, dict[str, float]] = {}
    for rij, r in _tabel_rijen(cellen, sleutelrij, kolommen, tuple(kolommen)):
        code = normaliseer_gemeentecode(_als_tekst(r.get("gemeentecode", "")))
        if code is None:
            continue
        for functie in functies:
            ruw = r.get(f"bezetting_{functie}")
            if ruw is None:
                continue
            if code not in bekend:
                problemen.append(CelProbleem(
                    f"een bezetting voor gemeente {code}, die niet op het blad {BLAD_INVOER} "
                    "staat.",
                    rij, f"bezetting_{functie}", blad,
                    f"{_kolomletter(kolommen[f'bezetting_{functie}'])}{rij}"))
                continue
            waarde = _bezettingscel(ruw, blad, rij, kolommen[f"bezetting_{functie}"],
                                    functie, problemen)
            if waarde is not None:
                bezetting.setdefault(code, {})[functie] = waarde
    return bezetting
