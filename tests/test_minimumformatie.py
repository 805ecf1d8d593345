"""The minimum formation of a standalone team (issue 17, item 2): one rule in the model, seen
on every surface that shows a functie's fte."""

import io
import json

import numpy as np
import openpyxl
import pytest

from formatie.cli import main
from formatie.invoer_csv import InvoerTabel
from formatie.kalibratie import kalibreer
from formatie.model import MINIMUM_NAAM, bereken, functie_regels
from formatie.normenset_toml import parse_normenset, standaard_normenset
from formatie.onzekerheid import bereik
from formatie.scenario import Scenario, vergelijk
from formatie.werkboek.lezen import lees_werkboek
from formatie.werkboek.schrijven import exporteer_werkboek


@pytest.fixture
def met_vloer(klein_tekst):
    """`klein` with a floor of 2 fte on functie a (its fte is 1,65 at volume (100, 50))."""
    tekst = klein_tekst.replace("vast_fte = 0.1", "vast_fte = 0.1\nminimum_fte = 2.0", 1)
    return parse_normenset(tekst)


def test_the_floor_lifts_a_small_team_and_the_chain_shows_the_aanvulling(met_vloer):
    r = bereken(met_vloer, np.array([[100.0, 50.0], [1000.0, 500.0]]), ["0001", "0002"])
    assert r.fte_berekend[0, 0] == pytest.approx(1.65)
    assert r.fte[0, 0] == 2.0 and r.aanvulling[0, 0] == pytest.approx(0.35)
    assert r.fte[1, 0] == r.fte_berekend[1, 0] > 2.0 and r.aanvulling[1, 0] == 0.0
    for g in (0, 1):
        regels = functie_regels(r, g)
        a = [x for x in regels if x.functie == "a"]
        assert a[-1].naam == MINIMUM_NAAM and a[-1].soort == "minimum"
        assert sum(x.fte for x in a) == pytest.approx(r.fte[g, 0], rel=1e-12)
        # a functie without a floor has no such line
        assert not [x for x in regels if x.functie == "b" and x.soort == "minimum"]
    assert r.fte_totaal[0] == pytest.approx(2.0 + r.fte[0, 1])


def test_a_normenset_without_the_key_has_no_floor(klein):
    assert all(f.minimum_fte == 0 for f in klein.functies)
    r = bereken(klein, np.zeros((1, 2)))
    assert r.fte[0, 0] == pytest.approx(0.15) and not r.aanvulling.any()


def test_ranges_and_scenarios_apply_the_floor_per_gemeente_before_any_sum(met_vloer):
    volume = np.array([[10.0, 5.0], [10.0, 5.0]])
    b = bereik(met_vloer, volume, gemeentecodes=("0001", "0002"))
    assert b.centraal[:, 0] == pytest.approx([2.0, 2.0])
    assert (b.fte[:, :, 0] >= 2.0 - 1e-6).all()  # every percentile of every gemeente
    assert b.totaal_fte[:, 0].min() >= 4.0 - 1e-5  # the sum of two floored teams
    v = vergelijk([Scenario(naam="basis")], met_vloer, volume, ("0001", "0002"))
    assert v.som[0, 0] == pytest.approx(4.0)


def test_calibration_ignores_teams_at_the_floor(met_vloer):
    rng = np.random.default_rng(3)
    volume = rng.uniform(0, 600, size=(40, 2))
    volume[:10] = rng.uniform(0, 20, size=(10, 2))  # ten teams at the floor
    fte = bereken(met_vloer, volume).fte
    assert (fte[:10, 0] == 2.0).all()
    k = kalibreer(met_vloer, volume, fte)
    assert [t.uren for t in k.taken] == pytest.approx(list(met_vloer.taak_uren), rel=1e-6)
    assert k.r2 == pytest.approx(1.0)


def test_the_workbook_carries_the_floor(met_vloer):
    invoer = InvoerTabel(gemeentecodes=("0363", "0014"), jaren=(None, None),
                         volume=np.array([[100.0, 50.0], [1000.0, 500.0]]))
    data = exporteer_werkboek(met_vloer, invoer)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    res = wb["Resultaat"]
    formules = [str(c.value) for rij in res.iter_rows() for c in rij
                if str(c.value).startswith("=MAX(")]
    assert len(formules) == 2 * 2 * 2  # fte and scenario fte, per functie, per gemeente
    sam = [[c.value for c in rij] for rij in openpyxl.load_workbook(
        io.BytesIO(data), data_only=True)["Samenvatting"].iter_rows()]
    aanvulling = next(r for r in sam if r[1] == MINIMUM_NAAM)
    assert aanvulling[2] == pytest.approx(0.35)
    # read back unchanged: the self-check recomputes the floor and finds the same figures
    w = lees_werkboek(data, met_vloer)
    assert w.gecontroleerd and not w.normen_gewijzigd


def test_cli_json_names_the_aanvulling(met_vloer, tmp_path, capsys):
    pad = tmp_path / "normen.toml"
    pad.write_text(met_vloer.bron_tekst, encoding="utf-8")
    csv = tmp_path / "invoer.csv"
    csv.write_text("gemeentecode,x,y\n0363,100,50\n", encoding="utf-8")
    assert main(["bereken", "--normen", str(pad), "--formaat", "json", str(csv)]) == 0
    g = json.loads(capsys.readouterr().out)["gemeenten"][0]
    a = g["functies"]["a"]
    assert a["fte"] == 2.0 and a["fte_berekend"] == pytest.approx(1.65)
    assert a["aanvulling_minimum"] == pytest.approx(0.35)
    assert [r["soort"] for r in g["regels"] if r["functie"] == "a"][-1] == "minimum"


def test_in_estimate_mode_no_leerplicht_team_is_below_the_floor():
    """Done when of issue 17: a small gemeente's leerplicht team is not below the floor."""
    from formatie.schatting import landelijke_invoer

    n = standaard_normenset()
    r = bereken(n, landelijke_invoer(n).volume)
    leerplicht = n.functie_sleutels.index("leerplicht")
    assert r.fte[:, leerplicht].min() == pytest.approx(n.functie("leerplicht").minimum_fte)
    assert (r.aanvulling[:, leerplicht] > 0).any()
