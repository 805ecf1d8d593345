"""The layout of app/: views never import other views (shared pieces live in services).

A *view module* is one that registers routes (``@<blueprint>.route`` or ``add_url_rule``).
The test reads every module under app/ as source (nothing is imported or run), so it also
sees imports inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def _modules() -> dict[str, ast.Module]:
    """Module name (``app.gemeente``) → its parsed source, for every .py file under app/."""
    uit = {}
    for pad in sorted(APP.rglob("*.py")):
        if "migrations" in pad.parts:
            continue
        deel = pad.relative_to(APP.parent).with_suffix("").parts
        naam = ".".join(deel[:-1] if deel[-1] == "__init__" else deel)
        uit[naam] = ast.parse(pad.read_text(encoding="utf-8"), str(pad))
    return uit


def _registreert_routes(boom: ast.Module) -> bool:
    for knoop in ast.walk(boom):
        if isinstance(knoop, ast.FunctionDef):
            for d in knoop.decorator_list:
                doel = d.func if isinstance(d, ast.Call) else d
                if isinstance(doel, ast.Attribute) and doel.attr == "route":
                    return True
        if (isinstance(knoop, ast.Call) and isinstance(knoop.func, ast.Attribute)
                and knoop.func.attr == "add_url_rule"):
            return True
    return False


def _imports(naam: str, boom: ast.Module, is_pakket: bool) -> set[str]:
    """Modules of app that ``naam`` imports (absolute names), at any depth of the source."""
    pakket = naam if is_pakket else naam.rpartition(".")[0]
    uit = set()
    for knoop in ast.walk(boom):
        if isinstance(knoop, ast.Import):
            uit.update(a.name for a in knoop.names if a.name.split(".")[0] == "app")
        elif isinstance(knoop, ast.ImportFrom):
            if knoop.level:
                basis = pakket.split(".")
                basis = basis[:len(basis) - (knoop.level - 1)]
                module = ".".join([*basis, *([knoop.module] if knoop.module else [])])
            else:
                module = knoop.module or ""
            if module.split(".")[0] != "app":
                continue
            uit.add(module)
            uit.update(f"{module}.{a.name}" for a in knoop.names)  # from . import gemeente
    return uit


def test_the_structure_test_finds_views_and_their_imports():
    """The rule below must be able to fail: it sees the known views and a relative import."""
    modules = _modules()
    views = {n for n, b in modules.items() if _registreert_routes(b)}
    assert {"app.gemeente", "app.regio", "app.werkboek", "app.scenario", "app.normen"} <= views
    assert "app.opslaan" not in views and "app.models" not in views
    assert "app.opslaan" in _imports("app.gemeente", modules["app.gemeente"], False)
    assert "app.gemeente" in _imports("app", ast.parse("from . import gemeente"), True)


def test_no_view_module_imports_another_view_module():
    modules = _modules()
    views = {n for n, b in modules.items() if _registreert_routes(b)}
    overtredingen = sorted(
        f"{naam} imports {ander}"
        for naam in views
        for ander in _imports(naam, modules[naam], naam == "app" or
                              (APP / "/".join(naam.split(".")[1:]) / "__init__.py").exists())
        if ander in views and ander != naam)
    assert overtredingen == [], "views import views; move the shared piece into a service"
