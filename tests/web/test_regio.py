"""The regional overview: member gemeenten, status, FTE, Doorstroompunt total."""

import numpy as np

from formatie.getallen import format_getal
from formatie.model import bereken
from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie

from .conftest import BUUR, EIGEN, EIGEN_REGIO, JAAR, geschatte_waarden

NORMENSET = standaard_normenset()


def test_regio_overview(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    vul_invoer(BUUR, status="concept")
    vul_invoer("0232", status="concept", waarden={"leerplichtigen": 10.0})  # incomplete
    auth.als("regio")
    r = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}")
    assert r.status_code == 200
    html = r.text
    leden = load_referentie().leden(EIGEN_REGIO)
    namen = [load_referentie().naam(c) for c in leden]
    for naam in namen:
        assert naam in html
    assert html.count("Niet begonnen") == len(leden) - 3
    codes = [EIGEN, BUUR]
    volume = np.array([[geschatte_waarden(app, c)[s] for s in NORMENSET.invoer_sleutels]
                       for c in codes])
    res = bereken(NORMENSET, volume, codes)
    som = res.som()
    d = NORMENSET.functie_sleutels.index("doorstroompunt")
    assert f"<strong>{format_getal(som['fte'][d], 2)} fte</strong>" in html
    voet = html.split("<tfoot>")[1]
    for f in range(len(NORMENSET.functies)):
        assert f">{format_getal(som['fte'][f], 2)}<" in voet
    assert f">{format_getal(som['fte_totaal'], 2)}<" in voet
    assert "Totaal (2 met cijfers)" in voet
    for g in range(2):
        assert f"{format_getal(res.fte[g, 0], 2)}<span" in html
