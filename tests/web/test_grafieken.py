"""Chart layouts (app/grafieken.py) as the macros in templates/analyse/_grafieken.html draw them."""

from __future__ import annotations

import re

import pytest

from app.grafieken import As, lijn_grafiek
from formatie.getallen import parse_getal


def _labels(svg: str) -> list[str]:
    return re.findall(r'class="grafiek__label">([^<]*)</text>', svg)


@pytest.mark.parametrize(("laag", "hoog"), [(0.0, 11.92), (0.0, 1.1), (3.7, 5.8), (0.0, 480.0),
                                            (0.0, 0.9)])
def test_every_axis_label_reads_as_the_value_of_its_tick(app, laag, hoog):
    """A result page with a total of 11,92 fte has ticks every 2,5 fte; they must read
    "2,5", "7,5", "12,5", not "2", "8", "12" under the 2,5, 7,5 and 12,5 gridlines."""
    as_ = As.rond(laag, hoog, 250.0, 730.0)
    macros = app.jinja_env.get_template("analyse/_grafieken.html").module
    labels = _labels(str(macros.x_as(as_, 100)))[:-1]  # the last label is the unit
    assert [parse_getal(t) for t in labels] == pytest.approx(list(as_.streepjes))


def test_forecast_y_axis_labels_read_as_their_ticks(app):
    """The forecast chart of a small fte figure gets ticks every 2,5 as well."""
    grafiek = lijn_grafiek([2024, 2025, 2026], [8.0, 8.5, 8.6], [2027, 2028], [8.7, 8.8],
                           [8.0, 7.9], [9.6, 9.9])
    macros = app.jinja_env.get_template("analyse/_grafieken.html").module
    svg = str(macros.lijn_svg(grafiek, "g", "titel", "beschrijving"))
    ticks = [w for w, _ in grafiek.y_as]
    assert any(w != round(w) for w in ticks)  # the case that was rounded before
    labels = _labels(svg)[:len(ticks)]  # the wide layout draws the y ticks first
    assert [parse_getal(t) for t in labels] == pytest.approx(ticks)
