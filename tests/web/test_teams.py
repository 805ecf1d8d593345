"""Teams as data (issue 21): the migration, ``flask teams importeer``, the beheerder's teams
page, the team page and its JSON, the role ``team`` and the team on the gemeente's result.

Every figure is checked against :mod:`formatie.teams` (the one implementation) and against
``formatie bereken --teams`` on the same figures."""

from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.extensions import db
from app.models import User

from .conftest import maak_config

VORIGE = "7a3c91e5b2d8"  # the head before the teams migration
NU = "2026-01-01 00:00:00"


@pytest.fixture
def leeg_app(lege_database, tmp_path):
    app = create_app(maak_config(lege_database.url), instance_path=str(tmp_path / "i"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_teams_migration_keeps_users_and_their_references_and_goes_back(leeg_app):
    """9b4d2c7e1f36 on a database with users that figures and audit entries point to (SQLite
    rebuilds users with its foreign keys on): everything survives; a team user needs a team;
    an audit entry still has exactly one target; downgrading refuses while team users exist
    and then drops the teams, keeping users, figures and audit."""
    runner = leeg_app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    assert runner.invoke(args=["db", "downgrade", VORIGE]).exit_code == 0
    with leeg_app.app_context():
        db.session.execute(text(
            "INSERT INTO users (email, password_hash, role, gemeente_code, active, created_at, "
            "session_token, moet_wachtwoord_wijzigen) VALUES ('a@b.nl', 'x', 'gemeente', "
            f"'0200', true, '{NU}', 'token-a', false)"))
        db.session.execute(text(
            "INSERT INTO invoer (gemeente_code, jaar, status, waarden, bezetting, herkomst, "
            "version, updated_by, updated_at) SELECT '0200', 2025, 'concept', '{}', '{}', "
            f"'{{}}', 1, id, '{NU}' FROM users"))
        db.session.execute(text(
            "INSERT INTO audit_entry (invoer_id, invoer_version, user_id, timestamp, field, "
            f"action) SELECT invoer.id, 1, users.id, '{NU}', 'status', 'concept' "
            "FROM invoer, users"))
        db.session.commit()
    uit = runner.invoke(args=["db", "upgrade"])
    assert uit.exit_code == 0, uit.output + repr(uit.exception)
    with leeg_app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM users")) == 1
        assert db.session.scalar(text(
            "SELECT count(*) FROM audit_entry JOIN users ON users.id = audit_entry.user_id")) == 1
        db.session.execute(text(
            "INSERT INTO team (naam, functie, soort, verdeelsleutel, version, updated_at) "
            f"VALUES ('RBL', 'leerplicht', 'rbl', 'werklast', 1, '{NU}')"))
        db.session.execute(text(
            "INSERT INTO team_lid (team_id, functie, gemeente_code) SELECT id, 'leerplicht', "
            "'0200' FROM team"))
        db.session.commit()
        for fout in (
            # a gemeente in two teams of one functie
            "INSERT INTO team_lid (team_id, functie, gemeente_code) SELECT id, 'leerplicht', "
            "'0200' FROM team",
            # a member row with another functie than its team's
            "INSERT INTO team_lid (team_id, functie, gemeente_code) SELECT id, 'verzuim', "
            "'0150' FROM team",
            # a team user without a team
            "INSERT INTO users (email, password_hash, role, active, created_at, session_token, "
            f"moet_wachtwoord_wijzigen) VALUES ('t@b.nl', 'x', 'team', true, '{NU}', 't', "
            "false)",
            # an audit entry of a team and an invoer at once
            "INSERT INTO audit_entry (invoer_id, team_id, invoer_version, timestamp, field, "
            f"action) SELECT invoer.id, team.id, 1, '{NU}', 'x', 'x' FROM invoer, team",
        ):
            with pytest.raises(IntegrityError):
                db.session.execute(text(fout))
                db.session.flush()
            db.session.rollback()
        db.session.execute(text(
            "INSERT INTO users (email, password_hash, role, team_id, active, created_at, "
            f"session_token, moet_wachtwoord_wijzigen) SELECT 't@b.nl', 'x', 'team', id, true, "
            f"'{NU}', 't', false FROM team"))
        db.session.execute(text(
            "INSERT INTO audit_entry (team_id, invoer_version, timestamp, field, action) "
            f"SELECT id, 1, '{NU}', 'lid:0200', 'teams-import' FROM team"))
        db.session.commit()
    uit = runner.invoke(args=["db", "downgrade", VORIGE])
    assert uit.exit_code != 0 and "rol team" in uit.output
    with leeg_app.app_context():
        db.session.remove()
        db.session.execute(text("DELETE FROM users WHERE role = 'team'"))
        db.session.commit()
    uit = runner.invoke(args=["db", "downgrade", VORIGE])
    assert uit.exit_code == 0, uit.output + repr(uit.exception)
    with leeg_app.app_context():
        db.session.remove()
        assert "team" not in inspect(db.engine).get_table_names()
        assert db.session.scalar(text("SELECT count(*) FROM audit_entry")) == 1
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
