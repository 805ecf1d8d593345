"""The shipped default normenset covers the whole domain and is internally consistent."""

import numpy as np
import pytest

from formatie.model import bereken
from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie
from formatie.schatting import geschatte_invoer

# Every case type the leerplicht and Doorstroompunt functions handle (issue: the default
# normenset must cover the full domain). Each entry: words that must all occur in the naam of
# an invoer that drives a taak of that functie.
LEERPLICHT = [
    ("leerplichtig",), ("kwalificatieplicht",), ("school",), ("16 uur",), ("herhaald",),
    ("langdurig relatief",), ("luxe",), ("overig",), ("ziekteverzuim",), ("absoluut", "3"),
    ("thuiszitter",), ("5 onder a",), ("5 onder b",), ("5 onder c",), ("5a",), ("15",),
    ("vervangende leerplicht",), ("verlof",), ("proces",), ("halt",), ("zat",),
]
DOORSTROOMPUNT = [
    ("nieuwe", "vsv"), ("oud-vsv",), ("trajectbegeleiding",), ("casemanagement",),
    ("18+", "verzuim"), ("preventieve",), ("kwetsbare positie",), ("startkwalificatie",),
]


def namen_van(functie):
    n = standaard_normenset()
    return [(n.invoer_by_sleutel(t.invoer).naam + " " + t.naam).lower()
            for t in n.taken_van(functie)]


@pytest.mark.parametrize(("functie", "woorden"),
                         [("leerplicht", w) for w in LEERPLICHT]
                         + [("doorstroompunt", w) for w in DOORSTROOMPUNT])
def test_case_type_is_covered(functie, woorden):
    assert any(all(w.lower() in naam for w in woorden) for naam in namen_van(functie)), woorden


def test_absoluut_verzuim_split_in_two():
    n = standaard_normenset()
    absoluut = [i for i in n.invoer if "absoluut" in i.naam.lower()]
    assert len(absoluut) == 2


def test_every_norm_is_an_assumption_with_a_range():
    n = standaard_normenset()
    for t in n.taken:
        assert t.bron == "aanname"
        assert 0 <= t.uren_laag <= t.uren <= t.uren_hoog
        assert t.uren_laag < t.uren_hoog, t.sleutel


def test_every_invoer_has_an_estimate_within_its_bounds():
    n = standaard_normenset()
    ref = load_referentie()
    volume = geschatte_invoer(n, ref)
    assert not np.isnan(volume).any()
    assert (volume >= 0).all()
    assert (volume <= np.array([i.max for i in n.invoer])).all()
    for c in n.controles:
        links = volume[:, n.invoer_sleutels.index(c.links)]
        rechts = volume[:, n.invoer_sleutels.index(c.rechts)]
        assert (links <= rechts).all(), c.melding


def test_national_order_of_magnitude():
    """Sanity band from domain.md §3.5 (not a calibration): ~600–1,100 FTE leerplicht."""
    n = standaard_normenset()
    r = bereken(n, geschatte_invoer(n, load_referentie()))
    som = r.som()["fte"]
    assert 600 < som[n.functie_sleutels.index("leerplicht")] < 1100
    assert 200 < som[n.functie_sleutels.index("doorstroompunt")] < 700
