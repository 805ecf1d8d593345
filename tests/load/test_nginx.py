"""The production edge as a tested component (issue 19, point 2): nginx with deploy/nginx.conf
in front of gunicorn with gunicorn.conf.py, on loopback, with a certificate made at run time.

300 slow-header clients straight to gunicorn made /health fail for 25 s; through nginx they
wait at nginx (client_header_timeout) and /health keeps answering. Speed is measured by
bench/bench_nginx.py (figures in docs/kwaliteit-aanvallen.md), not asserted here.
"""

from __future__ import annotations

import re
import time

import pytest
import requests

from load.nginx import (
    Gunicorn,
    Nginx,
    druppel,
    meet_health,
    reden_om_over_te_slaan,
    trage_clients,
)
from load.server import GEBRUIKERS, WACHTWOORD, csrf_token, prepare_database

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rand(tmp_path_factory):
    """(gunicorn, nginx) on loopback for the whole module; skips without nginx."""
    if reden := reden_om_over_te_slaan():
        pytest.skip(reden)
    map_ = tmp_path_factory.mktemp("nginx")
    database = prepare_database("sqlite", map_)
    gunicorn = Gunicorn(database.url, map_).start()
    nginx = Nginx(map_, gunicorn.port)
    try:
        controle = nginx.test()
        assert controle.returncode == 0, controle.stderr
        nginx.start()
        yield gunicorn, nginx
    finally:
        nginx.stop()
        gunicorn.stop()


def test_300_slow_header_clients_do_not_stop_health(rand):
    _, nginx = rand
    clients = trage_clients(nginx.https_port, 300, tls=True)
    try:
        uitkomst = meet_health(nginx.url, 60, clients, verify=str(nginx.cert))
    finally:
        for s in clients:
            s.close()
    assert uitkomst["fouten"] == 0, uitkomst


def test_slow_header_clients_are_cut_off_by_nginx_not_kept(rand):
    """client_header_timeout (10 s): a client that never finishes its headers is closed."""
    _, nginx = rand
    clients = trage_clients(nginx.https_port, 5, tls=True)
    try:
        time.sleep(12)
        assert druppel(clients) == 0 or all(_gesloten(s) for s in clients)
    finally:
        for s in clients:
            s.close()


def _gesloten(s) -> bool:
    s.settimeout(2)
    try:
        return s.recv(1) == b""
    except OSError:
        return True


def test_through_nginx_a_login_works_with_secure_cookies_and_the_origin_check(rand):
    """X-Forwarded-Proto and -Host reach the app from its trusted proxy: the Secure session
    cookie comes back, HSTS is sent, and a same-origin login form is accepted."""
    _, nginx = rand
    s = requests.Session()
    s.trust_env = False  # else REQUESTS_CA_BUNDLE would override the session's verify
    s.verify = str(nginx.cert)
    r = s.get(nginx.url + "/login", timeout=10)
    assert r.status_code == 200 and "Strict-Transport-Security" in r.headers
    assert "SESSION_COOKIE_SECURE" not in r.text  # https: no plain-HTTP warning
    r = s.post(nginx.url + "/login", timeout=10, allow_redirects=False,
               data={"email": GEBRUIKERS["gemeente"][0], "password": WACHTWOORD,
                     "csrf_token": csrf_token(r.text)},
               headers={"Origin": nginx.url, "Referer": nginx.url + "/login"})
    assert r.status_code == 302, r.text[:500]
    assert re.search(r"session=[^;]+;.*Secure", r.headers["Set-Cookie"])
    r = s.post(nginx.url + "/logout", timeout=10, allow_redirects=False,
               headers={"Origin": "https://kwaad.example", "Referer": nginx.url + "/"},
               data={"csrf_token": csrf_token(s.get(nginx.url + "/logout").text)})
    assert r.status_code == 403


def test_plain_http_is_redirected_and_an_oversized_body_stops_at_nginx(rand):
    _, nginx = rand
    r = requests.get(f"http://127.0.0.1:{nginx.http_port}/health", allow_redirects=False,
                     timeout=10)
    assert r.status_code == 301 and r.headers["Location"].startswith("https://")
    r = requests.post(nginx.url + "/login", data=b"x" * (7 * 1024 * 1024),
                      verify=str(nginx.cert), timeout=30)
    assert r.status_code == 413
