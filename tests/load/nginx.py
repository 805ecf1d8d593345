"""nginx (Debian package nginx-light or nginx) in front of gunicorn on loopback, with the
repository's own deploy/nginx.conf and gunicorn.conf.py, and slow-header clients.

Shared by tests/load/test_nginx.py (does /health keep answering?) and bench/bench_nginx.py
(how fast?). deploy/nginx.conf is used as it stands; only what is the deployer's own is
replaced (listen ports, certificate, gunicorn's address), each of which must occur exactly
once. The certificate is self-signed and made at run time (no key in the repository).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import time
from pathlib import Path

import requests

from load.server import ROOT, VENV_BIN, free_port, wait_ready

NGINX_CONF = ROOT / "deploy" / "nginx.conf"


def nginx_programma() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def reden_om_over_te_slaan() -> str | None:
    if nginx_programma() is None:
        return "nginx is missing (Debian package nginx-light), needed for the proxy test"
    return None


def zelf_ondertekend(map_: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (RSA 2048, one day): (certificate, key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    sleutel = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    naam = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    nu = dt.datetime.now(dt.UTC)
    certificaat = (x509.CertificateBuilder().subject_name(naam).issuer_name(naam)
                   .public_key(sleutel.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(nu - dt.timedelta(minutes=5))
                   .not_valid_after(nu + dt.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName(
                       [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                   # its own trust anchor: a client verifies against this file itself
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None),
                                  critical=True)
                   .sign(sleutel, hashes.SHA256()))
    cert, key = map_ / "cert.pem", map_ / "key.pem"
    cert.write_bytes(certificaat.public_bytes(serialization.Encoding.PEM))
    fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(sleutel.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    return cert, key


class Gunicorn:
    """``gunicorn -c gunicorn.conf.py`` on 127.0.0.1 (BIND), as production runs it behind nginx
    (PROXY_COUNT=1, Secure cookies)."""

    def __init__(self, database_url: str, map_: Path, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url
        self.map = map_
        self.proc: subprocess.Popen | None = None

    def start(self) -> Gunicorn:
        env = {**os.environ, "DATABASE_URL": self.database_url, "SECRET_KEY": "nginx-test",
               "BIND": f"127.0.0.1:{self.port}", "PROXY_COUNT": "1"}
        for naam in ("TEST_DATABASE_URL", "SESSION_COOKIE_SECURE", "PORT"):
            env.pop(naam, None)
        instance = self.map / "instance"
        instance.mkdir(exist_ok=True)
        self.log = self.map / "gunicorn.log"
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
                 "--access-logfile", "/dev/null", "--no-control-socket",
                 f"app:create_app(instance_path={str(instance)!r})"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        wait_ready(self.url, proc=self.proc)
        return self

    def stop(self) -> None:
        _stop(self.proc)


class Nginx:
    """nginx with deploy/nginx.conf in front of ``gunicorn_port``, on two free loopback ports:
    ``https`` (the app) and ``http`` (the redirect)."""

    def __init__(self, map_: Path, gunicorn_port: int):
        self.map = map_
        self.http_port, self.https_port = free_port(), free_port()
        self.url = f"https://127.0.0.1:{self.https_port}"
        self.cert, self.key = zelf_ondertekend(map_)
        tekst = NGINX_CONF.read_text(encoding="utf-8")
        vervang = {
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl http2;",
            "server 127.0.0.1:5000;": f"server 127.0.0.1:{gunicorn_port};",
            "/etc/ssl/formatie/fullchain.pem": str(self.cert),
            "/etc/ssl/formatie/privkey.pem": str(self.key),
        }
        for oud, nieuw in vervang.items():
            assert tekst.count(oud) == 1, f"deploy/nginx.conf: {oud!r} not exactly once"
            tekst = tekst.replace(oud, nieuw)
        (map_ / "formatietool.conf").write_text(tekst, encoding="utf-8")
        tijdelijk = "\n".join(f"    {soort}_temp_path {map_}/{soort};"
                              for soort in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        gebruiker = "user root;\n" if os.geteuid() == 0 else ""
        self.conf = map_ / "nginx.conf"
        self.conf.write_text(
            f"{gebruiker}worker_processes 1;\ndaemon off;\npid {map_}/nginx.pid;\n"
            f"error_log {map_}/error.log warn;\n"
            "events {\n    worker_connections 2048;\n}\n"
            f"http {{\n    access_log off;\n{tijdelijk}\n"
            f"    include {map_}/formatietool.conf;\n}}\n", encoding="utf-8")
        self.proc: subprocess.Popen | None = None

    def test(self) -> subprocess.CompletedProcess:
        """``nginx -t`` on the configuration."""
        return subprocess.run([nginx_programma(), "-t", "-c", str(self.conf), "-p",
                               str(self.map), "-e", str(self.map / "error.log")],
                              capture_output=True, text=True, check=False)

    def start(self) -> Nginx:
        self.proc = subprocess.Popen(
            [nginx_programma(), "-c", str(self.conf), "-p", str(self.map), "-e",
             str(self.map / "error.log")], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        eind = time.monotonic() + 30
        while time.monotonic() < eind:
            if self.proc.poll() is not None:
                raise RuntimeError("nginx stopped: "
                                   + (self.map / "error.log").read_text(errors="replace")[-2000:])
            try:
                if requests.get(self.url + "/health", verify=str(self.cert),
                                timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise TimeoutError("nginx did not answer /health")

    def stop(self) -> None:
        _stop(self.proc)


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def trage_clients(port: int, aantal: int, tls: bool) -> list[socket.socket]:
    """``aantal`` connections that send half a request (a request line and one header, then
    nothing): slow-header clients. Over TLS when ``tls`` (the handshake done first)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    uit = []
    for _ in range(aantal):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        if tls:
            s = context.wrap_socket(s, server_hostname="127.0.0.1")
        s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Traag: ")
        uit.append(s)
    return uit


def druppel(clients: list[socket.socket]) -> int:
    """One more byte on every slow connection (slowloris); how many were still open."""
    open_ = 0
    for s in clients:
        try:
            s.sendall(b"a")
            open_ += 1
        except OSError:
            pass
    return open_


def meet_health(url: str, aantal: int, clients: list[socket.socket], verify,
                timeout: float = 2.0, pauze: float = 0.05) -> dict:
    """``aantal`` GET /health (a new connection each, ``timeout`` each) while ``clients``
    trickle a byte every second: p50/p95/max in ms and the failures."""
    tijden, fouten, laatste = [], 0, time.monotonic()
    for _ in range(aantal):
        if time.monotonic() - laatste >= 1.0:
            druppel(clients)
            laatste = time.monotonic()
        t = time.perf_counter()
        try:
            ok = requests.get(url + "/health", verify=verify, timeout=timeout).status_code == 200
        except requests.RequestException:
            ok = False
        tijden.append(time.perf_counter() - t)
        fouten += not ok
        time.sleep(pauze)
    tijden.sort()
    return {"p50": statistics.median(tijden) * 1000,
            "p95": tijden[min(len(tijden) - 1, int(0.95 * len(tijden)))] * 1000,
            "max": tijden[-1] * 1000, "fouten": fouten, "n": len(tijden)}
