"""Real servers for the browser, load and fault tests (and bench/bench_web.py).

``prepare_database`` makes a migrated, seeded database (SQLite file or a fresh PostgreSQL
schema) with the test accounts of tests/web/conftest.py; ``Gunicorn`` runs the app in its own
process group on a loopback port (kill -9 of the whole group for the fault test);
``ThreadServer`` serves an app object from a thread (werkzeug) for the browser tests.
Everything binds to 127.0.0.1 only.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import requests
from sqlalchemy import create_engine, make_url, text
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
WACHTWOORD = "een-lang-testwachtwoord"
_HASH = None

#: role → (e-mail, role, gemeente, regio); the same accounts as tests/web/conftest.py.
GEBRUIKERS = {
    "gemeente": ("gemeente@test.nl", "gemeente", "0200", None),
    "andere_gemeente": ("utrecht@test.nl", "gemeente", "0344", None),
    "regio": ("regio@test.nl", "regio", None, "MC11"),
    "beheerder": ("beheerder@test.nl", "beheerder", None, None),
}
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def _hash() -> str:
    global _HASH
    if _HASH is None:
        _HASH = generate_password_hash(WACHTWOORD, method="scrypt")
    return _HASH


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Database:
    url: str
    schema: str | None = None
    pad: Path | None = None

    def engine(self):
        return create_engine(self.url)

    def opruimen(self) -> None:
        if self.schema:
            from app.config import database_url

            engine = create_engine(database_url(TEST_DATABASE_URL))
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
            engine.dispose()


def prepare_database(kind: str, tmp: Path) -> Database:
    """``flask init`` (migrate + seed) and the test accounts, on SQLite or a new PG schema."""
    from app import create_app
    from app.config import database_url
    from app.extensions import db
    from app.models import User

    if kind == "sqlite":
        pad = tmp / "formatie.db"
        database = Database(f"sqlite:///{pad}", pad=pad)
    else:
        schema = "last_" + uuid.uuid4().hex[:12]
        basis = database_url(TEST_DATABASE_URL)
        engine = create_engine(basis)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        url = make_url(basis).update_query_dict({"options": f"-csearch_path={schema}"})
        database = Database(url.render_as_string(hide_password=False), schema)
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database.url},
                     instance_path=str(tmp / "init-instance"))
    uit = app.test_cli_runner().invoke(args=["init"])
    assert uit.exit_code == 0, uit.output
    with app.app_context():
        for email, role, gemeente, regio in GEBRUIKERS.values():
            db.session.add(User(email=email, password_hash=_hash(), role=role,
                                gemeente_code=gemeente, regio_code=regio, active=True))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return database


def wait_ready(url: str, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    eind = time.monotonic() + timeout
    while time.monotonic() < eind:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server stopped with exit code {proc.returncode}")
        try:
            if requests.get(url + "/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer /health within {timeout} s")


class Gunicorn:
    """``gunicorn -w N 'app:create_app()'`` in its own process group on 127.0.0.1."""

    def __init__(self, database_url: str, tmp: Path, workers: int = 2, port: int | None = None,
                 root: Path = ROOT):
        self.database_url = database_url
        #: The checkout whose app is served (bench/bench_web.py --voor: an older one beside it).
        self.root = root
        self.tmp = tmp
        self.workers = workers
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = tmp / f"gunicorn-{self.port}.log"

    def start(self) -> Gunicorn:
        env = {**os.environ, "DATABASE_URL": self.database_url, "SECRET_KEY": "last-test-sleutel",
               "SESSION_COOKIE_SECURE": "0", "PYTHONUNBUFFERED": "1",
               "PYTHONPATH": str(self.root)}
        env.pop("TEST_DATABASE_URL", None)
        instance = self.tmp / "instance"
        instance.mkdir(exist_ok=True)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "-w", str(self.workers), "-b",
                 f"127.0.0.1:{self.port}", "--timeout", "60", "--graceful-timeout", "5",
                 "--no-control-socket",
                 f"app:create_app(instance_path={str(instance)!r})"],
                cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        wait_ready(self.url, proc=self.proc)
        return self

    def kill9(self) -> None:
        """SIGKILL to the whole process group (master and workers), no cleanup."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill9()

    def server_errors(self) -> list[str]:
        """Tracebacks in the server log (there should be none)."""
        tekst = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [r for r in tekst.splitlines() if "Traceback" in r or ("[ERROR]" in r
                and "Worker" not in r)]


def sluit_zelf(app):
    """``app`` with every response read and closed before werkzeug writes a byte.

    werkzeug's dev server (3.1) closes a response only after reading what is left on the
    socket; when the client resets the connection right then (Chromium dropping a stylesheet
    request as the page moves on), that read raises, ``close()`` is skipped and a static file
    (style.css) stays open until the garbage collector warns — a ResourceWarning, an error
    under ``filterwarnings = error``, in whatever test runs next. The test servers' responses
    are small, so buffering them costs nothing."""

    def wsgi(environ, start_response):
        antwoord = app(environ, start_response)
        try:
            return [b"".join(antwoord)]
        finally:
            if hasattr(antwoord, "close"):
                antwoord.close()

    return wsgi


class ThreadServer:
    """Serve a Flask app object from a daemon thread (threaded werkzeug) on 127.0.0.1; every
    response is closed by :func:`sluit_zelf`, and ``stop`` closes the listening socket too."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, sluit_zelf(app), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> ThreadServer:
        self.thread.start()
        wait_ready(self.url)
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(10)
        self.server.server_close()


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
VERSION_RE = re.compile(r'id="version" name="version" type="hidden" value="(\d*)"')


def login(url: str, rol: str) -> requests.Session:
    """A requests session logged in through the real login form (with CSRF token)."""
    s = requests.Session()
    r = s.get(url + "/login", timeout=30)
    token = csrf_token(r.text)
    r = s.post(url + "/login", data={"email": GEBRUIKERS[rol][0], "password": WACHTWOORD,
                                     "csrf_token": token}, allow_redirects=False, timeout=30)
    assert r.status_code == 302, (r.status_code, r.text[:300])
    return s


def csrf_token(html: str) -> str:
    m = CSRF_RE.search(html) or re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert m, "no csrf_token in page"
    return m.group(1)


def form_version(html: str) -> int:
    m = VERSION_RE.search(html) or re.search(r'name="version"[^>]*value="(\d*)"', html)
    assert m, "no version in form"
    return int(m.group(1) or 0)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.velden: dict[str, str] = {}
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post" and "formulier" in (
                a.get("class") or ""):
            self._in_form = True
        elif tag == "input" and self._in_form and a.get("name") and a.get("type") != "submit":
            self.velden[a["name"]] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def form_velden(html: str) -> dict[str, str]:
    """Name → value of every input of the invoer form (hidden fields included)."""
    p = _FormParser()
    p.feed(html)
    return p.velden
