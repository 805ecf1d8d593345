"""Number cells, shared by both readers: a number typed in an input cell (never a formula
or text), equality up to what a workbook stores, an invoer cell (the invoer's own parameter:
bounds, unit, message), a year cell (the parameter table's JAAR) and a bezetting cell."""

from __future__ import annotations

import numpy as np

from ..getallen import format_invoer
from ..parameters import JAAR, geldig_jaar, melding_voor
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



def _invoercel(ruw, inv, blad: str, rij: int, kolom: int, problemen: list[Probleem]
               ) -> float | None:
    """One invoer value (``inv``: a :class:`formatie.normenset.Invoer`): a number within the
    invoer's own parameter, or a problem naming the cell (and None)."""
    waarde = _cel_getal(ruw, blad, rij, kolom, inv.sleutel, problemen)
    if waarde is None:
        return None
    p = inv.parameter
    # the value is written out for the message only (7.000 cells on a national Invoer)
    if not p.toegestaan(waarde) and (bericht := melding_voor(p, waarde, format_invoer(waarde))):
        problemen.append(CelProbleem(bericht, rij, inv.sleutel, blad,
                                     f"{_kolomletter(kolom)}{rij}"))
        return None
    return waarde


def _jaarcel(ruw, blad: str, rij: int, cel: str | None, problemen: list[Probleem]
             ) -> tuple[bool, int | None]:
    """A gemeente's year: (True, jaar) for a year within :data:`formatie.parameters.JAAR` or an
    empty cell (jaar None), else (False, None) with a problem naming the cell. Text is refused
    even when it reads as a year (as in number cells)."""
    if ruw is None:
        return True, None
    if not isinstance(ruw, str) and (jaar := geldig_jaar(ruw)) is not None:
        return True, jaar
    problemen.append(CelProbleem(
        f"'{_kort_tekst(ruw)}' is geen geldig jaar ({JAAR.bereik_tekst()}).", rij, "jaar",
        blad, cel))
    return False, None
