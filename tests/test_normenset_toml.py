"""Hostile normenset TOML (issue 12, points 6 and 7): refused with a Dutch message, never a
RecursionError, ValueError or OverflowError, and reserved invoer sleutels refused."""

from __future__ import annotations

import re

import pytest
import vijandig

from formatie.normenset_toml import (
    GERESERVEERDE_SLEUTELS,
    MAX_TOML_DIEPTE,
    MAX_TOML_TEKENS,
    parse_normenset,
)
from formatie.problemen import InvoerFout


def _meldingen(tekst: str) -> list[str]:
    with pytest.raises(InvoerFout) as fout:
        parse_normenset(tekst, "n.toml")
    return [p.tekst("n.toml") for p in fout.value.problemen]


def test_nesting_5000_deep_is_refused_with_its_line_not_a_recursion_error():
    assert _meldingen(vijandig.diepe_toml()) == [
        f"n.toml, regel 3: de waarden zijn meer dan {MAX_TOML_DIEPTE} lagen diep genest."]


def test_nesting_inside_strings_and_comments_does_not_count(klein_tekst):
    tekst = klein_tekst.replace('naam = "Klein"', 'naam = "Klein [[[[{{{{' + "[" * 99 + '"'
                                + " # " + "[" * 99)
    assert parse_normenset(tekst).naam.startswith("Klein [[[[{{{{")


def test_an_integer_of_5000_digits_is_refused_not_a_value_error():
    assert _meldingen(vijandig.reuzengetal_toml()) == ["n.toml: een getal heeft te veel cijfers."]


def test_an_integer_beyond_the_largest_float_is_not_finite_not_an_overflow_error(klein_tekst):
    tekst = klein_tekst.replace("max = 1000", "max = 1" + "0" * 400, 1)
    assert any("'max' moet een eindig getal zijn" in m for m in _meldingen(tekst))


def test_a_text_beyond_the_length_cap_is_refused_before_parsing():
    assert _meldingen("#" * (MAX_TOML_TEKENS + 1)) == [
        "n.toml: de normenset is te lang (2.000.001 tekens; maximaal 2.000.000)."]


@pytest.mark.parametrize("sleutel", ["meta", "csrf_token", "version", "validate", "status",
                                     "normenset", "gemeentecode", "fte_a", "bezetting_a"])
def test_a_reserved_invoer_sleutel_is_refused(klein_tekst, sleutel):
    tekst = re.sub(r'sleutel = "x"', f'sleutel = "{sleutel}"', klein_tekst, count=1)
    tekst = tekst.replace('invoer = "x"', f'invoer = "{sleutel}"').replace(
        'per_duizend = "x"', f'per_duizend = "{sleutel}"')
    assert f"n.toml, regel 23: invoer '{sleutel}': deze sleutel is gereserveerd." in \
        _meldingen(tekst)


def test_the_reserved_names_are_all_valid_sleutels_so_none_is_dead_weight():
    assert all(re.fullmatch(r"[a-z][a-z0-9_]{0,62}", s) for s in GERESERVEERDE_SLEUTELS)


def test_a_control_character_escaped_into_the_name_or_versie_is_refused_with_its_line(
        klein_tekst):
    """Issue 12, point 8: naam and versie go into database columns (NUL: a 500 on PostgreSQL)."""
    tekst = klein_tekst.replace('naam = "Klein"', 'naam = "Klein\\u0000"').replace(
        'versie = "t1"', 'versie = "t\\u001b1"')
    assert _meldingen(tekst)[:2] == [
        "n.toml, regel 2: normenset: 'naam' bevat een onzichtbaar stuurteken (zoals een "
        "NUL-teken). Verwijder het en probeer het opnieuw.",
        "n.toml, regel 3: normenset: 'versie' bevat een onzichtbaar stuurteken (zoals een "
        "NUL-teken). Verwijder het en probeer het opnieuw."]


def test_a_tab_or_line_break_in_the_name_is_refused_but_not_in_a_toelichting(klein_tekst):
    tekst = klein_tekst.replace('naam = "Klein"', 'naam = "Klein\\tt"', 1)
    assert _meldingen(tekst.replace("\\\\t", "\\t")) == [
        "n.toml, regel 2: normenset: de naam bevat een onzichtbaar stuurteken (zoals een "
        "NUL-teken). Verwijder het en probeer het opnieuw."]
    tekst = klein_tekst.replace('naam = "Klein"',
                                'naam = "Klein"\ntoelichting = "twee\\nregels\\tmet tab"', 1)
    assert parse_normenset(tekst).toelichting == "twee\nregels\tmet tab"


#: (where in klein.toml, the line to put it after or replace) for every text of a normenset.
TEKSTVELDEN = {
    "toelichting bovenaan": ('naam = "Klein"', 'naam = "Klein"\ntoelichting = "{}"'),
    "naam van een functie": ('naam = "Functie A"', 'naam = "{}"'),
    "bron van een organisatieparameter": (
        "vast_fte = 0.1\n", 'vast_fte = 0.1\n\n[functie.a.bron]\nleiding = "{}"\n'),
    "toelichting van een organisatieparameter": (
        "vast_fte = 0.1\n", 'vast_fte = 0.1\n\n[functie.a.toelichting]\nleiding = "{}"\n'),
    "naam van een invoer": ('naam = "Invoer X"', 'naam = "{}"'),
    "eenheid van een invoer": ('eenheid = "stuks"', 'eenheid = "{}"'),
    "groep van een invoer": ('groep = "Groep 1"', 'groep = "{}"'),
    "toelichting van een invoer": ('groep = "Groep 1"', 'groep = "Groep 1"\ntoelichting = "{}"'),
    "naam van een taak": ('naam = "Taak A1"', 'naam = "{}"'),
    "bron van een taak": ('naam = "Taak A1"', 'naam = "Taak A1"\nbron = "{}"'),
    "toelichting van een taak": ('naam = "Taak A1"', 'naam = "Taak A1"\ntoelichting = "{}"'),
    "melding van een controle": (
        "\n[[taak]]", '\n[[controle]]\nlinks = "y"\nrechts = "x"\nmelding = "{}"\n\n[[taak]]'),
}


@pytest.mark.parametrize("veld", TEKSTVELDEN)
@pytest.mark.parametrize("teken", ["\\u001b[31m", "\\u0007", "\\u009b", "\\u0000"])
def test_a_control_character_in_any_text_of_a_normenset_is_refused_with_its_line(
        klein_tekst, veld, teken):
    """Issue 19: ESC and BEL in a bron reached the terminal raw through `formatie normen`."""
    plek, vervanging = TEKSTVELDEN[veld]
    assert plek in klein_tekst
    tekst = klein_tekst.replace(plek, vervanging.format(f"tekst {teken} tekst"), 1)
    meldingen = _meldingen(tekst)
    regel = next(i for i, r in enumerate(tekst.splitlines(), 1) if teken in r)
    assert any(m.startswith(f"n.toml, regel {regel}: ") and "stuurteken" in m
               for m in meldingen), meldingen
    assert not any(c in m for m in meldingen for c in "\x1b\x07\x9b\x00")
    # the same text without the control character reads
    parse_normenset(klein_tekst.replace(plek, vervanging.format("tekst tekst"), 1))


def test_a_control_character_in_an_unknown_key_is_shown_escaped(klein_tekst):
    tekst = klein_tekst.replace('naam = "Klein"', 'naam = "Klein"\n"x\\u001by" = 1', 1)
    assert "normenset: onbekende sleutel 'x\\u001by'" in _meldingen(tekst)[0]


def test_norm_hours_of_1e308_are_refused(klein_tekst):
    """Issue 12: upper bounds of norm values come from the parameter table (formatie.parameters);
    here only the hostile input: 1e308 hours, with laag and hoog around it so that only an
    upper bound can refuse it."""
    tekst = re.sub(r"(?m)^uren = 3\nuren_laag = 2\nuren_hoog = 4$",
                   "uren = 1e308\nuren_laag = 1e308\nuren_hoog = 1e308", klein_tekst, count=1)
    assert tekst != klein_tekst
    with pytest.raises(InvoerFout):
        parse_normenset(tekst, "n.toml")
