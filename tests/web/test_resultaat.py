"""The result page and JSON give the same numbers as `formatie calculate`."""

import json

import numpy as np
import pytest

from formatie.cli import main as formatie_main
from formatie.getallen import format_getal
from formatie.model import bereken
from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie

from .conftest import ANDER, BUUR, EIGEN, GETALCEL, JAAR, geschatte_waarden

PAD = f"/gemeente/{EIGEN}/{JAAR}"
NORMENSET = standaard_normenset()


@pytest.fixture
def waarden(app):
    """Non-round figures, so rounding or parsing differences would show."""
    w = geschatte_waarden(app, EIGEN)
    return {k: v + 0.25 if i % 3 == 0 else v for i, (k, v) in enumerate(w.items())}


def cli_json(tmp_path, capsys, code, jaar, waarden) -> dict:
    pad = tmp_path / "invoer.csv"
    kop = ["gemeentecode", "jaar", *NORMENSET.invoer_sleutels]
    rij = [code, str(jaar), *[repr(waarden[s]) for s in NORMENSET.invoer_sleutels]]
    pad.write_text(",".join(kop) + "\n" + ",".join(rij) + "\n", encoding="utf-8")
    assert formatie_main(["calculate", str(pad), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_equals_formatie_calculate(client, auth, vul_invoer, waarden, tmp_path, capsys):
    """Herkomst included: own figures in the web are the CLI's figures from a CSV, eigen."""
    vul_invoer(EIGEN, waarden=waarden, bezetting={"leerplicht": 5.0}, herkomst="eigen")
    auth.als("gemeente")
    r = client.get(PAD + "/resultaat.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    web = r.json
    leerplicht = web["gemeenten"][0]["functies"]["leerplicht"]
    # the bezetting entered, and verschil with the one sign: bezetting − fte (negative: tekort)
    assert leerplicht.pop("bezetting") == 5.0
    assert leerplicht.pop("verschil") == 5.0 - leerplicht["fte"]
    assert web == cli_json(tmp_path, capsys, EIGEN, JAAR, waarden)
    assert web["normenset"] == {"naam": "Standaard 2026", "versie": NORMENSET.versie}


def test_page_shows_the_model_numbers(client, auth, vul_invoer, waarden):
    vul_invoer(EIGEN, waarden=waarden, bezetting={"leerplicht": 5.0, "doorstroompunt": 1.5})
    auth.als("gemeente")
    r = client.get(PAD + "/resultaat")
    assert r.status_code == 200
    html = r.text
    volume = np.array([[waarden[s] for s in NORMENSET.invoer_sleutels]])
    res = bereken(NORMENSET, volume, (EIGEN,))
    assert "Standaard 2026 (2026.3)" in html
    for f in range(len(NORMENSET.functies)):
        assert f">{format_getal(res.fte[0, f], 2)}<" in html
        assert f">{format_getal(res.fte[0, f], 3)}<" in html  # in the chain table
        assert f"{format_getal(res.casus_uren_per_fte[f], 0)} uur" in html
    for k in range(len(NORMENSET.taken)):
        assert f">{format_getal(res.fte_taak[0, k], 3)}<" in html
        assert f">{format_getal(res.uren[0, k], 0)}<" in html
    assert f">{format_getal(res.fte_totaal[0], 2)}<" in html
    # gap to the bezetting (bezetting − benodigd); the Doorstroompunt's old per-gemeente
    # value stays stored but is not shown as the gemeente's own staff
    assert f">{format_getal(5.0 - res.fte[0, 0], 2)}<" in html
    assert f">{format_getal(1.5 - res.fte[0, 1], 2)}<" not in html
    assert ">regionaal<" in html
    # the accessible SVG chart: one bar per taak, plus vaste basis and leiding per functie (and
    # the aanvulling tot minimumformatie where the normenset has a floor)
    # (twice: the wide layout and the small-screen one, with the labels above the bars)
    for klasse, id_ in (("grafiek__breed", "svg"), ("grafiek__smal", "svg-smal")):
        kop = f'<svg class="{klasse}" role="img" aria-labelledby="{id_}-titel {id_}-desc"'
        assert kop in html
        taakgrafiek = html.split(kop)[1].split("</svg>")[0]
        minimum = sum(f.minimum_fte > 0 for f in NORMENSET.functies)  # the aanvulling's bar
        assert taakgrafiek.count('<rect x=') == (len(NORMENSET.taken) + 2 * len(NORMENSET.functies)
                                                 + minimum)
    assert "<script" not in html and "style=" not in html


def test_medians_of_submitted_gemeenten(client, auth, app, vul_invoer):
    ref = load_referentie()
    regio = [EIGEN, BUUR, *[c for c in ref.leden("MC11") if c not in (EIGEN, BUUR, "0232")][:3]]
    for code in [*regio, ANDER]:  # 5 submitted in the region (the minimum group), 6 in all
        vul_invoer(code)
    vul_invoer("0150", jaar=JAAR - 1)  # other year: ignored
    vul_invoer("0232", status="concept")  # not submitted: ignored
    auth.als("gemeente")
    r = client.get(PAD + "/resultaat")
    codes = [*regio, ANDER]
    volume = np.array([[geschatte_waarden(app, c)[s] for s in NORMENSET.invoer_sleutels]
                       for c in codes])
    res = bereken(NORMENSET, volume, codes)
    per = res.fte_totaal / volume[:, 0] * 1000
    assert {ref.regio_per_gemeente[ref.index[c]] for c in regio} == {"MC11"}
    mediaan_regio = format_getal(float(np.median(per[:5])), 2)
    landelijk = format_getal(float(np.median(per)), 2)
    totaal = r.text.split("Vergelijking met andere gemeenten")[1].split(">Totaal</th>")[1]
    totaal = totaal.split("</tr>")[0]
    assert [c.split("</td>")[0] for c in totaal.split(GETALCEL)[1:]] == [
        format_getal(float(per[0]), 2), mediaan_regio, landelijk]
    assert "(5 ingediend)" in r.text and "(6 ingediend)" in r.text


def test_incomplete_invoer_has_no_result(client, auth):
    auth.als("gemeente")
    r = client.get(PAD + "/resultaat")
    assert r.status_code == 200 and "er zijn nog geen cijfers ingevuld" in r.text
    client.post(PAD, data={"version": "0", "leerplichtigen": "100", "concept": "1"})
    r = client.get(PAD + "/resultaat")
    assert "nog niet alle velden zijn ingevuld" in r.text and "Schoolvestigingen" in r.text
    r = client.get(PAD + "/resultaat.json")
    assert r.status_code == 409 and "scholen" in r.json["ontbrekend"]


def test_result_uses_the_normenset_it_was_saved_with(client, auth, vul_invoer):
    """After another normenset becomes active, a stored result still names its own."""
    import io

    vul_invoer(EIGEN)
    tekst = NORMENSET.bron_tekst.replace('versie = "2026.3"', 'versie = "2027.1"').replace(
        "uren = 60.0", "uren = 90.0")
    auth.als("beheerder")
    client.post("/normen/upload", data={"bestand": (io.BytesIO(tekst.encode()), "n.toml")},
                content_type="multipart/form-data")
    client.post("/normen/2/activeer")
    r = client.get(PAD + "/resultaat.json")
    assert r.json["normenset"]["versie"] == "2026.3"
    assert "Standaard 2026 (2026.3)" in client.get(PAD + "/resultaat").text


def test_a_small_team_shows_where_the_minimum_formation_applies(client, auth, vul_invoer, app):
    """Issue 17 item 2: the chain names the aanvulling tot minimumformatie and its bron."""
    klein = {s: v * 0.05 for s, v in geschatte_waarden(app, EIGEN).items()}
    vul_invoer(EIGEN, waarden=klein)
    auth.als("gemeente")
    html = client.get(PAD + "/resultaat").text
    volume = np.array([[klein[s] for s in NORMENSET.invoer_sleutels]])
    res = bereken(NORMENSET, volume, (EIGEN,))
    f = NORMENSET.functie_sleutels.index("leerplicht")
    assert res.aanvulling[0, f] > 0 and res.fte[0, f] == NORMENSET.functie("leerplicht").minimum_fte
    keten = html.split('id="keten-leerplicht"')[1].split("</table>")[0]
    regel = keten.split("Aanvulling tot minimumformatie", 1)[1].split("</tr>")[0]
    assert "minstens 1,5 fte" in regel
    assert f">{format_getal(res.aanvulling[0, f], 3)}<" in regel
    assert f">{format_getal(res.fte[0, f], 2)}<" in html
    j = client.get(PAD + "/resultaat.json").json["gemeenten"][0]
    assert j["functies"]["leerplicht"]["aanvulling_minimum"] == pytest.approx(res.aanvulling[0, f])
