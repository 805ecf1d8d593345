"""Estimates that differ where gemeenten differ, with national sums kept (formatie.schatting)."""

import csv
import dataclasses

import numpy as np
import pytest

from formatie.getallen import format_getal
from formatie.model import bereken
from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie
from formatie.schatting import (
    bases,
    covariaat_waarden,
    factoren,
    geschatte_invoer,
    herweging,
    landelijke_invoer,
    schattingsmodel,
    uitleg,
)

NORMENSET = standaard_normenset()
STEDEN = {"0363": "Amsterdam", "0599": "Rotterdam"}
#: Quiet rural gemeenten in Twente: about 150 inhabitants per km² and 3.3–3.7 % of households
#: at or under the social minimum (national 6.4 %), among the lowest of the 342.
PLATTELAND = {"0183": "Tubbergen", "1774": "Dinkelland"}


def _kolom(sleutel: str, volume: np.ndarray) -> np.ndarray:
    return volume[:, NORMENSET.invoer_sleutels.index(sleutel)]


def test_national_sum_of_every_estimated_invoer_is_the_flat_rate_times_the_national_base():
    ref = load_referentie()
    volume, alle = geschatte_invoer(NORMENSET, ref), bases(ref)
    for j, i in enumerate(NORMENSET.invoer):
        vlak = i.schatting_per_1000 / 1000 * alle[i.schatting_basis].sum()
        assert volume[:, j].sum() == pytest.approx(vlak, rel=1e-9), i.sleutel


def _reeks(data_dir) -> dict[str, tuple[str, float]]:
    """Latest national figure per column of the leerplichttelling series (a copy of the shared
    nl_verzuim_landelijk_2004_2023.csv; its column vrijstelling_5a is art. 5 onder a)."""
    uit = {}
    with (data_dir / "nl_verzuim_landelijk_2004_2023.csv").open(encoding="utf-8") as f:
        for rij in csv.DictReader(f):
            for k in ("vrijstelling_5a", "absoluut_verzuim", "langdurig_relatief_verzuim"):
                if rij[k]:
                    uit[k] = (rij["schooljaar"], float(rij[k]))
    return uit


@pytest.mark.parametrize(("reeks", "invoer"), [
    ("absoluut_verzuim", ("absoluut_verzuim_kort", "absoluut_verzuim_lang")),
    ("langdurig_relatief_verzuim", ("langdurig_relatief_verzuim",)),
    ("vrijstelling_5a", ("vrijstelling_5_onder_a",)),
])
def test_national_sums_match_the_leerplichttelling_within_the_rounding_of_the_rate(
        reeks, invoer, data_dir):
    """The rates are given to 0,1 per 1.000: the national sum may differ from the series by at
    most half of that on the national base, per invoer summed."""
    ref = load_referentie()
    volume = geschatte_invoer(NORMENSET, ref)
    som = sum(_kolom(s, volume).sum() for s in invoer)
    basis = bases(ref)[NORMENSET.invoer_by_sleutel(invoer[0]).schatting_basis].sum()
    _, landelijk = _reeks(data_dir)[reeks]
    assert abs(som - landelijk) <= len(invoer) * 0.05 / 1000 * basis


def _per_1000_leerplichtigen(sleutel: str) -> dict[str, float]:
    ref = load_referentie()
    volume = geschatte_invoer(NORMENSET, ref)
    basis = bases(ref)["doelgroep_leerplicht"]
    per_1000 = _kolom(sleutel, volume) / basis * 1000
    return {code: float(per_1000[ref.index[code]]) for code in {**STEDEN, **PLATTELAND}}


def test_amsterdam_and_rotterdam_get_far_more_meldingen_per_1000_than_quiet_rural_gemeenten():
    """Published city verzuim rates run 2–4 × a flat national rate (validation.md)."""
    tarief = NORMENSET.invoer_by_sleutel("meldingen_16uur").schatting_per_1000
    per_1000 = _per_1000_leerplichtigen("meldingen_16uur")
    for stad in STEDEN:
        assert 2 * tarief <= per_1000[stad] <= 4 * tarief, STEDEN[stad]
        for dorp in PLATTELAND:
            assert per_1000[stad] > 2 * per_1000[dorp], (STEDEN[stad], PLATTELAND[dorp])
    for dorp in PLATTELAND:
        assert per_1000[dorp] < tarief


def test_every_factor_lies_within_the_cap_which_holds_the_flat_rate():
    ref = load_referentie()
    model = schattingsmodel()
    assert model.laag < 1 < model.hoog
    alle = bases(ref)
    for i in NORMENSET.invoer:
        f = factoren(model.soort_van(i.sleutel), alle[i.schatting_basis], ref).factor
        assert ((f >= model.laag - 1e-12) & (f <= model.hoog + 1e-12)).all(), i.sleutel


def test_a_gemeente_with_a_missing_covariate_gets_factor_one_and_the_sum_still_holds():
    ref = load_referentie()
    covariaten = {k: v.copy() for k, v in ref.covariaten.items()}
    kolom = schattingsmodel().covariaten["sociaal_minimum"].kolom
    covariaten[kolom][ref.index["0599"]] = np.nan  # as CBS suppresses a cell
    zonder = dataclasses.replace(ref, covariaten=covariaten)
    volume, alle = geschatte_invoer(NORMENSET, zonder), bases(zonder)
    rotterdam = ref.index["0599"]
    for j, i in enumerate(NORMENSET.invoer):
        vlak = i.schatting_per_1000 / 1000 * alle[i.schatting_basis]
        assert volume[:, j].sum() == pytest.approx(vlak.sum(), rel=1e-9), i.sleutel
        soort = schattingsmodel().soort_van(i.sleutel)
        if soort and "sociaal_minimum" in soort.elasticiteit:
            assert volume[rotterdam, j] == pytest.approx(vlak[rotterdam], rel=1e-12), i.sleutel
    tekst = " ".join(u.tekst for u in uitleg(NORMENSET, zonder, "0599"))
    assert "publiceert niet alle kenmerken van deze gemeente, dus geldt het landelijke tarief" \
        in tekst


def test_the_shipped_covariates_miss_only_the_income_cbs_suppressed():
    """So only Schiermonnikoog, Vlieland and Rozendaal (income suppressed by CBS) fall back to
    factor 1 where a fitted soort uses income; the fallback is tested above."""
    ref = load_referentie()
    for c in schattingsmodel().covariaten.values():
        ontbreekt = {ref.naam(g) for g, x in zip(ref.gemeentecodes,
                                                  covariaat_waarden(ref, c.kolom), strict=True)
                     if not np.isfinite(x)}
        verwacht = ({"Schiermonnikoog", "Vlieland", "Rozendaal"} if c.sleutel == "inkomen"
                    else set())
        assert ontbreekt == verwacht, c.kolom


def test_every_estimated_invoer_of_the_default_normenset_is_in_exactly_one_soort():
    model = schattingsmodel()
    for i in NORMENSET.invoer:
        assert sum(i.sleutel in s.invoer for s in model.soorten) == 1, i.sleutel
    for s in model.soorten:
        assert s.afleiding and set(s.elasticiteit) <= set(model.covariaten), s.sleutel


def test_controls_between_invoer_still_hold_per_gemeente():
    """links ≤ rechts (e.g. repeated ≤ all meldingen 16 uur) for every gemeente's estimate."""
    volume = geschatte_invoer(NORMENSET, load_referentie())
    for c in NORMENSET.controles:
        assert (_kolom(c.links, volume) <= _kolom(c.rechts, volume) + 1e-9).all(), c.melding


def test_landelijk_uses_the_same_estimator_as_the_web_prefill():
    np.testing.assert_array_equal(landelijke_invoer(NORMENSET).volume,
                                  geschatte_invoer(NORMENSET, load_referentie()))


def test_the_explanation_names_what_raises_rotterdam_and_its_factor():
    ref = load_referentie()
    zinnen = {u.soort: u for u in uitleg(NORMENSET, ref, "0599")}
    verzuim = zinnen["relatief verzuim en handhaving"]
    assert "meldingen_16uur" in verzuim.invoer
    per_1000 = _per_1000_leerplichtigen("meldingen_16uur")["0599"]
    tarief = NORMENSET.invoer_by_sleutel("meldingen_16uur").schatting_per_1000
    assert verzuim.factor == pytest.approx(per_1000 / tarief)
    assert verzuim.tekst.startswith(f"Relatief verzuim en handhaving: "
                                    f"{format_getal(verzuim.factor, 1)} × het landelijke tarief")
    assert "meer huishoudens rond het sociaal minimum (12,9 % tegen 6,4 % landelijk" \
        in verzuim.tekst
    assert "meer eenpersoonshuishoudens" in verzuim.tekst  # the fitted covariates (issue 17)
    dorp = {u.soort: u for u in uitleg(NORMENSET, ref, "0183")}["relatief verzuim en handhaving"]
    assert "minder huishoudens rond het sociaal minimum" in dorp.tekst and dorp.factor < 1


def test_leerplicht_fte_per_1000_leerplichtigen_varies_across_gemeenten_on_landelijk():
    """Issue 10: with flat estimates the ratio spanned only 0.38–0.45 across the gemeenten; real
    ratios run from about 0.2 to 0.55. Gemeenten under 10,000 inhabitants are left out: their
    fixed basis (vast_fte) alone sets their ratio. The level follows the default normenset
    (2026.2 is lower than 2026.1), so the spread is compared as a ratio P90 / P10. The fte before
    the minimum formation (2026.3): the floor, not the estimates, sets a small team's ratio."""
    ref = load_referentie()
    invoer = landelijke_invoer(NORMENSET)
    fte = bereken(NORMENSET, invoer.volume).fte_berekend[
        :, NORMENSET.functie_sleutels.index("leerplicht")]
    ratio = fte / _kolom("leerplichtigen", invoer.volume) * 1000
    groot = ref.inwoners >= 10_000
    p10, p90 = np.percentile(ratio[groot], [10, 90])
    assert p90 / p10 > 0.45 / 0.38  # wider than the flat estimates gave
    assert p10 > 0.15 and p90 < 0.6  # within the real range of about 0.2–0.55
    stad, dorp = ratio[ref.index["0599"]], ratio[ref.index["0183"]]
    assert stad > 1.4 * dorp  # fitted covariates (issue 17): about 1,5 ×


@pytest.mark.parametrize("seed", range(6))
def test_the_reweighting_meets_the_national_sum_on_the_piece_where_it_lies(seed):
    """The exact piecewise-linear solve gives the h a bisection converges to, with the sum
    equal to doel to rounding, also when many gemeenten sit at a bound."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    b = rng.uniform(1, 1e5, n)
    r = np.exp(rng.normal(0, 1.5 if seed % 2 else 0.2, n))
    laag, hoog = 0.5, 2.0
    doel = float(b.sum()) * rng.uniform(0.6, 1.9)

    def som(h):
        return float(b @ np.clip(h * r, laag, hoog))

    h = herweging(b, r, doel, laag, hoog)
    assert som(h) == pytest.approx(doel, rel=1e-12)
    onder, boven = laag / r.max(), hoog / r.min()
    for _ in range(200):  # plain bisection: slow, but obviously right
        midden = 0.5 * (onder + boven)
        onder, boven = (midden, boven) if som(midden) < doel else (onder, midden)
    assert h == pytest.approx(0.5 * (onder + boven), rel=1e-9)
