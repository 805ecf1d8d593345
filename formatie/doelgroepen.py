"""The target groups (leerplicht, kwalificatieplicht, Doorstroompunt): one definition each.

The definitions live in ``formatie/data/doelgroepen.toml``: a key, the old ``schatting_basis``
keys as aliases, a label, the age range in words, the legal definition, and which years of age
(and which share of each year's birth months) count on the peildatum 1 October. The form label of
the head count, the estimate and the CBS box on the invoer page all come from here.

CBS gives only the bands 0–14, 15–24 and 25–44 per gemeente (1 January). :func:`leeftijdsjaren`
splits them into single years of age:

* 0–14: uniform, 1/15 of the band per year;
* 15–17: uniform (1/10 of 15–24 per year) *unless* the 15–24 band is larger than both the
  national 15–24 share of the inhabitants and the gemeente's own child cohorts explain. Then each
  of 15, 16 and 17 gets the larger of those two (``max(s_nl × inwoners, r_nl × (0–14)/15 × 10)
  / 10``, with s_nl the national 15–24 share and r_nl the national ratio of a 15–24 year to a 0–14
  year). Why: teenagers live with their parents, so a 15–24 band far above both is 18–24-year-olds
  who moved in (students in Groningen, Utrecht, Leiden, Delft, Wageningen, Enschede, Maastricht;
  young workers). Gemeenten with many children (Urk, Staphorst) keep the uniform split, because
  their child cohorts explain their large 15–24 band;
* 18–24: what remains of 15–24, uniform over the 7 years (the band total is kept);
* 25–44: uniform, 1/20 per year.

A year of age counted on 1 January is taken as the same year of age on 1 October (a stationary
population); the error is a fraction of one birth cohort's growth.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .gegevenscache import bewaard
from .referentie import Referentie

#: Number of single years of age :func:`leeftijdsjaren` returns (0 … 44).
LEEFTIJDEN = 45


@dataclass(frozen=True)
class Doelgroep:
    """One target group; ``jaren`` are (leeftijd_van, leeftijd_tot exclusive, maanden of 12)."""

    sleutel: str
    aliassen: tuple[str, ...]
    naam: str
    leeftijden: str
    definitie: str
    jaren: tuple[tuple[int, int, int], ...]

    @property
    def label(self) -> str:
        """The text every page uses for this group, e.g. ``Leerplichtigen (5 jaar tot …)``."""
        return f"{self.naam} ({self.leeftijden})"

    def gewichten(self) -> np.ndarray:
        """(LEEFTIJDEN,) share of each single year of age that belongs to the group (0–1)."""
        w = np.zeros(LEEFTIJDEN)
        for van, tot, maanden in self.jaren:
            w[van:tot] = maanden / 12
        return w


@lru_cache(maxsize=1)
def doelgroepen() -> tuple[Doelgroep, ...]:
    """The target groups from ``formatie/data/doelgroepen.toml``, in file order, parsed once
    per version of the package (:func:`formatie.gegevenscache.bewaard`)."""
    return bewaard("doelgroepen", _lees_doelgroepen)


def _lees_doelgroepen() -> tuple[Doelgroep, ...]:
    import tomllib  # here, not at start-up: the CLI reads its parsed data from gegevenscache

    with (Path(__file__).parent / "data" / "doelgroepen.toml").open("rb") as f:
        data = tomllib.load(f)
    return tuple(
        Doelgroep(sleutel=k, aliassen=tuple(v.get("aliassen", ())), naam=v["naam"],
                  leeftijden=v["leeftijden"], definitie=v["definitie"],
                  jaren=tuple((int(a), int(b), int(m)) for a, b, m in v["jaren"]))
        for k, v in data["doelgroep"].items())


def doelgroep(sleutel: str) -> Doelgroep | None:
    """The group with key or alias ``sleutel`` (``cbs_5_15`` → leerplicht); None for other bases."""
    for d in doelgroepen():
        if sleutel == d.sleutel or sleutel in d.aliassen:
            return d
    return None


def basis_sleutels() -> tuple[str, ...]:
    """Every ``schatting_basis`` key that names a target group: keys first, then aliases."""
    groepen = doelgroepen()
    return (*(d.sleutel for d in groepen), *(a for d in groepen for a in d.aliassen))


def _tieners(referentie: Referentie) -> np.ndarray:
    """(G,) estimated inhabitants per single year of age 15, 16 and 17 (see module docstring)."""
    r = referentie
    b0, b15 = r.leeftijd_0_14, r.leeftijd_15_24
    aandeel_nl = b15.sum() / r.inwoners.sum()
    verhouding_nl = (b15.sum() / 10) / (b0.sum() / 15)
    verklaard = np.maximum(aandeel_nl * r.inwoners / 10, verhouding_nl * b0 / 15)
    return np.minimum(b15 / 10, verklaard)


def overschot_15_24(referentie: Referentie) -> np.ndarray:
    """(G,) the part of the 15–24 band that the split puts at 18–24 instead of 15–17 because
    neither the national share nor the gemeente's child cohorts explain it (students who moved
    in); 0 where the uniform split holds."""
    return referentie.leeftijd_15_24 - 10 * _tieners(referentie)


def leeftijdsjaren(referentie: Referentie) -> np.ndarray:
    """(G, LEEFTIJDEN) estimated inhabitants per single year of age 0–44 (see module docstring).

    Each gemeente's row sums per band to the CBS band (0–14, 15–24, 25–44) exactly.
    """
    r = referentie
    b0, b15, b25 = r.leeftijd_0_14, r.leeftijd_15_24, r.leeftijd_25_44
    tiener = _tieners(r)
    jaren = np.empty((len(r.gemeentecodes), LEEFTIJDEN))
    jaren[:, 0:15] = (b0 / 15)[:, None]
    jaren[:, 15:18] = tiener[:, None]
    jaren[:, 18:25] = ((b15 - 3 * tiener) / 7)[:, None]
    jaren[:, 25:45] = (b25 / 20)[:, None]
    return jaren


def schat_doelgroepen(referentie: Referentie) -> dict[str, np.ndarray]:
    """(G,) estimated members per target group key (keys of ``doelgroepen.toml``, not aliases)."""
    jaren = leeftijdsjaren(referentie)
    return {d.sleutel: jaren @ d.gewichten() for d in doelgroepen()}
