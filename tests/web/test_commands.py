"""`flask init`, `flask users`, `flask demo` and the migrations on an empty database."""

import re
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from app import create_app
from app.extensions import db
from app.models import GemeenteRij, InvoerRij, NormensetRij, RegioRij, User
from formatie.normenset_toml import NORMEN, standaard_normenset

from .conftest import maak_config

TABELLEN = {"alembic_version", "audit_entry", "gemeente", "invoer", "login_attempt",
            "normenset", "regio", "users", "scenario", "werkboek_upload", "regio_bezetting",
            "sso_poging", "team", "team_lid", "team_bezetting", "rekencache"}


@pytest.fixture
def leeg_app(lege_database, tmp_path):
    app = create_app(maak_config(lege_database.url), instance_path=str(tmp_path / "i"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_db_upgrade_on_empty_database(leeg_app):
    with leeg_app.app_context():
        assert set(inspect(db.engine).get_table_names()) == set()
    uit = leeg_app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert uit.exit_code == 0, uit.output
    with leeg_app.app_context():
        inspector = inspect(db.engine)
        assert set(inspector.get_table_names()) == TABELLEN
        kolommen = {k["name"] for k in inspector.get_columns("invoer")}
        assert {"waarden", "bezetting", "version", "normenset_id", "status"} <= kolommen
        uniek = {tuple(u["column_names"]) for u in inspector.get_unique_constraints("invoer")}
        assert ("gemeente_code", "jaar") in uniek
    # the models match the migrations: autogenerate finds nothing to do
    uit = leeg_app.test_cli_runner().invoke(args=["db", "check"])
    assert uit.exit_code == 0, uit.output


def test_init_adds_a_new_default_to_an_existing_database_without_touching_stored_sets(leeg_app):
    """A database made with the earlier default (2026.1) gets the new one added and active; the
    old row and its text stay, so invoer stored under it still count with it."""
    oud = (NORMEN / "standaard-2026.toml").read_text(encoding="utf-8")
    runner = leeg_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with leeg_app.app_context():
        db.session.add(NormensetRij(naam="Standaard 2026", versie="2026.1", toml=oud, actief=True))
        db.session.commit()
    uit = runner.invoke(args=["init"])
    assert uit.exit_code == 0, uit.output
    nieuw = standaard_normenset()
    assert f"Normenset {nieuw.label} geïnstalleerd en actief gemaakt" in uit.output
    with leeg_app.app_context():
        rijen = {r.versie: r for r in db.session.scalars(select(NormensetRij))}
        assert set(rijen) == {"2026.1", nieuw.versie}
        assert rijen[nieuw.versie].actief and not rijen["2026.1"].actief
        assert rijen["2026.1"].toml == oud


def test_init_keeps_a_normenset_the_beheerder_chose_active(leeg_app):
    runner = leeg_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with leeg_app.app_context():
        beheerder = User(email="b@test.nl", role="beheerder", password_hash="x")
        db.session.add(beheerder)
        db.session.flush()
        eigen = standaard_normenset().bron_tekst.replace(
            f'versie = "{standaard_normenset().versie}"', 'versie = "eigen"')
        db.session.add(NormensetRij(naam="Standaard 2026", versie="eigen", toml=eigen, actief=True,
                                 uploaded_by=beheerder.id))
        db.session.commit()
    uit = runner.invoke(args=["init"])
    assert uit.exit_code == 0, uit.output
    assert "niet actief" in uit.output
    with leeg_app.app_context():
        assert db.session.scalar(select(NormensetRij.versie).where(NormensetRij.actief)) == "eigen"
        assert db.session.scalar(select(func.count()).select_from(NormensetRij)) == 2


def test_init_is_idempotent(leeg_app):
    runner = leeg_app.test_cli_runner()
    for ronde in range(2):
        uit = runner.invoke(args=["init"])
        assert uit.exit_code == 0, uit.output
        assert "40 regio's, 342 gemeenten" in uit.output
        assert ("Normenset Standaard 2026 (2026.3) geïnstalleerd" in uit.output) == (ronde == 0)
        with leeg_app.app_context():
            assert db.session.scalar(select(func.count()).select_from(GemeenteRij)) == 342
            assert db.session.scalar(select(func.count()).select_from(RegioRij)) == 40
            assert db.session.scalar(select(func.count()).select_from(NormensetRij)) == 1
            assert db.session.scalar(select(NormensetRij.actief))
            ams = db.session.get(GemeenteRij, "0363")
            assert ams.naam == "Amsterdam" and ams.regio_code == "MC21"
            assert ams.inwoners == 931298


def test_users_create_with_password_stdin(app, runner):
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"  # what production uses, see test_factory
    uit = runner.invoke(args=["users", "create", "Nieuw@Gemeente.nl", "--role", "gemeente",
                              "--gemeente", "363", "--password-stdin"],
                        input="een-heel-goed-wachtwoord\n")
    assert uit.exit_code == 0, uit.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "nieuw@gemeente.nl"))
        assert user.role == "gemeente" and user.gemeente_code == "0363"
        assert user.password_hash.startswith("scrypt:")
        assert user.check_password("een-heel-goed-wachtwoord")
    client = app.test_client()
    r = client.post("/login", data={"email": "nieuw@gemeente.nl",
                                    "password": "een-heel-goed-wachtwoord"})
    assert r.status_code == 302


@pytest.mark.parametrize(("args", "invoer", "melding"), [
    (["x@y.nl", "--role", "gemeente", "--password-stdin"], "lang-genoeg-wachtwoord\n",
     "rol gemeente vraagt een bestaande gemeentecode"),
    (["x@y.nl", "--role", "gemeente", "--gemeente", "9999", "--password-stdin"],
     "lang-genoeg-wachtwoord\n", "rol gemeente vraagt een bestaande gemeentecode"),
    (["x@y.nl", "--role", "regio", "--regio", "MC99", "--password-stdin"],
     "lang-genoeg-wachtwoord\n", "rol regio vraagt een bestaande regiocode"),
    (["x@y.nl", "--role", "beheerder", "--password-stdin"], "kort\n", "minstens 12 tekens"),
    (["gemeente@test.nl", "--role", "beheerder", "--password-stdin"],
     "lang-genoeg-wachtwoord\n", "bestaat al"),
    (["geen-adres", "--role", "beheerder", "--password-stdin"], "lang-genoeg-wachtwoord\n",
     "geen geldig e-mailadres"),
])
def test_users_create_refusals(app, runner, args, invoer, melding):
    uit = runner.invoke(args=["users", "create", *args], input=invoer)
    assert uit.exit_code != 0 and melding in uit.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 4


def test_users_create_regio_and_password_reset(app, runner):
    uit = runner.invoke(args=["users", "create", "bureau@mc21.nl", "--role", "regio",
                              "--regio", "mc21"], input="wachtwoord-bureau-21\n" * 2)
    assert uit.exit_code == 0, uit.output
    uit = runner.invoke(args=["users", "password", "bureau@mc21.nl", "--password-stdin"],
                        input="nieuw-wachtwoord-123\n")
    assert uit.exit_code == 0
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "bureau@mc21.nl"))
        assert user.regio_code == "MC21" and user.check_password("nieuw-wachtwoord-123")
    assert "bureau@mc21.nl\tregio\tMC21" in runner.invoke(args=["users", "list"]).output


def test_demo_accounts(app, runner):
    uit = runner.invoke(args=["demo"])
    assert uit.exit_code == 0, uit.output
    wachtwoorden = dict(re.findall(r"(\S+@demo\.formatietool\.nl)  wachtwoord: (\S+)",
                                   uit.output))
    assert len(wachtwoorden) == 2 and len(set(wachtwoorden.values())) == 2
    client = app.test_client()
    for email, password in wachtwoorden.items():
        assert len(password) >= 16
        r = client.post("/login", data={"email": email, "password": password})
        assert r.status_code == 302, email
        client.post("/logout")
    bestand = Path(app.instance_path) / "demo-accounts.txt"
    assert stat.S_IMODE(bestand.stat().st_mode) == 0o600
    assert all(f"{e}\t{w}" in bestand.read_text() for e, w in wachtwoorden.items())


def test_demo_shows_the_same_logins_again_until_a_password_changes(app, runner):
    eerste = runner.invoke(args=["demo"]).output
    assert eerste.startswith("┌") and eerste.rstrip().endswith("┘")
    assert "http://127.0.0.1:" in eerste and "instance" in eerste
    wachtwoorden = dict(re.findall(r"(\S+@demo\.formatietool\.nl)  wachtwoord: (\S+)", eerste))
    tweede = runner.invoke(args=["demo"])
    assert tweede.exit_code == 0
    assert dict(re.findall(r"(\S+@demo\.formatietool\.nl)  wachtwoord: (\S+)",
                           tweede.output)) == wachtwoorden
    beheerder = next(e for e in wachtwoorden if e.startswith("beheerder"))
    assert runner.invoke(args=["users", "password", beheerder, "--password-stdin"],
                         input="een-nieuw-lang-wachtwoord\n").exit_code == 0
    derde = runner.invoke(args=["demo"]).output
    assert f"{beheerder}  wachtwoord:" not in derde
    assert "wachtwoord gewijzigd" in derde and f"users password {beheerder}" in derde


def test_demo_on_empty_database_explains(leeg_app):
    uit = leeg_app.test_cli_runner().invoke(args=["demo"])
    assert uit.exit_code != 0 and "voer eerst 'flask --app app init' uit" in uit.output


def test_regio_bezetting_migration_keeps_the_audit_trail_and_goes_back(leeg_app):
    """5d2e8a41c7b3: audit entries of invoer survive; a region's entries go on downgrade."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    runner = leeg_app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    assert runner.invoke(args=["db", "downgrade", "5c2e7a91d4f3"]).exit_code == 0
    with leeg_app.app_context():
        db.session.execute(text(
            "INSERT INTO invoer (gemeente_code, jaar, status, waarden, bezetting, version, "
            "updated_at) VALUES ('0200', 2025, 'concept', '{}', '{}', 1, "
            "'2026-01-01 00:00:00')"))
        db.session.execute(text(
            "INSERT INTO audit_entry (invoer_id, invoer_version, timestamp, field, action) "
            "SELECT id, 1, '2026-01-01 00:00:00', 'status', 'concept' FROM invoer"))
        db.session.commit()
    uit = runner.invoke(args=["db", "upgrade"])
    assert uit.exit_code == 0, uit.output
    with leeg_app.app_context():
        assert db.session.execute(text(
            "SELECT count(*) FROM audit_entry WHERE invoer_id IS NOT NULL")).scalar() == 1
        db.session.execute(text(
            "INSERT INTO regio_bezetting (regio_code, jaar, waarden, version, updated_at) "
            "VALUES ('MC11', 2025, '{}', 1, '2026-01-01 00:00:00')"))
        db.session.execute(text(
            "INSERT INTO audit_entry (regio_bezetting_id, invoer_version, timestamp, field, "
            "action) SELECT id, 1, '2026-01-01 00:00:00', 'bezetting_doorstroompunt', "
            "'concept' FROM regio_bezetting"))
        db.session.commit()
        with pytest.raises(IntegrityError):  # an entry belongs to exactly one saved row
            db.session.execute(text(
                "INSERT INTO audit_entry (invoer_version, timestamp, field, action) "
                "VALUES (1, '2026-01-01 00:00:00', 'x', 'concept')"))
        db.session.rollback()
    uit = runner.invoke(args=["db", "downgrade", "5c2e7a91d4f3"])
    assert uit.exit_code == 0, uit.output
    with leeg_app.app_context():
        db.session.remove()
        assert "regio_bezetting" not in inspect(db.engine).get_table_names()
        assert db.session.execute(text("SELECT count(*) FROM audit_entry")).scalar() == 1


def test_password_prompt_asks_and_complains_in_dutch(app, runner):
    """Without --password-stdin the password is asked twice, in Dutch; two different entries
    are asked again (click's own texts were "Repeat for confirmation" and "Error: The two
    entered values do not match")."""
    uit = runner.invoke(args=["users", "password", "gemeente@test.nl"],
                        input="eerste-wachtwoord-1\nander-wachtwoord-2\n"
                              "nieuw-wachtwoord-123\nnieuw-wachtwoord-123\n")
    assert uit.exit_code == 0, uit.output
    assert "Herhaal het wachtwoord" in uit.output
    assert "De twee wachtwoorden verschillen" in uit.output
    assert "Repeat" not in uit.output and "Error" not in uit.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "gemeente@test.nl"))
        assert user.check_password("nieuw-wachtwoord-123")


def test_herkomst_migration_gives_old_rows_no_herkomst_and_goes_back(leeg_app):
    """7a3f9c2d1e54 on a database with figures (SQLite keeps its foreign keys on): old values
    get no herkomst (onbekend); downgrading drops the column and keeps figures and audit."""
    from sqlalchemy import text

    runner = leeg_app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    assert runner.invoke(args=["db", "downgrade", "5d2e8a41c7b3"]).exit_code == 0
    with leeg_app.app_context():
        db.session.execute(text(
            "INSERT INTO invoer (gemeente_code, jaar, status, waarden, bezetting, version, "
            "updated_at) VALUES ('0200', 2025, 'concept', '{\"scholen\": 5.0}', '{}', 1, "
            "'2026-01-01 00:00:00')"))
        db.session.execute(text(
            "INSERT INTO audit_entry (invoer_id, invoer_version, timestamp, field, action) "
            "SELECT id, 1, '2026-01-01 00:00:00', 'scholen', 'concept' FROM invoer"))
        db.session.commit()
    uit = runner.invoke(args=["db", "upgrade"])
    assert uit.exit_code == 0, uit.output
    with leeg_app.app_context():
        rij = db.session.scalar(select(InvoerRij))
        assert rij.herkomst == {}  # herkomst onbekend (formatie.herkomst.lees)
        db.session.remove()
    uit = runner.invoke(args=["db", "downgrade", "5d2e8a41c7b3"])
    assert uit.exit_code == 0, uit.output
    with leeg_app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM audit_entry")).scalar() == 1
        assert db.session.execute(text("SELECT waarden FROM invoer")).scalar() is not None
