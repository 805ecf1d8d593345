"""Norm cells, shared by both readers: a taak's hours (the parameter table's bounds), its
fixed fields and its bron, an organisation parameter, the range widened to hold the hours,
and the edited norms as a derived, validated normenset."""

from __future__ import annotations

from dataclasses import replace

from ..getallen import format_invoer
from ..normenset import (
    Normenset,
    afgeleide_versie,
    normenset_als_toml,
)
from ..normenset_toml import parse_normenset
from ..parameters import melding
from ..problemen import CelProbleem, InvoerFout, Probleem
from ..tekst import STUURTEKEN_MELDING, heeft_stuurteken
from .getalcellen import _cel_getal, _gelijk, _is_formule
from .sleutelcellen import _kolomletter

#: The fields of a taak that a workbook shows but may not change.
VASTE_TAAKVELDEN = ("functie", "invoer")


def _normcel(ruw, naam: str, veld: str, wat: str, blad: str, rij: int, kolom: int,
             problemen: list[Probleem], oud: float | None = None) -> float | None:
    """A norm number (a taak's hours or an organisation parameter): within parameter
    ``naam`` of the parameter table, or a problem naming the cell (and None); ``wat`` says
    whose it is ("taak 'x'", "functie 'y'"). Equal to ``oud`` up to what a workbook stores:
    ``oud`` itself (the exact stored value)."""
    waarde = _cel_getal(ruw, blad, rij, kolom, veld, problemen)
    if waarde is None:
        return None
    if bericht := melding(naam, waarde, f"{wat}: {veld}"):
        problemen.append(CelProbleem(bericht, rij, veld, blad, f"{_kolomletter(kolom)}{rij}"))
        return None
    if oud is not None and _gelijk(waarde, oud):
        return oud
    return waarde


def _vast_taakveld(oud, veld: str, ruw, blad: str, rij: int, cel: str,
                   problemen: list[Probleem]) -> None:
    """A taak's ``functie`` or ``invoer`` (:data:`VASTE_TAAKVELDEN`) must stay as it was."""
    if str(ruw or "").strip() != getattr(oud, veld):
        problemen.append(CelProbleem(
            f"taak '{oud.sleutel}': de {veld} kan in het werkboek niet worden gewijzigd "
            f"(verwacht '{getattr(oud, veld)}').", rij, veld, blad, cel))


def _broncel(ruw, oud: str, blad: str, rij: int, cel: str, problemen: list[Probleem]) -> str:
    """A taak's bron: text (a formula or a control character is a problem); empty keeps
    ``oud``."""
    if _is_formule(ruw):
        problemen.append(CelProbleem("de cel bevat een formule; typ een tekst.", rij, "bron",
                                     blad, cel))
    elif ruw is not None and heeft_stuurteken(str(ruw)):
        problemen.append(CelProbleem(f"de bron {STUURTEKEN_MELDING}", rij, "bron", blad, cel))
    return (str(ruw).strip() if ruw is not None else "") or oud


def _verruim(taak: str, uren: float, laag: float, hoog: float, opmerkingen: list[str]
             ) -> tuple[float, float]:
    """The 80 % range (laag, hoog) widened to hold the hours, with a notice when it is."""
    if laag <= uren <= hoog:
        return laag, hoog
    laag, hoog = min(laag, uren), max(hoog, uren)
    opmerkingen.append(f"taak '{taak}': het bereik is verruimd tot {format_invoer(laag)}–"
                       f"{format_invoer(hoog)} zodat het de uren ({format_invoer(uren)}) "
                       "bevat.")
    return laag, hoog


def _afgeleide_set(basis: Normenset, taken: tuple, parameters: dict, blad: str,
                   problemen: list[Probleem]) -> Normenset | None:
    """``basis`` with the workbook's taken and organisation parameters, as a derived set
    (``<versie>-excel``, ``afgeleid_van`` = the base), validated by writing and reading it as
    TOML like any normenset; problems go to ``blad`` (and None comes back)."""
    nieuw = replace(basis, taken=taken, bron_tekst=None).met_functie_parameters(parameters)
    nieuw = replace(nieuw, versie=afgeleide_versie(basis.versie, "-excel"),
                    afgeleid_van=basis.label)
    try:
        return parse_normenset(normenset_als_toml(nieuw), "normen uit het werkboek")
    except InvoerFout as fout:
        problemen.extend(CelProbleem(p.bericht, blad=blad) for p in fout.problemen)
        return None


