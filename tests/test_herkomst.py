"""formatie.herkomst: the vocabulary, the save rule, the shares of hours and the norm's bron."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from formatie import herkomst as hk
from formatie.getallen import PROCENTTEKEN
from formatie.herkomst import (
    AANNAME,
    AFGELEID,
    EIGEN,
    GEPUBLICEERD,
    ONBEKEND,
    SCHATTING,
    WERKBOEK,
    Herkomst,
)
from formatie.model import bereken
from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie
from formatie.schatting import geschatte_invoer

NORMENSET = standaard_normenset()
SLEUTELS = NORMENSET.invoer_sleutels
SCH = Herkomst(SCHATTING, "normenset X (1), CBS/DUO-gegevens 00000000")


def _volume(code: str = "0200") -> np.ndarray:
    ref = load_referentie()
    return np.round(geschatte_invoer(NORMENSET, ref)[ref.index[code]])[None, :]


# ----- the rule -------------------------------------------------------------------------------

def test_an_estimate_saved_unchanged_stays_an_estimate_with_its_version():
    uit = hk.na_opslaan({"a": 10.0}, {"a": SCH}, {"a": 10.0}, EIGEN)
    assert uit == {"a": SCH}


def test_another_number_over_an_estimate_becomes_the_save_paths_soort():
    assert hk.na_opslaan({"a": 10.0}, {"a": SCH}, {"a": 11.0}, EIGEN) == {"a": Herkomst(EIGEN)}
    assert hk.na_opslaan({"a": 10.0}, {"a": SCH}, {"a": 11.0}, WERKBOEK) == {
        "a": Herkomst(WERKBOEK)}


def test_a_value_equal_to_the_estimate_offered_is_an_estimate_of_that_version():
    uit = hk.na_opslaan({}, {}, {"a": 19079.0, "b": 5.0}, EIGEN,
                        geschat={"a": 19079.0, "b": 4.0}, versie="v1")
    assert uit == {"a": Herkomst(SCHATTING, "v1"), "b": Herkomst(EIGEN)}


def test_an_own_figure_equal_to_an_estimate_not_offered_stays_own():
    """Typing the number the estimate would give is not taking the estimate."""
    assert hk.na_opslaan({}, {}, {"a": 7.0}, EIGEN) == {"a": Herkomst(EIGEN)}


def test_an_unchanged_own_figure_stays_own_even_when_an_estimate_is_offered():
    uit = hk.na_opslaan({"a": 7.0}, {"a": Herkomst(EIGEN)}, {"a": 7.0}, EIGEN,
                        geschat={"a": 7.0}, versie="v1")
    assert uit == {"a": Herkomst(EIGEN)}


def test_an_emptied_field_has_no_herkomst():
    assert hk.na_opslaan({"a": 1.0, "b": 2.0}, {"a": SCH, "b": SCH}, {"b": 2.0}, EIGEN) == {
        "b": SCH}


def test_an_old_value_without_herkomst_stays_unknown_until_it_changes():
    assert hk.na_opslaan({"a": 3.0}, {}, {"a": 3.0}, EIGEN) == {"a": Herkomst(ONBEKEND)}
    assert hk.na_opslaan({"a": 3.0}, {}, {"a": 4.0}, EIGEN) == {"a": Herkomst(EIGEN)}


def test_a_save_path_cannot_claim_an_estimate_or_unknown():
    for soort in (SCHATTING, ONBEKEND, "iets"):
        with pytest.raises(ValueError):
            hk.na_opslaan({}, {}, {"a": 1.0}, soort)


soorten = st.builds(Herkomst, st.sampled_from(list(hk.SOORTEN)),
                    st.one_of(st.none(), st.text(min_size=1, max_size=20)))


@given(st.dictionaries(st.sampled_from(SLEUTELS), st.tuples(
    st.floats(0, 1e6, allow_nan=False), soorten), min_size=1))
def test_a_save_without_changes_keeps_every_herkomst(opgeslagen):
    waarden = {s: w for s, (w, _) in opgeslagen.items()}
    herkomst = {s: h for s, (_, h) in opgeslagen.items()}
    for soort in hk.INVOERSOORTEN:
        assert hk.na_opslaan(waarden, herkomst, dict(waarden), soort,
                             geschat={s: w + 1 for s, w in waarden.items()}) == herkomst


# ----- stored form ----------------------------------------------------------------------------

def test_stored_herkomst_reads_back_and_anything_else_is_unknown():
    for h in (SCH, Herkomst(EIGEN), Herkomst(WERKBOEK)):
        assert Herkomst.van_dict(h.als_dict()) == h
    for rommel in (None, "eigen", {}, {"soort": "verzonnen"}, {"soort": 3}, ["eigen"]):
        assert Herkomst.van_dict(rommel) == Herkomst(ONBEKEND)
    assert Herkomst.van_dict({"soort": "schatting", "versie": 5}) == Herkomst(SCHATTING)
    with pytest.raises(ValueError):
        Herkomst("verzonnen")


def test_unknown_is_stored_as_absence_and_read_back_as_unknown():
    opgeslagen = hk.als_json({"a": Herkomst(ONBEKEND), "b": SCH})
    assert opgeslagen == {"b": SCH.als_dict()}
    assert hk.lees(opgeslagen, ["a", "b"]) == {"a": Herkomst(ONBEKEND), "b": SCH}
    assert hk.lees(None, ["a"]) == {"a": Herkomst(ONBEKEND)}


def test_every_soort_has_a_dutch_label_and_only_entered_figures_are_own():
    assert {s for s, soort in hk.SOORTEN.items() if soort.eigen} == set(hk.INVOERSOORTEN)
    assert hk.SOORTEN[SCHATTING].label == "schatting (CBS/DUO)"
    assert all(soort.label and soort.zin for soort in hk.SOORTEN.values())


def test_the_estimate_version_names_the_normenset_and_a_fingerprint_of_the_data():
    versie = hk.schattingsversie(NORMENSET.label)
    assert versie.startswith(f"normenset {NORMENSET.label}, CBS/DUO-gegevens ")
    assert re.fullmatch(r"[0-9a-f]{8}", hk.gegevensversie())
    assert versie == hk.schattingsversie(NORMENSET.label)


# ----- shares of hours ------------------------------------------------------------------------

def test_the_share_of_hours_on_estimates_is_the_hours_of_taken_whose_volume_is_estimated():
    res = bereken(NORMENSET, _volume(), ("0200",))
    eigen = {"meldingen_16uur", "leerplichtigen"}
    herkomst = [{s: Herkomst(EIGEN) if s in eigen else SCH for s in SLEUTELS}]
    verwacht = sum(res.uren[0, k] for k, t in enumerate(NORMENSET.taken)
                   if t.invoer not in eigen) / res.uren[0].sum()
    assert hk.aandeel_uren(res, herkomst)[0] == pytest.approx(verwacht)
    delen = hk.aandelen(res, herkomst, 0)
    assert set(delen) == {SCHATTING, EIGEN}
    assert delen[SCHATTING] == pytest.approx(verwacht)
    assert sum(delen.values()) == pytest.approx(1.0)


def test_a_missing_herkomst_counts_as_unknown_not_as_own_or_estimate():
    res = bereken(NORMENSET, _volume(), ("0200",))
    delen = hk.aandelen(res, [{}], 0)
    assert delen == {ONBEKEND: pytest.approx(1.0)}
    assert hk.aandeel_uren(res, [{}])[0] == 0.0


def test_without_hours_there_is_no_share():
    res = bereken(NORMENSET, np.zeros((1, len(SLEUTELS))), ("0200",))
    assert math.isnan(hk.aandeel_uren(res, [dict.fromkeys(SLEUTELS, SCH)])[0])
    assert hk.aandelen(res, [dict.fromkeys(SLEUTELS, SCH)], 0) == {}
    assert hk.eerst_invullen(res, [dict.fromkeys(SLEUTELS, SCH)], 0) == []


def test_the_estimates_to_replace_first_carry_the_most_hours():
    res = bereken(NORMENSET, _volume(), ("0200",))
    per_invoer = hk.uren_per_invoer(res)[0]
    assert per_invoer.sum() == pytest.approx(res.uren[0].sum())
    zwaarste = SLEUTELS[int(np.argmax(per_invoer))]
    herkomst = [{s: Herkomst(EIGEN) if s == zwaarste else SCH for s in SLEUTELS}]
    eerst = hk.eerst_invullen(res, herkomst, 0, aantal=3)
    assert len(eerst) == 3 and zwaarste not in [e.sleutel for e in eerst]
    assert [e.uren for e in eerst] == sorted((e.uren for e in eerst), reverse=True)
    geschat = [i for i, s in enumerate(SLEUTELS) if s != zwaarste]
    assert eerst[0].uren == pytest.approx(max(per_invoer[geschat]))
    assert eerst[0].naam == NORMENSET.invoer_by_sleutel(eerst[0].sleutel).naam
    assert eerst[0].aandeel == pytest.approx(eerst[0].uren / per_invoer.sum())


def test_the_json_fields_give_every_invoer_its_soort_and_estimates_their_version():
    res = bereken(NORMENSET, np.vstack([_volume("0200"), _volume("0344")]), ("0200", "0344"))
    gemeenten = [{"gemeentecode": "0200"}, {"gemeentecode": "0344"}]
    hk.voeg_herkomst_toe(gemeenten, [res], {
        "0200": {s: SCH for s in SLEUTELS} | {"scholen": Herkomst(EIGEN)}, "0344": {}})
    apeldoorn, utrecht = gemeenten
    assert apeldoorn["herkomst"] == {s: EIGEN if s == "scholen" else SCHATTING for s in SLEUTELS}
    assert apeldoorn["schattingsversie"]["leerplichtigen"] == SCH.versie
    assert "scholen" not in apeldoorn["schattingsversie"]
    assert sum(apeldoorn["aandeel_uren"].values()) == pytest.approx(1.0)
    assert utrecht["herkomst"] == dict.fromkeys(SLEUTELS, ONBEKEND)
    assert "schattingsversie" not in utrecht


# ----- sentences ------------------------------------------------------------------------------

@pytest.mark.parametrize(("aandeel", "zin"), [
    (0.62, "62 % van de uren rust op CBS-schattingen"),
    (0.0, "Geen van de uren rust op CBS-schattingen"),
    (1.0, "Alle uren rusten op CBS-schattingen"),
    (0.001, "Minder dan 1 % van de uren rust op CBS-schattingen"),
    (0.998, "Meer dan 99 % van de uren rust op CBS-schattingen"),
])
def test_the_sentence_never_rounds_some_to_none_or_most_to_all(aandeel, zin):
    """The percent sign sits behind a no-break space (formatie.getallen.PROCENTTEKEN)."""
    assert hk.zin_uren_op_schatting(aandeel) == zin.replace(" %", PROCENTTEKEN)


# ----- what a norm rests on -------------------------------------------------------------------

@pytest.mark.parametrize(("bron", "soort"), [
    ("aanname", AANNAME),
    ("aanname: circa 2 minuten per leerplichtige", AANNAME),
    ("  Aanname: hoofdletter", AANNAME),
    ("", AANNAME),
    (None, AANNAME),
    ("afgeleid: terugrekening uit gepubliceerde cijfers", AFGELEID),
    ("gekalibreerd op uren.csv (180 waarnemingen)", AFGELEID),
    ("cao gemeenten: 36 uur per week", GEPUBLICEERD),
])
def test_a_norms_bron_in_a_word_follows_the_documented_prefix(bron, soort):
    assert hk.bron_soort(bron) == soort


def test_every_norm_of_the_default_normenset_is_classified_by_its_own_words():
    for taak in NORMENSET.taken:
        soort = hk.bron_soort(taak.bron)
        assert soort in hk.BRON_SOORTEN
        if soort != GEPUBLICEERD:
            assert taak.bron.lower().startswith(soort) or taak.bron.startswith("gekalibreerd")


@pytest.mark.parametrize("landelijk", [True, False])
def test_the_cli_workbook_labels_every_volume_on_invoer(tmp_path, landelijk, capsys):
    """--landelijk: every volume a CBS/DUO estimate; an input CSV: the gemeente's own count."""
    import io

    import openpyxl

    from formatie.cli import main
    from formatie.werkboek.formaat import BLAD_INVOER, SLEUTELRIJ

    uit = tmp_path / "w.xlsx"
    if landelijk:
        args = ["exporteer", "--landelijk", "--regio", "MC01", "-o", str(uit)]
    else:
        csv = tmp_path / "invoer.csv"
        n = standaard_normenset()
        csv.write_text("gemeentecode," + ",".join(n.invoer_sleutels) + "\n0363,"
                       + ",".join("1" for _ in n.invoer_sleutels) + "\n", encoding="utf-8")
        args = ["exporteer", str(csv), "-o", str(uit)]
    assert main(args) == 0, capsys.readouterr().err
    ws = openpyxl.load_workbook(io.BytesIO(uit.read_bytes()))[BLAD_INVOER]
    kolom = [c.value for c in ws[SLEUTELRIJ + 1]].index("herkomst") + 1
    labels = {ws.cell(r, kolom).value for r in range(SLEUTELRIJ + 2, ws.max_row + 1)}
    verwacht = hk.SOORTEN[hk.SCHATTING if landelijk else hk.EIGEN].label
    assert labels == {verwacht}
