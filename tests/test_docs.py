"""docs/normenset.md documents every key the normenset reader accepts, with the real bounds."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from formatie import normenset_toml as reader
from formatie.cli import main
from formatie.getallen import format_getal, format_telling
from formatie.normenset import ORGANISATIE_PARAMETERS
from formatie.normenset_toml import standaard_normenset
from formatie.onzekerheid import TREKKINGEN
from formatie.parameters import parameter

DOC = Path(__file__).resolve().parents[1] / "docs" / "normenset.md"

#: Section heading (its start) → the reader's own set of keys for that table.
TABELLEN = {
    "## Bovenaan": reader._TOP_SLEUTELS,
    "## `[functie.<sleutel>]`": reader._FUNCTIE_SLEUTELS,
    "### Herkomst per organisatieparameter": set(ORGANISATIE_PARAMETERS),
    "## `[[invoer]]`": reader._INVOER_SLEUTELS,
    "## `[[taak]]`": reader._TAAK_SLEUTELS,
    "## `[[controle]]`": reader._CONTROLE_SLEUTELS,
}


def _sectie(kop: str) -> str:
    tekst = DOC.read_text(encoding="utf-8")
    start = tekst.index(kop)
    volgende = re.search(r"^##+ ", tekst[start + len(kop):], re.M)
    return tekst[start:start + len(kop) + (volgende.start() if volgende else len(tekst))]


@pytest.mark.parametrize("kop", TABELLEN)
def test_every_key_the_reader_accepts_is_documented_in_its_section(kop):
    sectie = _sectie(kop)
    ontbreekt = sorted(k for k in TABELLEN[kop] if f"`{k}`" not in sectie)
    assert not ontbreekt, f"niet gedocumenteerd onder {kop!r}: {ontbreekt}"


def test_the_provenance_sub_tables_are_the_readers_own():
    assert set(reader.FUNCTIE_HERKOMST) <= reader._FUNCTIE_SLEUTELS
    assert set(reader.NORMENSET_HERKOMST) <= reader._TOP_SLEUTELS


@pytest.mark.parametrize("sleutel", [*ORGANISATIE_PARAMETERS, "uren", "uren_laag", "uren_hoog",
                                     "schatting_per_1000", "min", "max"])
def test_documented_bounds_are_those_of_the_parameter_table(sleutel):
    rij = re.search(rf"^\| `{sleutel}` \|.*$", _sectie("## `[functie") + _sectie("## `[[invoer")
                    + _sectie("## `[[taak"), re.M)
    assert rij, sleutel
    tabel = "invoer" if sleutel in ("min", "max") else sleutel
    assert parameter(tabel).bereik_tekst() in rij.group(0)


def _codeblokregels(tekst: str) -> list[str]:
    """Lines of fenced (```) and indented (4 spaces) code blocks of a Markdown text."""
    regels, in_hek = [], False
    for regel in tekst.splitlines():
        if regel.lstrip().startswith("```"):
            in_hek = not in_hek
        elif in_hek or regel.startswith("    "):
            regels.append(regel.strip().removeprefix("$ "))
    return regels


@pytest.mark.parametrize("pad", [DOC.parents[1] / "README.md", *sorted(DOC.parent.glob("*.md"))],
                         ids=lambda p: p.name)
def test_command_examples_work_as_written_without_an_activated_venv(pad):
    """A command example is copied as it stands (issue 13): `formatie …` or `flask …` only works
    after `. .venv/bin/activate`, `.venv/bin/formatie …` always (docs/excel.md had the first)."""
    kaal = [r for r in _codeblokregels(pad.read_text(encoding="utf-8"))
            if re.match(r"(formatie|flask|gunicorn|alembic) ", r)]
    assert kaal == []


def test_the_number_of_draws_the_docs_name_is_the_models():
    """The README said 2.000 draws for the scenario comparison, which draws 10.000 like every
    other surface (one uncertainty policy, issue 9)."""
    for pad in [DOC.parents[1] / "README.md", *sorted(DOC.parent.glob("*.md"))]:
        genoemd = re.findall(r"([\d.]+) trekkingen", pad.read_text(encoding="utf-8"))
        assert set(genoemd) <= {format_telling(TREKKINGEN)}, pad.name


def test_the_readmes_fte_per_1000_spread_is_the_default_normensets(capsys):
    """The README quoted 2026.1's spread (P10 0,34 … Rotterdam 0,75) as the default's after
    2026.2 became the default (P10 0,23 … Rotterdam 0,46)."""
    tekst = re.sub(r"\s+", " ", (DOC.parents[1] / "README.md").read_text(encoding="utf-8"))
    m = re.search(r"\(standaardnormenset (\S+)\): P10 ([\d,]+), mediaan ([\d,]+), P90 ([\d,]+); "
                  r"Rotterdam ([\d,]+), Tubbergen ([\d,]+)", tekst)
    assert m, "the README's sentence on the spread of fte per 1.000 leerplichtigen"
    versie, *genoemd = m.groups()
    assert versie == standaard_normenset().versie
    assert main(["bereken", "--landelijk", "--formaat", "json"]) == 0
    per = {g["gemeentenaam"]: g["fte_per_1000_leerplichtigen"]["leerplicht"]
           for g in json.loads(capsys.readouterr().out)["gemeenten"]}
    x = np.array(sorted(per.values()))
    model = [x[int(0.1 * len(x))], np.median(x), x[int(0.9 * len(x))], per["Rotterdam"],
             per["Tubbergen"]]
    assert genoemd == [format_getal(v, 2) for v in model]


def test_the_nginx_configuration_lives_in_one_file_that_the_docs_point_to():
    """Issue 19: docs/productie.md showed a configuration nothing tested; now deploy/nginx.conf
    is the one configuration (tests/load/test_nginx.py runs it) and no document restates it."""
    productie = (DOC.parent / "productie.md").read_text(encoding="utf-8")
    assert "deploy/nginx.conf" in productie
    for pad in [DOC.parents[1] / "README.md", *sorted(DOC.parent.glob("*.md"))]:
        tekst = pad.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(server|upstream|location)\b[^\n]*\{", tekst, re.M), pad.name
    conf = (DOC.parents[1] / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    for directief in ("ssl_certificate", "client_header_timeout", "client_body_timeout",
                      "client_max_body_size", "proxy_pass", "X-Forwarded-Proto"):
        assert directief in conf


def test_every_single_sign_on_and_cookie_setting_is_documented():
    """Issue 18, point 7: no document named the OIDC_* settings or SESSION_COOKIE_SECURE."""
    from app.config import OIDC_INSTELLINGEN

    beheer = (DOC.parent / "beheer.md").read_text(encoding="utf-8")
    sectie = beheer[beheer.index("## Inloggen met het organisatie-account"):]
    for naam in (*OIDC_INSTELLINGEN, "email_verified", "/sso/callback", "SESSION_COOKIE_SECURE",
                 "REMEMBER_COOKIE_SECURE", "PROXY_COUNT", "PROXY_ADRESSEN", "sub", "iss"):
        assert f"`{naam}" in sectie, naam
    for pad in (DOC.parents[1] / "README.md", DOC.parent / "productie.md"):
        assert "beheer.md#inloggen-met-het-organisatie-account" in pad.read_text(
            encoding="utf-8"), pad.name
