"""The template filters for numbers remember their answers (app/filters.py ``onthouden``):
the same text as formatie.getallen's function for every argument, in any order of calls."""

from __future__ import annotations

import pytest

from formatie import getallen

FILTERS = {"getal": getallen.format_getal, "aantal": getallen.format_aantal,
           "telling": getallen.format_telling, "fte": getallen.format_fte,
           "uren": getallen.format_uren, "euro": getallen.format_euro,
           "procent": getallen.format_procent, "invoerwaarde": getallen.format_invoer}
WAARDEN = [0.0, -0.0, -0.0004, 0.0004, 1, 1.0, 2.5, -2.5, 1234567.891, 1e16, -1e-9, 1e-9, None]


def _uitkomst(functie, *args):
    try:
        return functie(*args)
    except Exception as fout:  # the refusal itself is compared
        return type(fout)


@pytest.mark.parametrize("naam", sorted(FILTERS))
def test_a_number_filter_gives_the_text_of_its_function_in_either_order(app, naam):
    filter_ = app.jinja_env.filters[naam]
    for waarden in (WAARDEN, WAARDEN[::-1], [True, 1, 1.0], [1.0, 1, True]):
        for w in waarden:
            assert _uitkomst(filter_, w) == _uitkomst(FILTERS[naam], w), (naam, w)
    if naam == "getal":
        for w in WAARDEN:
            assert _uitkomst(filter_, w, 2) == _uitkomst(FILTERS[naam], w, 2), w
        assert filter_(2.5, decimalen=1) == getallen.format_getal(2.5, decimalen=1)
