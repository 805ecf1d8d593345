"""One definition per target group: ages, aliases, the split of the CBS bands, labels."""

import re

import numpy as np
import pytest

from formatie.doelgroepen import (
    LEEFTIJDEN,
    doelgroep,
    doelgroepen,
    leeftijdsjaren,
    overschot_15_24,
    schat_doelgroepen,
)
from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie
from formatie.schatting import telling


def _groep(naam: str):
    return next(d for d in doelgroepen() if d.naam.startswith(naam))


def test_single_years_add_up_to_each_cbs_band():
    ref = load_referentie()
    jaren = leeftijdsjaren(ref)
    assert jaren.shape == (342, LEEFTIJDEN) and (jaren >= 0).all()
    np.testing.assert_allclose(jaren[:, 0:15].sum(1), ref.leeftijd_0_14, rtol=1e-12)
    np.testing.assert_allclose(jaren[:, 15:25].sum(1), ref.leeftijd_15_24, rtol=1e-12)
    np.testing.assert_allclose(jaren[:, 25:45].sum(1), ref.leeftijd_25_44, rtol=1e-12)


def test_leerplicht_runs_from_5_to_the_end_of_the_school_year_in_which_a_child_turns_16():
    """On 1 October: every 5- to 15-year-old, and the 16-year-olds born in August or September."""
    w = _groep("Leerplicht").gewichten()
    assert (w[5:16] == 1).all() and w[16] == pytest.approx(2 / 12)
    assert w[:5].sum() == 0 and w[17:].sum() == 0


def test_leerplicht_and_kwalificatieplicht_cover_5_to_17_once_and_the_doorstroompunt_18_to_26():
    lp, kp, dp = (_groep(n).gewichten() for n in ("Leerplicht", "Kwalificatie", "Jongeren"))
    np.testing.assert_allclose((lp + kp)[5:18], 1.0)
    assert (lp + kp)[18:].sum() == 0 and kp[:16].sum() == 0
    assert (dp[18:27] == 1).all() and dp[:18].sum() == 0 and dp[27:].sum() == 0


def test_old_schatting_basis_keys_are_aliases_of_the_target_groups():
    ref = load_referentie()
    groepen = schat_doelgroepen(ref)
    for oud, nieuw in [("cbs_5_15", "doelgroep_leerplicht"),
                       ("cbs_16_17", "doelgroep_kwalificatieplicht"),
                       ("cbs_18_26", "doelgroep_doorstroompunt")]:
        assert doelgroep(oud) is doelgroep(nieuw) and nieuw in groepen
    assert doelgroep("inwoners") is None


def test_student_cities_get_fewer_15_to_17_year_olds_than_a_uniform_split():
    """Groningen's 15–24 band is 21 % of its inhabitants (national 12 %), mostly students: the
    uniform split would make every year 15–17 2.9 × a year of its 0–14 band. Urk's large 15–24
    band is matched by its many children, so Urk keeps the uniform split."""
    ref = load_referentie()
    jaren, i = leeftijdsjaren(ref), ref.index
    groningen, urk = i["0014"], i["0184"]
    assert ref.naam("0014") == "Groningen" and ref.naam("0184") == "Urk"
    assert jaren[groningen, 15] < 0.6 * ref.leeftijd_15_24[groningen] / 10
    assert jaren[groningen, 15] < 1.6 * jaren[groningen, 10]
    assert jaren[urk, 15] == pytest.approx(ref.leeftijd_15_24[urk] / 10)
    assert overschot_15_24(ref)[urk] == pytest.approx(0.0)
    assert overschot_15_24(ref)[groningen] > 0.3 * ref.leeftijd_15_24[groningen]


def _leeftijd_in_naam(naam: str) -> bool:
    return bool(re.search(r"\d+\s*(jaar|–|-|tot)", naam))


def test_every_invoer_naam_agrees_with_its_target_group():
    """The head count of a group is named by the group's label; any other invoer estimated on a
    group that names an age range uses the group's own words for it."""
    n = standaard_normenset()
    for groep in doelgroepen():
        t = telling(n, groep)
        assert t is None or t.naam == groep.label, (t.naam, groep.label)
        for i in n.invoer:
            if i.schatting_basis and doelgroep(i.schatting_basis) is groep \
                    and _leeftijd_in_naam(i.naam):
                assert groep.leeftijden in i.naam, (i.naam, groep.leeftijden)
