"""Creating accounts, shared by the CLI (``flask users create``) and the beheerder's page."""

from __future__ import annotations

from sqlalchemy import select

from .extensions import db
from .models import ROLLEN, Gemeente, Regio, User

MIN_LENGTE = 12
TE_KORT = f"het wachtwoord moet minstens {MIN_LENGTE} tekens hebben."


class GebruikerFout(ValueError):
    """An account that cannot be created; ``str()`` is a Dutch message."""


def maak_gebruiker(email: str, role: str, password: str, gemeente: str | None = None,
                   regio: str | None = None) -> User:
    """Validate and add a user to the session (the caller commits)."""
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise GebruikerFout(f"'{email}' is geen geldig e-mailadres.")
    if db.session.scalar(select(User).where(User.email == email)):
        raise GebruikerFout(f"gebruiker {email} bestaat al.")
    if role not in ROLLEN:
        raise GebruikerFout(f"rol moet een van {', '.join(ROLLEN)} zijn.")
    gemeente = (gemeente or "").strip().zfill(4) if gemeente else None
    regio = (regio or "").strip().upper() or None
    if role == "gemeente" and (not gemeente or db.session.get(Gemeente, gemeente) is None):
        raise GebruikerFout("rol gemeente vraagt een bestaande gemeentecode "
                            "(bijvoorbeeld --gemeente 0363).")
    if role == "regio" and (not regio or db.session.get(Regio, regio) is None):
        raise GebruikerFout("rol regio vraagt een bestaande regiocode "
                            "(bijvoorbeeld --regio MC21).")
    if len(password) < MIN_LENGTE:
        raise GebruikerFout(TE_KORT)
    user = User(email=email, role=role, gemeente_code=gemeente if role == "gemeente" else None,
                regio_code=regio if role == "regio" else None, active=True)
    user.set_password(password)
    db.session.add(user)
    return user
