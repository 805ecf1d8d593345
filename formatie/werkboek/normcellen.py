"""Norm cells, shared by both readers: the edited norms become a derived, validated
normenset."""

from __future__ import annotations

from dataclasses import replace

from ..normenset import (
    Normenset,
    afgeleide_versie,
    normenset_als_toml,
)
from ..normenset_toml import parse_normenset
from ..problemen import CelProbleem, InvoerFout, Probleem


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


