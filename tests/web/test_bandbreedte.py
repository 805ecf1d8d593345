"""Ranges (app.services.bandbreedte) on the result and region pages, resultaat.json with
?onzekerheid=1."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from app.extensions import db
from app.services.bandbreedte import leeg_cache
from formatie.onzekerheid import bereik

from .conftest import BUUR, EIGEN, EIGEN_REGIO, JAAR, volume_van


def test_result_page_shows_ranges_and_sentence(client, auth, app, vul_invoer):
    vul_invoer(EIGEN, bezetting={"leerplicht": 20.0, "doorstroompunt": 10.0})
    auth.als("gemeente")
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat")
    assert r.status_code == 200
    assert "Bandbreedte" in r.text
    # one sentence per functie: leerplicht with its bezetting; the Doorstroompunt's old
    # per-gemeente bezetting is not the gemeente's own, so its sentence uses the budget figure
    assert re.search(r"Met 20,0 fte leerplicht is de werklast leerplicht in "
                     r"(\d+|meer dan 9|minder dan 1) van de 10 "
                     r"jaren gedekt\.", r.text)
    assert re.search(r"Met [\d,.]+ fte Doorstroompunt is de werklast Doorstroompunt in \d+ van",
                     r.text)
    assert "Met 10,0 fte Doorstroompunt" not in r.text
    assert 'role="img"' in r.text and "<title id=\"bereik-svg-titel\">" in r.text
    assert "histogram-svg" in r.text


def test_same_seed_same_numbers_and_matches_model(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    leeg_cache()  # computed afresh both times, not served from the per-process cache
    eerste = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat").text
    leeg_cache()
    tweede = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat").text
    kern = re.compile(r'<section class="analyse".*?</section>', re.S)
    assert kern.search(eerste).group(0) == kern.search(tweede).group(0)
    # the budget figure: the P80 of formatie.onzekerheid.bereik on its one policy
    n, volume = volume_van(app, EIGEN)
    b = bereik(n, volume, gemeentecodes=(EIGEN,))
    from formatie.getallen import format_getal
    p80 = format_getal(float(b.fte_totaal[2, 0]), 2)
    assert f"<strong>{p80} fte</strong> in totaal" in eerste
    leerplicht = format_getal(float(b.fte[2, 0, 0]), 1)
    assert f"Met {leerplicht} fte leerplicht is de werklast leerplicht" in eerste


def test_json_without_flag_equals_cli_and_with_flag_has_ranges(client, auth, app, vul_invoer,
                                                              tmp_path):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    zonder = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat.json").json
    assert "onzekerheid" not in zonder
    assert '"bereik' not in json.dumps(zonder)
    met = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat.json?onzekerheid=1").json
    gem = met["gemeenten"][0]
    assert set(gem["bereik_totaal"]) == {"p10", "p50", "p80", "p90"}
    for f in gem["functies"].values():
        assert f["bereik"]["p10"] <= f["bereik"]["p50"] <= f["bereik"]["p80"] <= \
            f["bereik"]["p90"]
    assert met["onzekerheid"]["trekkingen"] == 10_000
    # the same as the CLI: the draws follow from the inputs
    n, volume = volume_van(app, EIGEN)
    csv = tmp_path / "in.csv"
    csv.write_text("gemeentecode,jaar," + ",".join(n.invoer_sleutels) + "\n" + f"{EIGEN},{JAAR},"
                   + ",".join(repr(float(v)) for v in volume[0]) + "\n")
    formatie = str(Path(sys.executable).parent / "formatie")
    uit = subprocess.run([formatie, "calculate", str(csv), "--format", "json", "--onzekerheid"],
                         capture_output=True, text=True, check=True)
    cli = json.loads(uit.stdout)
    assert cli["gemeenten"][0]["bereik_totaal"] == gem["bereik_totaal"]
    assert cli["gemeenten"][0]["functies"] == gem["functies"]


def test_region_page_range(client, auth, app, vul_invoer):
    vul_invoer(EIGEN, bezetting={"leerplicht": 20.0, "doorstroompunt": 10.0})
    vul_invoer(BUUR, status="concept")
    auth.als("regio")
    r = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}")
    assert r.status_code == 200
    assert "Bandbreedte" in r.text and "Met 20,0 fte" not in r.text  # BUUR has no bezetting
    assert "jaren gedekt" in r.text and "2 gemeenten" in r.text
    kern = re.compile(r'<section class="analyse".*?</section>', re.S)
    assert kern.search(r.text).group(0) == kern.search(
        client.get(f"/regio/{EIGEN_REGIO}/{JAAR}").text).group(0)


def test_db_untouched_by_result_page(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat")
    with app.app_context():
        assert db.session.execute(db.text("SELECT count(*) FROM invoer")).scalar() == 1


def test_cached_ranges_follow_changed_figures(client, auth, app, vul_invoer):
    from app.models import InvoerRij

    vul_invoer(EIGEN, bezetting={"leerplicht": 20.0, "doorstroompunt": 10.0})
    auth.als("gemeente")
    assert "Met 20,0 fte leerplicht" in client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat").text
    with app.app_context():
        rij = db.session.scalar(db.select(InvoerRij))
        rij.bezetting = {"leerplicht": 2.0, "doorstroompunt": 1.0}
        db.session.commit()
    tekst = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat").text
    assert ("Met 2,0 fte leerplicht is de werklast leerplicht in minder dan 1 van de 10 jaren "
            "gedekt.") in tekst


def test_all_zero_figures_render(client, auth, app, vul_invoer):
    """A gemeente that entered 0 everywhere: every analysis page still renders (no 5xx)."""
    n, _ = volume_van(app, EIGEN)
    vul_invoer(EIGEN, waarden=dict.fromkeys(n.invoer_sleutels, 0.0))
    auth.als("gemeente")
    for pad in ("resultaat", "gevoeligheid", "prognose", "historie-invoer",
                "resultaat.json?onzekerheid=1"):
        r = client.get(f"/gemeente/{EIGEN}/{JAAR}/{pad}")
        assert r.status_code == 200, pad
