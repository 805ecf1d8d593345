"""Number cells, shared by both readers: a number typed in an input cell (never a formula
or text), equality up to what a workbook stores, a bezetting cell."""

from __future__ import annotations

import numpy as np

from ..parameters import melding
from ..problemen import CelProbleem, Probleem
from .openen import (
    _Formule,
)
from .sleutelcellen import (
    _kolomletter,
    _kort_tekst,
)


def _is_formule(waarde) -> bool:
    return isinstance(waarde, _Formule)



def _cel_getal(waarde, blad: str, rij: int, kolom: int, sleutel: str,
               problemen: list[Probleem]) -> float | None:
    """A number from an input cell, or None with a problem appended."""
    cel = f"{_kolomletter(kolom)}{rij}"

    def fout(bericht: str) -> None:
        problemen.append(CelProbleem(bericht, rij, sleutel, blad, cel))

    if waarde is None or (isinstance(waarde, str) and not waarde.strip()):
        fout("lege cel. Vul een getal in (0 als er niets was).")
        return None
    if _is_formule(waarde):
        fout(f"de cel bevat een formule ({_kort_tekst(waarde)}). Typ in invoercellen een getal.")
        return None
    if isinstance(waarde, bool):
        fout(f"'{waarde}' is geen getal.")
        return None
    if isinstance(waarde, int | float):
        getal = float(waarde)
        if not np.isfinite(getal):
            fout("geen eindig getal.")
            return None
        return getal
    if isinstance(waarde, str):
        fout(f"de cel bevat tekst ('{_kort_tekst(waarde.strip())}') in plaats van een getal. "
             "Typ het getal opnieuw in de cel (zonder aanhalingsteken of tekstopmaak).")
    else:
        fout(f"'{_kort_tekst(waarde)}' is geen getal.")
    return None



def _gelijk(a: float, b: float) -> bool:
    """Equal up to the 16 significant digits a workbook stores."""
    return abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))



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


