"""Creating accounts (shared by the CLI ``flask users create`` and the beheerder's page), a
beheerder's password reset with a one-time password, and a user's own password change.

E-mail addresses are checked with the kept library ``email-validator`` (RFC 5322/6531 syntax,
Unicode normal form; no DNS lookups), plus one rule of our own: the address starts with a
letter or digit, since a leading ``=``, ``+``, ``-`` or ``@`` is read as a formula when a list
of accounts is opened in a spreadsheet. Every address is stored and compared in one normal
form, :func:`email_sleutel` (NFKC, casefolded): password login, single sign-on and the CLI.
"""

from __future__ import annotations

import secrets
import unicodedata
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from ..extensions import db
from ..models import ROLLEN, GemeenteRij, RegioRij, TeamRij, User, utcnow

MIN_LENGTE = 12
TE_KORT = f"het wachtwoord moet minstens {MIN_LENGTE} tekens hebben."
#: How long a beheerder's one-time password works (a weekend included).
EENMALIG_GELDIG = timedelta(hours=72)


def email_sleutel(email: str) -> str:
    """The one form in which e-mail addresses are stored and compared: trimmed, NFKC-normalised
    and casefolded (``Kees@Gemeente.NL`` → ``kees@gemeente.nl``)."""
    return unicodedata.normalize("NFKC", email.strip()).casefold()


def geldig_email(email: str) -> str:
    """``email`` checked by email-validator (syntax only) and in :func:`email_sleutel` form;
    GebruikerFout (Dutch) when it is no usable address."""
    email = (email or "").strip()
    if not email[:1].isalnum():
        raise GebruikerFout(f"'{email[:254]}' is geen geldig e-mailadres: het moet met een "
                            "letter of cijfer beginnen.")
    try:
        uitkomst = validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise GebruikerFout(f"'{email[:254]}' is geen geldig e-mailadres.") from None
    sleutel = email_sleutel(uitkomst.normalized)
    if len(sleutel) > 254:
        raise GebruikerFout("een e-mailadres heeft hoogstens 254 tekens.")
    return sleutel


class GebruikerFout(ValueError):
    """An account that cannot be created or changed; ``str()`` is a Dutch message.

    ``veld``: the form field the message belongs to, if any.
    """

    def __init__(self, bericht: str, veld: str | None = None):
        super().__init__(bericht)
        self.veld = veld


def maak_gebruiker(email: str, role: str, password: str, gemeente: str | None = None,
                   regio: str | None = None, team: str | None = None) -> User:
    """Validate and add a user to the session (the caller commits). ``team``: the team's id
    (role team)."""
    email = geldig_email(email)
    if db.session.scalar(select(User).where(User.email == email)):
        raise GebruikerFout(f"gebruiker {email} bestaat al.")
    if role not in ROLLEN:
        raise GebruikerFout(f"rol moet een van {', '.join(ROLLEN)} zijn.")
    gemeente = (gemeente or "").strip().zfill(4) if gemeente else None
    regio = (regio or "").strip().upper() or None
    if role == "gemeente" and (not gemeente or db.session.get(GemeenteRij, gemeente) is None):
        raise GebruikerFout("rol gemeente vraagt een bestaande gemeentecode "
                            "(bijvoorbeeld --gemeente 0363).")
    if role == "regio" and (not regio or db.session.get(RegioRij, regio) is None):
        raise GebruikerFout("rol regio vraagt een bestaande regiocode "
                            "(bijvoorbeeld --regio MC21).")
    team_id = int(team) if team and str(team).strip().isdigit() and len(str(team)) < 10 else None
    if role == "team" and (team_id is None or db.session.get(TeamRij, team_id) is None):
        raise GebruikerFout("rol team vraagt een bestaand team (bijvoorbeeld --team 1; de "
                            "nummers staan op de pagina Teams).")
    if len(password) < MIN_LENGTE:
        raise GebruikerFout(TE_KORT)
    user = User(email=email, role=role, gemeente_code=gemeente if role == "gemeente" else None,
                regio_code=regio if role == "regio" else None,
                team_id=team_id if role == "team" else None, active=True)
    user.set_password(password)
    db.session.add(user)
    return user


def stel_eenmalig_wachtwoord_in(user: User) -> str:
    """A beheerder's reset: a random one-time password, returned once and stored only hashed.

    The new hash also rotates the session token (every existing session of ``user`` ends), and
    the user must choose a new password at the next login, within :data:`EENMALIG_GELDIG`;
    after that the one-time password no longer logs in. The caller commits and shows the
    password once; it is never logged or kept in the session.
    """
    wachtwoord = secrets.token_urlsafe(15)  # 20 characters, 120 bits
    user.set_password(wachtwoord)
    user.moet_wachtwoord_wijzigen = True
    user.wachtwoord_verloopt_op = utcnow() + EENMALIG_GELDIG
    return wachtwoord


def wachtwoord_verlopen(user: User) -> bool:
    """True when ``user``'s password is a one-time password past its expiry."""
    return user.wachtwoord_verloopt_op is not None and user.wachtwoord_verloopt_op < utcnow()


def wijzig_wachtwoord(user: User, huidig: str, nieuw: str, herhaling: str) -> None:
    """The user's own change: ``huidig`` must be right, ``nieuw`` long enough and repeated.

    Raises GebruikerFout with a Dutch message per field (``fout.veld``: "huidig", "nieuw" or
    "herhaling"). A new hash rotates the session token: the caller logs the user in again.
    """
    if not user.check_password(huidig or ""):
        raise GebruikerFout("Het huidige wachtwoord klopt niet.", veld="huidig")
    if len(nieuw or "") < MIN_LENGTE:
        raise GebruikerFout(TE_KORT[:1].upper() + TE_KORT[1:], veld="nieuw")
    if nieuw != herhaling:
        raise GebruikerFout("De twee nieuwe wachtwoorden zijn niet gelijk.", veld="herhaling")
    if nieuw == huidig:
        raise GebruikerFout("Kies een ander wachtwoord dan het huidige.", veld="nieuw")
    user.set_password(nieuw)
    user.moet_wachtwoord_wijzigen = False
    user.wachtwoord_verloopt_op = None
