"""formatie.validatie: the model held against published staffing, norms and volumes."""

import json
import math

import numpy as np
import pytest

from formatie.cli import main
from formatie.model import bereken
from formatie.normenset_toml import NORMEN, load_normenset, standaard_normenset
from formatie.referentie import load_referentie
from formatie.schatting import fit_resultaat, geschatte_invoer
from formatie.validatie import invoer_op_volumes, lees_referentiepunten, valideer


@pytest.fixture(scope="module")
def uitslag():
    return valideer(standaard_normenset(), load_referentie())


def _cijfer(punt, grootheid):
    return next(c.waarde for c in lees_referentiepunten()
                if c.punt == punt and c.grootheid == grootheid)


def test_the_reference_file_holds_the_published_figures_of_validation_md():
    assert _cijfer("utrecht-2015", "fte_leerplicht") == 17.7
    assert _cijfer("utrecht-2015", "verzuimmeldingen") == 6500
    assert _cijfer("shertogenbosch-2012-13", "personen_leerplicht") == 6
    assert _cijfer("shertogenbosch-2012-13", "verzuimmeldingen") == 1213
    assert _cijfer("shertogenbosch-2012-13", "luxe_verzuim") == 106
    assert _cijfer("shertogenbosch-2012-13", "processen_verbaal") == 80
    assert _cijfer("lvla-1997", "leerplichtigen_per_ambtenaar") == 5000
    assert _cijfer("ingrado-2007", "leerplichtigen_per_ambtenaar") == 4500
    assert all(c.bron for c in lees_referentiepunten())


def test_a_published_total_is_split_after_its_published_parts_and_subsets_follow():
    n = standaard_normenset()
    ref = load_referentie()
    geschat = geschatte_invoer(n, ref)[ref.index["0796"]]
    volume, nog, niet = invoer_op_volumes(
        n, geschat, {"verzuimmeldingen": 1213, "luxe_verzuim": 106, "onbekend": 3})
    s = n.invoer_sleutels.index
    assert volume[s("luxe_verzuim")] == 106
    assert volume[s("meldingen_16uur")] + volume[s("overig_verzuim")] == pytest.approx(1107)
    # the rest is split in the proportion of the estimates
    assert (volume[s("meldingen_16uur")] / volume[s("overig_verzuim")]
            == pytest.approx(geschat[s("meldingen_16uur")] / geschat[s("overig_verzuim")]))
    # herhaalde meldingen ≤ meldingen 16 uur (a controle): scaled with their total
    factor = volume[s("meldingen_16uur")] / geschat[s("meldingen_16uur")]
    assert volume[s("meldingen_16uur_herhaald")] == pytest.approx(
        geschat[s("meldingen_16uur_herhaald")] * factor)
    assert "luxe_verzuim" not in nog and "leerplichtigen" in nog and niet == ("onbekend",)


def test_every_point_is_the_model_on_its_volumes_divided_by_the_real_figure(uitslag):
    n = standaard_normenset()
    ref = load_referentie()
    for p in uitslag.punten:
        gebied = next(c.gebiedcodes for c in lees_referentiepunten() if c.punt == p.punt)
        geschat = geschatte_invoer(n, ref)[[ref.index[g] for g in gebied]].sum(axis=0)
        volume, _, _ = invoer_op_volumes(n, geschat, p.gepubliceerd)
        model = bereken(n, volume).fte[0, n.functie_sleutels.index(p.functie)]
        assert p.model == pytest.approx(model)
        assert p.verhouding == pytest.approx(p.model / p.werkelijk)
        assert p.p10 < p.model < p.p90


def test_the_default_normenset_lands_within_the_aimed_band_on_the_points_it_was_derived_from(
        uitslag):
    afleiding = {p.punt: p for p in uitslag.punten if p.gebruik == "afleiding"}
    assert set(afleiding) == {"utrecht-2015", "shertogenbosch-2012-13"}
    for p in afleiding.values():
        assert 0.8 <= p.verhouding <= 1.4, p
    assert {"amsterdam-1997", "utrecht-groene"} <= {p.punt for p in uitslag.punten}


def test_national_leerplicht_lies_between_one_and_1_6_times_the_2007_minimum_norm(uitslag):
    ingrado = next(n for n in uitslag.normen if n.punt == "ingrado-2007")
    assert ingrado.norm_fte == pytest.approx(uitslag.landelijk_noemer / 4500)
    assert 1.0 <= ingrado.verhouding <= 1.6
    assert uitslag.landelijk_p10 < uitslag.landelijk_fte < uitslag.landelijk_p90


@pytest.mark.slow  # seconds; make test-snel leaves it out
def test_the_old_default_is_flagged_as_too_high():
    oud = valideer(load_normenset(str(NORMEN / "standaard-2026.toml")), load_referentie())
    assert all(p.verhouding > 1.4 for p in oud.punten if p.gebruik == "afleiding")
    assert next(n for n in oud.normen if n.punt == "ingrado-2007").verhouding > 1.6


@pytest.mark.slow  # seconds; make test-snel leaves it out
def test_valideer_prints_a_table_and_json_with_only_finite_numbers(capsys):
    assert main(["valideer"]) == 0
    tabel = capsys.readouterr().out
    assert "Utrecht (leerplicht)" in tabel and "ingrado-2007" in tabel
    assert main(["valideer", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)

    def getallen(x):
        if isinstance(x, dict):
            return [g for v in x.values() for g in getallen(v)]
        if isinstance(x, list):
            return [g for v in x for g in getallen(v)]
        return [x] if isinstance(x, float) else []

    assert doc["normenset"]["versie"] == standaard_normenset().versie
    assert len(doc["punten"]) == 4 and all(map(math.isfinite, getallen(doc)))
    assert np.isclose(doc["landelijk"]["normen"][1]["verhouding"] * doc["landelijk"]["normen"][1]
                      ["norm_fte"], doc["landelijk"]["fte"])


def test_valideer_with_a_broken_normenset_says_where(capsys, tmp_path):
    kapot = tmp_path / "kapot.toml"
    kapot.write_text('naam = "x"\n')
    assert main(["valideer", "--normen", str(kapot)]) == 2
    assert "kapot.toml" in capsys.readouterr().err


def test_the_readme_and_docs_hold_the_current_output_of_valideer():
    """README.md and docs/validatie.md carry the tables of `formatie valideer` (generated by
    `make docs`, tests/docs_valideer.py); stale tables fail here."""
    import docs_valideer

    for bestand, blokken in docs_valideer.verwacht().items():
        tekst = (docs_valideer.ROOT / bestand).read_text(encoding="utf-8")
        for naam, blok in blokken.items():
            assert blok in tekst, f"{bestand}: blok valideer:{naam} is verouderd (make docs)"


def test_valideer_json_has_one_volume_per_point_with_its_estimate_and_loo(capsys):
    assert main(["valideer", "--formaat", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    fit = fit_resultaat()
    assert doc["fit"]["loo_mediaan_abs_log_fout"] == fit["totaal"]["loo_mediaan_abs_log_fout"]
    gefit = [v for v in doc["volumes"] if v["gebruik"] == "fit"]
    assert len(gefit) == fit["totaal"]["punten"] >= 25
    assert len({v["gebied"] for v in gefit}) >= 15
    for v in doc["volumes"]:
        assert {"gebied", "geschat", "gepubliceerd", "verhouding", "loo"} <= set(v)
        if v["gepubliceerd"]:
            assert v["verhouding"] == pytest.approx(v["geschat"] / v["gepubliceerd"])
        else:  # published as 0: no ratio, and no NaN in the JSON
            assert v["verhouding"] is None
        assert (v["loo"] is None) == (v["gebruik"] != "fit")
    loo = {p["punt"]: p["loo"] for s in fit["soort"].values() for p in s["punt"]}
    assert all(v["loo"] == loo[v["punt"]] for v in gefit)
    afleiding = [p for p in doc["punten"] if p["gebruik"] == "afleiding"]
    assert {p["gebied"] for p in afleiding} == {"Utrecht", "'s-Hertogenbosch"}
    assert not any(p["validatie"] for p in afleiding)
    s = doc["spreiding_fte_per_1000_leerplichtigen"]
    assert 0 < s["p10"] < s["mediaan"] < s["p90"] < 1


def test_the_estimate_of_a_fitted_rate_is_the_national_value_times_the_areas_factor(uitslag):
    """Breda 2017: the national BBV value of 2017 × Breda's factor (5–17-year-olds weighted)."""
    from formatie.doelgroepen import leeftijdsjaren
    from formatie.schatting import bases, factoren, schattingsmodel

    ref = load_referentie()
    soort = next(s for s in schattingsmodel().soorten if s.sleutel == "relatief_verzuim")
    f = factoren(soort, bases(ref)["cbs_5_15"], ref).factor[ref.index["0758"]]
    v = next(v for v in uitslag.volumes if v.punt == "breda-2017")
    assert v.geschat == pytest.approx(26.58 * f)
    assert leeftijdsjaren(ref).shape[1] >= 18


def test_national_sums_of_the_estimates_follow_the_national_series(uitslag):
    assert {s.reeks for s in uitslag.sommen} == {"absoluut_verzuim",
                                                  "langdurig_relatief_verzuim", "vrijstelling_5a"}
    for s in uitslag.sommen:
        assert s.geschat == pytest.approx(s.landelijk, rel=0.02), s
