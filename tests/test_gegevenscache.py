"""The shipped data kept beside the bytecode (formatie/gegevenscache.py): read back only under
its own key, never wrong when the file is damaged, and the same objects as a fresh parse."""

from __future__ import annotations

import os
import pickle
import sys

import numpy as np
import pytest

from formatie import gegevenscache
from formatie.gegevenscache import bewaard, versiesleutel


class Teller:
    """``maak`` that counts its calls."""

    def __init__(self, waarde):
        self.waarde, self.aantal = waarde, 0

    def __call__(self):
        self.aantal += 1
        return self.waarde


@pytest.fixture
def schrijfbaar(monkeypatch):
    """The cache writes, whatever PYTHONDONTWRITEBYTECODE says for the test run."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


def test_an_object_is_made_once_and_read_back_under_its_key(tmp_path, schrijfbaar):
    maak = Teller({"a": np.arange(3.0)})
    eerste = bewaard("x", maak, map_=tmp_path, sleutel="k1")
    tweede = bewaard("x", maak, map_=tmp_path, sleutel="k1")
    assert maak.aantal == 1
    assert tweede is not eerste  # read from the file
    np.testing.assert_array_equal(tweede["a"], eerste["a"])
    assert (tmp_path / "x.gegevens.pickle").is_file()


def test_another_key_makes_the_object_again_and_replaces_the_file(tmp_path, schrijfbaar):
    bewaard("x", Teller("oud"), map_=tmp_path, sleutel="k1")
    maak = Teller("nieuw")
    assert bewaard("x", maak, map_=tmp_path, sleutel="k2") == "nieuw"
    assert maak.aantal == 1
    assert bewaard("x", Teller("ongebruikt"), map_=tmp_path, sleutel="k2") == "nieuw"
    assert [p.name for p in tmp_path.iterdir()] == ["x.gegevens.pickle"]  # no leftovers


@pytest.mark.parametrize("inhoud", [b"", b"\x80\x05", b"geen pickle", pickle.dumps("los"),
                                    pickle.dumps(("k1",))])
def test_a_damaged_file_is_made_again(tmp_path, schrijfbaar, inhoud):
    (tmp_path / "x.gegevens.pickle").write_bytes(inhoud)
    maak = Teller("goed")
    assert bewaard("x", maak, map_=tmp_path, sleutel="k1") == "goed"
    assert maak.aantal == 1
    assert bewaard("x", Teller("ongebruikt"), map_=tmp_path, sleutel="k1") == "goed"


def test_nothing_is_written_where_bytecode_is_not(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    maak = Teller("w")
    bewaard("x", maak, map_=tmp_path, sleutel="k1")
    bewaard("x", maak, map_=tmp_path, sleutel="k1")
    assert maak.aantal == 2
    assert not list(tmp_path.iterdir())


def test_an_unwritable_directory_only_costs_the_parse(tmp_path, schrijfbaar):
    bestand = tmp_path / "bestand"
    bestand.write_text("")
    maak = Teller("w")
    assert bewaard("x", maak, map_=bestand / "map", sleutel="k1") == "w"


def test_the_key_follows_every_file_of_the_package_but_not_its_bytecode(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "model.py").write_text("x = 1\n")
    (tmp_path / "data" / "cijfers.csv").write_text("a\n1\n")
    sleutel = versiesleutel(tmp_path)
    (tmp_path / "__pycache__" / "model.pyc").write_bytes(b"\0")
    versiesleutel.cache_clear()
    assert versiesleutel(tmp_path) == sleutel
    (tmp_path / "data" / "cijfers.csv").write_text("a\n2\n")  # same size, newer
    os.utime(tmp_path / "data" / "cijfers.csv", ns=(1, 10**18))
    versiesleutel.cache_clear()
    nieuwe = versiesleutel(tmp_path)
    assert nieuwe != sleutel
    (tmp_path / "model.py").write_text("x = 22\n")
    versiesleutel.cache_clear()
    assert versiesleutel(tmp_path) not in (sleutel, nieuwe)
    versiesleutel.cache_clear()


def test_the_kept_shipped_data_equals_a_fresh_parse(tmp_path, schrijfbaar):
    """What the CLI reads back is what the parsers make: the default normenset (as TOML), the
    CBS/DUO reference (every array) and the estimation model (its texts and elasticities)."""
    from formatie.normenset import normenset_als_toml
    from formatie.normenset_toml import _lees_standaard_normenset
    from formatie.referentie import _lees_referentie
    from formatie.schatting import lees_schattingsmodel

    for naam, maak in [("n", _lees_standaard_normenset), ("r", _lees_referentie),
                       ("s", lees_schattingsmodel)]:
        bewaard(naam, maak, map_=tmp_path, sleutel="k")
    n = bewaard("n", Teller(None), map_=tmp_path, sleutel="k")
    assert normenset_als_toml(n) == normenset_als_toml(_lees_standaard_normenset())
    r, vers = bewaard("r", Teller(None), map_=tmp_path, sleutel="k"), _lees_referentie()
    assert r.gemeentecodes == vers.gemeentecodes and r.regionamen == vers.regionamen
    for veld in ("inwoners", "leeftijd_0_14", "leeftijd_15_24", "leeftijd_25_44",
                 "vestigingen_po"):
        np.testing.assert_array_equal(getattr(r, veld), getattr(vers, veld))
    assert r.covariaten.keys() == vers.covariaten.keys()
    for k in vers.covariaten:
        np.testing.assert_array_equal(r.covariaten[k], vers.covariaten[k])
    assert bewaard("s", Teller(None), map_=tmp_path, sleutel="k") == lees_schattingsmodel()


def test_the_package_key_is_stable_within_a_process():
    assert versiesleutel() == versiesleutel(gegevenscache.PAKKET)
