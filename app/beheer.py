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
- ``flask --app app check``: SECRET_KEY, database reachable, migrations up to date, reference
  data and an active normenset; stored normensets that no longer read within the bounds of
  :mod:`formatie.parameters` and stored figures whose result the model refuses (not finite, or
  absurd: :class:`formatie.model.RekenFout`). Exit code 1 on a problem. For a monitoring
  system or a deploy script; ``/health`` is the HTTP counterpart (database only).

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
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, insert, make_url, select, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import SQLAlchemyError

from formatie.model import RekenFout, bereken
from formatie.normenset_toml import parse_normenset
from formatie.problemen import InvoerFout

from .cijfers import ontbrekend, volume_matrix
from .config import SECRET_KEY_FILE, database_url
from .extensions import db
from .models import Gemeente, Invoer, Normenset, Scenario

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


def _url() -> URL:
    return db.engine.url


def _verberg(url: URL | str) -> str:
    """A URL fit for a terminal or a log: the password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_pad() -> Path:
    """The file of the app's SQLite database (Flask-SQLAlchemy made it absolute)."""
    pad = _url().database
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


def _nieuwe_naam(map_: Path, achtervoegsel: str) -> Path:
    stempel = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    pad = map_ / f"formatie-{stempel}{achtervoegsel}"
    n = 2
    while pad.exists():
        pad = map_ / f"formatie-{stempel}-{n}{achtervoegsel}"
        n += 1
    return pad


def _sqlite_kopie(bron: Path, doel: Path, *, los_bestand: bool = False) -> None:
    """Copy a live SQLite database with the online backup API (a consistent snapshot, also
    while the app writes: the API restarts when another connection changes a page).
    ``los_bestand``: switch the copy from WAL to a rollback journal, so the backup is one
    self-contained file (no -wal/-shm next to it)."""
    van = sqlite3.connect(bron)
    naar = sqlite3.connect(doel)
    try:
        van.backup(naar)
        if los_bestand:
            naar.execute("PRAGMA journal_mode=DELETE")
    finally:
        naar.close()
        van.close()


def _sqlite_controle(pad: Path) -> str:
    """'ok', or what is wrong with this SQLite file (integrity check, app tables)."""
    try:
        with pad.open("rb") as f:
            if f.read(len(SQLITE_KOP)) != SQLITE_KOP:
                return "dit is geen SQLite-database"
        conn = sqlite3.connect(f"file:{pad}?mode=ro&immutable=1", uri=True)  # writes nothing
        try:
            uitkomst = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tabellen = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except (OSError, sqlite3.Error) as fout:
        return f"het bestand is niet te lezen ({fout})"
    if uitkomst != "ok":
        return f"de database is beschadigd (integrity_check: {uitkomst})"
    if not {"alembic_version", "users", "invoer"} <= tabellen:
        return "dit is geen database van de Formatietool (tabellen ontbreken)"
    return "ok"


# ----- backup and restore ------------------------------------------------------------------


@click.command("backup")
@click.argument("map_", metavar="MAP", type=click.Path(path_type=Path))
@with_appcontext
def backup_command(map_: Path):
    """Maak een back-up van de database in MAP (SQLite: online backup-API; PostgreSQL: pg_dump)."""
    try:
        map_.mkdir(parents=True, exist_ok=True)
    except OSError as fout:
        raise BeheerFout(f"kan de map {map_} niet gebruiken ({_reden(fout)}).") from None
    url = _url()
    db.session.remove()
    if url.get_backend_name() == "sqlite":
        doel = _nieuwe_naam(map_, ".sqlite3")
        tijdelijk = doel.with_name("." + doel.name + ".tmp")
        tijdelijk.touch(mode=0o600)
        try:
            _sqlite_kopie(_sqlite_pad(), tijdelijk, los_bestand=True)
            if (staat := _sqlite_controle(tijdelijk)) != "ok":
                raise BeheerFout(f"de back-up is niet in orde: {staat}.")
            tijdelijk.replace(doel)
        finally:
            tijdelijk.unlink(missing_ok=True)
    elif url.get_backend_name() == "postgresql":
        doel = _nieuwe_naam(map_, ".dump")
        verbinding, env = _libpq(url)
        tijdelijk = doel.with_name("." + doel.name + ".tmp")
        tijdelijk.touch(mode=0o600)
        try:
            _draai([_programma("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                    f"--file={tijdelijk}", f"--dbname={verbinding}"], env)
            tijdelijk.replace(doel)
        finally:
            tijdelijk.unlink(missing_ok=True)
    else:
        raise BeheerFout(f"back-up van een {url.get_backend_name()}-database wordt niet "
                         "ondersteund (alleen SQLite en PostgreSQL).")
    doel.chmod(0o600)
    click.echo(f"Back-up geschreven: {doel} ({_grootte(doel.stat().st_size)}, database "
               f"{_verberg(url)}).")


@click.command("restore")
@click.argument("bestand", metavar="BESTAND", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="niet om bevestiging vragen")
@with_appcontext
def restore_command(bestand: Path, yes: bool):
    """Zet een back-up terug: VERVANGT alle gegevens in de database van de app."""
    url = _url()
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
    if soort == "sqlite" and (staat := _sqlite_controle(bestand)) != "ok":
        raise BeheerFout(f"{bestand}: {staat}; er is niets gewijzigd.")
    if not yes:
        try:
            akkoord = click.confirm(f"Alle gegevens in {_verberg(url)} worden vervangen door "
                                    f"{bestand}. Doorgaan?")
        except click.Abort:  # Ctrl+C or no terminal input
            akkoord = False
        if not akkoord:
            raise BeheerFout("afgebroken; er is niets gewijzigd.")
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold a lock or a stale page cache
    if soort == "sqlite":
        live = _sqlite_pad()
        vangnet = None
        if live.exists():
            vangnet = live.with_name(
                f"{live.name}.voor-restore-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}")
            vangnet.touch(mode=0o600)
            _sqlite_kopie(live, vangnet, los_bestand=True)
        _sqlite_kopie(bestand, live)
        if vangnet:
            click.echo(f"De vorige database is bewaard als {vangnet}.")
    else:
        verbinding, env = _libpq(url)
        _draai([_programma("pg_restore"), "--clean", "--if-exists", "--no-owner",
                "--no-privileges", "--single-transaction", f"--dbname={verbinding}",
                str(bestand)], env)
    click.echo(f"Back-up {bestand} teruggezet in {_verberg(url)}. Een oudere back-up bijwerken: "
               ".venv/bin/flask --app app init; controleren: .venv/bin/flask --app app check.")


# ----- copy-data -----------------------------------------------------------------------------


def _openstaande_migraties(engine: Engine) -> tuple[set[str], set[str]]:
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
    if make_url(doel_url) == bron.url:
        raise BeheerFout("bron en doel zijn dezelfde database.")
    huidig, koppen = _openstaande_migraties(bron)
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
                raise BeheerFout(f"de doeldatabase {_verberg(doel_url)} is niet bruikbaar: "
                                 f"{str(fout.orig or fout).strip().splitlines()[0]}") from None
            if gevuld:
                raise BeheerFout(f"de doeldatabase {_verberg(doel_url)} bevat al gegevens ("
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
    click.echo(f"Alle gegevens gekopieerd naar {_verberg(doel_url)}. Start de app met "
               "DATABASE_URL=<die URL> en controleer met: .venv/bin/flask --app app check.")


# ----- check -------------------------------------------------------------------------------

#: Stored figures the model refuses that ``check`` names one by one (the rest are counted).
MAX_GENOEMD = 10


def _opgeslagen_normen_en_cijfers() -> list[tuple[str, str, str]]:
    """Stored normensets that no longer read (stored before the bounds of formatie.parameters)
    and stored complete figures whose result the model refuses, per normenset they count with.

    A set that no longer reads is a ``fout`` when it is active or figures or scenarios count
    with it (their pages answer 422), else ``let op``."""
    uit: list[tuple[str, str, str]] = []
    gelezen = {}
    rijen = list(db.session.scalars(select(Normenset).order_by(Normenset.id)))
    in_gebruik = set(db.session.scalars(select(Invoer.normenset_id).distinct())) | set(
        db.session.scalars(select(Scenario.normenset_id).distinct()))
    for rij in rijen:
        try:
            gelezen[rij.id] = parse_normenset(rij.toml, rij.label)
        except InvoerFout as fout:
            gebruikt = rij.actief or rij.id in in_gebruik
            uit.append(("fout" if gebruikt else "let op", f"normenset {rij.label}",
                        "voldoet niet aan de grenzen van deze versie ("
                        + fout.problemen[0].tekst() + (" …" if len(fout.problemen) > 1 else "")
                        + ")" + ("; hij is actief of er rekenen cijfers mee: die pagina's "
                                 "tonen geen uitkomst. Activeer een andere normenset of laad een "
                                 "verbeterde versie op" if gebruikt else "; niets gebruikt hem")))
    actief = next((r for r in rijen if r.actief), None)
    per_normenset: dict[int, list[Invoer]] = {}
    for invoer in db.session.scalars(select(Invoer).order_by(Invoer.jaar, Invoer.gemeente_code)):
        rij_id = invoer.normenset_id or (actief.id if actief else None)
        n = gelezen.get(rij_id)
        if n is not None and not ontbrekend(invoer, n):
            per_normenset.setdefault(rij_id, []).append(invoer)
    geweigerd: list[str] = []
    for rij_id, invoeren in per_normenset.items():
        n = gelezen[rij_id]
        try:
            bereken(n, volume_matrix(invoeren, n))
            continue
        except RekenFout:
            pass
        for invoer in invoeren:  # one by one, to name each
            try:
                bereken(n, volume_matrix([invoer], n), (invoer.gemeente_code,))
            except RekenFout as fout:
                geweigerd.append(f"{invoer.gemeente_code} {invoer.jaar} ({n.label}): "
                                 + fout.problemen[0].bericht)
    if geweigerd:
        meer = len(geweigerd) - MAX_GENOEMD
        uit.append(("fout", "cijfers", f"{len(geweigerd)} opgeslagen cijfers geven geen "
                    "bruikbare uitkomst: " + " / ".join(geweigerd[:MAX_GENOEMD])
                    + (f" / en nog {meer}" if meer > 0 else "")))
    else:
        aantal = sum(len(v) for v in per_normenset.values())
        uit.append(("ok", "cijfers", f"{aantal} volledige opgeslagen cijfers geven een "
                    "eindige uitkomst"))
    return uit



def controles(app: Flask) -> list[tuple[str, str, str]]:
    """Every check as (niveau, onderwerp, uitleg); niveau is 'ok', 'let op' or 'fout'."""
    uit: list[tuple[str, str, str]] = []
    url = _url()
    sqlite_in_instance = (url.get_backend_name() == "sqlite" and bool(url.database)
                          and Path(url.database).parent == Path(app.instance_path))
    sleutelbestand = Path(app.instance_path) / SECRET_KEY_FILE
    uit_bestand = sleutelbestand.exists() and app.config.get("SECRET_KEY") == (
        sleutelbestand.read_text(encoding="ascii").strip())
    if os.environ.get("SECRET_KEY"):
        uit.append(("ok", "SECRET_KEY", "uit de omgeving"))
    elif not uit_bestand:
        uit.append(("ok", "SECRET_KEY", "uit de configuratie (instance/config.py)"))
    elif sqlite_in_instance:
        uit.append(("let op", "SECRET_KEY", "niet in de omgeving; de app gebruikt de eenmalig "
                    "gemaakte sleutel in instance/secret_key, naast de SQLite-database. Goed "
                    "voor één server; zet SECRET_KEY zodra u meer servers of containers draait"))
    else:
        uit.append(("fout", "SECRET_KEY", "ontbreekt in de omgeving. Met een gedeelde database "
                    "moet elke server dezelfde sleutel hebben; nu maakt elke server er zelf "
                    "een in instance/secret_key. Zet SECRET_KEY (bijvoorbeeld: python3 -c "
                    "'import secrets; print(secrets.token_hex(32))')"))
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as fout:
        reden = str(getattr(fout, "orig", None) or fout).strip().splitlines()
        uit.append(("fout", "database", f"niet bereikbaar: {_verberg(url)} ("
                    + (reden[0] if reden else type(fout).__name__) + ")"))
        uit.append(("fout", "migraties", "niet te controleren zonder database"))
        db.session.rollback()
        return uit
    uit.append(("ok", "database", f"bereikbaar: {_verberg(url)}"))
    huidig, koppen = _openstaande_migraties(db.engine)
    if not huidig:
        uit.append(("fout", "migraties",
                    "de database is leeg; voer '.venv/bin/flask --app app init' uit"))
        return uit
    if huidig != koppen:
        uit.append(("fout", "migraties", f"openstaand: database op {', '.join(sorted(huidig))}, "
                    f"de app verwacht {', '.join(sorted(koppen))}; voer "
                    "'.venv/bin/flask --app app init' uit (na een back-up)"))
        return uit
    uit.append(("ok", "migraties", f"bijgewerkt ({', '.join(sorted(koppen))})"))
    gemeenten = db.session.scalar(select(func.count()).select_from(Gemeente))
    actief = db.session.scalar(select(Normenset).where(Normenset.actief))
    uit.append(("ok" if gemeenten else "fout", "gemeenten",
                f"{gemeenten} in de database" if gemeenten
                else "geen; voer '.venv/bin/flask --app app init' uit"))
    uit.append(("ok" if actief else "fout", "normenset",
                f"actief: {actief.label}" if actief else "geen actieve normenset; activeer er "
                "een op /normen of voer '.venv/bin/flask --app app init' uit"))
    uit += _opgeslagen_normen_en_cijfers()
    return uit


@click.command("check")
@with_appcontext
def check_command():
    """Controleer de installatie: SECRET_KEY, database, migraties (exitcode 1 bij een fout)."""
    uitkomst = controles(current_app)
    for niveau, onderwerp, uitleg in uitkomst:
        click.echo(f"{niveau:<7} {onderwerp}: {uitleg}")
    fouten = sum(1 for niveau, *_ in uitkomst if niveau == "fout")
    if fouten:
        click.echo(f"{fouten} {'probleem' if fouten == 1 else 'problemen'} gevonden.")
        sys.exit(1)
    click.echo("Geen problemen gevonden.")


def register(app: Flask) -> None:
    for command in (backup_command, restore_command, copy_data_command, check_command):
        app.cli.add_command(command)

