"""The model does not know a file format (issue 20): no arrow from a model module to the CLI,
the JSON/table writer or the workbook and CSV code."""

import ast
from pathlib import Path

import pytest

FORMATIE = Path(__file__).resolve().parents[1] / "formatie"
MODEL = ("model", "regio", "schatting", "onzekerheid", "teams", "kalibratie", "scenario",
         "gevoeligheid", "prognose", "herkomst", "normenset", "parameters", "doelgroepen")
# "werkboek": the package formatie/werkboek/, every workbook module
FORMATEN = {"cli", "cli_bestanden", "uitvoer", "werkboek"}


def _imports(module: str) -> set[str]:
    boom = ast.parse((FORMATIE / f"{module}.py").read_text(encoding="utf-8"))
    uit = set()
    for knoop in ast.walk(boom):
        if isinstance(knoop, ast.ImportFrom) and knoop.level == 1 and knoop.module:
            uit.add(knoop.module.split(".")[0])
        elif isinstance(knoop, ast.ImportFrom) and (knoop.module or "").startswith("formatie."):
            uit.add(knoop.module.split(".")[1])
    return uit


@pytest.mark.parametrize("module", MODEL)
def test_a_model_module_imports_no_file_format(module):
    assert not _imports(module) & FORMATEN, module


def test_the_national_estimate_and_the_csv_readers_live_outside_the_cli():
    for module in ("cli.py", "cli_bestanden.py"):  # the command line and its file handling
        cli = (FORMATIE / module).read_text(encoding="utf-8")
        assert "def landelijke_invoer" not in cli and "def lees_bezetting_csv" not in cli
        assert "_decodeer" not in cli  # no private helper of the CSV reader borrowed
