"""Dutch number parsing, shared by the form, the CSV reader and the Excel import."""

import pytest

from formatie.getallen import GetalFout, format_getal, format_invoer, parse_getal


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
