"""The shipped default normenset covers the whole domain and is internally consistent."""

import numpy as np
import pytest

from formatie.model import bereken
from formatie.normenset import ORGANISATIE_PARAMETERS
from formatie.normenset_toml import NORMEN, load_normenset, standaard_normenset
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


def _rust_ergens_op(bron: str) -> bool:
    """A bron is a published figure, "afgeleid: <how>" or "aanname: <why this number>"."""
    soort, _, reden = bron.partition(": ")
    if soort in ("afgeleid", "aanname"):
        return len(reden.split()) >= 4
    return len(bron.split()) >= 4 and bron != "aanname"


def test_every_norm_says_what_it_rests_on_and_has_a_range():
    n = standaard_normenset()
    for t in n.taken:
        assert _rust_ergens_op(t.bron), (t.sleutel, t.bron)
        assert 0 <= t.uren_laag <= t.uren <= t.uren_hoog
        assert t.uren_laag < t.uren_hoog, t.sleutel


def test_every_organisation_parameter_says_what_it_rests_on():
    n = standaard_normenset()
    for f in n.functies:
        for p in ORGANISATIE_PARAMETERS:
            assert _rust_ergens_op(f.bron_van(p)), (f.sleutel, p)
    assert n.geldig_vanaf and n.afgeleid_van


def test_verzuimmelding_hours_follow_the_published_back_calculation_of_one_to_three_hours():
    n = standaard_normenset()
    for sleutel in ("behandeling_16uur", "behandeling_luxe_verzuim", "behandeling_overig_verzuim",
                    "behandeling_verzuim_18plus"):
        assert 0.5 <= n.taak(sleutel).uren <= 3, sleutel
    # a melding with its repeat (a quarter of meldingen is repeated) stays within 1–3 h on average
    gemiddeld = n.taak("behandeling_16uur").uren + 0.25 * n.taak("behandeling_16uur_herhaald").uren
    assert 1 <= gemiddeld <= 3


def test_administrative_support_is_counted_once_in_leiding_not_again_as_a_taak():
    n = standaard_normenset()
    assert "administratie" in n.functie("leerplicht").bron_van("leiding")
    assert not [t.sleutel for t in n.taken if "administratie" in (t.sleutel + t.naam).lower()]


def test_the_revision_keeps_the_invoer_keys_and_estimate_bases_of_the_earlier_default():
    """Stored invoer and the target-group labels refer to them; 2026.3 replaced only the
    Doorstroompunt's group without startkwalificatie by its two age groups."""
    oud = load_normenset(str(NORMEN / "standaard-2026-2.toml"))
    nieuw = standaard_normenset()
    gesplitst = "jongeren_zonder_startkwalificatie"
    verwacht = [(i.sleutel, i.schatting_basis) for i in oud.invoer if i.sleutel != gesplitst]
    verwacht += [(f"{gesplitst}_18_22", "doelgroep_doorstroompunt_18_22"),
                 (f"{gesplitst}_23_26", "doelgroep_doorstroompunt_23_26")]
    assert [(i.sleutel, i.schatting_basis) for i in nieuw.invoer] == verwacht
    assert nieuw.afgeleid_van == oud.label


def test_a_standalone_leerplicht_team_has_a_sourced_floor_and_the_doorstroompunt_none():
    n = standaard_normenset()
    leerplicht, dp = n.functie("leerplicht"), n.functie("doorstroompunt")
    assert leerplicht.minimum_fte == 1.5 and "1,5–2 personen" in leerplicht.bron_van("minimum_fte")
    assert dp.minimum_fte == 0 and "regionale" in dp.bron_van("minimum_fte")
    assert "per team" in leerplicht.bron_van("vast_fte")


def test_the_doorstroompunt_counts_the_2026_extension_as_its_own_group_and_taak():
    n = standaard_normenset()
    jong, oud = (n.invoer_by_sleutel(f"jongeren_zonder_startkwalificatie_{d}")
                 for d in ("18_22", "23_26"))
    assert "18 tot 23" in jong.naam and "23 tot 27" in oud.naam
    taken = {t.invoer: t for t in n.taken_van("doorstroompunt")}
    assert taken[jong.sleutel].uren > 0 and taken[oud.sleutel].uren > 0
    assert taken[oud.sleutel].bron.startswith("aanname")


def test_trajectbegeleiding_rests_on_a_published_caseload_and_judgement_says_so():
    n = standaard_normenset()
    traject = n.taak("trajectbegeleiding")
    assert traject.bron.startswith("afgeleid") and "150 jongeren" in traject.bron
    # 5 coaches, 150 young people a year: 30 each; the hours stay below what a coach has for one
    casus = n.functie("doorstroompunt").casus_uren_per_fte
    assert traject.uren_laag <= traject.uren <= casus / 30 <= traject.uren_hoog
    for sleutel in ("behandeling_luxe_verzuim", "behandeling_overig_verzuim",
                    "behandeling_verzuim_18plus"):
        assert n.taak(sleutel).bron.startswith("aanname"), sleutel


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
