"""app/services/normensets.py: the one way to store a normenset (upload, Excel import, calibration):
uniqueness of naam + versie, numbered derived versions, provenance."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import NormensetRij, User
from app.services.normensets import NormensetBestaat, actieve_rij, als_normenset, bewaar_normenset
from formatie.normenset import MAX_NORMENSET_VERSIE, normenset_als_toml
from formatie.normenset_toml import standaard_normenset
from formatie.problemen import InvoerFout

from .conftest import GEBRUIKERS

STANDAARD = standaard_normenset()


def _beheerder() -> User:
    return db.session.scalar(select(User).where(User.email == GEBRUIKERS["beheerder"][0]))


def _aantal() -> int:
    return db.session.scalar(select(func.count()).select_from(NormensetRij))


def _afgeleid(achtervoegsel: str) -> str:
    """The standard set's TOML with ``achtervoegsel`` after its versie, as a derived set."""
    return normenset_als_toml(replace(STANDAARD, versie=STANDAARD.versie + achtervoegsel))


def test_an_upload_is_stored_as_written_inactive_with_its_uploader(app):
    tekst = "# eigen normen\n" + STANDAARD.bron_tekst.replace(
        f'versie = "{STANDAARD.versie}"', 'versie = "eigen-1"', 1)
    with app.app_context():
        beheerder = _beheerder()
        rij = bewaar_normenset(tekst, "eigen.toml", beheerder)
        db.session.commit()
        assert (rij.naam, rij.versie, rij.toml, rij.actief, rij.uploaded_by) == (
            STANDAARD.naam, "eigen-1", tekst, False, beheerder.id)


def test_an_upload_with_a_stored_naam_and_versie_is_refused(app):
    with app.app_context():
        voor = _aantal()
        with pytest.raises(NormensetBestaat) as fout:
            bewaar_normenset(STANDAARD.bron_tekst, "dubbel.toml", _beheerder())
        assert (fout.value.naam, fout.value.versie) == (STANDAARD.naam, STANDAARD.versie)
        db.session.rollback()
        assert _aantal() == voor


def test_an_invalid_text_stores_nothing(app):
    with app.app_context():
        voor = _aantal()
        with pytest.raises(InvoerFout):
            bewaar_normenset("naam = 'kapot'", "kapot.toml", _beheerder())
        assert _aantal() == voor


@pytest.mark.parametrize("achtervoegsel", ["-excel", "-kalibratie"])
def test_derived_versions_are_numbered_when_taken(app, achtervoegsel):
    with app.app_context():
        basis = actieve_rij()
        versies = [bewaar_normenset(_afgeleid(achtervoegsel), "afgeleid", _beheerder(),
                                    afgeleid_van=basis).versie for _ in range(3)]
        db.session.commit()
        assert versies == [f"{basis.versie}{achtervoegsel}", f"{basis.versie}{achtervoegsel}-2",
                           f"{basis.versie}{achtervoegsel}-3"]
        for versie in versies:  # every stored text reads back with its own versie
            rij = db.session.scalar(select(NormensetRij).where(NormensetRij.versie == versie))
            assert als_normenset(rij).versie == versie and not rij.actief


def test_a_numbered_version_of_a_long_versie_fits_the_column(app):
    lang = "v" * (MAX_NORMENSET_VERSIE - len("-kalibratie")) + "-kalibratie"
    tekst = normenset_als_toml(replace(STANDAARD, versie=lang))
    with app.app_context():
        basis = actieve_rij()
        eerste = bewaar_normenset(tekst, "afgeleid", None, afgeleid_van=basis).versie
        tweede = bewaar_normenset(tekst, "afgeleid", None, afgeleid_van=basis).versie
        db.session.commit()
    assert eerste == lang
    assert len(tweede) == MAX_NORMENSET_VERSIE and tweede.endswith("-kalibratie-2")


def test_a_derived_normenset_names_its_base_in_its_toml(app):
    """Whatever the derived text says (here: nothing), the stored set names the base it was
    made from."""
    with app.app_context():
        basis = actieve_rij()
        rij = bewaar_normenset(_afgeleid("-excel"), "afgeleid", _beheerder(), afgeleid_van=basis)
        db.session.commit()
        assert als_normenset(rij).afgeleid_van == basis.label
