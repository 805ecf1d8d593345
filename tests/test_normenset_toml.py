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
        "n.toml, regel 2: normenset: de naam bevat een onzichtbaar stuurteken (zoals een "
        "NUL-teken). Verwijder het en probeer het opnieuw.",
        "n.toml, regel 3: normenset: de versie bevat een onzichtbaar stuurteken (zoals een "
        "NUL-teken). Verwijder het en probeer het opnieuw."]


def test_norm_hours_of_1e308_are_refused(klein_tekst):
    """Issue 12: upper bounds of norm values come from the parameter table (formatie.parameters);
    here only the hostile input: 1e308 hours, with laag and hoog around it so that only an
    upper bound can refuse it."""
    tekst = re.sub(r"(?m)^uren = 3\nuren_laag = 2\nuren_hoog = 4$",
                   "uren = 1e308\nuren_laag = 1e308\nuren_hoog = 1e308", klein_tekst, count=1)
    assert tekst != klein_tekst
    with pytest.raises(InvoerFout):
        parse_normenset(tekst, "n.toml")
