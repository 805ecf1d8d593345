"""Hypothesis example counts from the active profile (registered in tests/conftest.py).

``ci`` (the default: ``make test``, ``.ci/run``) runs every property test with its full count;
``dev`` (``make test-snel``, or ``pytest --hypothesis-profile=dev``) caps every count at the
profile's ``max_examples`` for a quick edit-test loop. Fixed lists of cases follow the same
rule (:func:`steekproef`).
"""

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
