"""The operations commands of app/beheer.py: backup, restore, copy-data and check.

All against real databases: SQLite files (the online backup API) and throwaway PostgreSQL
databases (pg_dump/pg_restore, the SQLite → PostgreSQL move).
"""

from __future__ import annotations

import shutil
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from app import create_app
from app.extensions import db
from app.models import (
    AuditEntry,
    GemeenteRij,
    InvoerRij,
    LoginAttempt,
    NormensetRij,
    ScenarioRij,
    User,
    WerkboekUploadRij,
    utcnow,
)
from app.services.accounts import maak_gebruiker
from app.services.cijfers import basis_als_json, cijfers_gemeente
from formatie.scenario import Scenario

from .conftest import EIGEN, JAAR, WACHTWOORD, geschatte_waarden, maak_config

PAD = f"/gemeente/{EIGEN}/{JAAR}"
PG_DUMP = pytest.mark.skipif(shutil.which("pg_dump") is None,
                             reason="pg_dump ontbreekt (Debian-pakket postgresql-client)")


def formulier(app, versie: int, **over) -> dict:
    data = {s: str(int(v)) for s, v in geschatte_waarden(app, EIGEN).items() if v == v}
    return data | {"bezetting_leerplicht": "7,5", "bezetting_doorstroompunt": "2",
                   "version": str(versie)} | over


def vul_alles(app) -> None:
    """A row in every table, through the real paths where there is one: a password login
    (login_attempt), two saves of the form (invoer, versions, audit trail), a second normenset,
    a scenario and a pending workbook upload."""
    client = app.test_client()
    assert client.post("/login", data={"email": "gemeente@test.nl",
                                       "password": WACHTWOORD}).status_code == 302
    assert client.post(PAD, data=formulier(app, 0, concept="1")).status_code == 302
    assert client.post(PAD, data=formulier(app, 1, leerplichtigen="1.234,5",
                                           indienen="1")).status_code == 302
    with app.app_context():
        gebruiker = db.session.scalar(select(User).where(User.email == "gemeente@test.nl"))
        db.session.add(NormensetRij(naam="Eigen normen", versie="ë-1", toml="naam = 'x'\n",
                                 actief=False, uploaded_by=gebruiker.id))
        basis = cijfers_gemeente(db.session.get(GemeenteRij, EIGEN), JAAR)
        db.session.add(ScenarioRij(
            naam="Groei 10 % — Apeldoorn", owner_id=gebruiker.id, gemeente_code=EIGEN,
            jaar=JAAR, normenset_id=basis.rijen[0].id,
            parameters=Scenario(naam="Groei", gemeentecodes=(EIGEN,),
                                          jaar=JAAR).to_dict(),
            basis=basis_als_json(basis), overrides={EIGEN: {"leerplichtigen": 0.1}}))
        db.session.add(WerkboekUploadRij(token="t" * 40, user_id=gebruiker.id, scope="gemeente",
                                      scope_code=EIGEN, jaar=JAAR, payload={"a": [1.5, None]},
                                      expires_at=utcnow() + timedelta(hours=1)))
        db.session.commit()


def inhoud(url: str) -> dict[str, list[tuple]]:
    """Every row of every table of the app, ordered by primary key (types as the app reads
    them: aware datetimes, dicts, booleans)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t.name: [tuple(r) for r in conn.execute(
                select(t).order_by(*t.primary_key.columns))] for t in db.metadata.sorted_tables}
    finally:
        engine.dispose()


def url_van(app) -> str:
    with app.app_context():
        return db.engine.url.render_as_string(hide_password=False)


def flask(app, *args, invoer: str | None = None):
    return app.test_cli_runner().invoke(args=list(args), input=invoer)


@pytest.fixture
def maak_app(tmp_path):
    """``maak_app(config)``: create_app on its own instance folder; engines closed after."""
    apps = []

    def maak(config: dict):
        app = create_app(config, instance_path=str(tmp_path / f"instance{len(apps)}"))
        apps.append(app)
        return app

    yield maak
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# ----- backup and restore (SQLite) ----------------------------------------------------------


def test_backup_is_a_private_self_contained_copy_with_every_row(sqlite_app, tmp_path):
    vul_alles(sqlite_app)
    uit = flask(sqlite_app, "backup", str(tmp_path / "backups"))
    assert uit.exit_code == 0, uit.output
    [bestand] = (tmp_path / "backups").iterdir()
    assert bestand.name.startswith("formatie-") and bestand.suffix == ".sqlite3"
    assert f"Back-up geschreven: {bestand}" in uit.output
    assert stat.S_IMODE(bestand.stat().st_mode) == 0o600
    with sqlite3.connect(bestand) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert inhoud(f"sqlite:///{bestand}") == inhoud(url_van(sqlite_app))


def test_backup_during_an_open_write_holds_only_what_was_committed(sqlite_app, tmp_path):
    """The online backup API takes a reader's snapshot: a save still in progress is not in it."""
    pad = Path(url_van(sqlite_app).removeprefix("sqlite:///"))
    schrijver = sqlite3.connect(pad, isolation_level=None)
    schrijver.execute("BEGIN IMMEDIATE")
    schrijver.execute("UPDATE gemeente SET naam = 'Half opgeslagen' WHERE code = ?", (EIGEN,))
    uit = flask(sqlite_app, "backup", str(tmp_path / "tijdens"))
    schrijver.execute("COMMIT")
    schrijver.close()
    assert uit.exit_code == 0, uit.output
    uit = flask(sqlite_app, "backup", str(tmp_path / "erna"))
    assert uit.exit_code == 0, uit.output

    def naam(map_: Path) -> str:
        [bestand] = map_.iterdir()
        with sqlite3.connect(bestand) as conn:
            return conn.execute("SELECT naam FROM gemeente WHERE code = ?", (EIGEN,)).fetchone()[0]

    assert naam(tmp_path / "tijdens") == "Apeldoorn"
    assert naam(tmp_path / "erna") == "Half opgeslagen"


def test_restore_brings_back_every_row_and_the_running_app_sees_it(sqlite_app, tmp_path):
    vul_alles(sqlite_app)
    voor = inhoud(url_van(sqlite_app))
    assert flask(sqlite_app, "backup", str(tmp_path / "b")).exit_code == 0
    [bestand] = (tmp_path / "b").iterdir()
    with sqlite_app.app_context():  # a mistake after the backup
        db.session.execute(db.delete(AuditEntry))
        db.session.execute(db.delete(ScenarioRij))
        db.session.commit()
    assert inhoud(url_van(sqlite_app)) != voor

    uit = flask(sqlite_app, "restore", str(bestand), "--yes")
    assert uit.exit_code == 0, uit.output
    assert inhoud(url_van(sqlite_app)) == voor
    vangnet = list(Path(url_van(sqlite_app).removeprefix("sqlite:///")).parent.glob(
        "formatie.db.voor-restore-*"))
    assert len(vangnet) == 1 and f"bewaard als {vangnet[0]}" in uit.output
    client = sqlite_app.test_client()
    client.post("/login", data={"email": "gemeente@test.nl", "password": WACHTWOORD})
    assert "1234,5" in client.get(PAD).text


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(sqlite_app, tmp_path):
    voor = inhoud(url_van(sqlite_app))
    ander = tmp_path / "notities.sqlite3"
    ander.write_text("geen database")
    leeg = tmp_path / "leeg.sqlite3"
    sqlite3.connect(leeg).execute("CREATE TABLE x (a)").connection.close()
    for bestand, melding in ((ander, "is geen SQLite-back-up"),
                             (leeg, "geen database van de Formatietool")):
        uit = flask(sqlite_app, "restore", str(bestand), "--yes")
        assert uit.exit_code == 1 and melding in uit.output, uit.output
        assert "Traceback" not in uit.output
    assert inhoud(url_van(sqlite_app)) == voor


def test_backup_and_restore_explain_a_wrong_path_in_dutch(sqlite_app, tmp_path):
    bestand = tmp_path / "een-bestand"
    bestand.write_text("x")
    uit = flask(sqlite_app, "backup", str(bestand))
    assert uit.exit_code == 1
    assert f"Fout: kan de map {bestand} niet gebruiken (is een bestand)." in uit.output
    uit = flask(sqlite_app, "restore", str(tmp_path / "weg.sqlite3"), "--yes")
    assert uit.exit_code == 1 and "niet lezen (bestaat niet); er is niets gewijzigd" in uit.output
    uit = flask(sqlite_app, "restore", str(tmp_path), "--yes")
    assert uit.exit_code == 1 and "niet lezen (is een map)" in uit.output
    assert "Traceback" not in uit.output


def test_restore_asks_first_and_no_changes_nothing(sqlite_app, tmp_path):
    assert flask(sqlite_app, "backup", str(tmp_path / "b")).exit_code == 0
    [bestand] = (tmp_path / "b").iterdir()
    with sqlite_app.app_context():
        db.session.execute(db.delete(LoginAttempt))
        db.session.get(GemeenteRij, EIGEN).naam = "Gewijzigd na de back-up"
        db.session.commit()
    voor = inhoud(url_van(sqlite_app))
    uit = flask(sqlite_app, "restore", str(bestand), invoer="n\n")
    assert "worden vervangen door" in uit.output and "Doorgaan?" in uit.output
    assert uit.exit_code == 1 and "afgebroken; er is niets gewijzigd." in uit.output
    assert inhoud(url_van(sqlite_app)) == voor


# ----- PostgreSQL: backup/restore and the move from SQLite ----------------------------------


@pytest.mark.postgres
@PG_DUMP
def test_postgresql_backup_and_restore_with_pg_dump(sqlite_app, pg_database, tmp_path):
    assert flask(sqlite_app, "copy-data", "--to", pg_database).exit_code == 0
    app = create_app(maak_config(pg_database), instance_path=str(tmp_path / "pg"))
    try:
        voor = inhoud(pg_database)
        uit = flask(app, "backup", str(tmp_path / "b"))
        assert uit.exit_code == 0, uit.output
        [bestand] = (tmp_path / "b").iterdir()
        assert bestand.suffix == ".dump" and stat.S_IMODE(bestand.stat().st_mode) == 0o600
        with app.app_context():
            db.session.execute(db.delete(User).where(User.email == "regio@test.nl"))
            db.session.get(GemeenteRij, EIGEN).naam = "Gewijzigd"
            db.session.commit()
        assert inhoud(pg_database) != voor
        uit = flask(app, "restore", str(bestand), "--yes")
        assert uit.exit_code == 0, uit.output
        assert inhoud(pg_database) == voor
        sqlite_backup = tmp_path / "sqlite.sqlite3"
        shutil.copy(url_van(sqlite_app).removeprefix("sqlite:///"), sqlite_backup)
        fout = flask(app, "restore", str(sqlite_backup), "--yes")
        assert fout.exit_code == 1 and "geen pg_dump-back-up" in fout.output
        assert inhoud(pg_database) == voor
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.postgres
def test_copy_data_moves_everything_to_postgresql_and_the_app_runs_there(sqlite_app,
                                                                         pg_database,
                                                                         tmp_path):
    vul_alles(sqlite_app)
    bron = inhoud(url_van(sqlite_app))
    assert all(bron[t] for t in ("users", "invoer", "audit_entry", "normenset", "scenario",
                                 "login_attempt", "werkboek_upload", "gemeente", "regio"))

    uit = flask(sqlite_app, "copy-data", "--to", pg_database)
    assert uit.exit_code == 0, uit.output
    assert "Alle gegevens gekopieerd naar postgresql+psycopg://" in uit.output
    assert inhoud(pg_database) == bron
    assert inhoud(url_van(sqlite_app)) == bron  # the source is untouched

    app = create_app(maak_config(pg_database), instance_path=str(tmp_path / "pg"))
    try:
        assert flask(app, "check").exit_code == 0
        client = app.test_client()
        login = client.post("/login", data={"email": "gemeente@test.nl",
                                            "password": WACHTWOORD})
        assert login.status_code == 302  # the copied password hash works
        pagina = client.get(PAD)
        assert pagina.status_code == 200 and "1234,5" in pagina.text
        r = client.post(PAD, data=formulier(app, 2, leerplichtigen="1.300", indienen="1"))
        assert r.status_code == 302, r.text[:300]
        with app.app_context():
            invoer = db.session.scalar(select(InvoerRij))
            assert invoer.version == 3 and invoer.waarden["leerplichtigen"] == 1300
            nieuwste = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
            assert nieuwste.new == "1300" or "1300" in (nieuwste.new or "")
            assert nieuwste.id > max(r[0] for r in bron["audit_entry"])  # sequence moved on
            maak_gebruiker("nieuw@test.nl", "beheerder", "een-ander-lang-wachtwoord")
            db.session.commit()
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.postgres
def test_copy_data_refuses_a_target_that_already_holds_data(sqlite_app, pg_database):
    assert flask(sqlite_app, "copy-data", "--to", pg_database).exit_code == 0
    voor = inhoud(pg_database)
    uit = flask(sqlite_app, "copy-data", "--to", pg_database)
    assert uit.exit_code == 1
    assert "bevat al gegevens" in uit.output and "kies een lege database" in uit.output
    assert inhoud(pg_database) == voor


def test_copy_data_refuses_an_unreachable_target_with_a_dutch_message(sqlite_app):
    uit = flask(sqlite_app, "copy-data", "--to",
                "postgresql://formatie:geheim@127.0.0.1:1/formatie")
    assert uit.exit_code == 1 and "is niet bruikbaar" in uit.output, uit.output
    assert "geheim" not in uit.output and "Traceback" not in uit.output


# ----- check ---------------------------------------------------------------------------------


def test_check_passes_on_a_migrated_and_seeded_database(sqlite_app):
    uit = flask(sqlite_app, "check")
    assert uit.exit_code == 0, uit.output
    assert "ok      database: bereikbaar" in uit.output
    assert "ok      migraties: bijgewerkt" in uit.output
    assert uit.output.rstrip().endswith("Geen problemen gevonden.")


def test_check_reports_an_unreachable_database(maak_app):
    app = maak_app(maak_config("postgresql+psycopg://formatie:geheim@127.0.0.1:1/formatie"))
    uit = flask(app, "check")
    assert uit.exit_code == 1
    assert "fout    database: niet bereikbaar: postgresql+psycopg://formatie:***@127.0.0.1:1" \
        in uit.output
    assert "geheim" not in uit.output and "problemen gevonden." in uit.output


def test_check_reports_pending_migrations(maak_app, tmp_path):
    app = maak_app(maak_config(f"sqlite:///{tmp_path / 'oud.db'}"))
    assert flask(app, "check").output.count("de database is leeg") == 1
    assert flask(app, "db", "upgrade", "e1c8a9b8bfed").exit_code == 0  # the first migration
    uit = flask(app, "check")
    assert uit.exit_code == 1
    assert "fout    migraties: openstaand: database op e1c8a9b8bfed" in uit.output
    assert flask(app, "init").exit_code == 0
    assert flask(app, "check").exit_code == 0


@pytest.mark.parametrize(("omgeving", "url", "verwacht"), [
    ("een-sleutel-uit-de-omgeving", "postgresql", "ok      SECRET_KEY: uit de omgeving"),
    (None, "postgresql", "fout    SECRET_KEY: ontbreekt in de omgeving"),
    (None, "sqlite-in-instance", "let op  SECRET_KEY: niet in de omgeving"),
])
def test_check_reports_a_missing_secret_key(maak_app, monkeypatch, omgeving, url, verwacht):
    if omgeving:
        monkeypatch.setenv("SECRET_KEY", omgeving)
    else:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    uri = ("postgresql+psycopg://formatie@127.0.0.1:1/formatie" if url == "postgresql"
           else "sqlite:///formatie.db")
    app = maak_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri})
    uit = flask(app, "check")
    assert verwacht in uit.output, uit.output
    assert uit.exit_code == 1  # the unreachable or empty database is a problem either way


# ----- issue 19: backups that cannot be turned against the server ----------------------------


def test_backup_follows_no_symlink_planted_at_a_predictable_name(sqlite_app, tmp_path):
    """The temporary name was ".formatie-<second>.sqlite3.tmp": a symlink planted there for the
    coming seconds had the database with its password hashes written to the link's target."""
    map_ = tmp_path / "backups"
    map_.mkdir()
    slachtoffer = tmp_path / "slachtoffer.txt"
    slachtoffer.write_text("niet overschrijven")
    nergens = tmp_path / "bestaat-niet"
    nu = datetime.now(UTC)
    for s in range(-2, 30):
        stempel = (nu + timedelta(seconds=s)).strftime("%Y%m%d-%H%M%S")
        (map_ / f".formatie-{stempel}.sqlite3.tmp").symlink_to(slachtoffer)
        (map_ / f"formatie-{stempel}.sqlite3").symlink_to(nergens)
    uit = flask(sqlite_app, "backup", str(map_))
    assert uit.exit_code == 0, uit.output
    assert slachtoffer.read_text() == "niet overschrijven" and not nergens.exists()
    [bestand] = [p for p in map_.iterdir() if not p.is_symlink()]
    assert bestand.name.startswith("formatie-") and bestand.name.endswith("-2.sqlite3")
    assert f"Back-up geschreven: {bestand}" in uit.output
    assert stat.S_IMODE(bestand.stat().st_mode) == 0o600
    assert inhoud(f"sqlite:///{bestand}") == inhoud(url_van(sqlite_app))


@pytest.mark.parametrize("teken", ["?", "#", "%3F"])
def test_restore_takes_a_name_with_question_mark_or_hash_literally(sqlite_app, tmp_path, teken):
    """With "b.sqlite3?x" the check read b.sqlite3 (a good backup) and the restore copied the
    other file over the live database."""
    assert flask(sqlite_app, "backup", str(tmp_path / "b")).exit_code == 0
    [goed] = (tmp_path / "b").iterdir()
    kwaad = goed.with_name(goed.name + f"{teken}mode=ro")
    with sqlite3.connect(kwaad) as conn:
        conn.execute("CREATE TABLE buit (a TEXT)")
    conn.close()
    voor = inhoud(url_van(sqlite_app))
    uit = flask(sqlite_app, "restore", str(kwaad), "--yes")
    assert uit.exit_code == 1, uit.output
    assert f"Fout: {kwaad}: dit is geen database van de Formatietool" in uit.output
    assert inhoud(url_van(sqlite_app)) == voor
    assert flask(sqlite_app, "restore", str(goed), "--yes").exit_code == 0


#: What an attacker might add to a backup or a live database, and how check and restore name it.
VREEMD = {
    "trigger": ("CREATE TRIGGER beheer AFTER INSERT ON login_attempt BEGIN "
                "UPDATE users SET role = 'beheerder'; END", "trigger beheer"),
    "view": ("CREATE VIEW wachtwoorden AS SELECT email, password_hash FROM users",
             "view wachtwoorden"),
    "tabel": ("CREATE TABLE buit (a TEXT)", "onbekende tabel buit"),
    "kolom": ("ALTER TABLE users ADD COLUMN extra TEXT", "onbekende kolom extra in tabel users"),
}


@pytest.mark.parametrize("soort", VREEMD)
def test_restore_refuses_a_backup_the_migrations_did_not_make(sqlite_app, tmp_path, soort):
    """Issue 19: a trigger in a backup survived the restore, and check said "geen problemen"."""
    assert flask(sqlite_app, "backup", str(tmp_path / "b")).exit_code == 0
    [bestand] = (tmp_path / "b").iterdir()
    sql, naam = VREEMD[soort]
    with sqlite3.connect(bestand) as conn:
        conn.execute(sql)
    conn.close()
    voor = inhoud(url_van(sqlite_app))
    uit = flask(sqlite_app, "restore", str(bestand), "--yes")
    assert uit.exit_code == 1 and "Traceback" not in uit.output
    assert f"de database bevat wat de Formatietool niet maakt: {naam}" in uit.output
    assert "er is niets gewijzigd" in uit.output
    assert inhoud(url_van(sqlite_app)) == voor


@pytest.mark.parametrize("soort", VREEMD)
def test_check_reports_schema_objects_the_migrations_did_not_make(app, soort):
    sql, naam = VREEMD[soort]
    assert flask(app, "check").exit_code == 0
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            sql = {"trigger": "CREATE FUNCTION beheer() RETURNS trigger LANGUAGE plpgsql AS "
                              "$$ BEGIN UPDATE users SET role = 'beheerder'; RETURN NEW; END $$;"
                              " CREATE TRIGGER beheer AFTER INSERT ON login_attempt FOR EACH ROW"
                              " EXECUTE FUNCTION beheer()"}.get(soort, sql)
        db.session.execute(text(sql))
        db.session.commit()
    uit = flask(app, "check")
    assert uit.exit_code == 1
    assert "fout    schema: de database bevat wat de migraties niet maken: " in uit.output
    assert naam in uit.output, uit.output


@pytest.mark.postgres
@PG_DUMP
def test_pg_restore_refuses_a_dump_with_a_function_and_trigger(sqlite_app, pg_database,
                                                               tmp_path):
    assert flask(sqlite_app, "copy-data", "--to", pg_database).exit_code == 0
    app = create_app(maak_config(pg_database), instance_path=str(tmp_path / "pg"))
    try:
        with app.app_context():
            db.session.execute(text(
                "CREATE FUNCTION beheer() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "UPDATE users SET role = 'beheerder'; RETURN NEW; END $$; CREATE TRIGGER "
                "beheer AFTER INSERT ON login_attempt FOR EACH ROW EXECUTE FUNCTION beheer()"))
            db.session.commit()
        assert flask(app, "backup", str(tmp_path / "b")).exit_code == 0
        [bestand] = (tmp_path / "b").iterdir()
        with app.app_context():
            db.session.execute(text("DROP TRIGGER beheer ON login_attempt; DROP FUNCTION "
                                    "beheer()"))
            db.session.commit()
        voor = inhoud(pg_database)
        uit = flask(app, "restore", str(bestand), "--yes")
        assert uit.exit_code == 1, uit.output
        assert "de back-up bevat wat de Formatietool niet maakt: FUNCTION public beheer()" \
            in uit.output and "TRIGGER public login_attempt beheer" in uit.output
        assert inhoud(pg_database) == voor
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize(("args", "melding"), [
    (("backup", "/proc/self"), "Fout: kan in /proc/self geen bestand maken"),
    (("copy-data", "--to", "mysql://formatie@db/formatie"),
     "Fout: kopiëren naar een mysql-database wordt niet ondersteund"),
    (("copy-data", "--to", "file:///tmp/formatie.db"),
     "Fout: kopiëren naar een file-database wordt niet ondersteund"),
    (("copy-data", "--to", "geen url"), "Fout: 'geen url:…' is geen database-URL"),
    (("restore", "/proc/self/environ", "--yes"), "Fout: /proc/self/environ is geen SQLite-back-up"),
])
def test_refusals_are_dutch_messages_without_a_traceback(sqlite_app, args, melding):
    uit = flask(sqlite_app, *args)
    assert uit.exit_code == 1, uit.output
    assert melding in uit.output and "Traceback" not in uit.output
    assert uit.exception is None or isinstance(uit.exception, SystemExit)
