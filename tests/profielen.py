"""Hypothesis example counts from the active profile (registered in tests/conftest.py).

``ci`` (the default: ``make test``, ``.ci/run``) runs every property test with its full count;
``dev`` (``make test-snel``, or ``pytest --hypothesis-profile=dev``) caps every count at the
profile's ``max_examples`` for a quick edit-test loop. Fixed lists of cases follow the same
rule (:func:`steekproef`, :func:`matrix`).
"""

import pytest
from hypothesis import settings

DEV_VOORBEELDEN = 5


def voorbeelden(volledig: int) -> int:
    """How many examples a property test runs: ``volledig`` under ``ci``, at most
    ``settings.default.max_examples`` under ``dev``. Call it at decoration time (module import),
    after pytest has loaded the profile."""
    if settings.default.max_examples >= settings.get_profile("ci").max_examples:
        return volledig
    return min(volledig, settings.default.max_examples)


def steekproef(gevallen: list) -> list:
    """A fixed list of cases for ``pytest.mark.parametrize``: all of them under ``ci``, an
    evenly spread subset of ``voorbeelden(len(gevallen))`` under ``dev``."""
    n = voorbeelden(len(gevallen))
    if n >= len(gevallen):
        return list(gevallen)
    stap = len(gevallen) / n
    return [gevallen[int(i * stap)] for i in range(n)]


def matrix(routes: list[tuple], cellen: list[tuple], per_cel: int = 2) -> list:
    """Every route × cell as ``pytest.param(*route, *cel)``, with the ids stacked parametrize
    decorators gave them (``route-cel``, route outermost), for a test whose argnames are the
    route's fields followed by the cell's (e.g. ``methode, route, verwacht, doel, rol``).

    All of them under ``ci``; under ``dev`` every cell (every allowed and refused role × target
    combination) with ``per_cel`` routes, rotating so that every route is covered too."""
    volledig = voorbeelden(len(routes) * len(cellen)) >= len(routes) * len(cellen)
    gekozen = {(i, j % len(routes)) for i in range(len(cellen))
               for j in range(per_cel * i, per_cel * (i + 1))}
    return [pytest.param(*r, *cel, id="-".join(str(x) for x in (*r, *cel)))
            for j, r in enumerate(routes) for i, cel in enumerate(cellen)
            if volledig or (i, j) in gekozen]
