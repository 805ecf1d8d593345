"""app/grafieken.py, the one module of chart geometry: bars that add up, bars on their scale."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from app.grafieken import fte_per_taak_grafiek, groep_grafiek
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
