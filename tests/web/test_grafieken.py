"""app/grafieken.py, the one module of chart geometry: bars that add up, bars on their scale."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pytest

from app.grafieken import As, fte_per_taak_grafiek, groep_grafiek, lijn_grafiek
from formatie.getallen import parse_getal
from formatie.model import bereken
from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie
from formatie.schatting import geschatte_invoer

from .conftest import EIGEN


@pytest.fixture(scope="module")
def resultaat():
    n = standaard_normenset()
    ref = load_referentie()
    volume = np.nan_to_num(geschatte_invoer(n, ref)[[ref.index[EIGEN]]])
    return bereken(n, volume, (EIGEN,))


def test_a_functies_bars_add_up_to_its_fte(resultaat):
    n = resultaat.normenset
    for grafiek in (g := fte_per_taak_grafiek(resultaat), g.smal):
        for f in range(len(n.functies)):
            som = sum(b.waarde for b in grafiek.balken if b.klasse == f"functie-{f}")
            assert som == pytest.approx(float(resultaat.fte[0, f]), rel=1e-12)
        langste = max(grafiek.balken, key=lambda b: b.waarde)
        assert langste.breedte == pytest.approx(grafiek.schaal_breedte)


@dataclass
class Rij:
    naam: str
    fte: dict[str, float]
    totaal: float


def test_grouped_bars_stand_on_their_scale():
    rijen = [Rij("Basis", {"a": 3.0, "b": 4.5}, 7.5), Rij("Scenario", {"a": 0.0, "b": 9.2}, 9.2)]
    for grafiek in (g := groep_grafiek(rijen, {"a": "A", "b": "B"}), g.smal):
        (nul_y, nul), *_, (top_y, top) = grafiek.schaal
        assert parse_getal(nul, ",") == 0 and nul_y == pytest.approx(grafiek.basislijn)
        top_waarde = parse_getal(top, ",")
        assert top_waarde >= 9.2
        assert len(grafiek.staven) == 2 * 3  # two rows × (two functies + the total)
        for s in grafiek.staven:
            assert s.hoogte == pytest.approx(s.waarde / top_waarde * (nul_y - top_y))
            assert s.y + s.hoogte == pytest.approx(grafiek.basislijn)


def _labels(svg: str) -> list[str]:
    return re.findall(r'class="grafiek__label">([^<]*)</text>', svg)


@pytest.mark.parametrize(("laag", "hoog"), [(0.0, 11.92), (0.0, 1.1), (3.7, 5.8), (0.0, 480.0),
                                            (0.0, 0.9)])
def test_every_axis_label_reads_as_the_value_of_its_tick(app, laag, hoog):
    """A result page with a total of 11,92 fte has ticks every 2,5 fte; they must read
    "2,5", "7,5", "12,5", not "2", "8", "12" under the 2,5, 7,5 and 12,5 gridlines."""
    as_ = As.rond(laag, hoog, 250.0, 730.0)
    macros = app.jinja_env.get_template("_grafieken.html").module
    labels = _labels(str(macros.x_as(as_, 100)))[:-1]  # the last label is the unit
    assert [parse_getal(t) for t in labels] == pytest.approx(list(as_.streepjes))


def test_forecast_y_axis_labels_read_as_their_ticks(app):
    """The forecast chart of a small fte figure gets ticks every 2,5 as well."""
    grafiek = lijn_grafiek([2024, 2025, 2026], [8.0, 8.5, 8.6], [2027, 2028], [8.7, 8.8],
                           [8.0, 7.9], [9.6, 9.9])
    macros = app.jinja_env.get_template("_grafieken.html").module
    svg = str(macros.lijn_svg(grafiek, "g", "titel", "beschrijving"))
    ticks = [w for w, _ in grafiek.y_as]
    assert any(w != round(w) for w in ticks)  # the case that was rounded before
    labels = _labels(svg)[:len(ticks)]  # the wide layout draws the y ticks first
    assert [parse_getal(t) for t in labels] == pytest.approx(ticks)


def test_a_long_tornado_label_wraps_into_its_column_instead_of_being_clipped():
    """The wide tornado draws its labels right-aligned left of the axis; "Normuren: Behandeling
    absoluut verzuim (langer dan 3 maanden)" ran 7 px past the chart's left edge."""
    from types import SimpleNamespace

    from app.grafieken import TEKEN_BREEDTE, tekstregels, tornado_grafiek

    lang = "Normuren: Behandeling absoluut verzuim (langer dan 3 maanden)"
    rijen = [SimpleNamespace(label=lang, fte_laag=9.0, fte_hoog=10.0, swing=1.0),
             SimpleNamespace(label="Kort", fte_laag=9.4, fte_hoog=9.6, swing=0.2)]
    tornado = SimpleNamespace(top=lambda n: rijen, centraal=9.5, functie=None)
    g = tornado_grafiek(tornado)
    for t in (g, g.smal):
        ruimte = t.breedte - t.label_breedte if t.labels_boven else t.label_breedte - 8
        for b in t.balken:
            assert b.regels and all(len(r) * TEKEN_BREEDTE <= ruimte for r in b.regels), b.regels
    assert g.balken[0].regels == ("Normuren: Behandeling absoluut verzuim",
                                  "(langer dan 3 maanden)")
    assert g.balken[1].y - g.balken[0].y >= 2 * 13 + 6  # room for two lines per row
    assert tekstregels("a " * 200, 100)[-1].endswith("…")
    assert tekstregels("x" * 50, 70) == ("x" * 9 + "…",)


def test_the_begroting_chart_groups_its_bars_by_year_on_a_euro_scale():
    from app.grafieken import jaren_grafiek

    g = jaren_grafiek([2026, 2027], [("Centraal", [1_000_000.0, 1_100_000.0]),
                                     ("Begroot (P80)", [1_200_000.0, 1_300_000.0])])
    assert [label for label, _ in g.groepen] == ["2026", "2027"]
    assert [s.naam for s in g.staven] == ["Centraal", "Begroot (P80)"] * 2
    # a taller bar for more euros, all on one baseline
    hoogten = [s.hoogte for s in g.staven]
    assert hoogten[0] < hoogten[1] and hoogten[2] < hoogten[3] and hoogten[0] < hoogten[2]
    labels = [label for _, label in g.schaal]
    assert labels[0] == "€\u00a00" and all(label.endswith(" mln") for label in labels[1:])
    assert g.eenheid == "euro" and g.smal is not None and g.smal.eenheid == "euro"
