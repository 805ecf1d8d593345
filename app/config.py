"""Configuration from the environment, with the instance folder as fallback."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a key)


def database_url(url: str | None) -> str:
    """The SQLAlchemy URL: ``DATABASE_URL`` (PostgreSQL via psycopg 3), else SQLite in instance/.

    Hosting platforms hand out ``postgres://`` or ``postgresql://`` URLs; SQLAlchemy needs the
    driver named. A relative SQLite path is resolved by Flask-SQLAlchemy against the instance
    folder.
    """
    if not url:
        return "sqlite:///formatie.db"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def secret_key(instance_path: str) -> str:
    """``SECRET_KEY`` from the environment, else from instance/secret_key (created once)."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    pad = Path(instance_path) / SECRET_KEY_FILE
    try:
        # O_EXCL: when several gunicorn workers start at once, exactly one writes the key.
        fd = os.open(pad, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another worker may be writing it right now
            if key := pad.read_text(encoding="ascii").strip():
                return key
            time.sleep(0.02)
        raise RuntimeError(f"{pad} is leeg; verwijder het bestand zodat er een nieuwe sleutel "
                           "wordt gemaakt.") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    return key


def env_bool(naam: str, standaard: bool) -> bool:
    waarde = os.environ.get(naam)
    if waarde is None or not waarde.strip():
        return standaard
    return waarde.strip().lower() not in {"0", "false", "no", "nee", "off"}


#: The single sign-on settings (docs/beheer.md, "Inloggen met het organisatie-account").
OIDC_INSTELLINGEN = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_REDIRECT_URI",
                     "OIDC_BEHEERDER")


def oidc_instellingen() -> dict[str, str]:
    """Single sign-on settings from the environment: ``OIDC_ISSUER``, ``OIDC_CLIENT_ID``,
    ``OIDC_CLIENT_SECRET``, ``OIDC_REDIRECT_URI`` and ``OIDC_BEHEERDER``.

    The issuer is kept exactly as given (it must equal the ``issuer`` the provider publishes
    and puts in its ID tokens); the redirect URI is the one registered at the provider
    (``https://<host>/sso/callback``), never derived from a request's headers. An empty
    value of the first four means: no single sign-on (see app.views.sso). ``OIDC_BEHEERDER``:
    ``wachtwoord`` (default) or ``sso``.
    """
    return {naam: os.environ.get(naam, "").strip() for naam in OIDC_INSTELLINGEN}


#: OIDC_BEHEERDER: beheerders log in with a password only, or only through the provider.
BEHEERDER_KEUZES = ("wachtwoord", "sso")


def ingesteld(config) -> bool:
    """True when single sign-on is configured: issuer, client id, client secret and redirect
    URI are all set (app.views.sso)."""
    return all(config.get(naam) for naam in OIDC_INSTELLINGEN[:4])


def beheerder_via_sso(config) -> bool:
    """True when beheerders log in through the provider only (``OIDC_BEHEERDER=sso`` with single
    sign-on configured); otherwise they use their password and the provider refuses them."""
    return ingesteld(config) and (config.get("OIDC_BEHEERDER") or "wachtwoord") == "sso"


def beveilig_instance(instance_path: str, database_uri: str) -> None:
    """instance/ holds the database, the secret key and the demo logins: only the app's own
    user may read it. The folder becomes 0700 and a SQLite database file 0600 — created empty
    here first when it does not exist yet, because SQLite would create it under the umask
    (0644); its -wal, -shm and -journal files take the database file's mode. A folder or file
    of another owner (a deployment's own layout) is left as it is."""
    os.makedirs(instance_path, mode=0o700, exist_ok=True)
    _alleen_eigenaar(Path(instance_path), 0o700)
    if not database_uri.startswith("sqlite:///"):
        return
    naam = database_uri.removeprefix("sqlite:///").split("?", 1)[0]
    if not naam or naam == ":memory:" or naam.startswith("file:"):
        return
    pad = Path(naam) if os.path.isabs(naam) else Path(instance_path) / naam
    try:
        os.close(os.open(pad, os.O_WRONLY | os.O_CREAT, 0o600))
    except OSError:
        return  # a missing folder or no rights: SQLite will say so in its own words
    _alleen_eigenaar(pad, 0o600)


def _alleen_eigenaar(pad: Path, modus: int) -> None:
    try:
        if pad.stat().st_uid == os.getuid() and pad.stat().st_mode & 0o777 != modus:
            pad.chmod(modus)
    except OSError:
        pass
