"""Flask CLI: ``init`` (migrate + seed), ``users``, ``teams importeer`` and ``demo``; the
operations commands (``backup``, ``restore``, ``copy-data``, ``check``) live in
:mod:`app.beheer`."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from formatie.normenset_toml import standaard_normenset
from formatie.problemen import InvoerFout
from formatie.referentie import load_referentie
from formatie.taal import aantal_woord

from .extensions import db
from .models import ROLLEN, GemeenteRij, NormensetRij, RegioRij, User
from .services import accounts, teamdata
from .services.normensets import activeer

DEMO_BEHEERDER = "beheerder@demo.formatietool.nl"
DEMO_GEMEENTE_CODE = "0200"  # Apeldoorn: a mid-size gemeente
DEMO_GEMEENTE = f"gemeente{DEMO_GEMEENTE_CODE}@demo.formatietool.nl"


def seed_referentie() -> tuple[int, int]:
    """Insert or update the 40 regions and 342 gemeenten from the shipped CBS/DUO data."""
    ref = load_referentie()
    regios = {r.code: r for r in db.session.scalars(select(RegioRij))}
    for code, naam in ref.regionamen.items():
        if code in regios:
            regios[code].naam = naam
        else:
            db.session.add(RegioRij(code=code, naam=naam))
    db.session.flush()
    gemeenten = {g.code: g for g in db.session.scalars(select(GemeenteRij))}
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
            db.session.add(GemeenteRij(code=code, **velden))
    return len(ref.regionamen), len(ref.gemeentecodes)


def seed_normenset() -> tuple[NormensetRij | None, bool]:
    """Install the shipped default normenset when this naam + versie is not in the database.

    Returns (the added row or None, whether it was made active). A fresh database gets it as
    the active set. In an existing one it becomes active only when the active set is an earlier
    shipped default (stored by nobody, ``uploaded_by`` None): a set the beheerder uploaded and
    chose stays active. Earlier sets stay, so stored invoer and scenarios keep their normenset.
    """
    n = standaard_normenset()
    if db.session.scalar(select(NormensetRij).where(NormensetRij.naam == n.naam,
                                                 NormensetRij.versie == n.versie)):
        return None, False
    actief = db.session.scalar(select(NormensetRij).where(NormensetRij.actief))
    rij = NormensetRij(naam=n.naam, versie=n.versie, toml=n.bron_tekst, actief=False)
    db.session.add(rij)
    db.session.flush()
    maak_actief = actief is None or actief.uploaded_by is None
    if maak_actief:
        activeer(rij)
    return rij, maak_actief


def maak_gebruiker(email: str, role: str, password: str, gemeente: str | None = None,
                   regio: str | None = None, team: str | None = None) -> User:
    """:func:`app.services.accounts.maak_gebruiker` with its Dutch message as a usage error."""
    try:
        return accounts.maak_gebruiker(email, role, password, gemeente, regio, team)
    except accounts.GebruikerFout as fout:
        raise click.UsageError(str(fout)) from None


def _wachtwoord(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    # click's own confirmation prompt and mismatch error are English ("Repeat for confirmation")
    while True:
        wachtwoord = click.prompt("Wachtwoord", hide_input=True)
        if click.prompt("Herhaal het wachtwoord", hide_input=True) == wachtwoord:
            return wachtwoord
        click.echo("De twee wachtwoorden verschillen; probeer het opnieuw.", err=True)


users = AppGroup("users", help="Gebruikers beheren.")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLLEN), required=True)
@click.option("--gemeente", help="gemeentecode, bij rol gemeente (bijvoorbeeld 0363)")
@click.option("--regio", help="regiocode, bij rol regio (bijvoorbeeld MC21)")
@click.option("--team", help="nummer van het team, bij rol team (zie de pagina Teams)")
@click.option("--password-stdin", is_flag=True, help="lees het wachtwoord van stdin")
def users_create(email, role, gemeente, regio, team, password_stdin):
    """Maak een gebruiker aan."""
    user = maak_gebruiker(email, role, _wachtwoord(password_stdin), gemeente, regio, team)
    db.session.commit()
    click.echo(f"Gebruiker {user.email} ({user.role}) aangemaakt.")


@users.command("password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="lees het wachtwoord van stdin")
def users_password(email, password_stdin):
    """Stel een nieuw wachtwoord in."""
    user = db.session.scalar(select(User).where(User.email == accounts.email_sleutel(email)))
    if user is None:
        raise click.UsageError(f"gebruiker {email} bestaat niet.")
    password = _wachtwoord(password_stdin)
    if len(password) < accounts.MIN_LENGTE:
        raise click.UsageError(accounts.TE_KORT)
    user.set_password(password)  # also a new session token: existing sessions end
    user.wachtwoord_verloopt_op = None  # a password set here is no one-time password
    db.session.commit()
    click.echo(f"Wachtwoord van {user.email} gewijzigd; bestaande sessies zijn beëindigd.")


@users.command("unlink-sso")
@click.argument("email")
def users_unlink_sso(email):
    """Ontkoppel een account van de persoon bij de inlogdienst (iss + sub), bijvoorbeeld na een
    nieuw account bij de organisatie; de volgende inlog via de organisatie koppelt opnieuw."""
    user = db.session.scalar(select(User).where(User.email == accounts.email_sleutel(email)))
    if user is None:
        raise click.UsageError(f"gebruiker {email} bestaat niet.")
    user.oidc_issuer = user.oidc_subject = None
    user.vernieuw_sessietoken()  # whoever was signed in through the old link is signed out
    db.session.commit()
    click.echo(f"{user.email} is ontkoppeld van de inlogdienst; bestaande sessies zijn beëindigd.")


@users.command("list")
def users_list():
    """Toon alle gebruikers."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        scope = user.gemeente_code or user.regio_code or (
            f"team {user.team_id}" if user.team_id else "")
        status = "" if user.active else " (geblokkeerd)"
        click.echo(f"{user.email}\t{user.role}\t{scope}{status}")


teams = AppGroup("teams", help="Teams (uitvoeringsorganisaties van meer gemeenten) beheren.")


@teams.command("importeer")
@click.argument("bestand", type=click.Path(exists=True, dir_okay=False))
def teams_importeer(bestand):
    """Lees teams uit een CSV (kolommen team, functie, gemeentecode, optioneel vanaf_jaar,
    soort, verdeelsleutel). Elk team in het bestand krijgt precies de leden uit het bestand;
    bij een fout wordt niets opgeslagen. Nogmaals hetzelfde bestand verandert niets."""
    try:
        verslag = teamdata.importeer_teams(teamdata.lees_teams(Path(bestand), bestand), None)
    except InvoerFout as fout:
        db.session.rollback()
        for probleem in fout.problemen:
            click.echo(probleem.tekst(fout.bestand), err=True)
        click.echo("Er is niets opgeslagen.", err=True)
        sys.exit(1)
    db.session.commit()
    for regel in verslag.regels():
        click.echo(regel)
    click.echo(f"{aantal_woord(verslag.aantal, 'wijziging')} opgeslagen." if verslag.aantal
               else "Er was niets gewijzigd; er is niets opgeslagen.")


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


DEMO_BESTAND = "demo-accounts.txt"  # in instance/, mode 0600


def _lees_demo_bestand(pad: Path) -> dict[str, str]:
    """e-mail → password from instance/demo-accounts.txt (lines "e-mail<TAB>password")."""
    if not pad.exists():
        return {}
    regels = (r.split("\t") for r in pad.read_text(encoding="utf-8").splitlines())
    return {r[0]: r[1] for r in regels if len(r) == 2 and not r[0].startswith("#")}


def _schrijf_demo_bestand(pad: Path, wachtwoorden: dict[str, str]) -> None:
    pad.touch(mode=0o600)
    pad.chmod(0o600)
    pad.write_text("# Demo-accounts van de Formatietool (e-mail<TAB>wachtwoord). Alleen voor "
                   "een proefinstallatie.\n"
                   + "".join(f"{e}\t{w}\n" for e, w in wachtwoorden.items()), encoding="utf-8")


def _kader(regels: list[str]) -> str:
    breedte = max(len(r) for r in regels)
    return "\n".join(["┌" + "─" * (breedte + 2) + "┐",
                      *(f"│ {r:<{breedte}} │" for r in regels),
                      "└" + "─" * (breedte + 2) + "┘"])


@click.command("demo")
@with_appcontext
def demo_command():
    """Maak een demo-beheerder en een demo-gemeenteaccount met willekeurige wachtwoorden.

    De wachtwoorden komen in instance/demo-accounts.txt (alleen voor u leesbaar) en in een
    kader op het scherm, ook bij een volgende keer zolang ze niet gewijzigd zijn.
    """
    try:
        gemeente = db.session.get(GemeenteRij, DEMO_GEMEENTE_CODE)
    except SQLAlchemyError:
        gemeente = None
    if gemeente is None:
        raise click.UsageError("de database is nog leeg: voer eerst 'flask --app app init' uit.")
    pad = Path(current_app.instance_path) / DEMO_BESTAND
    bekend = _lees_demo_bestand(pad)
    demo = [(DEMO_BEHEERDER, "beheerder", None, "beheerder"),
            (DEMO_GEMEENTE, "gemeente", DEMO_GEMEENTE_CODE, f"gemeente {gemeente.naam}")]
    regels = []
    for email, role, code, wat in demo:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            bekend[email] = secrets.token_urlsafe(15)
            maak_gebruiker(email, role, bekend[email], gemeente=code)
            db.session.commit()
        if email in bekend and db.session.scalar(
                select(User).where(User.email == email)).check_password(bekend[email]):
            regels.append(f"  {wat}: {email}  wachtwoord: {bekend[email]}")
        else:
            regels.append(f"  {wat}: {email}  (wachtwoord gewijzigd; nieuw instellen: "
                          f".venv/bin/flask --app app users password {email})")
    _schrijf_demo_bestand(pad, bekend)
    toon = os.path.relpath(pad)
    click.echo(_kader([
        f"Formatietool: http://127.0.0.1:{current_app.config['PORT']}/  (stoppen: Ctrl+C)",
        "",
        "Inloggen met een demo-account:",
        *regels,
        "",
        f"Deze wachtwoorden staan ook in {pad if toon.startswith('..') else toon} "
        "(alleen voor u leesbaar).",
    ]))


def register(app: Flask) -> None:
    from . import beheer  # backup, restore, copy-data, check

    beheer.register(app)
    app.cli.add_command(users)
    app.cli.add_command(teams)
    app.cli.add_command(init_command)
    app.cli.add_command(demo_command)
