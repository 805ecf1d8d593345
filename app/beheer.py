"""Operations for the IT department: ``backup``, ``restore``, ``copy-data`` and ``check``.

- ``flask --app app backup DIR``: a consistent snapshot. SQLite through the online backup API
  of the ``sqlite3`` module (a reader's snapshot: a save in progress is either wholly in it or
  not at all; the app keeps running), PostgreSQL through ``pg_dump --format=custom``. The file
  gets mode 0600: it holds password hashes.
- ``flask --app app restore FILE``: the reverse (the backup API again, or ``pg_restore --clean
  --single-transaction``). SQLite keeps a copy of the replaced database next to it first.
- ``flask --app app copy-data --to URL``: moves an installation to another database (SQLite →
  PostgreSQL): migrates the empty target, copies every table in foreign-key order in one
  transaction, sets PostgreSQL's id sequences past the copied ids, and compares row counts.

Hostile files and folders (issue 19): every file is first written under a random name made
exclusively (``tempfile.mkstemp``, mode 0600, in the target folder) and then given its final
name with a hard link, which never follows or replaces what is there (a symlink planted at a
predictable name gets nothing). Paths are taken literally: SQLite files are opened through a
``file:`` URI made by :meth:`pathlib.Path.as_uri`, so a ``?`` or ``#`` in a name is part of the
name. A backup is restored only when its schema is one the migrations make
(:func:`vreemde_schemaobjecten`: no triggers, views, or tables and columns the app does not know),
and ``check`` reports such objects in the live database. Every refusal is a Dutch message.
- ``flask --app app check``: the installation check, in :mod:`app.controle` (registered here
  with the others).

PostgreSQL backups need the client programs (``pg_dump``, ``pg_restore``; Debian package
``postgresql-client``) of at least the server's major version; without them the commands stop
with a Dutch message. See docs/beheer.md.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import click
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, insert, make_url, select
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from .config import database_url
from .extensions import db

SQLITE_KOP = b"SQLite format 3\x00"
PG_DUMP_KOP = b"PGDMP"
BATCH = 1000  # rows per INSERT when copying


class BeheerFout(click.ClickException):
    """A Dutch message and exit code 1, without a traceback."""

    def format_message(self) -> str:
        return self.message

    def show(self, file=None) -> None:
        click.echo(f"Fout: {self.format_message()}", err=True)


_OS_FOUTEN = {errno.ENOENT: "bestaat niet", errno.EISDIR: "is een map",
              errno.ENOTDIR: "een deel van het pad is geen map", errno.EEXIST: "is een bestand",
              errno.EACCES: "geen toegang", errno.EPERM: "geen toegang",
              errno.ENOSPC: "de schijf is vol", errno.EROFS: "alleen-lezen"}


def _reden(fout: OSError) -> str:
    return _OS_FOUTEN.get(fout.errno, fout.strerror or type(fout).__name__)


def app_url() -> URL:
    return db.engine.url


def verberg(url: URL | str) -> str:
    """A URL fit for a terminal or a log: the password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_pad() -> Path:
    """The file of the app's SQLite database (Flask-SQLAlchemy made it absolute)."""
    pad = app_url().database
    if not pad or pad == ":memory:":
        raise BeheerFout("deze SQLite-database staat in het geheugen; er is niets te bewaren.")
    return Path(pad)


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A connection string for pg_dump/pg_restore and their environment: the password goes
    through PGPASSWORD, never on the command line (where ``ps`` shows it)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(
        hide_password=False), env


def _programma(naam: str) -> str:
    pad = shutil.which(naam)
    if pad is None:
        raise BeheerFout(f"{naam} is niet gevonden. Installeer de PostgreSQL-clientprogramma's "
                         "(Debian/Ubuntu: apt install postgresql-client) van minstens de versie "
                         "van de server.")
    return pad


def _draai(args: list[str], env: dict[str, str]) -> None:
    # args: a program found by shutil.which and our own options; no shell, no user text.
    uit = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if uit.returncode != 0:
        melding = (uit.stderr or uit.stdout).strip().splitlines()
        raise BeheerFout(f"{Path(args[0]).name} is mislukt (exitcode {uit.returncode}): "
                         + (" / ".join(melding[-3:]) if melding else "geen melding"))


def _grootte(n: int) -> str:
    return f"{n / 1e3:.0f} kB" if n < 1e6 else f"{n / 1e6:.1f} MB".replace(".", ",")


def _tijdelijk_bestand(map_: Path, achtervoegsel: str) -> Path:
    """A new, empty file under a random name in ``map_`` (O_CREAT | O_EXCL, mode 0600): nobody
    can have planted anything at a name nobody can predict."""
    try:
        fd, naam = tempfile.mkstemp(prefix=".formatie-", suffix=achtervoegsel + ".tmp",
                                    dir=map_)
    except OSError as fout:
        raise BeheerFout(f"kan in {map_} geen bestand maken ({_reden(fout)}); er is niets "
                         "geschreven.") from None
    os.close(fd)
    return Path(naam)


def _zet_neer(tijdelijk: Path, map_: Path, naam: str, achtervoegsel: str) -> Path:
    """Give the finished ``tijdelijk`` its final name ``<naam><achtervoegsel>`` (or
    ``<naam>-2<achtervoegsel>`` …) in ``map_``: a hard link fails on any existing entry, a
    dangling or planted symlink included, so nothing is ever overwritten or followed."""
    for n in range(1, 1000):
        doel = map_ / (f"{naam}{achtervoegsel}" if n == 1 else f"{naam}-{n}{achtervoegsel}")
        try:
            os.link(tijdelijk, doel, follow_symlinks=False)
        except FileExistsError:
            continue
        except OSError as fout:
            raise BeheerFout(f"kan {doel} niet maken ({_reden(fout)}).") from None
        tijdelijk.unlink()
        return doel
    raise BeheerFout(f"te veel bestanden met de naam {naam} in {map_}.")


def _stempel() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def _sqlite_uri(pad: Path, *, alleen_lezen: bool = False) -> str:
    """A ``file:`` URI for ``pad`` taken literally: ``?``, ``#`` and ``%`` in a name are
    percent-encoded (as_uri), so they are part of the name and never a query or fragment."""
    uri = Path(os.path.abspath(pad)).as_uri()
    return uri + ("?mode=ro" if alleen_lezen else "")


def _sqlite_verbinding(pad: Path, *, alleen_lezen: bool = False) -> sqlite3.Connection:
    return sqlite3.connect(_sqlite_uri(pad, alleen_lezen=alleen_lezen), uri=True)


def _sqlite_kopie(van: sqlite3.Connection, doel: Path, *, los_bestand: bool = False) -> None:
    """Copy a live SQLite database with the online backup API (a consistent snapshot, also
    while the app writes: the API restarts when another connection changes a page).
    ``los_bestand``: switch the copy from WAL to a rollback journal, so the backup is one
    self-contained file (no -wal/-shm next to it)."""
    naar = _sqlite_verbinding(doel)
    try:
        van.backup(naar)
        if los_bestand:
            naar.execute("PRAGMA journal_mode=DELETE")
    finally:
        naar.close()


def _bekend_schema() -> dict[str, set[str]]:
    """Table → column names of the schema the migrations make: the models' metadata
    (tests/web/test_commands.py checks that autogenerate finds nothing between them) plus
    Alembic's own table."""
    uit = {t.name: {c.name for c in t.columns} for t in db.metadata.sorted_tables}
    uit["alembic_version"] = {"version_num"}
    return uit


def _bekende_indexen() -> set[str]:
    return {i.name for t in db.metadata.sorted_tables for i in t.indexes if i.name}


def vreemde_schemaobjecten(objecten: list[tuple[str, str, str]],
                           kolommen: dict[str, set[str]]) -> list[str]:
    """What in a database's schema the migrations do not make, in Dutch: triggers, views
    (and on PostgreSQL functions), unknown tables, unknown columns of known tables, unknown
    indexes. ``objecten``: (type, name, table) as the database lists them; ``kolommen``: table
    → column names. An older backup (fewer tables or columns) passes."""
    bekend = _bekend_schema()
    indexen = _bekende_indexen()
    uit = []
    for soort, naam, tabel in objecten:
        if naam.startswith("sqlite_") and soort in ("table", "index"):
            continue  # SQLite's own (sqlite_sequence, sqlite_autoindex_…, sqlite_stat1)
        if soort == "table" and naam not in bekend:
            uit.append(f"onbekende tabel {naam}")
        elif soort == "index" and (naam not in indexen or tabel not in bekend):
            uit.append(f"onbekende index {naam}")
        elif soort not in ("table", "index"):
            woord = {"trigger": "trigger", "view": "view", "function": "functie"}.get(soort, soort)
            uit.append(f"{woord} {naam}")
    for tabel, namen in kolommen.items():
        if tabel in bekend and (vreemd := sorted(namen - bekend[tabel])):
            uit.append(f"onbekende kolom{'men' if len(vreemd) > 1 else ''} "
                       f"{', '.join(vreemd)} in tabel {tabel}")
    return uit


def sqlite_schema(conn: sqlite3.Connection) -> tuple[list[tuple[str, str, str]],
                                                       dict[str, set[str]]]:
    objecten = [tuple(r) for r in conn.execute(
        "SELECT type, name, tbl_name FROM sqlite_master ORDER BY type, name")]
    kolommen = {naam: {r[1] for r in conn.execute(
        "SELECT * FROM pragma_table_info(?)", (naam,))}
        for soort, naam, _ in objecten if soort == "table"}
    return objecten, kolommen


def _sqlite_controle(conn: sqlite3.Connection, *, schema: bool = True) -> str:
    """'ok', or what is wrong with this open SQLite file (integrity check, the app's tables,
    and with ``schema`` nothing the migrations do not make)."""
    try:
        uitkomst = conn.execute("PRAGMA integrity_check").fetchone()[0]
        objecten, kolommen = sqlite_schema(conn)
    except sqlite3.Error as fout:
        return f"het bestand is niet te lezen ({fout})"
    if uitkomst != "ok":
        return f"de database is beschadigd (integrity_check: {uitkomst})"
    if not {"alembic_version", "users", "invoer"} <= {n for s, n, _ in objecten if s == "table"}:
        return "dit is geen database van de Formatietool (tabellen ontbreken)"
    if schema and (vreemd := vreemde_schemaobjecten(objecten, kolommen)):
        return ("de database bevat wat de Formatietool niet maakt: " + "; ".join(vreemd[:10])
                + (" …" if len(vreemd) > 10 else ""))
    return "ok"


def _sqlite_bestand_controle(pad: Path, *, schema: bool = True) -> str:
    """:func:`_sqlite_controle` of the file at ``pad`` (opened read-only, taken literally)."""
    try:
        with pad.open("rb") as f:
            if f.read(len(SQLITE_KOP)) != SQLITE_KOP:
                return "dit is geen SQLite-database"
        conn = _sqlite_verbinding(pad, alleen_lezen=True)
    except (OSError, sqlite3.Error) as fout:
        return f"het bestand is niet te lezen ({fout})"
    try:
        return _sqlite_controle(conn, schema=schema)
    finally:
        conn.close()


# ----- backup and restore ------------------------------------------------------------------


@click.command("backup")
@click.argument("map_", metavar="MAP", type=click.Path(path_type=Path))
@with_appcontext
def backup_command(map_: Path):
    """Maak een back-up van de database in MAP (SQLite: online backup-API; PostgreSQL: pg_dump)."""
    try:
        map_.mkdir(parents=True, exist_ok=True)
        if not map_.is_dir():
            raise NotADirectoryError(errno.EEXIST, "is een bestand")
    except OSError as fout:
        raise BeheerFout(f"kan de map {map_} niet gebruiken ({_reden(fout)}).") from None
    url = app_url()
    db.session.remove()
    soort = url.get_backend_name()
    if soort not in ("sqlite", "postgresql"):
        raise BeheerFout(f"back-up van een {soort}-database wordt niet ondersteund (alleen "
                         "SQLite en PostgreSQL).")
    achtervoegsel = ".sqlite3" if soort == "sqlite" else ".dump"
    tijdelijk = _tijdelijk_bestand(map_, achtervoegsel)
    try:
        if soort == "sqlite":
            van = _sqlite_verbinding(_sqlite_pad())
            try:
                _sqlite_kopie(van, tijdelijk, los_bestand=True)
            finally:
                van.close()
            # Foreign schema objects are kept (evidence); `check` reports them, `restore` refuses.
            if (staat := _sqlite_bestand_controle(tijdelijk, schema=False)) != "ok":
                raise BeheerFout(f"de back-up is niet in orde: {staat}.")
        else:
            verbinding, env = _libpq(url)
            _draai([_programma("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                    f"--file={tijdelijk}", f"--dbname={verbinding}"], env)
        doel = _zet_neer(tijdelijk, map_, f"formatie-{_stempel()}", achtervoegsel)
    except (OSError, sqlite3.Error) as fout:
        reden = _reden(fout) if isinstance(fout, OSError) else str(fout)
        raise BeheerFout(f"kan de back-up niet schrijven in {map_} ({reden}).") from None
    finally:
        tijdelijk.unlink(missing_ok=True)
    click.echo(f"Back-up geschreven: {doel} ({_grootte(doel.stat().st_size)}, database "
               f"{verberg(url)}).")


#: What a pg_dump of the app may hold (``pg_restore --list``), and the table each names.
PG_TOEGESTAAN = ("TABLE DATA", "TABLE", "SEQUENCE OWNED BY", "SEQUENCE SET", "SEQUENCE",
                 "DEFAULT", "FK CONSTRAINT", "CONSTRAINT", "INDEX")


def pg_dump_vreemd(inhoud: str) -> list[str]:
    """What in a pg_dump's table of contents (``pg_restore --list``) the migrations do not make,
    in Dutch: any entry that is not a known table, its data, sequence, default, constraint or
    index (a TRIGGER, FUNCTION, VIEW, RULE, POLICY, EXTENSION … is refused)."""
    bekend = _bekend_schema()
    indexen = _bekende_indexen()
    uit = []
    for regel in inhoud.splitlines():
        if not regel.strip() or regel.startswith(";"):
            continue
        delen = regel.split(";", 1)[-1].split()[2:]  # past "<id>;" and the two oids
        tekst = " ".join(delen)
        soort = next((s for s in PG_TOEGESTAAN if tekst.startswith(s + " ")), None)
        rest = tekst[len(soort) + 1:].split() if soort else []
        naam = rest[1] if len(rest) > 1 else ""
        if soort is None:
            uit.append(" ".join(delen[:-1]))  # e.g. "TRIGGER public users t" (owner dropped)
        elif soort == "INDEX" and naam not in indexen:
            uit.append(f"onbekende index {naam}")
        elif soort.startswith("SEQUENCE") and naam.removesuffix("_id_seq") not in bekend:
            uit.append(f"onbekende reeks {naam}")
        elif soort in ("TABLE", "TABLE DATA", "DEFAULT", "CONSTRAINT", "FK CONSTRAINT") \
                and naam not in bekend:
            uit.append(f"onbekende tabel {naam}")
    return uit


def _pg_dump_controle(bestand: Path) -> str:
    """'ok', or what in this pg_dump the migrations do not make (read with pg_restore --list)."""
    # args: a program found by shutil.which and a path as one argument; no shell.
    uit = subprocess.run([_programma("pg_restore"), "--list", str(bestand)],  # noqa: S603
                         capture_output=True, text=True, check=False)
    if uit.returncode != 0:
        return "pg_restore kan het bestand niet lezen (" + (
            uit.stderr.strip().splitlines() or ["geen melding"])[-1] + ")"
    if vreemd := pg_dump_vreemd(uit.stdout):
        return ("de back-up bevat wat de Formatietool niet maakt: " + "; ".join(vreemd[:10])
                + (" …" if len(vreemd) > 10 else ""))
    return "ok"


@click.command("restore")
@click.argument("bestand", metavar="BESTAND", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="niet om bevestiging vragen")
@with_appcontext
def restore_command(bestand: Path, yes: bool):
    """Zet een back-up terug: VERVANGT alle gegevens in de database van de app."""
    url = app_url()
    try:
        with bestand.open("rb") as f:
            kop = f.read(16)
    except OSError as fout:
        raise BeheerFout(f"kan {bestand} niet lezen ({_reden(fout)}); er is niets "
                         "gewijzigd.") from None
    soort = url.get_backend_name()
    if soort == "sqlite" and not kop.startswith(SQLITE_KOP):
        raise BeheerFout(f"{bestand} is geen SQLite-back-up, en de app gebruikt SQLite.")
    if soort == "postgresql" and not kop.startswith(PG_DUMP_KOP):
        raise BeheerFout(f"{bestand} is geen pg_dump-back-up (--format=custom), en de app "
                         "gebruikt PostgreSQL.")
    if soort not in ("sqlite", "postgresql"):
        raise BeheerFout(f"terugzetten naar een {soort}-database wordt niet ondersteund.")
    # SQLite: the file checked is the file restored, through one read-only connection.
    bron = None
    try:
        if soort == "sqlite":
            try:
                bron = _sqlite_verbinding(bestand, alleen_lezen=True)
                staat = _sqlite_controle(bron)
            except sqlite3.Error as fout:
                staat = f"het bestand is niet te lezen ({fout})"
        else:
            staat = _pg_dump_controle(bestand)
        if staat != "ok":
            raise BeheerFout(f"{bestand}: {staat}; er is niets gewijzigd.")
        if not yes:
            try:
                akkoord = click.confirm(f"Alle gegevens in {verberg(url)} worden vervangen "
                                        f"door {bestand}. Doorgaan?")
            except click.Abort:  # Ctrl+C or no terminal input
                akkoord = False
            if not akkoord:
                raise BeheerFout("afgebroken; er is niets gewijzigd.")
        db.session.remove()
        db.engine.dispose()  # no pooled connection may hold a lock or a stale page cache
        if soort == "sqlite":
            _zet_sqlite_terug(bron, bestand)
        else:
            verbinding, env = _libpq(url)
            _draai([_programma("pg_restore"), "--clean", "--if-exists", "--no-owner",
                    "--no-privileges", "--single-transaction", f"--dbname={verbinding}",
                    str(bestand)], env)
    finally:
        if bron is not None:
            bron.close()
    click.echo(f"Back-up {bestand} teruggezet in {verberg(url)}. Een oudere back-up bijwerken: "
               ".venv/bin/flask --app app init; controleren: .venv/bin/flask --app app check.")


def _zet_sqlite_terug(bron: sqlite3.Connection, bestand: Path) -> None:
    """Keep the live database as ``<name>.voor-restore-<stamp>`` (made exclusively, never over
    an existing file), then copy ``bron`` over it with the backup API."""
    live = _sqlite_pad()
    try:
        if live.exists():
            tijdelijk = _tijdelijk_bestand(live.parent, "")
            try:
                van = _sqlite_verbinding(live)
                try:
                    _sqlite_kopie(van, tijdelijk, los_bestand=True)
                finally:
                    van.close()
                vangnet = _zet_neer(tijdelijk, live.parent,
                                    f"{live.name}.voor-restore-{_stempel()}", "")
            finally:
                tijdelijk.unlink(missing_ok=True)
            click.echo(f"De vorige database is bewaard als {vangnet}.")
        naar = _sqlite_verbinding(live)
        try:
            bron.backup(naar)
        finally:
            naar.close()
    except (OSError, sqlite3.Error) as fout:
        reden = _reden(fout) if isinstance(fout, OSError) else str(fout)
        raise BeheerFout(f"terugzetten van {bestand} is mislukt ({reden}).") from None


# ----- copy-data -----------------------------------------------------------------------------


def openstaande_migraties(engine: Engine) -> tuple[set[str], set[str]]:
    """(current revisions in the database, head revisions of app/migrations)."""
    config = current_app.extensions["migrate"].migrate.get_config()
    koppen = set(ScriptDirectory.from_config(config).get_heads())
    with engine.connect() as conn:
        huidig = set(MigrationContext.configure(conn).get_current_heads())
    return huidig, koppen


def kopieer_tabellen(bron: Engine, doel: Engine) -> dict[str, int]:
    """Copy every row of every table of the app's metadata from ``bron`` to ``doel`` with the
    same primary keys, parents before children, in ONE transaction on ``doel`` (a failure
    leaves it empty). On PostgreSQL each ``id`` sequence then continues after the largest
    copied id. Returns the number of rows per table."""
    aantallen: dict[str, int] = {}
    with bron.connect() as lees, doel.begin() as schrijf:
        for tabel in db.metadata.sorted_tables:
            n = 0
            resultaat = lees.execution_options(stream_results=True).execute(select(tabel))
            for deel in resultaat.partitions(BATCH):
                schrijf.execute(insert(tabel), [dict(r._mapping) for r in deel])
                n += len(deel)
            aantallen[tabel.name] = n
        if doel.dialect.name == "postgresql":
            for tabel in db.metadata.sorted_tables:
                if list(tabel.primary_key.columns.keys()) == ["id"]:
                    volgende = select(func.coalesce(func.max(tabel.c.id), 0) + 1).scalar_subquery()
                    schrijf.execute(select(func.setval(
                        func.pg_get_serial_sequence(tabel.name, "id"), volgende, False)))
    return aantallen


def tel_rijen(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t))
                for t in db.metadata.sorted_tables}


@click.command("copy-data")
@click.option("--to", "naar", required=True, metavar="DATABASE_URL",
              help="de lege doeldatabase, bijvoorbeeld postgresql://formatie@dbserver/formatie")
@with_appcontext
def copy_data_command(naar: str):
    """Kopieer alle gegevens naar een andere (lege) database, bijvoorbeeld van SQLite naar
    PostgreSQL. De bron blijft ongewijzigd."""
    bron = db.engine
    doel_url = database_url(naar)
    try:
        backend = make_url(doel_url).get_backend_name()
    except ArgumentError:
        raise BeheerFout(f"'{naar.split(':')[0]}:…' is geen database-URL; gebruik "
                         "postgresql://gebruiker@server/database.") from None
    if backend not in ("postgresql", "sqlite"):
        raise BeheerFout(f"kopiëren naar een {backend}-database wordt niet ondersteund: de "
                         "Formatietool draait op PostgreSQL (postgresql://gebruiker@server/"
                         "database) of SQLite (sqlite:////pad/naar/formatie.db).")
    if make_url(doel_url) == bron.url:
        raise BeheerFout("bron en doel zijn dezelfde database.")
    huidig, koppen = openstaande_migraties(bron)
    if huidig != koppen:
        raise BeheerFout("de bron heeft openstaande migraties; voer eerst "
                         "'.venv/bin/flask --app app init' uit.")
    # The target is migrated by its own app object, so Alembic sees the target's engine.
    from . import create_app

    doel_app = create_app({"SQLALCHEMY_DATABASE_URI": doel_url,
                           "SECRET_KEY": current_app.config["SECRET_KEY"]},
                          instance_path=current_app.instance_path)
    with doel_app.app_context():
        doel = db.engine
        try:
            try:
                upgrade()
                gevuld = {t: n for t, n in tel_rijen(doel).items() if n}
            except SQLAlchemyError as fout:
                raise BeheerFout(f"de doeldatabase {verberg(doel_url)} is niet bruikbaar: "
                                 f"{str(fout.orig or fout).strip().splitlines()[0]}") from None
            if gevuld:
                raise BeheerFout(f"de doeldatabase {verberg(doel_url)} bevat al gegevens ("
                                 + ", ".join(f"{t}: {n}" for t, n in gevuld.items())
                                 + "); kies een lege database.")
            gekopieerd = kopieer_tabellen(bron, doel)
            verschil = {t: (n, m) for (t, n), m in
                        zip(gekopieerd.items(), tel_rijen(doel).values(), strict=True) if n != m}
        finally:
            db.session.remove()
            doel.dispose()
    if verschil:
        raise BeheerFout("na het kopiëren verschillen de aantallen rijen: " + ", ".join(
            f"{t} {n} → {m}" for t, (n, m) in verschil.items()))
    for tabel, n in gekopieerd.items():
        click.echo(f"  {tabel:<16} {n:>7} rijen")
    click.echo(f"Alle gegevens gekopieerd naar {verberg(doel_url)}. Start de app met "
               "DATABASE_URL=<die URL> en controleer met: .venv/bin/flask --app app check.")


def register(app: Flask) -> None:
    from .controle import check_command  # the installation check, its own concern

    for command in (backup_command, restore_command, copy_data_command, check_command):
        app.cli.add_command(command)

