"""Teams as data (issue 21): the migration, ``flask teams importeer``, the beheerder's teams
page, the team page and its JSON, the role ``team`` and the team on the gemeente's result.

Every figure is checked against :mod:`formatie.teams` (the one implementation) and against
``formatie bereken --teams`` on the same figures."""

from __future__ import annotations

import contextlib
import io
import json

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.extensions import db
from app.models import AuditEntry, TeamLidRij, TeamRij, User
from app.services.normensets import actieve_rij, als_normenset
from formatie.cli import main as formatie_main

from .conftest import (
    JAAR,
    AuthActions,
    bewaar_invoer,
    geschatte_waarden,
    getal,
    maak_config,
    tabel,
)

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


# ----- import, pages and JSON ---------------------------------------------------------------

#: Three small neighbouring gemeenten (Baarle-Nassau, Alphen-Chaam, Hilvarenbeek), MC35.
KLEIN = ("0744", "1723", "0798")
TEAMS_CSV = "team,functie,gemeentecode,verdeelsleutel\n" + "".join(
    f"RBL Klein,leerplicht,{c},{'werklast' if i == 0 else ''}\n" for i, c in enumerate(KLEIN))


def _importeer(runner, tmp_path, tekst: str, naam: str = "teams.csv"):
    pad = tmp_path / naam
    pad.write_text(tekst, encoding="utf-8")
    return runner.invoke(args=["teams", "importeer", str(pad)])


def _stand(app) -> dict[str, set[str]]:
    with app.app_context():
        return {f"{t.naam}/{t.functie}": {lid.gemeente_code for lid in t.leden}
                for t in db.session.scalars(select(TeamRij))}


def _audit(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.fixture
def team_id(app, runner, tmp_path) -> int:
    uit = _importeer(runner, tmp_path, TEAMS_CSV)
    assert uit.exit_code == 0, uit.output
    with app.app_context():
        return db.session.scalar(select(TeamRij.id))


@pytest.fixture
def met_cijfers(app, team_id):
    for code in KLEIN:
        bewaar_invoer(app, code)
    return team_id


def test_importing_the_same_file_twice_changes_nothing(app, runner, tmp_path):
    uit = _importeer(runner, tmp_path, TEAMS_CSV)
    assert uit.exit_code == 0, uit.output
    assert "0744 Baarle-Nassau is lid geworden" in uit.output
    assert _stand(app) == {"RBL Klein/leerplicht": set(KLEIN)}
    eerst = _audit(app)
    assert eerst == 4  # the team and its three members
    uit = _importeer(runner, tmp_path, TEAMS_CSV)
    assert uit.exit_code == 0 and "Er was niets gewijzigd" in uit.output
    assert _audit(app) == eerst
    with app.app_context():
        assert db.session.scalar(select(TeamRij.version)) == 1


def test_a_team_in_the_file_gets_exactly_its_members_and_a_moved_gemeente_leaves(
        app, runner, tmp_path):
    assert _importeer(runner, tmp_path, TEAMS_CSV).exit_code == 0
    assert _importeer(runner, tmp_path, "team,functie,gemeentecode\nAnder,leerplicht,0200\n"
                      ).exit_code == 0
    # RBL Klein loses 0798 and gets 0200, which leaves team Ander (not in this file)
    uit = _importeer(runner, tmp_path, "team,functie,gemeentecode,vanaf_jaar\n"
                     "RBL Klein,leerplicht,0744,\nRBL Klein,leerplicht,1723,2024\n"
                     "RBL Klein,leerplicht,0200,\n")
    assert uit.exit_code == 0, uit.output
    assert _stand(app) == {"RBL Klein/leerplicht": {"0744", "1723", "0200"},
                           "Ander/leerplicht": set()}
    assert "0798 Hilvarenbeek is uit het team gehaald" in uit.output
    assert "naar team 'RBL Klein' gegaan" in uit.output
    with app.app_context():
        lid = db.session.scalar(select(TeamLidRij).where(TeamLidRij.gemeente_code == "1723"))
        assert lid.vanaf_jaar == 2024
        velden = set(db.session.scalars(select(AuditEntry.field).where(
            AuditEntry.action == "teams-import")))
        assert {"team", "lid:0744", "lid:0798", "lid:0200", "lid:1723"} <= velden


def test_a_bad_file_saves_nothing_and_names_every_line_in_dutch(app, runner, tmp_path):
    uit = _importeer(runner, tmp_path, "team,functie,gemeentecode\nA,leerplicht,0200\n"
                     "A,leerplicht,9999\nB,leerplicht,0200\n", "fout.csv")
    assert uit.exit_code == 1
    assert "regel 3, kolom 'gemeentecode': onbekende gemeentecode '9999'" in uit.output
    assert "regel 4" in uit.output and "al in team 'A'" in uit.output
    assert "Er is niets opgeslagen" in uit.output and "Error" not in uit.output
    assert _stand(app) == {} and _audit(app) == 0


def test_the_beheerder_uploads_the_same_csv_on_the_teams_page(app, client, auth):
    auth.als("beheerder")
    r = client.post("/teams/upload", data={"bestand": (io.BytesIO(TEAMS_CSV.encode()),
                                                       "teams.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    assert _stand(app) == {"RBL Klein/leerplicht": set(KLEIN)}
    r = client.get("/teams")
    assert r.status_code == 200 and "RBL Klein" in r.text and "Baarle-Nassau" in r.text
    assert "lid:0744" in r.text  # the history
    r = client.post("/teams/upload", data={"bestand": (io.BytesIO(
        b"team,functie,gemeentecode\nA,leerplicht,12345\n"), "fout.csv")},
        content_type="multipart/form-data")
    assert r.status_code == 422
    assert "fout.csv, regel 2, kolom &#39;gemeentecode&#39;: onbekende gemeentecode" in r.text
    assert _stand(app) == {"RBL Klein/leerplicht": set(KLEIN)}


@pytest.mark.parametrize("rol", ["gemeente", "regio"])
def test_only_the_beheerder_has_the_teams_page(app, client, auth, rol):
    auth.als(rol)
    assert client.get("/teams").status_code == 404
    r = client.post("/teams/upload", data={"bestand": (io.BytesIO(TEAMS_CSV.encode()),
                                                       "teams.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 404 and _stand(app) == {}


def test_the_upload_needs_its_csrf_token(csrf_app):
    client = csrf_app.test_client()
    AuthActions(client, csrf_app).als("beheerder")
    r = client.post("/teams/upload", data={"bestand": (io.BytesIO(TEAMS_CSV.encode()),
                                                       "teams.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and _stand(csrf_app) == {}


def _cli_json(tmp_path, app) -> dict:
    """``formatie bereken --teams --formaat json --onzekerheid`` on the members' figures."""
    with app.app_context():
        sleutels = als_normenset(actieve_rij()).invoer_sleutels
    regels = ["gemeentecode,jaar," + ",".join(sleutels)]
    for code in KLEIN:
        w = geschatte_waarden(app, code)
        regels.append(f"{code},{JAAR}," + ",".join(str(w[s]) for s in sleutels))
    (tmp_path / "invoer.csv").write_text("\n".join(regels) + "\n", encoding="utf-8")
    (tmp_path / "cli-teams.csv").write_text(TEAMS_CSV, encoding="utf-8")
    uit = io.StringIO()
    with contextlib.redirect_stdout(uit):
        assert formatie_main(["bereken", str(tmp_path / "invoer.csv"), "--teams",
                              str(tmp_path / "cli-teams.csv"), "--formaat", "json",
                              "--onzekerheid"]) == 0
    return json.loads(uit.getvalue())


def test_the_team_page_and_json_agree_with_formatie_bereken_teams(app, client, auth,
                                                                    met_cijfers, tmp_path):
    """The done-when of issue 21: the team's total and shares are the same on the page, in
    its JSON and from the command line; one vaste basis and one leiding, not three."""
    auth.als("beheerder")
    cli = _cli_json(tmp_path, app)
    (cli_team,) = cli["teams"]
    r = client.get(f"/team/{met_cijfers}/{JAAR}/resultaat.json")
    assert r.status_code == 200, r.text
    web = r.json
    (web_team,) = web["teams"]
    for sleutel in ("fte_totaal", "fte_berekend", "aanvulling_minimum", "fte_zonder_team",
                    "gemeenten", "naam", "functie", "verdeelsleutel"):
        assert web_team[sleutel] == cli_team[sleutel], sleutel
    assert web_team["aandelen"] == cli_team["aandelen"]
    assert web_team["bereik_totaal"] == cli_team["bereik_totaal"]
    assert sum(web_team["aandelen"].values()) == pytest.approx(web_team["fte_totaal"])
    for g in web["gemeenten"]:
        assert g["functies"]["leerplicht"]["team"] == "RBL Klein"
        assert g["functies"]["leerplicht"]["aandeel"] == web_team["aandelen"][g["gemeentecode"]]
    assert web["onvolledig"] is False and web["weggelaten"] == []
    assert web_team["fte_totaal"] < web_team["fte_zonder_team"]

    r = client.get(f"/team/{met_cijfers}/{JAAR}")
    assert r.status_code == 200
    leden = tabel(r.text, "leden")
    aandelen = {rij[0]: getal(rij[5]) for rij in leden[1:-1]}
    assert aandelen["Baarle-Nassau"] == pytest.approx(web_team["aandelen"]["0744"], abs=0.005)
    assert getal(leden[-1][5]) == pytest.approx(web_team["fte_totaal"], abs=0.005)
    keten = tabel(r.text, "keten")
    namen = [rij[0] for rij in keten[1:-1]]
    assert namen.count("Vaste basis") == 1 and namen.count("Leiding en ondersteuning") == 1
    assert sum(getal(rij[1]) for rij in keten[1:-1]) == pytest.approx(
        web_team["fte_totaal"], abs=0.01)
    bereik = tabel(r.text, "bereik")
    assert getal(bereik[1][0]) == pytest.approx(web_team["bereik_totaal"]["p10"], abs=0.005)
    assert "Het aandeel naar werklast" in r.text


def test_a_team_with_a_member_without_figures_is_marked_incomplete(app, client, auth,
                                                                     team_id):
    bewaar_invoer(app, KLEIN[0])
    bewaar_invoer(app, KLEIN[1])
    auth.als("beheerder")
    r = client.get(f"/team/{team_id}/{JAAR}")
    assert r.status_code == 200
    assert 'id="onvolledig"' in r.text and "2 van de 3 gemeenten" in r.text
    j = client.get(f"/team/{team_id}/{JAAR}/resultaat.json").json
    assert j["onvolledig"] is True
    assert [w["gemeentecode"] for w in j["weggelaten"]] == [KLEIN[2]]
    assert set(j["teams"][0]["aandelen"]) == set(KLEIN[:2])


def test_a_team_without_figures_says_so_and_its_json_is_409(client, auth, team_id):
    auth.als("beheerder")
    r = client.get(f"/team/{team_id}/{JAAR}")
    assert r.status_code == 200 and "Nog geen enkele gemeente van het team" in r.text
    r = client.get(f"/team/{team_id}/{JAAR}/resultaat.json")
    assert r.status_code == 409 and r.json["fout"] == "onvolledig"


def test_a_team_whose_members_count_with_different_normensets_needs_one(
        app, client, auth, team_id, activeer_andere_normenset):
    """A team is one organisation: its members' volumes add up under one normenset. Members
    saved under different ones give no team total but a clear message."""
    bewaar_invoer(app, KLEIN[0])
    activeer_andere_normenset()
    bewaar_invoer(app, KLEIN[1])
    bewaar_invoer(app, KLEIN[2])
    auth.als("beheerder")
    r = client.get(f"/team/{team_id}/{JAAR}")
    assert r.status_code == 200
    assert "verschillende normensets" in r.text and "één normenset nodig" in r.text
    assert 'id="keten"' not in r.text
    r = client.get(f"/team/{team_id}/{JAAR}/resultaat.json")
    assert r.status_code == 409 and r.json["fout"] == "normensets"


def test_the_gemeente_result_shows_its_team_aandeel_and_links_the_team(app, client, auth,
                                                                        met_cijfers):
    auth.als("beheerder")
    team = client.get(f"/team/{met_cijfers}/{JAAR}/resultaat.json").json["teams"][0]
    r = client.get(f"/gemeente/0744/{JAAR}/resultaat")
    assert r.status_code == 200
    assert 'id="team-leerplicht"' in r.text and "is lid van team" in r.text
    assert f'href="/team/{met_cijfers}/{JAAR}"' in r.text
    assert "Het aandeel naar werklast" in r.text
    j = client.get(f"/gemeente/0744/{JAAR}/resultaat.json").json
    functie = j["gemeenten"][0]["functies"]["leerplicht"]
    assert functie["team"] == "RBL Klein"
    assert functie["aandeel"] == team["aandelen"]["0744"]
    assert j["teams"][0]["aandelen"] == team["aandelen"]
    assert "team" not in j["gemeenten"][0]["functies"]["doorstroompunt"]


def test_a_gemeente_user_sees_its_aandeel_but_no_link_to_the_team_page(app, client, auth,
                                                                        met_cijfers):
    """A gemeente user may not see the other members' figures: the aandeel and how it is
    computed are on its own result page, the team page is not linked (and answers 404)."""

    with app.app_context():
        db.session.add(User(email="baarle@test.nl", password_hash="x", role="gemeente",
                                 gemeente_code="0744", active=True))
        db.session.commit()
        token = db.session.scalar(select(User).where(
            User.email == "baarle@test.nl")).get_id()
    with client.session_transaction() as sessie:
        sessie["_user_id"] = token
    r = client.get(f"/gemeente/0744/{JAAR}/resultaat")
    assert r.status_code == 200 and "Het aandeel naar werklast" in r.text
    assert f'href="/team/{met_cijfers}/{JAAR}"' not in r.text
    assert client.get(f"/team/{met_cijfers}/{JAAR}").status_code == 404
    j = client.get(f"/gemeente/0744/{JAAR}/resultaat.json").json
    assert j["gemeenten"][0]["functies"]["leerplicht"]["team"] == "RBL Klein"
    assert "aandeel" in j["gemeenten"][0]["functies"]["leerplicht"]
    assert "teams" not in j  # the neighbours' aandelen are theirs


def test_a_gemeente_in_no_team_has_no_team_lines(app, client, auth, met_cijfers):
    bewaar_invoer(app, "0200")
    auth.als("beheerder")
    r = client.get(f"/gemeente/0200/{JAAR}/resultaat")
    assert r.status_code == 200 and "is lid van team" not in r.text
    j = client.get(f"/gemeente/0200/{JAAR}/resultaat.json").json
    assert "teams" not in j and "team" not in j["gemeenten"][0]["functies"]["leerplicht"]


def test_a_membership_counts_from_its_year(app, client, auth, runner, tmp_path, met_cijfers):
    uit = _importeer(runner, tmp_path, TEAMS_CSV.replace("leerplicht,0798,",
                                                         f"leerplicht,0798,{JAAR + 1}"
                                                         ).replace(
        "team,functie,gemeentecode,verdeelsleutel", "team,functie,gemeentecode,vanaf_jaar"
    ).replace(",werklast\n", ",\n"))
    assert uit.exit_code == 0, uit.output
    auth.als("beheerder")
    j = client.get(f"/team/{met_cijfers}/{JAAR}/resultaat.json").json
    assert j["teams"][0]["gemeenten"] == ["0744", "1723"]
    r = client.get(f"/gemeente/0798/{JAAR}/resultaat")
    assert "is lid van team" not in r.text


def test_a_team_user_is_made_for_an_existing_team_only(app, runner, client, auth, team_id):
    uit = runner.invoke(args=["users", "create", "c@test.nl", "--role", "team", "--team",
                              "999", "--password-stdin"], input="een-lang-wachtwoord\n")
    assert uit.exit_code != 0 and "rol team vraagt een bestaand team" in uit.output
    uit = runner.invoke(args=["users", "create", "c@test.nl", "--role", "team", "--team",
                              str(team_id), "--password-stdin"], input="een-lang-wachtwoord\n")
    assert uit.exit_code == 0, uit.output
    assert f"c@test.nl\tteam\tteam {team_id}" in runner.invoke(args=["users", "list"]).output
    auth.als("beheerder")
    r = client.post("/gebruikers", data={"email": "d@test.nl", "role": "team",
                                         "team": str(team_id)})
    assert r.status_code == 200 and "d@test.nl" in r.text
    r = client.get("/gebruikers")
    assert "team RBL Klein (leerplicht)" in r.text
    with app.app_context():
        assert db.session.scalar(select(User.team_id).where(User.email == "d@test.nl")) \
            == team_id
