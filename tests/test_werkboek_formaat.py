"""The workbook's contract (formatie.werkboek.formaat) is used, not restated (issue 20, item 2):
every name in it is used by the writer and by a reader (or is declared one-sided there, with
its reason), and no writer or reader module spells a sheet name or a defined name itself."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from formatie.werkboek import formaat

PAKKET = Path(formaat.__file__).parent
SCHRIJVERS = ("schrijven", "blad", "bladen_invoer", "bladen_berekening", "analyse",
              "vergelijking", "team", "begroting")
LEZERS = ("lezen", "openen", "gelezen", "sleutelcellen", "getalcellen", "normcellen",
          "bezetting", "lezer_1", "lezer_2", "zelfcontrole")
BLADEN = {waarde for naam, waarde in vars(formaat).items() if naam.startswith("BLAD_")}


def _boom(module: str) -> ast.Module:
    return ast.parse((PAKKET / f"{module}.py").read_text(encoding="utf-8"))


def _contractnamen() -> set[str]:
    """The public names the contract module defines itself (not those it imports)."""
    boom = _boom("formaat")
    namen = set()
    for knoop in boom.body:
        if isinstance(knoop, ast.Assign):
            namen |= {t.id for t in knoop.targets if isinstance(t, ast.Name)}
        elif isinstance(knoop, ast.AnnAssign) and isinstance(knoop.target, ast.Name):
            namen.add(knoop.target.id)
        elif isinstance(knoop, ast.FunctionDef):
            namen.add(knoop.name)
    return {n for n in namen if not n.startswith("_")}


def _gebruikt(modules) -> set[str]:
    """Contract names the modules use in their code (an import alone does not count)."""
    uit = set()
    for module in modules:
        for knoop in ast.walk(_boom(module)):
            if isinstance(knoop, ast.Name) and isinstance(knoop.ctx, ast.Load):
                uit.add(knoop.id)
    return uit


def _teksten(module: str):
    """(line, text) of every string constant in a module, f-string parts included, docstrings
    left out (they name sheets to explain them)."""
    boom = _boom(module)
    docstrings = {id(k.body[0].value) for k in ast.walk(boom)
                  if isinstance(k, ast.Module | ast.FunctionDef | ast.ClassDef) and k.body
                  and isinstance(k.body[0], ast.Expr)
                  and isinstance(k.body[0].value, ast.Constant)}
    for knoop in ast.walk(boom):
        if isinstance(knoop, ast.Constant) and isinstance(knoop.value, str) \
                and id(knoop) not in docstrings:
            yield knoop.lineno, knoop.value


def _bladargumenten(module: str):
    """(line, text) of every string constant used where a sheet is named: the argument of
    add_worksheet, a sheet's cells (``wb.cellen(…)``), ``wb[…]``, ``… in wb.sheetnames``."""
    for knoop in ast.walk(_boom(module)):
        if isinstance(knoop, ast.Call) and isinstance(knoop.func, ast.Attribute) \
                and knoop.func.attr in {"add_worksheet", "cellen", "opgeslagen"}:
            kandidaten = knoop.args[:1]
        elif isinstance(knoop, ast.Subscript):
            kandidaten = [knoop.slice]
        elif isinstance(knoop, ast.Compare) and any(
                isinstance(c, ast.Attribute) and c.attr == "sheetnames"
                for c in knoop.comparators):
            kandidaten = [knoop.left]
        else:
            continue
        for k in kandidaten:
            if isinstance(k, ast.Constant) and isinstance(k.value, str):
                yield k.lineno, k.value


def test_the_contract_declares_its_one_sided_names_among_its_own():
    namen = _contractnamen()
    assert set(formaat.ALLEEN_GESCHREVEN) <= namen
    assert set(formaat.ALLEEN_GELEZEN) <= namen
    assert not set(formaat.ALLEEN_GESCHREVEN) & set(formaat.ALLEEN_GELEZEN)


def _bouwstenen() -> dict[str, set[str]]:
    """Contract name → the contract names its definition is built from (``HERKOMST_NAMEN``
    from the ``NAAM_`` names, :func:`regio_bezetting_naam` from its prefix …)."""
    namen = _contractnamen()
    uit: dict[str, set[str]] = {}
    for knoop in _boom("formaat").body:
        if isinstance(knoop, ast.Assign):
            doelen = [t.id for t in knoop.targets if isinstance(t, ast.Name)]
        elif isinstance(knoop, ast.FunctionDef):
            doelen = [knoop.name]
        else:
            continue
        delen = {k.id for k in ast.walk(knoop) if isinstance(k, ast.Name)
                 and isinstance(k.ctx, ast.Load)} & namen
        for doel in doelen:
            uit[doel] = delen
    return uit


def _met_bouwstenen(gebruikt: set[str]) -> set[str]:
    """A side that uses a name uses what that name is built from."""
    bouwstenen, uit, rand = _bouwstenen(), set(gebruikt), list(gebruikt)
    while rand:
        for deel in bouwstenen.get(rand.pop(), ()):
            if deel not in uit:
                uit.add(deel)
                rand.append(deel)
    return uit


def test_every_contract_name_is_used_by_the_writer_and_by_a_reader():
    namen = _contractnamen() - {"ALLEEN_GESCHREVEN", "ALLEEN_GELEZEN"}
    schrijver = _met_bouwstenen(_gebruikt(SCHRIJVERS) & namen)
    lezer = _met_bouwstenen(_gebruikt(LEZERS) & namen)
    niet_geschreven = sorted(namen - schrijver - set(formaat.ALLEEN_GELEZEN))
    niet_gelezen = sorted(namen - lezer - set(formaat.ALLEEN_GESCHREVEN))
    assert not niet_geschreven, f"contract names the writer does not use: {niet_geschreven}"
    assert not niet_gelezen, f"contract names no reader uses: {niet_gelezen}"
    # a one-sided name is used on its side only (else the declaration is stale)
    assert not set(formaat.ALLEEN_GESCHREVEN) - schrijver
    assert not set(formaat.ALLEEN_GESCHREVEN) & lezer
    assert not set(formaat.ALLEEN_GELEZEN) - lezer
    assert not set(formaat.ALLEEN_GELEZEN) & schrijver


@pytest.mark.parametrize("module", SCHRIJVERS + LEZERS)
def test_no_writer_or_reader_spells_a_sheet_name_or_a_defined_name(module):
    """A sheet is named through its BLAD_ constant: never as a formula reference
    (``Resultaat!``), a quoted name in a message (``'Toelichting'``, ``het blad Organisatie``)
    or the argument of add_worksheet; a defined name never as text at all."""
    fout = [(regel, tekst) for regel, tekst in _bladargumenten(module) if tekst in BLADEN]
    for regel, tekst in _teksten(module):
        if any(re.search(rf"{blad}!|'{blad}'|\bblad {blad}\b", tekst) for blad in BLADEN):
            fout.append((regel, tekst))
        if tekst in formaat.HERKOMST_NAMEN or tekst.startswith(
                formaat.REGIO_BEZETTING_PREFIX):
            fout.append((regel, tekst))
    assert not fout, f"{module}: {fout}"
