"""app.services.cijfers: the one resolver of stored figures for a gemeente or a region."""

import numpy as np
import pytest

from app.extensions import db
from app.models import GemeenteRij, RegioRij, ScenarioRij
from app.services.cijfers import basis_als_json, cijfers_gemeente, cijfers_regio, scenario_groepen
from formatie.model import bereken
from formatie.normenset_toml import parse_normenset, standaard_normenset
from formatie.scenario import ScenarioFout

from .conftest import BUUR, EIGEN, EIGEN_REGIO, JAAR, geschatte_waarden


def test_a_region_groups_its_complete_members_per_normenset(app, vul_invoer,
                                                            activeer_andere_normenset):
    vul_invoer(EIGEN)
    ander = parse_normenset(activeer_andere_normenset(), "ander")
    vul_invoer(BUUR)
    vul_invoer("0232", status="concept", waarden={"leerplichtigen": 10.0})
    with app.app_context():
        c = cijfers_regio(db.session.get(RegioRij, EIGEN_REGIO), JAAR)
        assert [g.gemeentecodes for g in c.groepen] == [(EIGEN,), (BUUR,)]
        assert [r.versie for r in c.rijen] == [standaard_normenset().versie, "anders"]
        assert c.gemeentecodes == (EIGEN, BUUR)
        weg = {lid.code: lid.reden for lid in c.weggelaten}
        assert weg["0232"].startswith("nog ") and "velden leeg" in weg["0232"]
        assert set(weg.values()) - {weg["0232"]} == {"nog geen cijfers"}
        # the member in the new normenset counts with it, as on its own page
        w = geschatte_waarden(app, BUUR)
        verwacht = bereken(ander, np.array([[w[s] for s in ander.invoer_sleutels]]), (BUUR,))
        assert c.fte_van(BUUR)["totaal"] == pytest.approx(float(verwacht.fte_totaal[0]))
        eigen = cijfers_gemeente(db.session.get(GemeenteRij, BUUR), JAAR)
        assert eigen.fte["totaal"] == c.fte_van(BUUR)["totaal"]
        assert c.fte["totaal"] == pytest.approx(c.fte_van(EIGEN)["totaal"]
                                                + c.fte_van(BUUR)["totaal"])


def test_bezetting_of_a_region_sums_members_and_takes_the_doorstroompunt_from_the_region(
        app, vul_invoer):
    vul_invoer(EIGEN, bezetting={"leerplicht": 3.0, "doorstroompunt": 9.0})
    vul_invoer(BUUR, bezetting={"leerplicht": 4.0})
    with app.app_context():
        regio = db.session.get(RegioRij, EIGEN_REGIO)
        c = cijfers_regio(regio, JAAR)
        assert c.bezetting == {"leerplicht": 7.0, "doorstroompunt": None}
        assert c.lid(EIGEN).bezetting == {"leerplicht": 3.0}  # the old 9 is not its own
        gemeente = cijfers_gemeente(db.session.get(GemeenteRij, EIGEN), JAAR)
        assert gemeente.bezetting == {"leerplicht": 3.0, "doorstroompunt": None}


def test_a_member_without_bezetting_leaves_the_region_sum_unknown(app, vul_invoer):
    vul_invoer(EIGEN, bezetting={"leerplicht": 3.0})
    vul_invoer(BUUR)
    with app.app_context():
        c = cijfers_regio(db.session.get(RegioRij, EIGEN_REGIO), JAAR)
        assert c.bezetting["leerplicht"] is None


def test_the_scenario_base_keeps_every_normenset_and_reads_the_old_format(
        app, vul_invoer, activeer_andere_normenset):
    vul_invoer(EIGEN)
    activeer_andere_normenset()
    vul_invoer(BUUR)
    with app.app_context():
        c = cijfers_regio(db.session.get(RegioRij, EIGEN_REGIO), JAAR)
        basis = basis_als_json(c)
        assert [d["normenset_id"] for d in basis["groepen"]] == [r.id for r in c.rijen]
        rij = ScenarioRij(naam="x", regio_code=EIGEN_REGIO, jaar=JAAR,
                          normenset_id=c.rijen[0].id, parameters={}, basis=basis,
                          overrides={BUUR: {"leerplichtigen": 1.0}})
        groepen = scenario_groepen(rij)
        assert [g.rij.id for g in groepen] == [r.id for r in c.rijen]
        for bg, g in zip(groepen, c.groepen, strict=True):
            assert np.array_equal(bg.groep.volume, g.volume)
        i = groepen[1].groep.normenset.invoer_sleutels.index("leerplichtigen")
        assert groepen[1].volume[0, i] == 1.0 and groepen[1].groep.volume[0, i] != 1.0
        # one normenset: the older format, which a workbook upload stores too
        een = cijfers_gemeente(db.session.get(GemeenteRij, EIGEN), JAAR)
        oud = basis_als_json(een)
        assert set(oud) == {"gemeentecodes", "invoer", "volume"}
        rij.basis, rij.overrides = oud, {}
        assert [g.groep.gemeentecodes for g in scenario_groepen(rij)] == [(EIGEN,)]
        rij.basis = {**oud, "invoer": oud["invoer"][1:], "volume": [oud["volume"][0][1:]]}
        with pytest.raises(ScenarioFout):
            scenario_groepen(rij)
