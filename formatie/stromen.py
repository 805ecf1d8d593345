"""The random numbers of the one uncertainty policy (:mod:`formatie.onzekerheid`): streams
that follow from the inputs alone, so identical inputs give identical P-values everywhere.

A norm's normal scores come from a generator seeded by its taak's sleutel (:func:`norm_z`: the
same z for that taak in every run, gemeente, scenario and normenset: common random numbers); a
gemeente's year-to-year volume noise from a counter-based SplitMix64 stream keyed by its
gemeentecode (:class:`Stromen`: draw j is a function of the key and j alone, so all gemeenten of
a block are drawn in one vectorised step, and a gemeente's draws do not depend on which others
are in the run).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np


def _zaad(*delen: object) -> int:
    """A stable 64-bit seed from its parts (the same in every process, unlike ``hash``)."""
    tekst = "\x1f".join(str(d) for d in delen).encode()
    return int.from_bytes(hashlib.sha256(tekst).digest()[:8], "little")


def norm_z(taak_sleutels: tuple[str, ...], trekkingen: int) -> np.ndarray:
    """(D, K) standard normal scores of the norms: column k depends on the taak's sleutel only,
    so a taak gets the same scores in every run, scenario and normenset (common random
    numbers)."""
    if not taak_sleutels:
        return np.zeros((trekkingen, 0))
    return np.column_stack([np.random.default_rng(_zaad("normuren", k)).standard_normal(
        trekkingen) for k in taak_sleutels])


_GOUDEN = np.uint64(0x9E3779B97F4A7C15)  # SplitMix64's increment (2^64 / golden ratio)


def _meng(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser on a uint64 array (in place): a bijection whose output bits
    look independent of its input's, so mixing key + counter gives a random stream."""
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def _uniform(sleutel: np.ndarray, teller: np.ndarray) -> np.ndarray:
    """A uniform in (0, 1) (53 bits) per element of the broadcast of ``sleutel`` and
    ``teller`` (uint64): from the ``teller``-th output of the SplitMix64 stream with seed
    ``sleutel``. Counter-based: any element is computed without the ones before it."""
    x = _meng(sleutel + (teller + np.uint64(1)) * _GOUDEN)
    return ((x >> np.uint64(11)).astype(np.float64) + 0.5) * 2.0**-53


@dataclass(frozen=True)
class Stromen:
    """The policy's volume noise: one counter-based random stream per gemeente, keyed by its
    code (row number when no codes are given), drawn for all gemeenten of a block at once.

    Draw j of gemeente g is a function of (its code, j) only, so it depends neither on the
    other gemeenten in the run nor on the block size. ``normaal``: (G,) keys of the normal
    scores of the skew-matched noise; ``telling``: (G,) keys of the exact counts.
    """

    normaal: np.ndarray
    telling: np.ndarray

    @classmethod
    def van(cls, gemeentecodes: tuple[str, ...], n_g: int) -> Stromen:
        codes = gemeentecodes if len(gemeentecodes) == n_g else tuple(str(g) for g in range(n_g))
        return cls(np.array([_zaad("volume", c) for c in codes], dtype=np.uint64),
                   np.array([_zaad("volume-telling", c) for c in codes], dtype=np.uint64))

    def normalen(self, start: int, stop: int, n_f: int) -> np.ndarray:
        """(G, stop − start, F) float32 standard normal scores of draws start … stop − 1.

        Box–Muller in float32 (numpy's SIMD log, sin and cos): one stream output gives two
        24-bit uniforms and so two scores; the tails reach ±5,9 σ, far beyond P10–P90."""
        paren = (n_f + 1) // 2
        teller = np.arange(start * paren, stop * paren, dtype=np.uint64)
        x = _meng(self.normaal[:, None] + (teller + np.uint64(1))[None, :] * _GOUDEN)
        u1 = ((x >> np.uint64(40)).astype(np.float32) + 0.5) * 2.0**-24  # (G, d × paren)
        u2 = ((x & np.uint64(0xFFFFFF)).astype(np.float32) + 0.5) * 2.0**-24
        straal = np.sqrt(-2.0 * np.log(u1))
        hoek = (2.0 * np.pi) * u2
        z = np.empty((*x.shape, 2), dtype=np.float32)
        np.multiply(straal, np.cos(hoek), out=z[..., 0])
        np.multiply(straal, np.sin(hoek), out=z[..., 1])
        return z.reshape(len(self.normaal), stop - start, 2 * paren)[..., :n_f]

    def tellingen(self, mu: np.ndarray, alfa: np.ndarray, g_idx: np.ndarray,
                  i_idx: np.ndarray, n_i: int, start: int, stop: int) -> np.ndarray:
        """(stop − start, N) exact counts of the N gemeente × invoer pairs (``g_idx``,
        ``i_idx``) with means ``mu`` (N,): Poisson, negative binomial (variance μ + α·μ²)
        where ``alfa`` > 0, by inversion of one uniform per count."""
        # scipy.stats only here: just invoer that feed more than one functie are drawn
        # exactly, and the shipped normensets have none (a plain range needs no scipy)
        from scipy.stats import nbinom, poisson

        teller = (np.arange(start, stop, dtype=np.uint64)[:, None] * np.uint64(n_i)
                  + i_idx.astype(np.uint64)[None, :])
        u = _uniform(self.telling[g_idx][None, :], teller)  # (d, N)
        veilig = np.where(alfa > 0, alfa, 1.0)
        return np.where(alfa > 0, nbinom.ppf(u, 1.0 / veilig, 1.0 / (1.0 + veilig * mu)),
                        poisson.ppf(u, mu))
