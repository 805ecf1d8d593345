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
    return float(bedrag) * float(indexfactor(indexatie, van_jaar, naar_jaar))


def indexfactor(indexatie, van_jaar: int, naar_jaar) -> np.ndarray:
    """(1 + indexatie)^(naar − van), broadcast over ``indexatie`` (…) and ``naar_jaar`` (…):
    what one euro of ``van_jaar`` is at the price level of ``naar_jaar``."""
    return (1.0 + np.asarray(indexatie, dtype=float)) ** (
        np.asarray(naar_jaar, dtype=float) - float(van_jaar))


def kosten_per_fte_in(normenset: Normenset, jaren) -> np.ndarray:
    """(T, F) euros per fte per year of every functie at the price level of each of ``jaren``
    (T,): :func:`kosten_per_fte` indexed from the normenset's :func:`peiljaar` by each
    functie's ``indexatie``. Not indexed (the normenset's own prices) when it names no
    peiljaar."""
    jaren = np.asarray(jaren, dtype=float)
    prijs = kosten_per_fte(normenset)
    peil = peiljaar(normenset)
    if peil is None:
        return np.broadcast_to(prijs, (len(jaren), len(prijs))).copy()
    idx = np.array([f.indexatie for f in normenset.functies], dtype=float)
    return prijs[None, :] * indexfactor(idx[None, :], peil, jaren[:, None])
