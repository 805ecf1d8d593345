"""The design-token theme (app/thema.py): ``THEMA`` from the environment, else
instance/config.py, else the neutral ``voorbeeld``; every page carries the theme's class and
loads its token CSS and the NL Design System component CSS, all served from app/static/vendor/."""

from __future__ import annotations

import re

import pytest

from app import create_app
from app.thema import STANDAARD, manifest

from .conftest import maak_config


def _stylesheets(html: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)


def test_the_default_theme_is_the_neutral_voorbeeld_theme(tmp_path, monkeypatch):
    monkeypatch.delenv("THEMA", raising=False)
    assert STANDAARD == "voorbeeld"
    assert create_app(instance_path=str(tmp_path)).config["THEMA"] == "voorbeeld"


def test_thema_comes_from_the_environment_before_instance_config(tmp_path, monkeypatch):
    monkeypatch.delenv("THEMA", raising=False)
    (tmp_path / "config.py").write_text('THEMA = "mooi-en-anders"\n', encoding="utf-8")
    assert create_app(instance_path=str(tmp_path)).config["THEMA"] == "mooi-en-anders"
    monkeypatch.setenv("THEMA", "voorbeeld")
    assert create_app(instance_path=str(tmp_path)).config["THEMA"] == "voorbeeld"


def test_an_unknown_theme_stops_the_app_with_the_names_that_exist(tmp_path, monkeypatch):
    monkeypatch.setenv("THEMA", "bestaat-niet")
    with pytest.raises(ValueError, match="THEMA='bestaat-niet' bestaat niet; kies uit "
                                         "mooi-en-anders, voorbeeld"):
        create_app(instance_path=str(tmp_path))


@pytest.mark.parametrize("thema", sorted(manifest()["themas"]))
def test_every_page_has_the_theme_class_and_loads_tokens_then_components_then_layout(
        database, tmp_path, thema):
    app = create_app(maak_config(database.url, THEMA=thema), instance_path=str(tmp_path))
    klant = app.test_client()
    html = klant.get("/login").text
    t = manifest()["themas"][thema]
    assert f'<html lang="nl" class="utrecht-root {t["klasse"]}">' in html
    verwacht = [f"/static/vendor/{pad}" for pad in t["stylesheets"] + manifest()["stylesheets"]]
    assert _stylesheets(html) == [*verwacht, "/static/style.css"]
    for href in _stylesheets(html):
        r = klant.get(href)
        assert r.status_code == 200 and r.mimetype == "text/css", href
        r.close()
    # the token CSS defines its tokens on the class the page carries
    css = klant.get(verwacht[0])
    assert f".{t['klasse']} {{" in css.text
    css.close()


def test_the_accessibility_statement_names_the_components_and_every_package(client):
    html = client.get("/toegankelijkheid").text
    assert "NL Design System" in html and "Gebruikte componenten" in html
    for p in manifest()["pakketten"]:
        assert f"{p['naam']}</th>" in html and f">{p['versie']}</td>" in html, p["naam"]
    assert "voorbeeld (@nl-design-system-unstable/voorbeeld-design-tokens)" in html
