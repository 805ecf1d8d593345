"""Calibration on synthetic data generated from known norms, identifiability, the CLI."""

import csv
import json

import numpy as np
import pytest

from formatie.cli import main
from formatie.getallen import format_getal
from formatie.kalibratie import Som, gekalibreerde_normenset, kalibreer, ontwerp
from formatie.model import bereken
from formatie.normenset import normenset_als_toml
from formatie.normenset_toml import NORMEN, load_normenset, parse_normenset, standaard_normenset
from formatie.referentie import load_referentie
from formatie.schatting import geschatte_invoer


def synthetisch(normenset, n_gemeenten=60, jaren=3, ruis=0.03, seed=11):
    """Volumes around the national estimates (independent per invoer, then clipped so every
    controle links ≤ rechts holds), FTE from the model × (1 + ruis·N(0, 1)).
    Returns codes, jaren, volume (N, I), fte (N, F)."""
    rng = np.random.default_rng(seed)
    referentie = load_referentie()
    schatting = geschatte_invoer(normenset, referentie)
    kies = rng.choice(len(schatting), n_gemeenten, replace=False)
    basis = schatting[kies] * rng.lognormal(0, 0.3, size=(n_gemeenten, schatting.shape[1]))
    volume = np.concatenate([rng.poisson(basis * rng.lognormal(0, 0.1, size=basis.shape))
                             for _ in range(jaren)]).astype(float)
    for c in normenset.controles:  # independent noise may break links ≤ rechts; the CSV reader
        links = normenset.invoer_sleutels.index(c.links)  # refuses such rows
        rechts = normenset.invoer_sleutels.index(c.rechts)
        volume[:, links] = np.minimum(volume[:, links], volume[:, rechts])
    fte = bereken(normenset, volume).fte * (1 + ruis * rng.standard_normal((len(volume), 2)))
    codes = [referentie.gemeentecodes[k] for k in kies] * jaren
    jaar = np.repeat(np.arange(2022, 2022 + jaren), n_gemeenten)
    return codes, jaar, volume, fte


def test_design_is_the_model(klein):
    volume = np.array([[100.0, 50.0], [3.0, 0.0]])
    a, b = ontwerp(klein, volume)
    assert (a @ klein.taak_uren + b) == pytest.approx(bereken(klein, volume).fte.ravel())


def test_exact_data_recovers_the_hours_exactly(klein):
    volume = np.array([[100.0, 50.0], [30.0, 7.0], [5.0, 40.0], [60.0, 1.0]])
    k = kalibreer(klein, volume, bereken(klein, volume).fte, begrenzing="positief")
    assert [t.uren for t in k.taken] == pytest.approx([3.0, 6.0, 10.0])
    assert all(t.identificeerbaar for t in k.taken)
    assert k.r2 == pytest.approx(1.0) and k.rmse_fte == pytest.approx(0.0, abs=1e-9)
    assert k.n_waarnemingen == 4 and k.n_parameters == 3


def test_a_regional_functie_is_calibrated_on_region_sums_of_the_gemeenten():
    """The Doorstroompunt's bezetting is known per region, not per gemeente: leerplicht is
    fitted on the gemeente cells, the Doorstroompunt on the sums over each region's rows."""
    n = standaard_normenset()
    codes, jaar, volume, _ = synthetisch(n, n_gemeenten=60, jaren=2)
    fte = bereken(n, volume).fte
    d = n.functie_sleutels.index("doorstroompunt")
    referentie = load_referentie()
    regio = np.array([referentie.regio_per_gemeente[referentie.index[c]] for c in codes])
    sommen = tuple(Som("doorstroompunt", tuple(np.flatnonzero((regio == r) & (jaar == j))),
                       float(fte[(regio == r) & (jaar == j), d].sum()), r)
                   for r in np.unique(regio) for j in np.unique(jaar)
                   if ((regio == r) & (jaar == j)).any())
    alleen_gemeente = fte.copy()
    alleen_gemeente[:, d] = np.nan
    k = kalibreer(n, volume, alleen_gemeente, sommen=sommen, clusters=np.array(codes))
    assert k.n_waarden == len(codes) + len(sommen) < 2 * len(codes)
    dp = [(t, echt) for t, echt in zip(k.taken, n.taak_uren, strict=True)
          if n.taak(t.sleutel).functie == "doorstroompunt"]
    assert dp and all(t.identificeerbaar for t, _ in dp)
    # exact data: every identifiable hour comes back, the Doorstroompunt's too
    assert [t.uren for t, _ in dp] == pytest.approx([echt for _, echt in dp], rel=1e-6)
    assert k.r2 == pytest.approx(1.0)
    # without the sums the Doorstroompunt's hours cannot be told at all
    zonder = kalibreer(n, volume, alleen_gemeente)
    assert not any(zonder.taak(t.sleutel).identificeerbaar for t, _ in dp)
    # the bootstrap resamples a region's sum with its own cluster label
    b = kalibreer(n, volume, alleen_gemeente, sommen=sommen, clusters=np.array(codes),
                  bootstrap=20, rng=np.random.default_rng(1))
    assert all(t.laag is not None for t, _ in dp if b.taak(t.sleutel).identificeerbaar)


@pytest.mark.parametrize("begrenzing", ["positief", "normenset"])
def test_synthetic_data_recovers_the_norms(begrenzing):
    n = standaard_normenset()
    _, _, volume, fte = synthetisch(n)
    k = kalibreer(n, volume, fte, begrenzing=begrenzing)
    assert k.n_waarnemingen == 180
    assert k.r2 > 0.99
    binnen, totaal = 0, 0
    for t, echt in zip(k.taken, n.taak_uren, strict=True):
        if t.groep is not None:
            continue
        assert t.identificeerbaar, t.sleutel
        totaal += 1
        binnen += t.laag <= echt <= t.hoog
        assert abs(t.uren - echt) <= 4 * t.se + 1e-9, t.sleutel
    assert binnen / totaal >= 0.65  # 80 % intervals: about 22 of 27 expected


def met_gedeelde_invoer():
    """The 2026.1 default, whose two leerplicht taken share the invoer leerplichtigen (2026.2
    dropped one of them as double counting); it is still shipped."""
    return load_normenset(str(NORMEN / "standaard-2026.toml"))


def test_taken_sharing_an_invoer_are_a_group_with_the_right_sum():
    n = met_gedeelde_invoer()
    _, _, volume, fte = synthetisch(n)
    k = kalibreer(n, volume, fte)
    leden = ("administratie_leerplichtigen", "preventie_voorlichting")
    for s in leden:
        t = k.taak(s)
        assert t.identificeerbaar is False and t.uren is None and t.laag is None
        assert t.groep == "leerplicht:leerplichtigen"
    (groep,) = k.groepen
    assert groep.taken == leden and groep.identificeerbaar
    echte_som = sum(n.taak(s).uren for s in leden)  # 0,06
    assert groep.uren_som == pytest.approx(echte_som, abs=3 * groep.se)
    assert k.als_dict()["groepen"]["leerplicht:leerplichtigen"]["taken"] == list(leden)


@pytest.mark.slow  # seconds; make test-snel leaves it out
def test_bootstrap_is_seeded_and_covers():
    n = standaard_normenset()
    codes, _, volume, fte = synthetisch(n)
    een = kalibreer(n, volume, fte, bootstrap=60, rng=np.random.default_rng(3),
                    clusters=np.array(codes))
    twee = kalibreer(n, volume, fte, bootstrap=60, rng=np.random.default_rng(3),
                     clusters=np.array(codes))
    assert een.als_dict() == twee.als_dict()
    assert een.interval == "bootstrap (60)"
    binnen = [t.laag <= echt <= t.hoog for t, echt in zip(een.taken, n.taak_uren, strict=True)
              if t.laag is not None]
    assert np.mean(binnen) >= 0.65


def test_zero_and_collinear_invoer_are_flagged(klein):
    # y always 0: taak a2 is not identifiable; the others still are
    volume = np.array([[100.0, 0.0], [30.0, 0.0], [5.0, 0.0], [60.0, 0.0]])
    k = kalibreer(klein, volume, bereken(klein, volume).fte, begrenzing="positief")
    assert k.taak("a2").identificeerbaar is False and "alle waarnemingen 0" in k.taak("a2").reden
    assert k.taak("a2").laag is None
    assert k.taak("a1").uren == pytest.approx(3.0) and k.taak("a1").identificeerbaar
    # y = x / 2 everywhere: a1 and a2 (both functie a) cannot be told apart
    volume = np.array([[100.0, 50.0], [30.0, 15.0], [6.0, 3.0], [60.0, 30.0]])
    k = kalibreer(klein, volume, bereken(klein, volume).fte, begrenzing="positief")
    assert not k.taak("a1").identificeerbaar and not k.taak("a2").identificeerbaar
    assert "lineair" in k.taak("a1").reden
    assert k.taak("b1").identificeerbaar and k.taak("b1").uren == pytest.approx(10.0)


def test_calibrated_normenset_round_trips_through_toml():
    n = met_gedeelde_invoer()
    _, _, volume, fte = synthetisch(n)
    k = kalibreer(n, volume, fte)
    nieuw = gekalibreerde_normenset(k, "gekalibreerd op test.csv (180 waarnemingen)")
    t = nieuw.taak("behandeling_16uur")
    assert t.bron == "gekalibreerd op test.csv (180 waarnemingen)"
    assert t.uren == pytest.approx(k.taak("behandeling_16uur").uren)
    assert t.uren_laag <= t.uren <= t.uren_hoog
    groep = nieuw.taak("preventie_voorlichting")
    assert "verdeeld naar de verhouding" in groep.bron
    som = nieuw.taak("administratie_leerplichtigen").uren + groep.uren
    assert som == pytest.approx(k.groepen[0].uren_som)
    assert parse_normenset(normenset_als_toml(nieuw)) == nieuw
    assert nieuw.afgeleid_van == n.label


def test_calibration_keeps_the_provenance_it_did_not_estimate():
    n = standaard_normenset()
    _, _, volume, fte = synthetisch(n)
    nieuw = gekalibreerde_normenset(kalibreer(n, volume, fte),
                                    "gekalibreerd op test.csv (180 waarnemingen)")
    assert nieuw.afgeleid_van == n.label and nieuw.geldig_vanaf == n.geldig_vanaf
    assert [f.bronnen for f in nieuw.functies] == [f.bronnen for f in n.functies]
    assert nieuw.taak("behandeling_16uur").bron == "gekalibreerd op test.csv (180 waarnemingen)"
    assert parse_normenset(normenset_als_toml(nieuw)) == nieuw


def schrijf_data(pad, normenset, codes, jaar, volume, fte):
    with open(pad, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["gemeentecode", "jaar", *normenset.invoer_sleutels,
                    *[f"fte_{s}" for s in normenset.functie_sleutels]])
        for c, j, v, y in zip(codes, jaar, volume, fte, strict=True):
            w.writerow([c, int(j), *[repr(float(x)) for x in v], *[repr(float(x)) for x in y]])


def test_cli_calibrate_json_and_new_normenset(capsys, tmp_path):
    n = met_gedeelde_invoer()
    normen = str(NORMEN / "standaard-2026.toml")
    data = tmp_path / "bezetting.csv"
    schrijf_data(data, n, *synthetisch(n))
    nieuw = tmp_path / "nieuw.toml"
    code = main(["calibrate", str(data), "--normen", normen, "--format", "json", "-o", str(nieuw),
                 "--seed", "1"])
    uit = capsys.readouterr()
    assert code == 0, uit.err
    doc = json.loads(uit.out)
    assert set(doc["taken"]["behandeling_16uur"]) == {"uren", "laag", "hoog", "identificeerbaar"}
    assert doc["taken"]["preventie_voorlichting"]["identificeerbaar"] is False
    assert doc["fit"]["n_waarnemingen"] == 180 and doc["fit"]["r2"] > 0.99
    geladen = parse_normenset(nieuw.read_text(encoding="utf-8"))
    bron = geladen.taak("behandeling_16uur").bron
    assert bron == "gekalibreerd op bezetting.csv (180 waarnemingen)"
    assert geladen.afgeleid_van == n.label
    code = main(["calibrate", str(data), "--normen", normen])
    uit = capsys.readouterr()
    assert code == 0 and "R² = 0,99" in uit.out and "alleen de som is te schatten" in uit.out


def test_cli_calibrate_bad_input(capsys, tmp_path):
    n = standaard_normenset()
    data = tmp_path / "fout.csv"
    codes, jaar, volume, fte = synthetisch(n, n_gemeenten=10, jaren=1)
    schrijf_data(data, n, codes, jaar, volume, fte)
    regels = data.read_text().splitlines()
    kop = regels[0].split(",")
    cellen = regels[3].split(",")
    cellen[kop.index("fte_leerplicht")] = "veel"
    regels[3] = ",".join(cellen)
    data.write_text("\n".join(regels) + "\n")
    assert main(["calibrate", str(data)]) == 2
    err = capsys.readouterr().err
    assert "fout.csv, regel 4, kolom 'fte_leerplicht'" in err and "Traceback" not in err
    # no fte columns at all
    kaal = tmp_path / "kaal.csv"
    kaal.write_text("gemeentecode,jaar\n0363,2024\n")
    assert main(["calibrate", str(kaal), "--ontbrekend-is-nul"]) == 2
    assert "kolom 'fte_leerplicht' ontbreekt" in capsys.readouterr().err
    # too few observations for 30 norms
    weinig = tmp_path / "weinig.csv"
    schrijf_data(weinig, n, codes[:5], jaar[:5], volume[:5], fte[:5])
    assert main(["calibrate", str(weinig)]) == 2
    assert "te weinig waarnemingen" in capsys.readouterr().err


def test_estimate_on_a_bound_is_marked(klein):
    volume = np.array([[100.0, 50.0], [30.0, 7.0], [5.0, 40.0], [60.0, 1.0]])
    echt = klein.met_uren({"a1": 6.0})  # outside a1's interval 2–4
    fte = bereken(echt, volume).fte
    vrij = kalibreer(klein, volume, fte)  # default: hours ≥ 0 only
    assert vrij.begrenzing == "positief"
    assert vrij.taak("a1").uren == pytest.approx(6.0) and not vrij.taak("a1").begrensd
    grens = kalibreer(klein, volume, fte, begrenzing="normenset")
    assert grens.taak("a1").uren == pytest.approx(4.0) and grens.taak("a1").begrensd
    assert grens.als_dict()["taken"]["a1"]["begrensd"] is True
    # a2 has a zero-width interval (6–6): with begrenzing "normenset" it is fixed, not estimated
    assert grens.taak("a2").uren == 6.0 and "vastgezet" in grens.taak("a2").reden
    assert grens.n_parameters == 2 and vrij.n_parameters == 3


def test_cli_calibrates_the_doorstroompunt_on_a_regio_bezetting_csv(capsys, tmp_path):
    """``formatie kalibreer DATA.csv --regio-bezetting REGIO.csv``: fte_doorstroompunt left
    empty per gemeente, the region's figure per region and year; a region with a gemeente
    missing is named and not counted."""
    n = standaard_normenset()
    referentie = load_referentie()
    regios = ("MC02", "MC03", "MC05", "MC08", "MC09", "MC23", "MC32", "MC33")
    codes = [c for r in regios for c in referentie.leden(r)]
    rng = np.random.default_rng(3)
    schatting = geschatte_invoer(n, referentie)[[referentie.index[c] for c in codes]]
    volume = np.concatenate([rng.poisson(np.maximum(schatting, 5) * rng.uniform(0.3, 2.0, (
        len(codes), schatting.shape[1]))) for _ in range(2)]).astype(float)
    for c in n.controles:
        links, rechts = n.invoer_sleutels.index(c.links), n.invoer_sleutels.index(c.rechts)
        volume[:, links] = np.minimum(volume[:, links], volume[:, rechts])
    fte = bereken(n, volume).fte
    alle_codes, jaren = codes * 2, [2024] * len(codes) + [2025] * len(codes)
    data = tmp_path / "gemeenten.csv"
    d = n.functie_sleutels.index("doorstroompunt")
    schrijf_data(data, n, alle_codes, jaren, volume, fte)
    regels = data.read_text().splitlines()  # the Doorstroompunt column empty per gemeente
    data.write_text("\n".join([regels[0]] + [r.rsplit(",", 1)[0] + "," for r in regels[1:]])
                    + "\n")
    regio = tmp_path / "regio.csv"
    rijen = ["regio;jaar;fte_doorstroompunt"]
    for r in regios:
        for jaar in (2024, 2025):
            rij = [k for k, (c, j) in enumerate(zip(alle_codes, jaren, strict=True))
                   if c in referentie.leden(r) and j == jaar]
            rijen.append(f"{r};{jaar};{format_getal(float(fte[rij, d].sum()), 6)}")
    rijen.append("MC11;2025;12,5")  # no gemeente of MC11 in the data
    regio.write_text("\n".join(rijen) + "\n")
    code = main(["kalibreer", str(data), "--regio-bezetting", str(regio), "--format", "json"])
    uit = capsys.readouterr()
    assert code == 0, uit.err
    assert "Niet meegeteld: regio MC11 2025: geen rij voor gemeente" in uit.err
    doc = json.loads(uit.out)
    assert doc["fit"]["n_waarden"] == len(alle_codes) + 2 * len(regios)
    for t in n.taken:
        if t.functie == "doorstroompunt":
            assert doc["taken"][t.sleutel]["identificeerbaar"], t.sleutel
            assert doc["taken"][t.sleutel]["uren"] == pytest.approx(t.uren, rel=1e-4, abs=1e-4)
    # without the region file the Doorstroompunt cannot be estimated
    assert main(["kalibreer", str(data), "--format", "json"]) == 0
    zonder = json.loads(capsys.readouterr().out)
    assert not any(zonder["taken"][t.sleutel]["identificeerbaar"] for t in n.taken
                   if t.functie == "doorstroompunt")
