"""Teams as data (issue 21): the migration, ``flask teams importeer``, the beheerder's teams
page, the team page and its JSON, the role ``team`` and the team on the gemeente's result.

Every figure is checked against :mod:`formatie.teams` (the one implementation) and against
``formatie bereken --teams`` on the same figures."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.extensions import db
from app.models import AuditEntry, TeamLidRij, TeamRij, User
from app.services.normensets import actieve_rij, als_normenset
from formatie.cli import main as formatie_main
from formatie.getallen import format_fte
from formatie.model import bereken

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
    assert functie["bijdrage"] == team["bijdragen"]["0744"]
    assert "Bijdrage van Baarle-Nassau aan de kosten van het team" in r.text
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


# ----- the team's bezetting, bijdragen, workbook and the done-when of issue 21 ------------------


def _bezetting(client, team_id: int, waarde: str, versie: int = 0):
    return client.post(f"/team/{team_id}/{JAAR}/bezetting",
                       data={"bezetting_leerplicht": waarde, "version": str(versie)})


def test_the_team_bezetting_is_entered_once_with_history_locking_verschil_and_coverage(
        app, client, auth, met_cijfers):
    auth.als("beheerder")
    r = client.get(f"/team/{met_cijfers}/{JAAR}")
    assert 'id="teambezetting"' in r.text and "nog niet ingevuld" in r.text
    assert _bezetting(client, met_cijfers, "2,5").status_code == 302
    j = client.get(f"/team/{met_cijfers}/{JAAR}/resultaat.json").json
    (team,) = j["teams"]
    assert team["bezetting"] == 2.5
    assert team["verschil"] == pytest.approx(2.5 - team["fte_totaal"], rel=1e-12)
    assert team["verschil_budget"] == pytest.approx(2.5 - team["bereik_totaal"]["p80"],
                                                    rel=1e-12)
    assert team["dekking"].startswith("Met 2,5 fte leerplicht is de werklast leerplicht in ")
    r = client.get(f"/team/{met_cijfers}/{JAAR}")
    assert team["dekking"] in r.text and "In dienst bij het team: 2,50 fte" in r.text
    # the bijdragen on the page add up to the team's cost, as in the JSON
    leden = tabel(r.text, "leden")
    assert leden[0][-1] == "Bijdrage per jaar"
    bijdragen = [int(rij[-1].replace("€", "").replace(".", "").strip()) for rij in leden[1:]]
    assert bijdragen[:-1] == [team["bijdragen"][c] for c in KLEIN]
    assert sum(bijdragen[:-1]) == bijdragen[-1] == round(team["kosten"]["totaal"])
    # a stale version: 409, nothing saved; a bad value: 422 with the Dutch bound, kept
    assert _bezetting(client, met_cijfers, "3", versie=0).status_code == 409
    r = _bezetting(client, met_cijfers, "-1", versie=1)
    assert r.status_code == 422 and "van 0 tot en met 10.000 fte" in r.text
    assert client.get(f"/team/{met_cijfers}/{JAAR}/resultaat.json").json["teams"][0][
        "bezetting"] == 2.5
    with app.app_context():
        (entry,) = db.session.scalars(select(AuditEntry).where(
            AuditEntry.team_bezetting_id.is_not(None)))
        assert (entry.field, entry.old, entry.new) == ("bezetting_leerplicht", None, "2.5")
    assert "bezetting_leerplicht" in client.get("/teams").text  # the team's history


@pytest.mark.parametrize("rol", ["gemeente", "regio"])
def test_only_the_coordinator_and_the_beheerder_enter_the_team_bezetting(
        app, client, auth, met_cijfers, rol):
    auth.als(rol)
    assert _bezetting(client, met_cijfers, "2").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.team_bezetting_id.is_not(None))) == 0


def test_team_bezetting_needs_its_csrf_token(csrf_app):
    for code in KLEIN:
        bewaar_invoer(csrf_app, code)
    runner = csrf_app.test_cli_runner()
    pad = csrf_app.instance_path + "/teams.csv"
    with open(pad, "w", encoding="utf-8") as f:
        f.write(TEAMS_CSV)
    assert runner.invoke(args=["teams", "importeer", pad]).exit_code == 0
    with csrf_app.app_context():
        team_id = db.session.scalar(select(TeamRij.id))
    client = csrf_app.test_client()
    AuthActions(client, csrf_app).als("beheerder")
    assert _bezetting(client, team_id, "2").status_code == 400


def test_done_when_of_issue_21_in_a_fresh_database(app, client, auth, tmp_path):
    """The beheerder imports a team of three small gemeenten; the team page, its JSON, its
    workbook (recalculated by LibreOffice) and `formatie bereken --teams` give the same team
    total and shares; the need is the members' work plus one vaste basis and one leiding, not
    below the floor; the coordinator edits only the member gemeenten; a gemeente without a
    team behaves as before."""
    from test_excel_libreoffice import SOFFICE, XCU, herbereken, vergiftig

    from formatie.werkboek.formaat import TEAM_NAMEN

    auth.als("beheerder")
    r = client.post("/teams/upload", data={"bestand": (io.BytesIO(TEAMS_CSV.encode()),
                                                       "teams.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    with app.app_context():
        team_id = db.session.scalar(select(TeamRij.id))
        db.session.add(User(email="rbl@test.nl", password_hash="x", role="team",
                            team_id=team_id, active=True))
        db.session.commit()
    for code in (*KLEIN, "0200"):
        bewaar_invoer(app, code)
    cli = _cli_json(tmp_path, app)["teams"][0]
    web = client.get(f"/team/{team_id}/{JAAR}/resultaat.json").json["teams"][0]
    assert web["fte_totaal"] == cli["fte_totaal"] and web["aandelen"] == cli["aandelen"]
    assert web["bijdragen"] == cli["bijdragen"]
    # one vaste basis and one leiding on the members' work, then the floor
    with app.app_context():
        functie = als_normenset(actieve_rij()).functie("leerplicht")
    werk = sum(web["aandelen"].values())  # == fte_totaal; the work is in the chain
    berekend = web["fte_berekend"]
    taken = berekend / (1 + functie.leiding) - functie.vast_fte
    assert taken > 0 and web["fte_totaal"] == pytest.approx(max(berekend, functie.minimum_fte))
    assert werk == pytest.approx(web["fte_totaal"])
    assert web["fte_totaal"] < web["fte_zonder_team"]
    pagina = client.get(f"/team/{team_id}/{JAAR}")
    assert getal(tabel(pagina.text, "leden")[-1][5]) == pytest.approx(web["fte_totaal"],
                                                                       abs=0.005)
    # the workbook, recalculated
    r = client.get(f"/team/{team_id}/{JAAR}/scenario.xlsx")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    if SOFFICE is not None:
        profiel = tmp_path / "lo"
        (profiel / "user").mkdir(parents=True)
        (profiel / "user" / "registrymodifications.xcu").write_text(XCU, encoding="utf-8")
        pad = tmp_path / "team.xlsx"
        pad.write_bytes(vergiftig(r.data))
        import openpyxl

        wb = openpyxl.load_workbook(herbereken(profiel, pad, tmp_path / "uit"), data_only=True)

        def cel(naam):
            ((blad, adres),) = wb.defined_names[TEAM_NAMEN[naam][1]].destinations
            return wb[blad][adres.replace("$", "")].value

        assert cel("fte") == pytest.approx(web["fte_totaal"], rel=1e-9)
        assert cel("kosten_heel") == sum(web["bijdragen"].values())
        ws = wb["Team"]
        rijen = {ws.cell(r, 1).value: (ws.cell(r, 9).value, ws.cell(r, 12).value)
                 for r in range(4, 7)}
        assert {c: a for c, (a, _b) in rijen.items()} == pytest.approx(web["aandelen"],
                                                                       rel=1e-9)
        assert {c: b for c, (_a, b) in rijen.items()} == web["bijdragen"]
    # the coordinator: the member gemeenten, nothing else
    with app.app_context():
        token = db.session.scalar(select(User).where(User.email == "rbl@test.nl")).get_id()
    with client.session_transaction() as sessie:
        sessie.clear()
        sessie["_user_id"] = token
    assert client.get(f"/team/{team_id}/{JAAR}").status_code == 200
    assert client.get(f"/gemeente/{KLEIN[0]}/{JAAR}").status_code == 200
    assert client.get("/gemeente/0200/{JAAR}".replace("{JAAR}", str(JAAR))).status_code == 404
    waarden = {k: str(v).replace(".", ",") for k, v in geschatte_waarden(app, KLEIN[0]).items()}
    with app.app_context():
        from app.models import InvoerRij

        versie = db.session.scalar(select(InvoerRij.version).where(
            InvoerRij.gemeente_code == KLEIN[0]))
    assert client.post(f"/gemeente/{KLEIN[0]}/{JAAR}", data={
        **waarden, "version": str(versie), "actie": "concept"}).status_code in (200, 302)
    assert client.post(f"/gemeente/0200/{JAAR}", data={
        **waarden, "version": "1", "actie": "concept"}).status_code == 404
    # a gemeente without a team: as before
    j = client.get("/team/999/2026").status_code
    assert j == 404
    auth.als("beheerder")
    g = client.get(f"/gemeente/0200/{JAAR}/resultaat.json").json
    assert "teams" not in g and "team" not in g["gemeenten"][0]["functies"]["leerplicht"]


def test_team_bezetting_migration_adds_its_table_and_audit_target_and_goes_back(leeg_app):
    """c4e2b7a91d05: team_bezetting with its own audit target (still exactly one per entry)
    and the soort doorstroompunt; downgrading refuses while such a team exists, then drops
    the bezetting and its audit entries, keeping the teams."""
    runner = leeg_app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    with leeg_app.app_context():
        db.session.execute(text(
            "INSERT INTO team (naam, functie, soort, verdeelsleutel, version, updated_at) "
            f"VALUES ('Doorstroompunt X', 'doorstroompunt', 'doorstroompunt', 'werklast', 1, "
            f"'{NU}')"))
        db.session.execute(text(
            "INSERT INTO team_bezetting (team_id, jaar, waarden, version, updated_at) "
            f"SELECT id, 2026, '{{}}', 1, '{NU}' FROM team"))
        db.session.execute(text(
            "INSERT INTO audit_entry (team_bezetting_id, invoer_version, timestamp, field, "
            f"action) SELECT id, 1, '{NU}', 'bezetting_doorstroompunt', 'concept' "
            "FROM team_bezetting"))
        db.session.commit()
        with pytest.raises(IntegrityError):  # two targets at once
            db.session.execute(text(
                "INSERT INTO audit_entry (team_id, team_bezetting_id, invoer_version, "
                f"timestamp, field, action) SELECT team_id, id, 1, '{NU}', 'x', 'x' "
                "FROM team_bezetting"))
            db.session.flush()
        db.session.rollback()
    uit = runner.invoke(args=["db", "downgrade", "9b4d2c7e1f36"])
    assert uit.exit_code != 0 and "soort doorstroompunt" in uit.output
    with leeg_app.app_context():
        db.session.remove()
        db.session.execute(text("UPDATE team SET soort = 'rbl'"))
        db.session.commit()
    uit = runner.invoke(args=["db", "downgrade", "9b4d2c7e1f36"])
    assert uit.exit_code == 0, uit.output + repr(uit.exception)
    with leeg_app.app_context():
        db.session.remove()
        assert "team_bezetting" not in inspect(db.engine).get_table_names()
        assert db.session.scalar(text("SELECT count(*) FROM team")) == 1
        assert db.session.scalar(text("SELECT count(*) FROM audit_entry")) == 0
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0


def test_the_team_page_compares_with_teams_and_gemeenten_of_similar_size(app, client, auth,
                                                                          met_cijfers):
    """Issue 21, item 5: the team beside the ingediend gemeenten (each its own team here) whose
    leerplichtigen lie within half and twice the team's; a median only from five."""
    from formatie.referentie import load_referentie
    from formatie.schatting import geschatte_invoer

    with app.app_context():
        n = als_normenset(actieve_rij())
    ref = load_referentie()
    lpl = n.invoer_sleutels.index("leerplichtigen")
    team_omvang = sum(geschatte_waarden(app, c)["leerplichtigen"] for c in KLEIN)
    geschat = geschatte_invoer(n, ref)
    kandidaten = [c for c, v in zip(ref.gemeentecodes, geschat[:, lpl], strict=True)
                  if c not in KLEIN and team_omvang / 2 <= round(v) <= team_omvang * 2]
    auth.als("beheerder")
    for code in kandidaten[:4]:
        bewaar_invoer(app, code)
    r = client.get(f"/team/{met_cijfers}/{JAAR}")
    assert "te weinig om te vergelijken (4, minimaal 5)" in r.text
    bewaar_invoer(app, kandidaten[4])
    r = client.get(f"/team/{met_cijfers}/{JAAR}")
    waarden = []
    for code in kandidaten[:5]:
        w = geschatte_waarden(app, code)
        vol = np.array([[w[s] for s in n.invoer_sleutels]])
        fte = float(bereken(n, vol).fte[0, n.functie_sleutels.index("leerplicht")])
        waarden.append(fte / w["leerplichtigen"] * 1000)
    mediaan = format_fte(float(np.median(waarden)))
    assert f"mediaan {mediaan} over 5" in r.text
    # the member's result page says it too
    r = client.get(f"/gemeente/{KLEIN[0]}/{JAAR}/resultaat")
    assert "Het team naast teams en gemeenten van dezelfde omvang" in r.text
    assert f"mediaan {mediaan} over 5" in r.text
    v = client.get(f"/team/{met_cijfers}/{JAAR}/resultaat.json").json["teams"][0][
        "vergelijking"]
    assert v["aantal_vergelijkbaar"] == 5
    assert v["mediaan_vergelijkbaar"] == pytest.approx(float(np.median(waarden)), rel=1e-12)


def test_a_doorstroompunt_team_counts_a_vaste_basis_per_member(app, client, auth, runner,
                                                               tmp_path):
    """The soort doorstroompunt (migration c4e2b7a91d05): a region's Doorstroompunt as a team
    carries one vaste basis per deelnemende gemeente (formatie.teams.VASTE_BASIS_PER_LID), so
    the team equals the sum of its members, as the region page counts it."""
    uit = _importeer(runner, tmp_path, "team,functie,gemeentecode,soort\n" + "".join(
        f"DSP Klein,doorstroompunt,{c},doorstroompunt\n" for c in KLEIN))
    assert uit.exit_code == 0, uit.output
    for code in KLEIN:
        bewaar_invoer(app, code)
    with app.app_context():
        team_id = db.session.scalar(select(TeamRij.id).where(TeamRij.soort == "doorstroompunt"))
        functie = als_normenset(actieve_rij()).functie("doorstroompunt")
    auth.als("beheerder")
    j = client.get(f"/team/{team_id}/{JAAR}/resultaat.json").json
    (team,) = j["teams"]
    los = sum(g["functies"]["doorstroompunt"]["fte"] for g in j["gemeenten"])
    assert team["fte_totaal"] == pytest.approx(los, rel=1e-12)
    for g in j["gemeenten"]:
        assert team["aandelen"][g["gemeentecode"]] == pytest.approx(
            g["functies"]["doorstroompunt"]["fte"], rel=1e-12)
    keten = tabel(client.get(f"/team/{team_id}/{JAAR}").text, "keten")
    (vast,) = [rij for rij in keten if rij[0] == "Vaste basis"]
    assert getal(vast[1]) == pytest.approx(3 * functie.vast_fte, abs=5e-4)


def test_the_region_page_shows_the_doorstroompunt_bijdragen_as_its_json(app, client, auth):
    """The Doorstroompunt as the region's team (issue 21, item 4; issue 22, item 4): the
    region page lists each member's bijdrage, as the region JSON, adding up to its cost."""
    from app.models import GemeenteRij

    from .conftest import EIGEN_REGIO

    with app.app_context():
        leden = list(db.session.scalars(select(GemeenteRij.code).where(
            GemeenteRij.regio_code == EIGEN_REGIO)))
    for code in leden[:3]:
        bewaar_invoer(app, code)
    auth.als("beheerder")
    j = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json").json
    dsp = j["regio"]["functies"]["doorstroompunt"]
    assert set(dsp["bijdragen"]) == set(leden[:3])
    assert sum(dsp["bijdragen"].values()) == round(dsp["kosten"]["totaal"])
    rijen = tabel(client.get(f"/regio/{EIGEN_REGIO}/{JAAR}").text, "bijdragen-doorstroompunt")
    euros = [int(r[1].replace("€", "").replace(".", "").strip()) for r in rijen[1:]]
    assert sorted(euros[:-1]) == sorted(dsp["bijdragen"].values())
    assert euros[-1] == sum(dsp["bijdragen"].values())


def test_a_team_member_submits_its_figures_without_a_leerplicht_bezetting_of_its_own(
        app, client, auth, team_id):
    """The team enters its bezetting once (issue 21): the member's form has no leerplicht
    bezetting field, says where it is, and indienen does not ask for it; a gemeente without a
    team still has the field and must fill it in."""
    auth.als("beheerder")
    r = client.get(f"/gemeente/{KLEIN[0]}/{JAAR}")
    assert r.status_code == 200
    assert 'name="bezetting_leerplicht"' not in r.text
    assert "hoort bij team" in r.text and f'href="/team/{team_id}/{JAAR}"' in r.text
    waarden = {k: str(v).replace(".", ",") for k, v in geschatte_waarden(app, KLEIN[0]).items()}
    r = client.post(f"/gemeente/{KLEIN[0]}/{JAAR}", data={
        **waarden, "version": "0", "indienen": "Indienen"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/resultaat")
    assert client.get(f"/team/{team_id}/{JAAR}/resultaat.json").json["teams"][0][
        "gemeenten"] == list(KLEIN)
    zonder = client.get(f"/gemeente/0200/{JAAR}")
    assert 'name="bezetting_leerplicht"' in zonder.text and "hoort bij team" not in zonder.text
    r = client.post(f"/gemeente/0200/{JAAR}", data={
        **waarden, "version": "0", "indienen": "Indienen"})
    assert r.status_code == 422 and "Vul dit veld in om in te dienen" in r.text
