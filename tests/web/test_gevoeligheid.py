"""The gevoeligheid (tornado) page, app/views/gevoeligheid.py: the model's tornado, per functie."""

from __future__ import annotations

import re

from formatie.gevoeligheid import tornado

from .conftest import EIGEN, JAAR, RIJKOP, volume_van


def test_tornado_page_matches_model(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/gevoeligheid")
    assert r.status_code == 200
    n, volume = volume_van(app, EIGEN)
    t = tornado(n, volume, gemeentecodes=(EIGEN,))
    tabel = r.text.split('<tbody class="utrecht-table__body">')[1]
    labels = re.findall(RIJKOP + "(.*?)</th>", tabel)
    from markupsafe import escape
    assert labels == [str(escape(rij.label)) for rij in t.top(10)]
    assert "tornado-svg" in r.text
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/gevoeligheid?functie=doorstroompunt")
    assert r.status_code == 200
    t = tornado(n, volume, gemeentecodes=(EIGEN,), functie="doorstroompunt")
    tabel = r.text.split('<tbody class="utrecht-table__body">')[1]
    assert re.findall(RIJKOP + "(.*?)</th>", tabel) == [
        str(escape(rij.label)) for rij in t.top(10)]
    assert client.get(f"/gemeente/{EIGEN}/{JAAR}/gevoeligheid?functie=x").status_code == 404


def test_tornado_page_without_figures(client, auth):
    auth.als("gemeente")
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/gevoeligheid")
    assert r.status_code == 200 and "nog geen cijfers" in r.text
