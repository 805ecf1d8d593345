"""Dutch number parsing, shared by the form, the CSV reader and the Excel import."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formatie.getallen import GetalFout, format_fte, format_getal, format_invoer, parse_getal


@pytest.mark.parametrize(
    ("tekst", "waarde"),
    [("12", 12.0), ("12,5", 12.5), (" 1.234,5 ", 1234.5), ("1.234.567", 1234567.0),
     ("0,25", 0.25), ("", None), ("   ", None), ("-3", -3.0), ("1\u00a0234", 1234.0)],
)
def test_decimal_comma(tekst, waarde):
    assert parse_getal(tekst, ",") == waarde


@pytest.mark.parametrize(
    ("tekst", "melding"),
    [("2.5", "komma als decimaalteken"), ("1,234.5", "Engelse notatie"), ("abc", "geen getal"),
     ("NaN", "geen getal"), ("inf", "geen getal"), ("1e308", "geen getal"),
     ("\u0661\u0662", "cijfers 0 tot en met 9"), ("12,", "geen getal"), ("1.23,4", "geen getal")],
)
def test_decimal_comma_refusals_are_dutch(tekst, melding):
    with pytest.raises(GetalFout, match=melding):
        parse_getal(tekst, ",")


def test_decimal_point_mode():
    assert parse_getal("1234.5", ".") == 1234.5
    with pytest.raises(GetalFout, match="punt als decimaalteken"):
        parse_getal("1234,5", ".")
    with pytest.raises(GetalFout):
        parse_getal("1,234.5", ".")


def test_huge_digit_strings_are_refused_not_inf():
    with pytest.raises(GetalFout, match="te groot"):
        parse_getal("9" * 400, ",")


def test_format():
    assert format_getal(1234.5, 1) == "1.234,5"
    assert format_getal(0.125, 2) == "0,12" or format_getal(0.125, 2) == "0,13"
    assert format_getal(None) == ""
    assert format_invoer(12.0) == "12"
    assert format_invoer(12.5) == "12,5"
    assert parse_getal(format_invoer(1 / 3), ",") == pytest.approx(1 / 3, abs=1e-6)


def test_format_aantal_for_reading():
    from formatie.getallen import format_aantal

    assert format_aantal(18756.0) == "18.756"
    assert format_aantal(1234567.25) == "1.234.567,25"
    assert format_aantal(0.25) == "0,25"
    assert format_aantal(12.0) == "12"
    assert format_aantal(None) == ""


# --------------------------------------------------------------------------------------------
# Display formats per kind (Babel, nl_NL): counts, hours per eenheid, fte, percentages
# --------------------------------------------------------------------------------------------


def test_a_count_has_no_decimals_and_a_thousands_separator():
    from formatie.getallen import format_telling

    assert format_telling(20480.0) == "20.480"
    assert format_telling(1150.4) == "1.150"
    assert format_telling(None) == ""


def test_hours_per_eenheid_always_have_two_decimals_so_small_norms_do_not_read_as_zero():
    from formatie.getallen import UREN_DECIMALEN, format_uren

    assert UREN_DECIMALEN == 2
    assert format_uren(0.03) == "0,03"
    assert format_uren(10) == "10,00"
    assert format_uren(1234.5) == "1.234,50"


def test_fte_has_two_decimals():
    from formatie.getallen import format_fte

    assert format_fte(2.4149) == "2,41"
    assert format_fte(12) == "12,00"


def test_a_share_is_shown_as_a_percentage_with_a_no_break_space_and_only_its_decimals():
    from formatie.getallen import format_procent

    assert format_procent(0.16) == "16\u00a0%"
    assert format_procent(0.155) == "15,5\u00a0%"
    assert format_procent(0.1234, 2) == "12,34\u00a0%"
    assert format_procent(None) == ""


def test_a_negative_number_gets_a_real_minus_sign_and_zero_none():
    from formatie.getallen import MIN, format_aantal, format_fte, format_telling

    assert MIN == "\u2212"
    assert format_fte(-4.8249) == "\u22124,82"
    assert format_getal(-1234.5, 1) == "\u22121.234,5"
    assert format_telling(-3) == "\u22123"
    assert format_aantal(-0.25) == "\u22120,25"
    assert format_fte(-0.001) == "0,00"  # rounded to zero: no "−0,00"


def test_a_shown_negative_number_reads_back_when_a_user_copies_it_into_a_field():
    assert parse_getal("\u22124,82", ",") == -4.82


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
       st.integers(min_value=0, max_value=3))
def test_every_displayed_number_reads_back_to_its_rounded_value(waarde, decimalen):
    tekst = format_getal(waarde, decimalen)
    assert "-" not in tekst and tekst.count(",") <= 1
    assert parse_getal(tekst, ",") == pytest.approx(round(waarde, decimalen),
                                                    abs=10 ** -decimalen)


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False))
def test_a_value_written_into_a_form_field_reads_back_as_the_same_float(waarde):
    """Issue 12, point 11: 12.0000004 showed as 12, so re-saving an untouched form changed it."""
    tekst = format_invoer(waarde)
    assert parse_getal(tekst, ",") == waarde
    assert "e" not in tekst.lower() and "." not in tekst


def test_minus_zero_is_zero_when_read_and_when_written():
    assert format_invoer(12.0000004) == "12,0000004"
    assert format_invoer(-0.0) == "0"
    assert math.copysign(1, parse_getal("-0", ",")) == 1.0
    assert math.copysign(1, parse_getal("-0,0", ",")) == 1.0


@pytest.mark.parametrize(("waarde", "tekst"), [
    (1e15, "1 × 10¹⁵"), (9.99e15, "1 × 10¹⁶"), (7.5e301, "7,5 × 10³⁰¹"),
    (-1e28, "−1 × 10²⁸"), (1.7976931348623157e308, "1,8 × 10³⁰⁸"), (1e14, "100.000.000.000.000,00"),
])
def test_a_huge_number_is_written_as_a_power_of_ten(waarde, tekst):
    """Babel's decimal arithmetic raised InvalidOperation from 10²⁸ on: a refusal naming an
    absurd result (7,5 × 10³⁰¹ fte) would have been a 500 itself."""
    assert format_fte(waarde) == tekst
