"""Flask CLI: ``init`` (migrate + seed), ``users`` and ``demo``; the operations commands
(``backup``, ``restore``, ``copy-data``, ``check``) live in :mod:`app.beheer`."""

from __future__ import annotations

import secrets
import sys

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie

from . import accounts
from .extensions import db
from .models import ROLLEN, Gemeente, Normenset, Regio, User
from .normensets import activeer

DEMO_BEHEERDER = "beheerder@demo.formatietool.nl"
DEMO_GEMEENTE_CODE = "0200"  # Apeldoorn: a mid-size gemeente
DEMO_GEMEENTE = f"gemeente{DEMO_GEMEENTE_CODE}@demo.formatietool.nl"


def seed_referentie() -> tuple[int, int]:
    """Insert or update the 40 regions and 342 gemeenten from the shipped CBS/DUO data."""
    ref = load_referentie()
    regios = {r.code: r for r in db.session.scalars(select(Regio))}
    for code, naam in ref.regionamen.items():
        if code in regios:
            regios[code].naam = naam
        else:
            db.session.add(Regio(code=code, naam=naam))
    db.session.flush()
    gemeenten = {g.code: g for g in db.session.scalars(select(Gemeente))}
    for i, code in enumerate(ref.gemeentecodes):
        velden = {
            "naam": ref.gemeentenamen[i],
            "regio_code": ref.regio_per_gemeente[i],
            "inwoners": int(ref.inwoners[i]),
            "leeftijd_0_14": int(ref.leeftijd_0_14[i]),
            "leeftijd_15_24": int(ref.leeftijd_15_24[i]),
            "leeftijd_25_44": int(ref.leeftijd_25_44[i]),
        }
        if code in gemeenten:
            for k, v in velden.items():
                setattr(gemeenten[code], k, v)
        else:
            db.session.add(Gemeente(code=code, **velden))
    return len(ref.regionamen), len(ref.gemeentecodes)


def seed_normenset() -> tuple[Normenset | None, bool]:
    """Install the shipped default normenset when this naam + versie is not in the database.

    Returns (the added row or None, whether it was made active). A fresh database gets it as
    the active set. In an existing one it becomes active only when the active set is an earlier
    shipped default (stored by nobody, ``uploaded_by`` None): a set the beheerder uploaded and
    chose stays active. Earlier sets stay, so stored invoer and scenarios keep their normenset.
    """
    n = standaard_normenset()
    if db.session.scalar(select(Normenset).where(Normenset.naam == n.naam,
                                                 Normenset.versie == n.versie)):
        return None, False
    actief = db.session.scalar(select(Normenset).where(Normenset.actief))
    rij = Normenset(naam=n.naam, versie=n.versie, toml=n.bron_tekst, actief=False)
    db.session.add(rij)
    db.session.flush()
    maak_actief = actief is None or actief.uploaded_by is None
    if maak_actief:
        activeer(rij)
    return rij, maak_actief


def maak_gebruiker(email: str, role: str, password: str, gemeente: str | None = None,
                   regio: str | None = None) -> User:
    """:func:`app.accounts.maak_gebruiker` with its Dutch message as a usage error."""
    try:
        return accounts.maak_gebruiker(email, role, password, gemeente, regio)
    except accounts.GebruikerFout as fout:
        raise click.UsageError(str(fout)) from None


def _wachtwoord(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True)


users = AppGroup("users", help="Gebruikers beheren.")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLLEN), required=True)
@click.option("--gemeente", help="gemeentecode, bij rol gemeente (bijvoorbeeld 0363)")
@click.option("--regio", help="regiocode, bij rol regio (bijvoorbeeld MC21)")
@click.option("--password-stdin", is_flag=True, help="lees het wachtwoord van stdin")
def users_create(email, role, gemeente, regio, password_stdin):
    """Maak een gebruiker aan."""
    user = maak_gebruiker(email, role, _wachtwoord(password_stdin), gemeente, regio)
    db.session.commit()
    click.echo(f"Gebruiker {user.email} ({user.role}) aangemaakt.")


@users.command("password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="lees het wachtwoord van stdin")
def users_password(email, password_stdin):
    """Stel een nieuw wachtwoord in."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.UsageError(f"gebruiker {email} bestaat niet.")
    password = _wachtwoord(password_stdin)
    if len(password) < accounts.MIN_LENGTE:
        raise click.UsageError(accounts.TE_KORT)
    user.set_password(password)  # also a new session token: existing sessions end
    db.session.commit()
    click.echo(f"Wachtwoord van {user.email} gewijzigd; bestaande sessies zijn beëindigd.")


@users.command("list")
def users_list():
    """Toon alle gebruikers."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        scope = user.gemeente_code or user.regio_code or ""
        status = "" if user.active else " (geblokkeerd)"
        click.echo(f"{user.email}\t{user.role}\t{scope}{status}")


@click.command("init")
@with_appcontext
def init_command():
    """Migreer de database en vul gemeenten, regio's en de standaardnormenset (herhaalbaar)."""
    upgrade()
    regios, gemeenten = seed_referentie()
    normenset, actief = seed_normenset()
    db.session.commit()
    click.echo(f"Database bijgewerkt: {regios} regio's, {gemeenten} gemeenten.")
    if normenset is not None and actief:
        click.echo(f"Normenset {normenset.label} geïnstalleerd en actief gemaakt.")
    elif normenset is not None:
        click.echo(f"Normenset {normenset.label} geïnstalleerd, niet actief: de actieve "
                   "normenset is door een beheerder gekozen. Activeer de nieuwe op /normen.")


@click.command("demo")
@with_appcontext
def demo_command():
    """Maak een demo-beheerder en een demo-gemeenteaccount met willekeurige wachtwoorden."""
    try:
        gemeente = db.session.get(Gemeente, DEMO_GEMEENTE_CODE)
    except SQLAlchemyError:
        gemeente = None
    if gemeente is None:
        raise click.UsageError("de database is nog leeg: voer eerst 'flask --app app init' uit.")
    accounts = [(DEMO_BEHEERDER, "beheerder", None), (DEMO_GEMEENTE, "gemeente",
                                                      DEMO_GEMEENTE_CODE)]
    nieuw = False
    for email, role, code in accounts:
        if db.session.scalar(select(User).where(User.email == email)):
            click.echo(f"Demo-account {email} bestaat al. Nieuw wachtwoord instellen: "
                       f"flask --app app users password {email}")
            continue
        password = secrets.token_urlsafe(15)
        maak_gebruiker(email, role, password, gemeente=code)
        db.session.commit()
        wat = "beheerder" if role == "beheerder" else f"gemeente {gemeente.naam}"
        click.echo(f"Demo-account ({wat}): {email}  wachtwoord: {password}")
        nieuw = True
    if nieuw:
        click.echo("Noteer deze wachtwoorden: ze worden niet opnieuw getoond.")


def register(app: Flask) -> None:
    from . import beheer  # backup, restore, copy-data, check

    beheer.register(app)
    app.cli.add_command(users)
    app.cli.add_command(init_command)
    app.cli.add_command(demo_command)
