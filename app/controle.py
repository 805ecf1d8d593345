"""``flask --app app check``: is this installation sound? SECRET_KEY, database reachable,
migrations up to date, nothing in the schema the migrations do not make, reference data and an
active normenset; stored normensets that no longer read within the bounds of
:mod:`formatie.parameters` and stored figures whose result the model refuses (not finite, or
absurd: :class:`formatie.model.RekenFout`). Exit code 1 on a problem. For a monitoring system or
a deploy script; ``/health`` is the HTTP counterpart (database only). The operations on the data
(backup, restore, copy-data) are in :mod:`app.beheer`; docs/beheer.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from formatie.model import RekenFout, bereken
from formatie.normenset_toml import parse_normenset
from formatie.problemen import InvoerFout

from .beheer import (
    app_url,
    openstaande_migraties,
    sqlite_schema,
    verberg,
    vreemde_schemaobjecten,
)
from .config import SECRET_KEY_FILE
from .extensions import db
from .models import GemeenteRij, InvoerRij, NormensetRij, ScenarioRij
from .services.cijfers import ontbrekend, volume_matrix

#: Stored figures the model refuses that ``check`` names one by one (the rest are counted).
MAX_GENOEMD = 10

#: PostgreSQL: every object of the app's schema (``current_schema()``) that the migrations
#: could not have made, or any table and column, as (type, name, table).
_PG_OBJECTEN = """
SELECT 'table', table_name, table_name FROM information_schema.tables
 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
UNION ALL SELECT 'view', table_name, table_name FROM information_schema.views
 WHERE table_schema = current_schema()
UNION ALL SELECT 'view', matviewname, matviewname FROM pg_matviews
 WHERE schemaname = current_schema()
UNION ALL SELECT 'trigger', t.tgname, c.relname FROM pg_trigger t
 JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT t.tgisinternal AND n.nspname = current_schema()
UNION ALL SELECT 'function', p.proname, '' FROM pg_proc p
 JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema()
UNION ALL SELECT 'rule', rulename, tablename FROM pg_rules WHERE schemaname = current_schema()
UNION ALL SELECT 'policy', policyname, tablename FROM pg_policies
 WHERE schemaname = current_schema()
"""
_PG_KOLOMMEN = """SELECT table_name, column_name FROM information_schema.columns
 WHERE table_schema = current_schema()"""


def _live_schema() -> tuple[list[tuple[str, str, str]], dict[str, set[str]]]:
    """(objects, table → columns) of the app's own database, for :func:`vreemde_schemaobjecten`
    (PostgreSQL: indexes are not compared; constraint-backed ones carry constraint names)."""
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            return sqlite_schema(conn.connection.dbapi_connection)
        objecten = [tuple(r) for r in conn.execute(text(_PG_OBJECTEN))]
        kolommen: dict[str, set[str]] = {}
        for tabel, kolom in conn.execute(text(_PG_KOLOMMEN)):
            kolommen.setdefault(tabel, set()).add(kolom)
    return objecten, kolommen


def _opgeslagen_normen_en_cijfers() -> list[tuple[str, str, str]]:
    """Stored normensets that no longer read (stored before the bounds of formatie.parameters)
    and stored complete figures whose result the model refuses, per normenset they count with.

    A set that no longer reads is a ``fout`` when it is active or figures or scenarios count
    with it (their pages answer 422), else ``let op``."""
    uit: list[tuple[str, str, str]] = []
    gelezen = {}
    rijen = list(db.session.scalars(select(NormensetRij).order_by(NormensetRij.id)))
    in_gebruik = set(db.session.scalars(select(InvoerRij.normenset_id).distinct())) | set(
        db.session.scalars(select(ScenarioRij.normenset_id).distinct()))
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
    per_normenset: dict[int, list[InvoerRij]] = {}
    for invoer in db.session.scalars(select(InvoerRij).order_by(InvoerRij.jaar,
                                                                 InvoerRij.gemeente_code)):
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
    url = app_url()
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
        uit.append(("fout", "database", f"niet bereikbaar: {verberg(url)} ("
                    + (reden[0] if reden else type(fout).__name__) + ")"))
        uit.append(("fout", "migraties", "niet te controleren zonder database"))
        db.session.rollback()
        return uit
    uit.append(("ok", "database", f"bereikbaar: {verberg(url)}"))
    huidig, koppen = openstaande_migraties(db.engine)
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
    vreemd = vreemde_schemaobjecten(*_live_schema())
    uit.append(("fout", "schema", "de database bevat wat de migraties niet maken: "
                + "; ".join(vreemd[:10]) + (" …" if len(vreemd) > 10 else "")
                + ". Een trigger of view kan elke opslag veranderen; ga na wie dit maakte en "
                "zet zo nodig een back-up terug") if vreemd
               else ("ok", "schema", "alleen wat de migraties maken (geen triggers, views of "
                     "onbekende tabellen)"))
    gemeenten = db.session.scalar(select(func.count()).select_from(GemeenteRij))
    actief = db.session.scalar(select(NormensetRij).where(NormensetRij.actief))
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
