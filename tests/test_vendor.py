"""The vendored NL Design System CSS (app/static/vendor/) agrees with vendor/package.json and
vendor/package-lock.json: every package at the locked version and integrity, every copied file
with the sha256 its manifest records, nothing else in the folder, and (after ``npm ci --prefix
vendor``, as CI does) every copy byte for byte the file in the installed package."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "vendor"
STATIC = ROOT / "app" / "static" / "vendor"
MANIFEST = json.loads((STATIC / "manifest.json").read_text(encoding="utf-8"))
PAKKET = json.loads((VENDOR / "package.json").read_text(encoding="utf-8"))
LOCK = json.loads((VENDOR / "package-lock.json").read_text(encoding="utf-8"))


def _sha256(pad: Path) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(pad.read_bytes()).digest()).decode()


def test_every_vendored_package_has_the_version_and_integrity_of_package_lock():
    for p in MANIFEST["pakketten"]:
        vergrendeld = LOCK["packages"][f"node_modules/{p['naam']}"]
        assert (p["versie"], p["integrity"]) == (vergrendeld["version"],
                                                 vergrendeld["integrity"]), p["naam"]
        assert PAKKET["dependencies"][p["naam"]] == p["versie"], p["naam"]  # pinned exactly
        assert vergrendeld["integrity"].startswith("sha512-")


def test_the_manifest_holds_exactly_the_packages_package_json_asks_for():
    gevraagd = set(PAKKET["formatietool"]["componenten"]) | {
        t["pakket"] for t in PAKKET["formatietool"]["themas"].values()}
    assert {p["naam"] for p in MANIFEST["pakketten"]} == gevraagd == set(PAKKET["dependencies"])
    assert set(MANIFEST["themas"]) == set(PAKKET["formatietool"]["themas"])
    assert MANIFEST["stylesheets"] == [f"{naam}/{b}" for naam, bestanden in
                                       PAKKET["formatietool"]["componenten"].items()
                                       for b in bestanden]


def test_every_vendored_file_has_the_hash_the_manifest_records_and_nothing_else_is_there():
    verwacht = {STATIC / "manifest.json"}
    for p in MANIFEST["pakketten"]:
        for bestand, sha in p["bestanden"].items():
            pad = STATIC / p["naam"] / bestand
            assert _sha256(pad) == sha, pad
            verwacht.add(pad)
    assert {p for p in STATIC.rglob("*") if p.is_file()} == verwacht


def test_every_package_ships_its_licence_and_is_eupl():
    for p in MANIFEST["pakketten"]:
        assert p["licentie"] == "EUPL-1.2", p["naam"]
        assert p["licentiebestand"] in p["bestanden"]
        tekst = (STATIC / p["naam"] / p["licentiebestand"]).read_text(encoding="utf-8")
        assert "EUROPEAN UNION PUBLIC LICENCE v. 1.2" in tekst, p["naam"]


def test_the_repository_licence_is_the_eupl_text_the_packages_ship():
    licentie = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licentie == (STATIC / "@utrecht/component-library-css/LICENSE.md").read_text(
        encoding="utf-8")
    assert "EUROPEAN UNION PUBLIC LICENCE v. 1.2" in licentie
    assert 'license = "EUPL-1.2"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_the_copies_are_the_files_of_the_installed_packages():
    """Needs ``npm ci --prefix vendor`` (``make vendor``; .ci/run does it)."""
    if not (VENDOR / "node_modules").is_dir():
        pytest.skip("vendor/node_modules ontbreekt: `npm ci --prefix vendor` (make vendor)")
    for p in MANIFEST["pakketten"]:
        bron = VENDOR / "node_modules" / p["naam"]
        geinstalleerd = json.loads((bron / "package.json").read_text(encoding="utf-8"))
        assert geinstalleerd["version"] == p["versie"], p["naam"]
        assert geinstalleerd["license"] == p["licentie"], p["naam"]
        for bestand in p["bestanden"]:
            assert (bron / bestand).read_bytes() == (STATIC / p["naam"] / bestand).read_bytes(), (
                p["naam"], bestand)
