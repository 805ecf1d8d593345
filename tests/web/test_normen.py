"""Normensets: list, view, upload (validated, every problem with its line), activate."""

import io
import re

import vijandig
from markupsafe import escape
from sqlalchemy import func, select

from app.extensions import db
from app.models import InvoerRij, NormensetRij, ScenarioRij, User
from formatie.getallen import format_euro, format_getal
from formatie.normenset_toml import standaard_normenset

from .conftest import EIGEN, EIGEN_REGIO, JAAR, tabel

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
    thuiszitter = standaard_normenset().taak("thuiszitter_traject")
    assert thuiszitter.naam in r.text
    assert (f"{format_getal(thuiszitter.uren_laag, 2)} – {format_getal(thuiszitter.uren_hoog, 2)}"
            in r.text)
    assert escape(standaard_normenset().invoer_by_sleutel("leerplichtigen").naam) in r.text
    assert "aanname" in r.text
    # the price of an fte per functie, with its parts (issue 22)
    for f in standaard_normenset().functies:
        assert format_euro(f.kosten_per_fte) in r.text
        assert format_euro(f.salaris_per_fte) in r.text
    # provenance: of the set, of every organisation parameter, of every taak
    n = standaard_normenset()
    assert (f'Afgeleid van</dt><dd class="utrecht-data-list__item-value '
            f'utrecht-data-list__item-value--html-dd">{n.afgeleid_van}') in r.text
    assert f"vanaf schooljaar {n.geldig_vanaf}" in r.text
    leiding = n.functie("leerplicht")
    assert escape(leiding.bron_van("leiding")) in r.text
    assert escape(leiding.toelichting_van("leiding")) in r.text
    assert all(escape(t.bron) in r.text for t in n.taken)
    assert "Maak deze normenset actief" not in r.text


def test_upload_and_activate(client, auth, app):
    auth.als("beheerder")
    assert "Nieuwe normenset toevoegen" in client.get("/normen").text
    r = upload(client, STANDAARD.replace('versie = "2026.3"', 'versie = "2026.9"'))
    assert r.status_code == 302 and r.headers["Location"] == "/normen/2"
    r = client.get("/normen/2")
    assert "nog niet actief" in r.text and "Maak deze normenset actief" in r.text
    r = client.post("/normen/2/activeer")
    assert r.status_code == 302
    with app.app_context():
        actief = list(db.session.scalars(select(NormensetRij).where(NormensetRij.actief)))
        assert [(n.id, n.versie, n.uploaded_by) for n in actief] == [(2, "2026.9", 4)]
    client.post("/normen/1/activeer")
    with app.app_context():
        assert db.session.scalar(select(NormensetRij.id).where(NormensetRij.actief)) == 1


def test_invalid_upload_shows_every_problem_with_line(client, auth, app):
    auth.als("beheerder")
    tekst = (STANDAARD.replace('versie = "2026.3"', 'versie = "kapot"')
             .replace("uren = 40.0", "uren = -40.0", 1)
             .replace('functie = "doorstroompunt"\nnaam = "Opvolging', 'functie = "onbekend"\n'
                      'naam = "Opvolging'))
    r = upload(client, tekst)
    assert r.status_code == 422
    assert "De normenset is niet opgeslagen" in r.text
    assert "nieuw.toml, regel" in r.text
    assert "uren moet van 0 tot en met 2.000 uur per eenheid zijn" in r.text
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


def test_other_gemeenten_normensets_stay_hidden(client, auth, app, vul_invoer):
    """A normenset stored by a gemeente (edited Excel norms) or a region (kalibratie) holds its
    own norms: other gemeenten neither list nor open it; the beheerder sees everything."""
    invoer_id = vul_invoer(EIGEN)
    with app.app_context():
        def uid(email):
            return db.session.scalar(select(User.id).where(User.email == email))

        def rij(versie, door):
            n = NormensetRij(naam="Standaard 2026", versie=versie, actief=False,
                             toml=STANDAARD.replace('versie = "2026.3"', f'versie = "{versie}"'),
                             uploaded_by=uid(door))
            db.session.add(n)
            db.session.flush()
            return n.id

        ids = {  # versie → id
            "u-eigen": rij("u-eigen", "utrecht@test.nl"),
            "u-invoer": rij("u-invoer", "utrecht@test.nl"),
            "u-scenario": rij("u-scenario", "utrecht@test.nl"),
            "r-kalibratie": rij("r-kalibratie", "regio@test.nl"),
            "b-upload": rij("b-upload", "beheerder@test.nl"),
        }
        # Apeldoorn's invoer and a scenario of its region use two of Utrecht's normensets
        db.session.get(InvoerRij, invoer_id).normenset_id = ids["u-invoer"]
        db.session.add(ScenarioRij(naam="Regio", regio_code=EIGEN_REGIO, jaar=JAAR, normenset_id=1,
                                werkboek_normenset_id=ids["u-scenario"], parameters={},
                                basis={}, overrides={}, owner_id=uid("regio@test.nl")))
        db.session.commit()
    verwacht = {
        "gemeente": {"u-invoer", "b-upload"},
        "regio": {"u-invoer", "u-scenario", "r-kalibratie", "b-upload"},
        "andere_gemeente": {"u-eigen", "u-invoer", "u-scenario", "b-upload"},
        "beheerder": set(ids),
    }
    for rol, zichtbaar in verwacht.items():
        auth.als(rol)
        lijst = client.get("/normen").text
        assert "2026.3" in lijst and client.get("/normen/1").status_code == 200, rol
        for versie, normenset_id in ids.items():
            r = client.get(f"/normen/{normenset_id}")
            assert r.status_code == (200 if versie in zichtbaar else 404), (rol, versie)
            assert (versie in lijst) == (versie in zichtbaar), (rol, versie)


def test_a_gemeentes_own_normensets_are_visible_to_its_colleagues_and_its_region(
        client, auth, app):
    """Issue 12, point 13 (and the README): a normenset that a gemeente (Excel import) or a
    region (kalibratie) made is visible to whoever may see that gemeente or region."""
    with app.app_context():
        def gebruiker(email, role, gemeente=None, regio=None):
            u = User(email=email, role=role, gemeente_code=gemeente, regio_code=regio,
                     password_hash="x", active=True)
            db.session.add(u)
            db.session.flush()
            return u

        def rij(versie, door):
            n = NormensetRij(naam="Standaard 2026", versie=versie, actief=False,
                             toml=STANDAARD.replace('versie = "2026.1"', f'versie = "{versie}"'),
                             uploaded_by=door.id)
            db.session.add(n)
            db.session.flush()
            return n.id

        maker = db.session.scalar(select(User).where(User.email == "gemeente@test.nl"))
        regio = db.session.scalar(select(User).where(User.email == "regio@test.nl"))
        sessies = {
            "collega": gebruiker("collega@test.nl", "gemeente", EIGEN).get_id(),
            "regiocollega": gebruiker("regio2@test.nl", "regio", regio=EIGEN_REGIO).get_id(),
            "ander": db.session.scalar(select(User).where(
                User.email == "utrecht@test.nl")).get_id(),
            "regio": regio.get_id(),
        }
        excel, kalibratie = rij("eigen-excel", maker), rij("regio-kalibratie", regio)
        db.session.commit()
    verwacht = {"collega": {excel}, "regio": {excel, kalibratie},
                "regiocollega": {excel, kalibratie}, "ander": set()}
    for wie, zichtbaar in verwacht.items():
        with client.session_transaction() as sessie:
            sessie.clear()
            sessie["_user_id"] = sessies[wie]
        for normenset_id in (excel, kalibratie):
            assert client.get(f"/normen/{normenset_id}").status_code == (
                200 if normenset_id in zichtbaar else 404), (wie, normenset_id)


def test_hostile_toml_is_refused_with_422_not_500(client, auth, app):
    """Issue 12, point 6: nesting 5,000 deep and a 5,000-digit integer crashed tomllib."""
    auth.als("beheerder")
    voor = aantal(app)
    for tekst, melding in ((vijandig.diepe_toml(), "lagen diep genest"),
                           (vijandig.reuzengetal_toml(), "een getal heeft te veel cijfers")):
        r = upload(client, tekst)
        assert r.status_code == 422 and melding in r.text
    assert aantal(app) == voor


def test_a_normenset_with_norm_hours_of_1e308_is_refused(client, auth, app):
    """Issue 12 (hostile input): the bound itself lives in the parameter table."""
    auth.als("beheerder")
    voor = aantal(app)
    tekst = re.sub(r"(?m)^uren = .*\nuren_laag = .*\nuren_hoog = .*$",
                   "uren = 1e308\nuren_laag = 1e308\nuren_hoog = 1e308",
                   STANDAARD.replace('versie = "2026.1"', 'versie = "groot"'), count=1)
    assert "1e308" in tekst
    r = upload(client, tekst)
    assert r.status_code == 422
    assert aantal(app) == voor


# ----- the validation a norm's bron points to -------------------------------------------------


def test_a_bron_pointing_to_docs_validatie_links_to_the_validation_page(client, auth, app):
    from app.views.validatie import _validatie_tekst
    from formatie.referentie import load_referentie
    from formatie.validatie import valideer

    n = standaard_normenset()
    verwijzend = [t for t in n.taken if "docs/validatie.md" in (t.bron or "")]
    assert verwijzend  # the shipped set has such norms
    assert client.get("/validatie").status_code == 302  # login first
    auth.als("gemeente")
    with app.app_context():
        rij_id = db.session.scalar(select(NormensetRij.id).where(NormensetRij.actief))
    detail = client.get(f"/normen/{rij_id}").text
    assert detail.count('href="/validatie">validatie (docs/validatie.md)</a>') >= len(verwijzend)
    assert '<a class="nl-link" href="/validatie">validatie</a>' in client.get("/normen").text
    # the gemeente page's norm sources too
    from .conftest import bewaar_invoer

    bewaar_invoer(app, EIGEN)
    resultaat = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat").text
    assert 'href="/validatie">validatie (docs/validatie.md)</a>' in resultaat
    # the page: the text and tables of `formatie valideer`, for the active normenset
    r = client.get("/validatie")
    assert r.status_code == 200
    v = valideer(n, load_referentie())
    tabellen = [tabel(r.text, i) for i in re.findall(r'id="(validatie-\d+)"', r.text)]
    assert len(tabellen) >= 3  # fit, staffing, norms (and the national series)
    bezetting = next(t for t in tabellen if t[0][0] == "bezetting")
    assert len(bezetting) == 1 + len(v.punten)
    for rij, p in zip(bezetting[1:], v.punten, strict=True):
        assert rij[0] == f"{p.gebied} ({p.functie})" and rij[4] == format_getal(p.model, 1)
    assert f"{format_getal(v.landelijk_fte, 1)} fte" in r.text
    assert "<script" not in r.text.split("<main")[-1]  # text from the data stays text
    treffers = _validatie_tekst.cache_info().hits
    assert client.get("/validatie").status_code == 200
    assert _validatie_tekst.cache_info().hits == treffers + 1  # seconds of drawing, once


def test_the_validation_markdown_becomes_escaped_tables_and_paragraphs():
    from app.views.validatie import als_blokken

    p, t = als_blokken("Eerst **vet** en `code` <b>niet</b>.\n\n| a | b |\n|---|---|\n"
                       "| x <i> | 1,5 |\n| y | 2 fte |")
    assert str(p.tekst) == ('Eerst <strong>vet</strong> en <code class="nl-code">code</code> '
                            "&lt;b&gt;niet&lt;/b&gt;.")
    assert [str(c) for c in t.kop] == ["a", "b"] and str(t.rijen[0][0]) == "x &lt;i&gt;"
    assert [t.is_getal(r[1]) for r in t.rijen] == [True, True]
    assert not t.is_getal(t.rijen[0][0])


def test_the_json_with_range_link_gives_the_range(client, auth, app):
    from .conftest import bewaar_invoer

    bewaar_invoer(app, EIGEN)
    auth.als("gemeente")
    html = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat").text
    link = re.search(r'href="([^"]+)">JSON met bandbreedte</a>', html).group(1)
    assert link.endswith("resultaat.json?onzekerheid=1")
    gemeente = client.get(link.replace("&amp;", "&")).json["gemeenten"][0]
    assert gemeente["bereik_totaal"]["p10"] <= gemeente["bereik_totaal"]["p90"]
