"""Dutch wording of counts and units (formatie.taal), shared by the pages and the CLI."""

import pytest

from formatie.normenset_toml import standaard_normenset
from formatie.taal import (
    WOORDEN,
    aantal_woord,
    enkelvoud,
    meervoud,
    per_eenheid,
    woord_bij,
)


@pytest.mark.parametrize(("n", "woord", "tekst"), [
    (1, "gemeente", "1 gemeente"), (3, "gemeente", "3 gemeenten"),
    (1, "gemeenten", "1 gemeente"), (0, "gemeente", "0 gemeenten"),
    (20480.0, "jongere", "20.480 jongeren"), (1, "invoer", "1 invoerveld"),
    (10, "invoer", "10 invoervelden"), (1, "jaar", "1 jaar"), (2, "jaar", "2 jaren"),
    (0.6, "jongere", "1 jongere"),  # the word goes with the number as shown
])
def test_a_count_gets_the_form_of_its_noun(n, woord, tekst):
    assert aantal_woord(n, woord) == tekst


def test_an_explicit_plural_overrides_the_lexicon():
    assert aantal_woord(2, "casus", "casussen") == "2 casussen"
    assert aantal_woord(1, "casus", "casussen") == "1 casus"


@pytest.mark.parametrize(("eenheid", "tekst"), [
    ("jongeren", "per jongere"), ("meldingen per jaar", "per melding"),
    ("vestigingen", "per vestiging"), ("leerplichtigen", "per leerplichtige"),
    ("processen-verbaal per jaar", "per proces-verbaal"), ("aanvragen per jaar", "per aanvraag"),
])
def test_per_one_of_a_unit(eenheid, tekst):
    assert per_eenheid(eenheid) == tekst


def test_a_unit_phrase_changes_its_first_word_only():
    assert enkelvoud("vrijstellingen per jaar") == "vrijstelling per jaar"
    assert meervoud("melding per jaar") == "meldingen per jaar"
    assert woord_bij(1, "vrijstellingen per jaar") == "vrijstelling per jaar"
    assert woord_bij(1.5, "jongere") == "jongeren"


def test_an_unknown_word_is_left_as_it_is():
    assert enkelvoud("kwartels") == "kwartels"
    assert per_eenheid("kwartels per jaar") == "per kwartels"


def test_every_unit_of_the_standard_normenset_is_in_the_lexicon():
    """A new unit in a normenset must get its singular here, or a page would say
    "uur per <plural>"."""
    meervouden = {meer for _enkel, meer in WOORDEN}
    for invoer in standaard_normenset().invoer:
        kop = invoer.eenheid.removesuffix(" per jaar")
        assert kop in meervouden, invoer.eenheid
        assert per_eenheid(invoer.eenheid) != f"per {kop}"
