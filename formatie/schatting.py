"""Estimates from the shipped CBS/DUO data, for when a gemeente has not entered its own figures.

CBS publishes only broad age bands per gemeente (0–14, 15–24, 25–44). The target groups are
estimated by a uniform split of each band over its single years of age:

* 5–15 (leerplicht)        ≈ 10/15 × (0–14) + 1/10 × (15–24)
* 16–17 (kwalificatieplicht) ≈ 2/10 × (15–24)
* 18–26 (Doorstroompunt, tot 27) ≈ 7/10 × (15–24) + 2/20 × (25–44)

Caveat: in student cities (Groningen, Utrecht, Leiden, Delft, Wageningen, Enschede, Maastricht …)
the 15–24 band is dominated by 18–24-year-old students, so the uniform split overstates 16–17
and 18–26 residents there. Every figure from this module is an *estimate* and is labelled so.
"""

from __future__ import annotations

import numpy as np

from .normenset import Normenset
from .referentie import Referentie

METHODE = (
    "Schatting uit CBS-leeftijdsgroepen (0–14, 15–24, 25–44 jaar, 1-1-2024) door elke groep "
    "gelijk over de leeftijdsjaren te verdelen. In studentensteden overschat dit de 16–17- en "
    "18–26-jarigen, omdat daar veel 18–24-jarige studenten wonen. Vervang de schatting door de "
    "BRP-telling van uw gemeente."
)

BASIS_NAMEN = {
    "cbs_5_15": "inwoners 5–15 jaar (schatting)",
    "cbs_16_17": "inwoners 16–17 jaar (schatting)",
    "cbs_18_26": "inwoners 18–26 jaar (schatting)",
    "inwoners": "inwoners (CBS)",
    "vestigingen_po": "vestigingen primair onderwijs (DUO)",
}


def leeftijdsschatting(referentie: Referentie) -> dict[str, np.ndarray]:
    """(G,) arrays per schatting basis (see :data:`formatie.normenset.SCHATTING_BASES`)."""
    r = referentie
    return {
        "cbs_5_15": r.leeftijd_0_14 * 10 / 15 + r.leeftijd_15_24 * 1 / 10,
        "cbs_16_17": r.leeftijd_15_24 * 2 / 10,
        "cbs_18_26": r.leeftijd_15_24 * 7 / 10 + r.leeftijd_25_44 * 2 / 20,
        "inwoners": r.inwoners.astype(float),
        "vestigingen_po": r.vestigingen_po.astype(float),
    }


def geschatte_invoer(normenset: Normenset, referentie: Referentie) -> np.ndarray:
    """(G, I) estimated volumes for all gemeenten; NaN where an invoer has no schatting."""
    bases = leeftijdsschatting(referentie)
    kolommen = []
    for invoer in normenset.invoer:
        if invoer.schatting_basis is None or invoer.schatting_per_1000 is None:
            kolommen.append(np.full(len(referentie.gemeentecodes), np.nan))
        else:
            kolommen.append(bases[invoer.schatting_basis] * invoer.schatting_per_1000 / 1000.0)
    return np.column_stack(kolommen)
