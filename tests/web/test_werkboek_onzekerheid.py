"""The workbook download's analysis sheets: Gevoeligheid (tornado values + bar chart) and
Onzekerheid (ranges)."""

from __future__ import annotations

import io

import numpy as np
import openpyxl

from formatie.gevoeligheid import tornado
from formatie.invoer_csv import InvoerTabel
from formatie.normenset_toml import standaard_normenset
from formatie.onzekerheid import bereik
from formatie.referentie import load_referentie
from formatie.schatting import geschatte_invoer
from formatie.werkboek.analyse import onzekerheid_uit_bereik
from formatie.werkboek.schrijven import exporteer_werkboek


def _invoer(codes=("0200",)):
    n = standaard_normenset()
    ref = load_referentie()
    volume = np.round(geschatte_invoer(n, ref)[[ref.index[c] for c in codes]])
    return n, InvoerTabel(tuple(codes), (None,) * len(codes), volume)


def test_gevoeligheid_sheet_matches_tornado():
    n, invoer = _invoer()
    t = tornado(n, invoer.volume, gemeentecodes=invoer.gemeentecodes)
    b = bereik(n, invoer.volume, np.random.default_rng(1), 2000,
               gemeentecodes=invoer.gemeentecodes)
    data = exporteer_werkboek(n, invoer, gevoeligheid=t, onzekerheid=onzekerheid_uit_bereik(b))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert "Gevoeligheid" in wb.sheetnames and "Onzekerheid" in wb.sheetnames
    ws = wb["Gevoeligheid"]
    kop = [c.value for c in ws[3]]
    assert kop[:3] == ["invoer", "soort", "sleutel"]
    for i, rij in enumerate(t.top(10)):
        cellen = [c.value for c in ws[4 + i]]
        assert cellen[0] == rij.label and cellen[2] == rij.sleutel
        assert abs(cellen[kop.index("swing")] - rij.swing) < 1e-12
        assert abs(cellen[kop.index("verschil_hoog")] - (rij.fte_hoog - t.centraal)) < 1e-12
    assert ws._charts  # the tornado bar chart
    onz = wb["Onzekerheid"]
    assert np.allclose([c.value for c in onz[4]][2:6], b.fte[:, 0, 0], rtol=1e-12)


def test_without_gevoeligheid_no_sheet():
    n, invoer = _invoer()
    wb = openpyxl.load_workbook(io.BytesIO(exporteer_werkboek(n, invoer)))
    assert "Gevoeligheid" not in wb.sheetnames


def test_web_download_has_the_pages_ranges_and_tornado(client, auth, app, vul_invoer):
    import re

    from .conftest import EIGEN, JAAR

    vul_invoer(EIGEN)
    auth.als("gemeente")
    pagina = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat").text
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.data))
    assert {"Onzekerheid", "Gevoeligheid"} <= set(wb.sheetnames)
    # the total's P10…P90 on the sheet are the numbers on the result page (same seed)
    from formatie.getallen import format_getal

    rij = [c.value for c in wb["Onzekerheid"][4]]
    totaal = rij[-4:]
    tabel = re.search(r"centrale schatting en percentielen.*?</table>", pagina, re.S).group(0)
    totaalrij = tabel.split("<tr")[-1]  # the last row: Totaal
    for w in totaal:
        assert format_getal(w, 2) in totaalrij
    n, _ = _invoer((EIGEN,))
    from app.models import InvoerRij
    with app.app_context():
        from app.extensions import db
        opgeslagen = db.session.scalar(db.select(InvoerRij))
        volume = np.array([[opgeslagen.waarden[s] for s in n.invoer_sleutels]])
    t = tornado(n, volume, gemeentecodes=(EIGEN,))
    assert wb["Gevoeligheid"]["A4"].value == t.top(1)[0].label
