"""Shared fixtures. Web fixtures (app, client, runner, auth) live in tests/web/conftest.py."""

from pathlib import Path

import pytest

from formatie.normenset_toml import load_normenset

DATA = Path(__file__).parent / "data"


@pytest.fixture
def klein():
    """A small normenset with round numbers (tests/data/klein.toml)."""
    return load_normenset(DATA / "klein.toml")


@pytest.fixture
def data_dir():
    return DATA


@pytest.fixture(scope="session")
def klein_normenset():
    """Session-scoped copy of `klein` for hypothesis tests (function fixtures are not reset
    between examples)."""
    return load_normenset(DATA / "klein.toml")


@pytest.fixture(scope="session")
def klein_tekst():
    return (DATA / "klein.toml").read_text()
