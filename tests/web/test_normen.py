"""Normensets: list, view, upload (validated, every problem with its line), activate."""

import io

from sqlalchemy import func, select

from app.extensions import db
from app.models import Normenset as NormensetRij
from formatie.loader import standaard_normenset

STANDAARD = standaard_normenset().bron_tekst


def upload(client, tekst: str | bytes, naam="nieuw.toml"):
    data = tekst.encode() if isinstance(tekst, str) else tekst
    return client.post("/normen/upload", data={"bestand": (io.BytesIO(data), naam)},
                       content_type="multipart/form-data")


def aantal(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(NormensetRij))


def test_list_and_detail(client, auth):
    auth.als("gemeente")
    r = client.get("/normen")
    assert "Standaard 2026" in r.text and "Actief" in r.text
    assert "Nieuwe normenset toevoegen" not in r.text  # upload only for the beheerder
    r = client.get("/normen/1")
    assert "Leerplicht" in r.text and "Doorstroompunt" in r.text
    assert "Intensief thuiszittertraject" in r.text and "35,00 – 100,00" in r.text
    assert "Leerplichtigen (5 tot en met 16 jaar)" in r.text and "aanname" in r.text
    assert "Maak deze normenset actief" not in r.text


def test_upload_and_activate(client, auth, app):
    auth.als("beheerder")
    assert "Nieuwe normenset toevoegen" in client.get("/normen").text
    r = upload(client, STANDAARD.replace('versie = "2026.1"', 'versie = "2026.2"'))
    assert r.status_code == 302 and r.headers["Location"] == "/normen/2"
    r = client.get("/normen/2")
    assert "nog niet actief" in r.text and "Maak deze normenset actief" in r.text
    r = client.post("/normen/2/activeer")
    assert r.status_code == 302
    with app.app_context():
        actief = list(db.session.scalars(select(NormensetRij).where(NormensetRij.actief)))
        assert [(n.id, n.versie, n.uploaded_by) for n in actief] == [(2, "2026.2", 4)]
    client.post("/normen/1/activeer")
    with app.app_context():
        assert db.session.scalar(select(NormensetRij.id).where(NormensetRij.actief)) == 1


def test_invalid_upload_shows_every_problem_with_line(client, auth, app):
    auth.als("beheerder")
    tekst = (STANDAARD.replace('versie = "2026.1"', 'versie = "kapot"')
             .replace("uren = 60.0", "uren = -60.0")
             .replace('functie = "doorstroompunt"\nnaam = "Opvolging', 'functie = "onbekend"\n'
                      'naam = "Opvolging'))
    r = upload(client, tekst)
    assert r.status_code == 422
    assert "De normenset is niet opgeslagen" in r.text
    assert "nieuw.toml, regel" in r.text
    assert "uren mag niet negatief zijn" in r.text
    assert "onbekende functie" in r.text
    assert aantal(app) == 1


def test_upload_refusals(client, auth, app):
    auth.als("beheerder")
    r = upload(client, STANDAARD)
    assert r.status_code == 422 and "bestaat al een normenset" in r.text
    r = upload(client, b"\xff\xfe\x00kapot")
    assert r.status_code == 422 and "geen UTF-8-tekst" in r.text
    r = upload(client, "dit = [is geen toml")
    assert r.status_code == 422 and "geen geldige TOML" in r.text
    r = client.post("/normen/upload", data={}, content_type="multipart/form-data")
    assert r.status_code == 422 and "Kies een TOML-bestand" in r.text
    assert aantal(app) == 1


def test_database_allows_one_active_normenset(app):
    import pytest
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        db.session.add(NormensetRij(naam="X", versie="1", toml="", actief=True))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
