"""Load, concurrency and faults against real gunicorn servers (loopback only, bounded).

- 240 concurrent conflicting saves of three forms by several users through gunicorn with two
  workers (SQLite; PostgreSQL too when TEST_DATABASE_URL is set; and two gunicorn instances on
  one PostgreSQL database): every save lands (302) or gets the conflict answer (409), the audit
  trail holds exactly the landed changes, no 5xx and no traceback in the server log.
- kill -9 of the whole gunicorn process group during a burst of saves: after a restart the
  database passes an integrity check and every acknowledged save is present.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import text

from .server import (
    TEST_DATABASE_URL,
    WACHTWOORD,
    Gunicorn,
    form_velden,
    login,
    prepare_database,
)

pytestmark = [pytest.mark.slow]
JAAR = datetime.now(UTC).year
BACKENDS = ["sqlite"]
if TEST_DATABASE_URL:
    BACKENDS.append(pytest.param("postgresql", marks=pytest.mark.postgres))

#: gemeente → the roles that may edit it (the test accounts of tests/web/conftest.py)
FORMULIEREN = {"0200": ("gemeente", "regio", "beheerder"), "0150": ("regio", "beheerder"),
               "0344": ("andere_gemeente", "beheerder")}
N_SAVES = 240
CONFLICT_TEKST = "Iemand anders heeft dit formulier intussen opgeslagen"


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path):
    db = prepare_database(request.param, tmp_path)
    yield db
    db.opruimen()


def _sessie(basis: requests.Session) -> requests.Session:
    s = requests.Session()
    s.cookies.update(basis.cookies)
    return s


def _eerste_opslag(url: str, sessie: requests.Session, code: str) -> None:
    """Store complete figures (the estimates) so later saves change one field each."""
    r = sessie.get(f"{url}/gemeente/{code}/{JAAR}?schatting=1", timeout=30)
    velden = form_velden(r.text)
    velden["concept"] = "1"
    r = sessie.post(f"{url}/gemeente/{code}/{JAAR}", data=velden, allow_redirects=False,
                    timeout=30)
    assert r.status_code == 302, r.text[:500]


def _opslaan(url: str, basis: requests.Session, code: str, waarde: int) -> tuple[int, str]:
    """Read the form (its version and CSRF token), change one field, post it."""
    s = _sessie(basis)
    r = s.get(f"{url}/gemeente/{code}/{JAAR}", timeout=60)
    if r.status_code >= 500:
        return r.status_code, "GET"
    velden = form_velden(r.text)
    velden["leerplichtigen"] = str(waarde)
    velden["concept"] = "1"
    r = s.post(f"{url}/gemeente/{code}/{JAAR}", data=velden, allow_redirects=False, timeout=60)
    return r.status_code, r.headers.get("Location", "") if r.status_code == 302 else r.text


def _stand(database) -> dict[str, dict]:
    """Per gemeente: version, leerplichtigen and the audit entries (version, field, new)."""
    engine = database.engine()
    uit = {}
    with engine.connect() as conn:
        for code in FORMULIEREN:
            inv_id, version, waarden = conn.execute(text(
                "SELECT id, version, waarden FROM invoer WHERE gemeente_code = :c AND jaar = :j"),
                {"c": code, "j": JAAR}).one()
            audit = conn.execute(text(
                "SELECT invoer_version, field, new FROM audit_entry WHERE invoer_id = :i"),
                {"i": inv_id}).all()
            if isinstance(waarden, str):
                import json

                waarden = json.loads(waarden)
            uit[code] = {"version": version, "leerplichtigen": waarden.get("leerplichtigen"),
                         "audit": [tuple(a) for a in audit]}
    engine.dispose()
    return uit


def _conflicterende_opslagen(urls: list[str], database) -> dict:
    sessies = {rol: login(urls[0], rol) for rol in ("gemeente", "andere_gemeente", "regio",
                                                     "beheerder")}
    for code in FORMULIEREN:
        _eerste_opslag(urls[0], sessies["beheerder"], code)
    voor = _stand(database)

    taken = []
    for i in range(N_SAVES):
        code = list(FORMULIEREN)[i % len(FORMULIEREN)]
        rollen = FORMULIEREN[code]
        taken.append((urls[i % len(urls)], rollen[(i // 3) % len(rollen)], code, 20_000 + i))

    def doe(taak):
        url, rol, code, waarde = taak
        return (code, waarde, *_opslaan(url, sessies[rol], code, waarde))

    with ThreadPoolExecutor(max_workers=24) as pool:
        uitkomsten = list(pool.map(doe, taken))

    na = _stand(database)
    geland: dict[str, list[int]] = defaultdict(list)
    conflicten = 0
    for code, waarde, status, detail in uitkomsten:
        assert status < 500, (status, detail[:1000])
        if status == 302:
            assert detail.endswith(f"/gemeente/{code}/{JAAR}"), detail
            geland[code].append(waarde)
        else:
            assert status == 409, (status, detail[:500])
            assert CONFLICT_TEKST in detail
            conflicten += 1
    for code in FORMULIEREN:
        alle = [a for a in na[code]["audit"] if a not in voor[code]["audit"]]
        # the first landed save over the estimate makes it an own count: at most one herkomst
        # entry (schatting → eigen), in the version of a landed save
        herkomst = [a for a in alle if a[1] == "herkomst_leerplichtigen"]
        assert [a[2] for a in herkomst] in ([], ["eigen"])
        nieuw = [a for a in alle if a not in herkomst]
        assert {a[0] for a in herkomst} <= {a[0] for a in nieuw}
        # exactly the landed changes: one entry per landed save, each its own version
        assert sorted(float(a[2]) for a in nieuw) == sorted(float(w) for w in geland[code])
        assert all(a[1] == "leerplichtigen" for a in nieuw)
        versies = sorted(a[0] for a in nieuw)
        basis = voor[code]["version"]
        assert versies == list(range(basis + 1, basis + 1 + len(geland[code])))
        assert na[code]["version"] == basis + len(geland[code])
        if nieuw:
            laatste = max(nieuw)
            assert na[code]["leerplichtigen"] == float(laatste[2])
    aantal = sum(len(v) for v in geland.values())
    assert aantal + conflicten == N_SAVES
    assert aantal >= len(FORMULIEREN) and conflicten > 0
    return {"geland": aantal, "conflicten": conflicten, "5xx": 0}


def test_concurrent_conflicting_saves(database, tmp_path):
    server = Gunicorn(database.url, tmp_path, workers=2).start()
    try:
        uitkomst = _conflicterende_opslagen([server.url], database)
    finally:
        server.stop()
    assert server.server_errors() == []
    log = server.log.read_text(errors="replace")
    assert WACHTWOORD not in log and "last-test-sleutel" not in log  # no password or secret
    print(f"\n{database.url.split(':')[0]}: {uitkomst}")


@pytest.mark.postgres
@pytest.mark.skipif(not TEST_DATABASE_URL, reason="TEST_DATABASE_URL is not set")
def test_two_instances_one_postgresql(tmp_path):
    database = prepare_database("postgresql", tmp_path)
    servers = []
    try:
        for naam in ("a", "b"):
            (tmp_path / naam).mkdir()
            servers.append(Gunicorn(database.url, tmp_path / naam, workers=2).start())
        uitkomst = _conflicterende_opslagen([s.url for s in servers], database)
    finally:
        for s in servers:
            s.stop()
        database.opruimen()
    for s in servers:
        assert s.server_errors() == []
    print(f"\ntwee instanties: {uitkomst}")


def _consistent(database) -> None:
    """Integrity: SQLite's own check; on both, versions vs audit entries per invoer."""
    engine = database.engine()
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        rijen = conn.execute(text("SELECT id, version FROM invoer")).all()
        for inv_id, version in rijen:
            versies = {v for (v,) in conn.execute(text(
                "SELECT DISTINCT invoer_version FROM audit_entry WHERE invoer_id = :i"),
                {"i": inv_id})}
            assert versies == set(range(1, version + 1)), (inv_id, version, versies)
        wees = conn.execute(text(
            "SELECT COUNT(*) FROM audit_entry a LEFT JOIN invoer i ON i.id = a.invoer_id "
            "WHERE i.id IS NULL")).scalar()
        assert wees == 0
    engine.dispose()


def test_kill9_during_burst_keeps_acknowledged_saves(database, tmp_path):
    server = Gunicorn(database.url, tmp_path, workers=2).start()
    beheerder = login(server.url, "beheerder")
    codes = ["0200", "0150", "0344", "0202", "0213", "0222"]
    for code in codes:
        _eerste_opslag(server.url, beheerder, code)
    bevestigd: dict[str, list[int]] = defaultdict(list)
    gestart = threading.Event()
    fouten: list = []

    def schrijver(n: int, code: str):
        waarde = 50_000 + 1000 * n
        while True:
            waarde += 1
            try:
                status, detail = _opslaan(server.url, beheerder, code, waarde)
            except requests.RequestException:
                return  # the server is gone
            if status == 302 and detail.endswith(f"/gemeente/{code}/{JAAR}"):
                bevestigd[code].append(waarde)
                gestart.set()
            elif status >= 500:
                fouten.append((status, detail[:300]))
                return

    draden = [threading.Thread(target=schrijver, args=(n, c)) for n, c in enumerate(codes)]
    for d in draden:
        d.start()
    assert gestart.wait(30)
    time.sleep(1.5)
    server.kill9()
    for d in draden:
        d.join(60)
    assert fouten == []
    assert sum(map(len, bevestigd.values())) >= len(codes)

    herstart = Gunicorn(database.url, tmp_path, workers=2).start()
    try:
        _consistent(database)
        engine = database.engine()
        with engine.connect() as conn:
            for code, waarden in bevestigd.items():
                inv_id = conn.execute(text(
                    "SELECT id FROM invoer WHERE gemeente_code = :c AND jaar = :j"),
                    {"c": code, "j": JAAR}).scalar()
                opgeslagen = [float(v) for (v,) in conn.execute(text(
                    "SELECT new FROM audit_entry WHERE invoer_id = :i AND field = 'leerplichtigen' "
                    "AND invoer_version > 1 ORDER BY invoer_version"), {"i": inv_id})]
                # every acknowledged save, in order; at most the one in flight beyond them
                assert opgeslagen[:len(waarden)] == [float(w) for w in waarden]
                assert len(opgeslagen) - len(waarden) in (0, 1)
        engine.dispose()
        # and the restarted server takes saves again
        status, _ = _opslaan(herstart.url, login(herstart.url, "beheerder"), "0200", 99_999)
        assert status == 302
    finally:
        herstart.stop()
    print(f"\nkill -9: {sum(map(len, bevestigd.values()))} bevestigde opslagen teruggevonden")
