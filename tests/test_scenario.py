"""Scenarios: JSON round trip, applying changes, the Doorstroompunt-27 preset, comparison."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from profielen import voorbeelden

from formatie.model import bereken
from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie
from formatie.scenario import (
    PRESETS,
    PresetKeuze,
    Scenario,
    ScenarioFout,
    basis_gemeenten,
    cohort_23_26,
    pas_toe,
    vergelijk,
)
from formatie.schatting import geschatte_invoer


def volledig_scenario():
    return Scenario(
        naam="Groei en dp27", gemeentecodes=("0363",), jaar=2026,
        normenset_naam="Standaard 2026", normenset_versie="2026.1",
        groei={"nieuwe_vsv": 10.0, "meldingen_16uur": -5.0},
        uren={"behandeling_16uur": 5.0},
        organisatie={"leerplicht": {"indirect": 0.25}},
        presets=(PresetKeuze("doorstroompunt_27", {"aandeel_actief": 0.3}),),
        toelichting="test",
    )


def test_json_round_trip():
    s = volledig_scenario()
    tekst = json.dumps(s.to_dict())
    terug = Scenario.from_dict(json.loads(tekst))
    assert terug == s
    assert terug.to_dict() == s.to_dict()
    assert s.to_dict()["schema"] == 1
    kopie = s.kopie("Kopie")
    assert kopie.naam == "Kopie" and kopie.groei == s.groei


def test_from_dict_refuses_bad_input_in_dutch():
    with pytest.raises(ScenarioFout) as fout:
        Scenario.from_dict({"naam": "", "groei": {"x": "veel"}, "presets": [{"sleutel": "nee"}],
                            "schema": 9})
    tekst = str(fout.value)
    assert "geen naam" in tekst and "'x' moet een eindig getal" in tekst
    assert "onbekende preset" in tekst and "schemaversie" in tekst


def test_pas_toe_growth_norms_and_organisation(klein):
    s = Scenario(naam="s", groei={"x": 50.0}, uren={"a1": 5.0},
                 organisatie={"b": {"leiding": 0.5}})
    n, v = pas_toe(s, klein, np.array([[100.0, 50.0]]))
    assert v[0] == pytest.approx([150.0, 50.0])
    assert n.taak("a1").uren == 5.0 and n.taak("a1").bron == "scenario 's'"
    assert n.functie("b").leiding == 0.5
    assert klein.taak("a1").uren == 3.0  # the base is untouched
    r = bereken(n, v)
    # a: (150·5 + 50·6) / 600 + 0,1 → × 1,5; b: 150·10 / 1000 × 1,5
    assert r.fte[0] == pytest.approx([(1050 / 600 + 0.1) * 1.5, 1.5 * 1.5])


def test_pas_toe_checks_against_the_normenset(klein):
    s = Scenario(naam="s", groei={"onbekend": 5.0, "x": -150.0}, uren={"a1": -1.0},
                 organisatie={"a": {"afwezigheid": 1.2, "kleur": 1.0}, "z": {}},
                 presets=(PresetKeuze("doorstroompunt_27"),))
    with pytest.raises(ScenarioFout) as fout:
        pas_toe(s, klein, np.ones((1, 2)))
    p = fout.value.problemen
    assert any("onbekende invoer 'onbekend'" in x for x in p)
    assert any("groei 'x' moet meer dan −100 en hoogstens 1.000 % zijn" in x for x in p)
    assert any("uren 'a1' moet van 0 tot en met 2.000" in x for x in p)
    assert any("afwezigheid moet van 0 tot en met 50 % zijn" in x for x in p)
    assert any("onbekende parameter 'kleur'" in x for x in p)
    assert any("onbekende functie 'z'" in x for x in p)
    assert any("past niet bij normenset" in x for x in p)


def test_doorstroompunt_27_with_explicit_cohort():
    n = standaard_normenset()
    volume = np.zeros((1, len(n.invoer)))
    s = Scenario(naam="dp27", presets=(PresetKeuze("doorstroompunt_27", {"cohort": 1000}),))
    _, v = pas_toe(s, n, volume)
    i = n.invoer_sleutels.index
    # the normenset counts 23–26 as its own invoer (2026.3): the cohort lands there
    assert v[0, i("jongeren_zonder_startkwalificatie_23_26")] == pytest.approx(100.0)  # 10 %
    assert v[0, i("trajectbegeleiding")] == pytest.approx(100 * 0.25 * 0.4)
    assert v[0, i("casemanagement")] == pytest.approx(100 * 0.25 * 0.6)
    assert v.sum() == pytest.approx(100 + 25)
    assert PRESETS["doorstroompunt_27"].naam == "Doorstroompunt tot 27 jaar"


def test_doorstroompunt_27_estimates_the_cohort_from_cbs():
    n = standaard_normenset()
    r = load_referentie()
    codes = ("0363", "0014")
    rijen = [r.index[c] for c in codes]
    volume = geschatte_invoer(n, r)[rijen]
    s = Scenario(naam="dp27", gemeentecodes=codes,
                 presets=(PresetKeuze("doorstroompunt_27"),))
    _, v = pas_toe(s, n, volume, codes, r)
    cohort = r.leeftijd_15_24[rijen] * 0.2 + r.leeftijd_25_44[rijen] * 0.1
    assert cohort_23_26(r, codes) == pytest.approx(cohort)
    i = n.invoer_sleutels.index("jongeren_zonder_startkwalificatie_23_26")
    assert v[:, i] - volume[:, i] == pytest.approx(cohort * 0.10)
    # several gemeenten need a cohort per gemeente, or the CBS estimate
    with pytest.raises(ScenarioFout, match="per gemeente"):
        pas_toe(Scenario(naam="x", presets=(PresetKeuze("doorstroompunt_27", {"cohort": 5}),)),
                n, volume, codes, r)
    with pytest.raises(ScenarioFout, match="aandeel"):
        pas_toe(Scenario(naam="x", presets=(
            PresetKeuze("doorstroompunt_27", {"aandeel_actief": 2}),)), n, volume, codes, r)


def test_vergelijk_side_by_side():
    n = standaard_normenset()
    r = load_referentie()
    codes = tuple(r.leden("MC01"))
    volume = geschatte_invoer(n, r)[[r.index[c] for c in codes]]
    basis = Scenario(naam="Basis", regio="MC01")
    groei = Scenario(naam="Meer vsv", regio="MC01", groei={"nieuwe_vsv": 20.0})
    dp27 = Scenario(naam="Tot 27", regio="MC01", presets=(PresetKeuze("doorstroompunt_27"),))
    v = vergelijk([basis, groei, dp27], n, volume, codes, r, met_bereik=True)
    assert v.namen == ("Basis", "Meer vsv", "Tot 27")
    assert v.som_totaal[0] == pytest.approx(bereken(n, volume).fte_totaal.sum())
    assert v.verschil[0] == 0 and v.verschil[1] > 0 and v.verschil[2] > 0
    # only the doorstroompunt functie changes
    assert v.som[1, 0] == pytest.approx(v.som[0, 0]) and v.som[1, 1] > v.som[0, 1]
    tabel = v.tabel()
    assert tabel[1]["naam"] == "Meer vsv" and tabel[1]["p10"] < tabel[1]["p90"]
    json.dumps(v.als_dict())
    # common random numbers: a scenario identical to the base gets the identical range
    zelfde = vergelijk([basis, basis.kopie("Kopie")], n, volume, codes, r, met_bereik=True)
    assert np.array_equal(zelfde.bereik[0], zelfde.bereik[1])
    # and the base row has exactly the P-values the region's own range shows
    from formatie.onzekerheid import bereik

    assert np.array_equal(v.bereik[0], bereik(n, volume, gemeentecodes=codes).totaal_totaal)


sleutels = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
getallen = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@settings(max_examples=voorbeelden(60), deadline=None)
@given(
    naam=st.text(min_size=1, max_size=30).filter(lambda t: t.strip() == t and t.strip()),
    codes=st.lists(st.from_regex(r"\A[0-9]{4}\Z"), max_size=4),
    jaar=st.none() | st.integers(2000, 2100),
    groei=st.dictionaries(sleutels, getallen, max_size=4),
    uren=st.dictionaries(sleutels, getallen, max_size=4),
    organisatie=st.dictionaries(sleutels, st.dictionaries(sleutels, getallen, max_size=3),
                                max_size=2),
    cohort=st.none() | st.floats(0, 1e5) | st.dictionaries(st.from_regex(r"\A[0-9]{4}\Z"),
                                                           st.floats(0, 1e5), max_size=3),
)
def test_any_scenario_round_trips_through_json(naam, codes, jaar, groei, uren, organisatie,
                                                cohort):
    s = Scenario(naam=naam, gemeentecodes=tuple(codes), jaar=jaar, groei=groei, uren=uren,
                 organisatie=organisatie,
                 presets=(PresetKeuze("doorstroompunt_27", {"cohort": cohort}),))
    assert Scenario.from_dict(json.loads(json.dumps(s.to_dict()))) == s


def test_basis_gemeenten():
    r = load_referentie()
    assert basis_gemeenten(Scenario(naam="a", gemeentecodes=("0363",)), r) == ("0363",)
    assert basis_gemeenten(Scenario(naam="b", regio="MC01"), r) == tuple(r.leden("MC01"))
    for fout, s in (("onbekende regio", Scenario(naam="c", regio="MC99")),
                    ("onbekende gemeentecode", Scenario(naam="d", gemeentecodes=("9999",))),
                    ("geen basis", Scenario(naam="e"))):
        with pytest.raises(ScenarioFout, match=fout):
            basis_gemeenten(s, r)
