"""Euros: what the fte of the model cost per year, and bringing an amount to another year.

Pure numpy, no I/O. The price of one fte is :attr:`formatie.normenset.Functie.kosten_per_fte`
(salaris × (1 + werkgeverslasten) × (1 + opslag), euros per year at the price level of the
normenset's ``geldig_vanaf``); every surface (page, JSON, CLI, workbook, scenario comparison)
multiplies fte by it here, so the same fte give the same euros everywhere.

Shapes: F functies of one normenset, G gemeenten; fte arrays are (..., F).
"""

from __future__ import annotations

import numpy as np

from .normenset import Normenset


def kosten_per_fte(normenset: Normenset) -> np.ndarray:
    """(F,) euros per fte per year of every functie of ``normenset``."""
    return np.array([f.kosten_per_fte for f in normenset.functies], dtype=float)


def kosten(normenset: Normenset, fte: np.ndarray) -> np.ndarray:
    """(..., F) euros per year of ``fte`` (..., F): fte × kosten per fte, per functie."""
    return np.asarray(fte, dtype=float) * kosten_per_fte(normenset)


def peiljaar(normenset: Normenset) -> int | None:
    """The calendar year of the normenset's prices: the first year of ``geldig_vanaf``
    ("2026/2027" → 2026); None when the normenset does not say."""
    if not normenset.geldig_vanaf:
        return None
    return int(normenset.geldig_vanaf[:4])


def indexeer(bedrag: float, indexatie: float, van_jaar: int, naar_jaar: int) -> float:
    """``bedrag`` of ``van_jaar`` at the price level of ``naar_jaar``, growing by ``indexatie``
    (a share) per year: bedrag × (1 + indexatie)^(naar − van)."""
    return float(bedrag) * (1.0 + float(indexatie)) ** (naar_jaar - van_jaar)
