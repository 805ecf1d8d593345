"""The one parameter table: bounds, units and messages every path takes from it."""

import math

import pytest

from formatie.normenset_toml import parse_normenset
from formatie.parameters import ORGANISATIE, PARAMETERS, melding, parameter
from formatie.problemen import InvoerFout


def test_every_organisation_parameter_of_the_normenset_has_a_row():
    from formatie.normenset import ORGANISATIE_PARAMETERS

    assert tuple(p.sleutel for p in ORGANISATIE) == ORGANISATIE_PARAMETERS


@pytest.mark.parametrize("sleutel", sorted(PARAMETERS))
def test_no_parameter_accepts_infinity_nan_or_1e308(sleutel):
    p = PARAMETERS[sleutel]
    for waarde in (math.inf, -math.inf, math.nan, 1e308):
        assert not p.toegestaan(waarde)
        assert melding(sleutel, waarde) is not None


def test_open_ends_are_exclusive_and_closed_ends_inclusive():
    contracturen, afwezigheid = parameter("contracturen_per_fte"), parameter("afwezigheid")
    assert not contracturen.toegestaan(0.0) and contracturen.toegestaan(1e-6)
    assert afwezigheid.toegestaan(0.0) and afwezigheid.toegestaan(0.9)
    assert not afwezigheid.toegestaan(0.9000001)


def test_shares_are_shown_as_percentages_in_the_message():
    assert melding("afwezigheid", 1.5) == (
        "Afwezigheid (verlof, ziekte, scholing) moet van 0 tot en met 90 % zijn.")
    assert melding("contracturen_per_fte", 0, "functie 'x': contracturen_per_fte") == (
        "functie 'x': contracturen_per_fte moet meer dan 0 en hoogstens 2.920 uur zijn.")


def test_uren_laag_and_hoog_share_the_row_of_uren():
    assert parameter("uren_laag") is parameter("uren_hoog") is parameter("uren")


def test_the_normenset_reader_refuses_1e308_norm_hours_with_the_table_message(klein_tekst):
    tekst = klein_tekst.replace("uren = 3\n", "uren = 1e308\n", 1)
    assert tekst != klein_tekst
    with pytest.raises(InvoerFout) as fout:
        parse_normenset(tekst, "klein.toml")
    assert "moet van 0 tot en met 2.000 uur per eenheid zijn" in str(fout.value)


def test_the_normenset_reader_refuses_an_integer_too_large_for_a_float(klein_tekst):
    tekst = klein_tekst.replace("uren = 3\n", "uren = " + "9" * 400 + "\n", 1)
    with pytest.raises(InvoerFout) as fout:
        parse_normenset(tekst, "klein.toml")
    assert "eindig getal" in str(fout.value)
