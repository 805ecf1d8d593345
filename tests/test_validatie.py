"""formatie.validatie: the model held against published staffing, norms and volumes."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from formatie.cli import main
from formatie.model import bereken
from formatie.normenset_toml import NORMEN, load_normenset, standaard_normenset
from formatie.referentie import load_referentie
from formatie.schatting import geschatte_invoer
from formatie.validatie import als_tabel, invoer_op_volumes, lees_referentiepunten, valideer


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


def test_the_default_normenset_lands_within_the_aimed_band_on_published_volumes(uitslag):
    assert {p.punt for p in uitslag.punten} == {"utrecht-2015", "shertogenbosch-2012-13"}
    for p in uitslag.punten:
        assert 0.8 <= p.verhouding <= 1.4, p


def test_national_leerplicht_lies_between_one_and_1_6_times_the_2007_minimum_norm(uitslag):
    ingrado = next(n for n in uitslag.normen if n.punt == "ingrado-2007")
    assert ingrado.norm_fte == pytest.approx(uitslag.landelijk_noemer / 4500)
    assert 1.0 <= ingrado.verhouding <= 1.6
    assert uitslag.landelijk_p10 < uitslag.landelijk_fte < uitslag.landelijk_p90


@pytest.mark.slow  # seconds; make test-snel leaves it out
def test_the_old_default_is_flagged_as_too_high():
    oud = valideer(load_normenset(str(NORMEN / "standaard-2026.toml")), load_referentie())
    assert all(p.verhouding > 1.4 for p in oud.punten)
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
    assert len(doc["punten"]) == 2 and all(map(math.isfinite, getallen(doc)))
    assert np.isclose(doc["landelijk"]["normen"][1]["verhouding"] * doc["landelijk"]["normen"][1]
                      ["norm_fte"], doc["landelijk"]["fte"])


def test_valideer_with_a_broken_normenset_says_where(capsys, tmp_path):
    kapot = tmp_path / "kapot.toml"
    kapot.write_text('naam = "x"\n')
    assert main(["valideer", "--normen", str(kapot)]) == 2
    assert "kapot.toml" in capsys.readouterr().err


def test_docs_validatie_holds_the_current_output(uitslag):
    docs = Path(__file__).resolve().parents[1] / "docs" / "validatie.md"
    assert als_tabel(uitslag) in docs.read_text(encoding="utf-8")
