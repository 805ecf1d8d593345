"""formatie.regio: a region's figures are the sum of its members, each in its own normenset."""

from dataclasses import replace

import numpy as np
import pytest

from formatie.model import Groep, bereken, bereken_groepen, fte_per_functie, functie_regels
from formatie.normenset_toml import standaard_normenset
from formatie.onzekerheid import bereik, bereik_groepen
from formatie.referentie import load_referentie
from formatie.regio import (
    REGIOBELEID,
    aandeel,
    dekkingszin_functie,
    regio_als_dict,
    regio_regels,
    taak_volumes,
    tel_op,
    trekkingen_functie,
    voeg_bezetting_toe,
)
from formatie.schatting import geschatte_invoer
from formatie.uitvoer import resultaat_als_dict

N = standaard_normenset()
ANDER = replace(N, versie="anders", functies=tuple(replace(f, leiding=0.3) for f in N.functies),
                taken=tuple(replace(t, uren=t.uren * 2, uren_laag=t.uren_laag * 2,
                                    uren_hoog=t.uren_hoog * 2) for t in N.taken))
CODES = ("0200", "0150", "0232")


@pytest.fixture(scope="module")
def volumes():
    ref = load_referentie()
    alles = np.round(geschatte_invoer(N, ref))
    return {c: alles[ref.index[c]][None, :] for c in CODES}


@pytest.fixture(scope="module")
def groepen(volumes):
    return [Groep(N, CODES[:2], np.vstack([volumes[c] for c in CODES[:2]])),
            Groep(ANDER, CODES[2:], volumes[CODES[2]])]


def test_the_region_lines_add_up_to_the_region_per_functie(groepen):
    resultaten = bereken_groepen(groepen)
    som = fte_per_functie(resultaten)
    regels = regio_regels(resultaten)
    for f in N.functie_sleutels:
        eigen = [r for r in regels if r.functie == f]
        soorten = [r.soort for r in eigen]
        minimum = ["minimum"] if N.functie(f).minimum_fte > 0 else []
        assert soorten[-2 - len(minimum):] == ["vast", "leiding", *minimum]
        assert sum(r.fte for r in eigen) == pytest.approx(som[f], rel=1e-12)
    # the vaste basis counts once per gemeente
    vast = next(r for r in regels if r.functie == "leerplicht" and r.soort == "vast")
    assert vast.fte == pytest.approx(3 * N.functie("leerplicht").vast_fte)


def test_the_region_lines_are_the_sum_of_the_member_lines(groepen):
    resultaten = bereken_groepen(groepen)
    per_lid = [r for res in resultaten for g in range(len(res.gemeentecodes))
               for r in functie_regels(res, g)]
    for r in regio_regels(resultaten):
        leden = [x.fte for x in per_lid if (x.functie, x.sleutel) == (r.functie, r.sleutel)]
        assert r.fte == pytest.approx(sum(leden), rel=1e-12)


def test_taak_volumes_and_tel_op_sum_over_groups(groepen):
    resultaten = bereken_groepen(groepen)
    volumes = taak_volumes(resultaten)
    k = 0
    assert volumes[N.taken[k].sleutel] == pytest.approx(
        sum(float(res.taak_volume[:, k].sum()) for res in resultaten))
    assert tel_op([{"a": 1.0, "totaal": 2.0}, {"a": 0.5, "b": 1.0, "totaal": 1.5}]) == {
        "a": 1.5, "totaal": 3.5, "b": 1.0}


def test_a_share_of_the_regional_need():
    assert aandeel(2.0, 8.0) == 0.25
    assert aandeel(0.0, 0.0) is None  # a region that needs nothing has no shares


def test_verschil_is_bezetting_minus_fte_negative_is_a_shortage():
    functies = {"leerplicht": {"fte": 5.0}, "doorstroompunt": {"fte": 2.0}}
    voeg_bezetting_toe(functies, {"leerplicht": 3.0, "doorstroompunt": None})
    assert functies == {"leerplicht": {"fte": 5.0, "bezetting": 3.0, "verschil": -2.0},
                        "doorstroompunt": {"fte": 2.0}}


def test_the_coverage_sentence_names_one_functie():
    draws = np.arange(1.0, 11.0)  # 1 … 10 fte
    leerplicht = dekkingszin_functie(N.functie("leerplicht"), 8.0, draws)
    assert leerplicht == "Met 8,0 fte leerplicht is de werklast leerplicht in 8 van de 10 " \
                         "jaren gedekt."
    doorstroompunt = dekkingszin_functie(N.functie("doorstroompunt"), 3.0, draws)
    assert doorstroompunt.startswith("Met 3,0 fte Doorstroompunt is de werklast Doorstroompunt")
    assert "leerplicht" not in doorstroompunt.lower()


def test_the_draws_of_a_functie_are_the_sum_over_groups(groepen):
    gb = bereik_groepen(groepen)
    leerplicht = trekkingen_functie(gb, "leerplicht")
    totaal = sum(trekkingen_functie(gb, f) for f in N.functie_sleutels)
    assert np.allclose(totaal, gb.trekkingen_totaal, rtol=1e-6)
    eigen = bereik(N, groepen[0].volume, gemeentecodes=groepen[0].gemeentecodes,
                   bewaar_trekkingen=True)
    assert np.array_equal(trekkingen_functie(bereik_groepen(groepen[:1]), "leerplicht"),
                          eigen.trekkingen_fte[:, :, 0].sum(axis=1, dtype=float))
    assert leerplicht.shape == gb.trekkingen_totaal.shape


def test_region_json_of_one_normenset_is_the_cli_shape_plus_regio(groepen):
    ref = load_referentie()
    res = bereken(N, groepen[0].volume, groepen[0].gemeentecodes)
    uit = regio_als_dict([res], ref, 2026, "MC11")
    cli = resultaat_als_dict(res, ref, (2026, 2026))
    for g in uit["gemeenten"]:
        assert g.pop("normenset") == {"naam": N.naam, "versie": N.versie}
    assert {k: uit[k] for k in cli} == cli
    assert uit["regio"]["fte_totaal"] == pytest.approx(float(res.fte_totaal.sum()))
    assert uit["regio"]["bereik_totaal"] is None and uit["regiobeleid"] == REGIOBELEID


def test_region_json_of_mixed_normensets_sums_each_in_its_own(groepen):
    ref = load_referentie()
    resultaten = bereken_groepen(groepen)
    uit = regio_als_dict(resultaten, ref, 2026, "MC11",
                         bereik={"functies": {"leerplicht": {"p80": 1.0}}, "totaal": {"p80": 2.0}},
                         bezetting={"leerplicht": 1.0})
    assert uit["normenset"] is None and uit["organisatie"] is None
    assert [n["versie"] for n in uit["normensets"]] == [N.versie, "anders"]
    assert uit["regio"]["fte_totaal"] == pytest.approx(sum(float(r.fte_totaal.sum())
                                                           for r in resultaten))
    assert uit["totaal"]["gemeenten"] == 3
    leerplicht = uit["regio"]["functies"]["leerplicht"]
    assert leerplicht["bereik"] == {"p80": 1.0} and leerplicht["budget"] == 1.0
    assert uit["regio"]["budget"] == {"percentiel": "p80", "label": "P80 (begroten)",
                                      "fte_totaal": 2.0}
    assert leerplicht["verschil"] == pytest.approx(1.0 - leerplicht["fte"])
    assert "verschil" not in uit["regio"]["functies"]["doorstroompunt"]
