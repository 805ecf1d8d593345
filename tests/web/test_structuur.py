"""The layout of app/: the tree shows the layers (issue 20).

- ``app/views/``: one blueprint module per feature; a view module imports no other module of
  app.views (shared pieces live in a service).
- ``app/services/``: stored figures, saves and page services; a service imports no view.
- Only modules in app/views register routes, and every module there does.
- ``formatie/`` (the model) imports nothing from app.

A *view module* is one that registers routes (``@<blueprint>.route`` or ``add_url_rule``).
The test reads every module under app/ as source (nothing is imported or run), so it also
sees imports inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def _modules() -> dict[str, ast.Module]:
    """Module name (``app.views.gemeente``) → its parsed source, for every .py file under app/."""
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


FORMATIE = APP.parent / "formatie"


def _is_pakket(naam: str) -> bool:
    return naam == "app" or (APP / "/".join(naam.split(".")[1:]) / "__init__.py").exists()


def _in(naam: str, pakket: str) -> bool:
    return naam.startswith(pakket + ".")


def test_the_structure_test_finds_views_and_their_imports():
    """The rules below must be able to fail: they see the known views and a relative import."""
    modules = _modules()
    views = {n for n, b in modules.items() if _registreert_routes(b)}
    assert {"app.views.gemeente", "app.views.regio", "app.views.werkboek", "app.views.scenario",
            "app.views.normen"} <= views
    assert "app.services.opslaan" not in views and "app.models" not in views
    assert "app.services.opslaan" in _imports("app.views.gemeente",
                                              modules["app.views.gemeente"], False)
    assert "app.views.gemeente" in _imports("app.views", ast.parse("from . import gemeente"),
                                            True)
    assert "app.views.regio" in _imports("app.services.x", ast.parse("from ..views import regio"),
                                         False)


def test_the_views_package_holds_every_view_and_nothing_else():
    modules = _modules()
    views = {n for n, b in modules.items() if _registreert_routes(b)}
    in_pakket = {n for n in modules if _in(n, "app.views")}
    assert views == in_pakket, "a module in app/views registers routes; no other module does"


def test_no_view_module_imports_another_view_module():
    modules = _modules()
    overtredingen = sorted(
        f"{naam} imports {ander}"
        for naam in modules if _in(naam, "app.views")
        for ander in _imports(naam, modules[naam], _is_pakket(naam))
        if (ander == "app.views" or _in(ander, "app.views")) and ander != naam)
    assert overtredingen == [], "views import views; move the shared piece into a service"


def test_no_service_imports_a_view():
    modules = _modules()
    overtredingen = sorted(
        f"{naam} imports {ander}"
        for naam in modules if naam == "app.services" or _in(naam, "app.services")
        for ander in _imports(naam, modules[naam], _is_pakket(naam))
        if ander == "app.views" or _in(ander, "app.views"))
    assert overtredingen == [], "a service imports a view"


def test_the_model_imports_nothing_from_app():
    overtredingen = []
    for pad in sorted(FORMATIE.rglob("*.py")):
        for knoop in ast.walk(ast.parse(pad.read_text(encoding="utf-8"), str(pad))):
            namen = ([a.name for a in knoop.names] if isinstance(knoop, ast.Import) else
                     [knoop.module or ""] if isinstance(knoop, ast.ImportFrom)
                     and not knoop.level else [])
            overtredingen += [f"{pad.name} imports {n}" for n in namen
                              if n.split(".")[0] == "app"]
    assert overtredingen == []
