"""Database models (SQLAlchemy 2.x typed style).

Only aggregated figures are stored: per gemeente and year a dict of invoer values. The set of
invoer keys comes from the normenset, so ``InvoerRij.waarden`` is JSON rather than one column per
field; a new invoer in a normenset needs no migration.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from formatie.teams import SOORTEN, VERDEELSLEUTELS

from .extensions import db

#: How passwords are hashed (a werkzeug method string) unless the config says otherwise.
PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a method name, not a password)

ROLLEN = ("gemeente", "regio", "team", "beheerder")

NIET_BEGONNEN = "niet_begonnen"
CONCEPT = "concept"
INGEDIEND = "ingediend"
STATUS_LABELS = {NIET_BEGONNEN: "Niet begonnen", CONCEPT: "Concept", INGEDIEND: "Ingediend"}

#: Audit action (AuditEntry.action) per save path of app.services.opslaan.sla_op, with its label.
ACTIE_CONCEPT = "concept"  # the form's "Opslaan als concept"
ACTIE_INDIENEN = "indienen"  # the form's "Indienen"
ACTIE_EXCEL = "excel-import"  # "Opslaan als invoer" after an uploaded workbook's preview
ACTIE_EERDERE_JAREN = "eerdere-jaren"  # the grid of earlier years (/historie-invoer)
ACTIE_LABELS = {ACTIE_CONCEPT: "Opgeslagen als concept", ACTIE_INDIENEN: "Ingediend",
                ACTIE_EXCEL: "Geïmporteerd uit een Excel-werkboek",
                ACTIE_EERDERE_JAREN: "Ingevuld bij de cijfers van eerdere jaren"}


def utcnow() -> datetime:
    return datetime.now(UTC)


def nieuw_sessietoken() -> str:
    return secrets.token_urlsafe(32)


#: Largest value an INTEGER column holds (ids, versions): a larger number from a URL or a form
#: never reaches the database driver (it would overflow there). The ``id`` URL converter
#: (:class:`IdConverter`) and every form check use this one bound.
MAX_INT = 2**31 - 1


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone: store naive UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class RegioRij(db.Model):
    """A Doorstroompunt (ex-RMC) region, MC01 … MC41."""

    __tablename__ = "regio"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    naam: Mapped[str] = mapped_column(String(120))

    gemeenten: Mapped[list[GemeenteRij]] = relationship(
        back_populates="regio", order_by="GemeenteRij.naam"
    )


class GemeenteRij(db.Model):
    """A gemeente (CBS 2024 indeling) with the CBS figures used for estimates."""

    __tablename__ = "gemeente"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    naam: Mapped[str] = mapped_column(String(120))
    regio_code: Mapped[str] = mapped_column(ForeignKey("regio.code"), index=True)
    inwoners: Mapped[int] = mapped_column(Integer)
    leeftijd_0_14: Mapped[int] = mapped_column(Integer)
    leeftijd_15_24: Mapped[int] = mapped_column(Integer)
    leeftijd_25_44: Mapped[int] = mapped_column(Integer)

    regio: Mapped[RegioRij] = relationship(back_populates="gemeenten")

    @property
    def label(self) -> str:
        return f"{self.naam} ({self.code})"


class User(UserMixin, db.Model):
    __tablename__ = "users"  # "user" is reserved in PostgreSQL
    __table_args__ = (
        CheckConstraint("role IN ('gemeente', 'regio', 'team', 'beheerder')", name="role"),
        CheckConstraint(
            "(role <> 'gemeente' OR gemeente_code IS NOT NULL) "
            "AND (role <> 'regio' OR regio_code IS NOT NULL) "
            "AND (role <> 'team' OR team_id IS NOT NULL)",
            name="role_scope",
        ),
        # One account per person at the organisation's provider (app.views.sso).
        UniqueConstraint("oidc_issuer", "oidc_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    gemeente_code: Mapped[str | None] = mapped_column(ForeignKey("gemeente.code"))
    regio_code: Mapped[str | None] = mapped_column(ForeignKey("regio.code"))
    #: Role ``team``: the team this coordinator plans (app.access, issue 21).
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: What the session cookie holds instead of the id (see :meth:`get_id`); a new one ends
    #: every existing session of this user (password change, logout).
    session_token: Mapped[str] = mapped_column(String(64), unique=True,
                                               default=nieuw_sessietoken)
    #: Set by a beheerder's password reset (a one-time password): until the user has chosen a
    #: new password, every page redirects to the change page (app.views.wachtwoord).
    moet_wachtwoord_wijzigen: Mapped[bool] = mapped_column(Boolean, default=False,
                                                           server_default=false())
    #: Until when a beheerder's one-time password works (None: not a one-time password).
    wachtwoord_verloopt_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Single sign-on: the provider (``iss``) and the person there (``sub``) this account was
    #: linked to at its first single sign-on; from then on only that person gets in (app.views.sso).
    oidc_issuer: Mapped[str | None] = mapped_column(String(255))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))

    gemeente: Mapped[GemeenteRij | None] = relationship()
    regio: Mapped[RegioRij | None] = relationship()
    team: Mapped[TeamRij | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        if not self.session_token:  # not flushed yet: the column default has not run
            self.session_token = nieuw_sessietoken()
        return self.session_token

    def vernieuw_sessietoken(self) -> None:
        """End every existing session of this user."""
        self.session_token = nieuw_sessietoken()

    def set_password(self, password: str) -> None:
        """A new password also ends every existing session (a new session token). Hashed with
        the app's ``PASSWORD_HASH_METHOD`` (werkzeug method string; ``scrypt`` unless a test
        configuration picks a cheaper one); outside an app context with scrypt."""
        methode = (current_app.config.get("PASSWORD_HASH_METHOD", PASSWORD_HASH_METHOD)
                   if has_app_context() else PASSWORD_HASH_METHOD)
        self.password_hash = generate_password_hash(password, method=methode)
        self.vernieuw_sessietoken()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class NormensetRij(db.Model):
    """An uploaded normenset: the TOML text as uploaded, parsed again when used."""

    __tablename__ = "normenset"
    __table_args__ = (
        UniqueConstraint("naam", "versie"),
        # At most one active normenset (a partial unique index, on SQLite and PostgreSQL).
        Index("uq_normenset_een_actief", "actief", unique=True,
              sqlite_where=text("actief"), postgresql_where=text("actief")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    naam: Mapped[str] = mapped_column(String(200))
    versie: Mapped[str] = mapped_column(String(50))
    toml: Mapped[str] = mapped_column(Text)
    actief: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploader: Mapped[User | None] = relationship()

    @property
    def label(self) -> str:
        return f"{self.naam} ({self.versie})"


class InvoerRij(db.Model):
    """The figures of one gemeente for one year. ``version`` is the optimistic lock."""

    __tablename__ = "invoer"
    __table_args__ = (
        UniqueConstraint("gemeente_code", "jaar"),
        CheckConstraint("status IN ('niet_begonnen', 'concept', 'ingediend')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(ForeignKey("gemeente.code"), index=True)
    jaar: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=NIET_BEGONNEN)
    waarden: Mapped[dict] = mapped_column(JSON, default=dict)  # invoer sleutel → value
    bezetting: Mapped[dict] = mapped_column(JSON, default=dict)  # functie sleutel → fte in post
    #: invoer sleutel → herkomst of its value, ``{"soort"[, "versie"]}``
    #: (:mod:`formatie.herkomst`; a value without an entry was saved before herkomst was kept).
    herkomst: Mapped[dict] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    normenset_id: Mapped[int | None] = mapped_column(ForeignKey("normenset.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    gemeente: Mapped[GemeenteRij] = relationship()
    normenset: Mapped[NormensetRij | None] = relationship()
    updater: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class RegioBezettingRij(db.Model):
    """The bezetting (fte in dienst) of a region's regional functies for one year, entered once
    per region: the Doorstroompunt is a regional organisation (formatie.regio.REGIONALE_FUNCTIES).
    This is the bezetting of the region's default Doorstroompunt team (issue 21:
    formatie.teams.standaard_teams, computed by formatie.teams.regio_team): the region page is
    that team's page, so no team_bezetting row is kept for it. ``waarden``: functie sleutel →
    fte. ``version`` is the optimistic lock, as on InvoerRij."""

    __tablename__ = "regio_bezetting"
    __table_args__ = (UniqueConstraint("regio_code", "jaar"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    regio_code: Mapped[str] = mapped_column(ForeignKey("regio.code"), index=True)
    jaar: Mapped[int] = mapped_column(Integer)
    waarden: Mapped[dict] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    regio: Mapped[RegioRij] = relationship()
    updater: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class TeamBezettingRij(db.Model):
    """The bezetting (fte in dienst) of a team for one year, entered once per team (issue 21),
    as a region enters its Doorstroompunt's (:class:`RegioBezettingRij`): the team, not its
    member gemeenten, employs the staff. ``waarden``: functie sleutel (the team's one
    functie) → fte. ``version`` is the optimistic lock."""

    __tablename__ = "team_bezetting"
    __table_args__ = (UniqueConstraint("team_id", "jaar"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    jaar: Mapped[int] = mapped_column(Integer)
    waarden: Mapped[dict] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[TeamRij] = relationship()
    updater: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


#: The audit entry's target must be exactly one of these columns (AuditEntry's check "doel").
AUDIT_DOEL = ("(CASE WHEN invoer_id IS NULL THEN 0 ELSE 1 END) + "
              "(CASE WHEN regio_bezetting_id IS NULL THEN 0 ELSE 1 END) + "
              "(CASE WHEN team_id IS NULL THEN 0 ELSE 1 END) + "
              "(CASE WHEN team_bezetting_id IS NULL THEN 0 ELSE 1 END) = 1")


class AuditEntry(db.Model):
    """One changed field of one save: who, when, old → new. It belongs to exactly one saved
    row: a gemeente's InvoerRij, a region's RegioBezettingRij, a team (TeamRij: its kenmerken and
    members, field ``lid:<gemeentecode>``) or a team's TeamBezettingRij."""

    __tablename__ = "audit_entry"
    __table_args__ = (CheckConstraint(AUDIT_DOEL, name="doel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoer_id: Mapped[int | None] = mapped_column(ForeignKey("invoer.id"), index=True)
    regio_bezetting_id: Mapped[int | None] = mapped_column(ForeignKey("regio_bezetting.id"),
                                                           index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    team_bezetting_id: Mapped[int | None] = mapped_column(ForeignKey("team_bezetting.id"),
                                                          index=True)
    #: The version of the saved row (InvoerRij, RegioBezettingRij, TeamRij or
    #: TeamBezettingRij) this save produced.
    invoer_version: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    field: Mapped[str] = mapped_column(String(100))
    old: Mapped[str | None] = mapped_column(String(100))
    new: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))

    user: Mapped[User | None] = relationship()


def _sql_lijst(sleutels) -> str:
    return ", ".join(f"'{s}'" for s in sleutels)


class TeamRij(db.Model):
    """A team (uitvoeringsorganisatie) for one functie, :class:`formatie.teams.Team` as data:
    ``soort`` and ``verdeelsleutel`` are keys of formatie.teams.SOORTEN / VERDEELSLEUTELS.
    Its members are :class:`TeamLidRij` rows, in the order they joined (a file's order: the
    last member takes what rounding leaves of the shares). ``version`` is the optimistic lock;
    every import that changes the team or its members raises it (app.services.teamdata). Who changed
    what is in the audit trail (AuditEntry.team_id)."""

    __tablename__ = "team"
    __table_args__ = (
        UniqueConstraint("naam", "functie"),
        # The target of TeamLidRij's (team_id, functie): a member row repeats its team's functie.
        UniqueConstraint("id", "functie"),
        CheckConstraint(f"soort IN ({_sql_lijst(SOORTEN)})", name="soort"),
        CheckConstraint(f"verdeelsleutel IN ({_sql_lijst(VERDEELSLEUTELS)})",
                        name="verdeelsleutel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    naam: Mapped[str] = mapped_column(String(200))
    functie: Mapped[str] = mapped_column(String(50))
    soort: Mapped[str] = mapped_column(String(20), default="rbl")
    verdeelsleutel: Mapped[str] = mapped_column(String(20), default="werklast")
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    leden: Mapped[list[TeamLidRij]] = relationship(
        back_populates="team", order_by="TeamLidRij.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class TeamLidRij(db.Model):
    """A gemeente's membership of a team from ``vanaf_jaar`` on (None: always). A gemeente is
    in at most one team per functie: ``functie`` repeats the team's (a composite foreign key
    keeps them equal) so the database can hold that rule."""

    __tablename__ = "team_lid"
    __table_args__ = (
        UniqueConstraint("functie", "gemeente_code"),
        ForeignKeyConstraint(["team_id", "functie"], ["team.id", "team.functie"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, index=True)
    functie: Mapped[str] = mapped_column(String(50))
    gemeente_code: Mapped[str] = mapped_column(ForeignKey("gemeente.code"), index=True)
    vanaf_jaar: Mapped[int | None] = mapped_column(Integer)

    team: Mapped[TeamRij] = relationship(back_populates="leden")
    gemeente: Mapped[GemeenteRij] = relationship()


class SsoPoging(db.Model):
    """A single sign-on attempt's state data (state, nonce, PKCE verifier, redirect URI), kept
    on the server by Authlib's cache interface (app.views.sso.PogingCache) and taken exactly once:
    a replayed pre-callback cookie finds nothing."""

    __tablename__ = "sso_poging"

    sleutel: Mapped[str] = mapped_column(String(200), primary_key=True)
    waarde: Mapped[str] = mapped_column(Text)
    verloopt_op: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class LoginAttempt(db.Model):
    """A login attempt, for the rate limit (see app.views.auth)."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    ip: Mapped[str] = mapped_column(String(45), index=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    success: Mapped[bool] = mapped_column(Boolean)


class ScenarioRij(db.Model):
    """A stored scenario: ``parameters`` is :meth:`formatie.scenario.Scenario.to_dict`.

    ``basis`` freezes the base volume at creation (``{"gemeentecodes": [...], "invoer":
    [sleutels], "volume": [[...]]}``) and ``overrides`` holds invoer values that replace it
    (``{gemeentecode: {sleutel: value}}``, e.g. from an uploaded workbook), so a result can
    always be reproduced from this row alone. Scope: exactly one of gemeente_code, regio_code.
    """

    __tablename__ = "scenario"
    __table_args__ = (
        CheckConstraint("(gemeente_code IS NULL) <> (regio_code IS NULL)", name="scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    naam: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    gemeente_code: Mapped[str | None] = mapped_column(ForeignKey("gemeente.code"), index=True)
    regio_code: Mapped[str | None] = mapped_column(ForeignKey("regio.code"), index=True)
    jaar: Mapped[int] = mapped_column(Integer)
    normenset_id: Mapped[int] = mapped_column(ForeignKey("normenset.id"))
    #: Normenset stored from an uploaded workbook's edited norms (provenance), if any.
    werkboek_normenset_id: Mapped[int | None] = mapped_column(ForeignKey("normenset.id"))
    parameters: Mapped[dict] = mapped_column(JSON)
    basis: Mapped[dict] = mapped_column(JSON)
    overrides: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[User | None] = relationship()
    gemeente: Mapped[GemeenteRij | None] = relationship()
    regio: Mapped[RegioRij | None] = relationship()
    normenset: Mapped[NormensetRij] = relationship(foreign_keys=[normenset_id])
    werkboek_normenset: Mapped[NormensetRij | None] = relationship(
        foreign_keys=[werkboek_normenset_id])

    @property
    def scope_label(self) -> str:
        if self.gemeente is not None:
            return self.gemeente.label
        return f"regio {self.regio.naam} ({self.regio_code})" if self.regio else "?"


class WerkboekUploadRij(db.Model):
    """An uploaded workbook waiting for confirmation after the preview (parsed, as JSON).

    Only its owner can confirm it, only through the same gemeente or region page, and only
    until ``expires_at``; confirming deletes it.
    """

    __tablename__ = "werkboek_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    scope: Mapped[str] = mapped_column(String(10))  # "gemeente" or "regio"
    scope_code: Mapped[str] = mapped_column(String(4))
    jaar: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RekencacheRij(db.Model):
    """A computed figure shared between the workers (app.services.rekencache): results,
    ranges, gevoeligheid and prognose, under a key that is a content hash of their inputs
    (normenset, volumes, bezetting, the uncertainty policy and the code). A save changes the
    inputs and so the key: an entry is never stale, only unused (old ones are pruned).
    ``waarde`` is a signed pickle (HMAC with the app's SECRET_KEY: a row written by anyone
    without the key is ignored, never unpickled)."""

    __tablename__ = "rekencache"

    sleutel: Mapped[str] = mapped_column(String(64), primary_key=True)
    waarde: Mapped[bytes] = mapped_column(LargeBinary)
    gebruikt_op: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
