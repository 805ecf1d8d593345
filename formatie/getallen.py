"""Parsing numbers as Dutch users type them, and formatting them for display.

One implementation for the web form, the CSV reader and the Excel import. Only ASCII digits are
accepted; no exponent, NaN or infinity. A Dutch user writes ``1.234,5``; an English-style
``1,234.5`` or an ambiguous ``2.5`` in a decimal-comma field is refused with a message that says
what to type instead.
"""

from __future__ import annotations

import math
import re

_KOMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_PUNT = re.compile(r"^[+-]?\d+(\.\d+)?$")


class GetalFout(ValueError):
    """A value that is not a number in the expected notation; ``str()`` is a Dutch message."""


def parse_getal(tekst: str, decimaal: str = ",") -> float | None:
    """Parse ``tekst`` as a number; return None for an empty value.

    ``decimaal=","``: decimal comma, optional dots as thousands separator (``1.234,5``).
    ``decimaal="."``: decimal point, no thousands separator (``1234.5``).
    """
    s = tekst.strip().replace("\u00a0", "").replace(" ", "")
    if not s:
        return None
    if not s.isascii():
        raise GetalFout(
            f"'{_kort(tekst)}' is geen getal: gebruik alleen de cijfers 0 tot en met 9."
        )
    if decimaal == ",":
        if _KOMMA.match(s):
            waarde = float(s.replace(".", "").replace(",", "."))
        elif _PUNT.match(s):
            raise GetalFout(
                f"'{_kort(tekst)}' is onduidelijk: gebruik een komma als decimaalteken "
                f"(bijvoorbeeld {s.replace('.', ',')})."
            )
        elif re.match(r"^[+-]?[\d,]+\.\d+$", s):
            raise GetalFout(
                f"'{_kort(tekst)}' is in Engelse notatie: gebruik een komma als decimaalteken "
                "en een punt (of niets) tussen duizendtallen, bijvoorbeeld 1.234,5."
            )
        else:
            raise GetalFout(f"'{_kort(tekst)}' is geen getal.")
    else:
        if not re.match(r"^[+-]?[\d.,]+$", s):
            raise GetalFout(f"'{_kort(tekst)}' is geen getal.")
        if not _PUNT.match(s):
            raise GetalFout(
                f"'{_kort(tekst)}' is geen getal: gebruik een punt als decimaalteken "
                "en geen scheidingsteken tussen duizendtallen."
            )
        waarde = float(s)
    if not math.isfinite(waarde):
        raise GetalFout(f"'{_kort(tekst)}' is te groot.")
    return waarde


def _kort(tekst: str, lengte: int = 40) -> str:
    t = tekst.strip()
    return t if len(t) <= lengte else t[: lengte - 1] + "…"


def format_getal(waarde: float | None, decimalen: int = 0) -> str:
    """Dutch notation for display: ``1234.5`` → ``1.234,5`` (``decimalen`` digits)."""
    if waarde is None:
        return ""
    tekst = f"{waarde:,.{decimalen}f}"
    return tekst.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def format_invoer(waarde: float | None) -> str:
    """A value as it goes back into a form field: no thousands separator, only needed decimals."""
    if waarde is None:
        return ""
    if float(waarde).is_integer():
        return str(int(waarde))
    return f"{waarde:.6f}".rstrip("0").rstrip(".").replace(".", ",")


def format_aantal(waarde: float | None) -> str:
    """For reading, not for a form field: thousands separators and only the decimals the value
    has (at most 6): ``18756`` → ``18.756``, ``0.25`` → ``0,25``."""
    if waarde is None:
        return ""
    tekst = f"{waarde:,.6f}".rstrip("0").rstrip(".")
    return tekst.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
