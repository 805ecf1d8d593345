"""The one parameter table: bounds, units and messages every path takes from it."""

import math

import pytest

from formatie.normenset_toml import parse_normenset
from formatie.parameters import MIN_CASUSUREN, ORGANISATIE, PARAMETERS, melding, parameter
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
    groei, afwezigheid = parameter("groei"), parameter("afwezigheid")
    assert not groei.toegestaan(-100.0) and groei.toegestaan(math.nextafter(-100.0, 0))
    assert afwezigheid.toegestaan(0.0) and afwezigheid.toegestaan(0.5)
    assert not afwezigheid.toegestaan(math.nextafter(0.5, 1))


def test_shares_are_shown_as_percentages_in_the_message():
    assert melding("afwezigheid", 1.5) == (
        "Afwezigheid (verlof, ziekte, scholing) moet van 0 tot en met 50 % zijn.")
    assert melding("contracturen_per_fte", 0, "functie 'x': contracturen_per_fte") == (
        "functie 'x': contracturen_per_fte moet van 100 tot en met 2.920 uur zijn.")


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


@pytest.mark.parametrize("sleutel", sorted(PARAMETERS))
def test_every_parameter_has_finite_bounds_and_a_reason(sleutel):
    p = PARAMETERS[sleutel]
    assert math.isfinite(p.min) and math.isfinite(p.max) and p.min < p.max
    assert p.uitleg, f"{sleutel}: no uitleg says why its bounds are what they are"


def test_the_organisation_bounds_leave_every_fte_casusuren():
    """contracturen ≥ 100, afwezigheid ≤ 50 % and indirect ≤ 60 %: at worst 20 casusuren per
    fte, so the model's one divisor never comes near 0 (5e-324 made the region page NaN)."""
    contracturen, afwezigheid, indirect = ORGANISATIE[:3]
    slechtst = contracturen.min * (1 - afwezigheid.max) * (1 - indirect.max)
    assert slechtst == MIN_CASUSUREN == 20.0
    for waarde in (5e-324, 1e-300, 0.0, math.nextafter(100.0, 0)):
        assert melding("contracturen_per_fte", waarde) is not None
    assert melding("contracturen_per_fte", 100.0) is None


@pytest.mark.parametrize("sleutel", ["contracturen_per_fte", "afwezigheid", "indirect",
                                     "leiding", "vast_fte", "uren", "uren_laag", "uren_hoog"])
@pytest.mark.parametrize("waarde", [5e-324, 1e-300, 1e308, -5e-324])
def test_the_normenset_reader_takes_the_attack_values_exactly_as_the_table_says(
        klein_tekst, sleutel, waarde):
    regel = next(r for r in klein_tekst.splitlines() if r.startswith(f"{sleutel} ="))
    if sleutel == "uren":
        tekst = klein_tekst.replace("uren = 3\nuren_laag = 2\nuren_hoog = 4",
                                    f"uren = {waarde!r}\nuren_laag = 0\nuren_hoog = 4", 1)
    elif sleutel == "uren_laag":
        tekst = klein_tekst.replace("uren_laag = 2\n", f"uren_laag = {waarde!r}\n", 1)
    elif sleutel == "uren_hoog":
        tekst = klein_tekst.replace("uren = 3\nuren_laag = 2\nuren_hoog = 4",
                                    f"uren = 0\nuren_laag = 0\nuren_hoog = {waarde!r}", 1)
    else:
        tekst = klein_tekst.replace(regel + "\n", f"{sleutel} = {waarde!r}\n", 1)
    assert tekst != klein_tekst
    if parameter(sleutel).toegestaan(waarde):
        parse_normenset(tekst, "klein.toml")
        return
    with pytest.raises(InvoerFout) as fout:
        parse_normenset(tekst, "klein.toml")
    assert any(sleutel in p.bericht and "moet" in p.bericht for p in fout.value.problemen)
