"""Parsing numbers as Dutch users type them, and formatting them for display.

Parsing: one implementation for the web form, the CSV reader and the Excel import. Only ASCII
digits are accepted; no exponent, NaN or infinity. A Dutch user writes ``1.234,5``; an English-style
``1,234.5`` or an ambiguous ``2.5`` in a decimal-comma field is refused with a message that says
what to type instead.

Display (pages, CLI, workbook titles): one definition per kind of quantity, on Babel's Dutch
locale, so the same figure reads the same everywhere:

======================  ===================  =========================================
kind                    function             example
======================  ===================  =========================================
count (people, cases)   :func:`format_telling`   ``20.480`` (never ``20.480,0``)
hours per eenheid       :func:`format_uren`      ``10,00``, ``0,03`` (always 2 decimals)
fte                     :func:`format_fte`       ``2,41``
share as a percentage   :func:`format_procent`   ``16 %`` (no-break space, decimals only
                                                 when the share has them)
money (euros)           :func:`format_euro`      ``€ 1.234.567`` (whole euros, no-break
                                                 space after the sign)
any other number        :func:`format_getal`     with the decimals asked for
======================  ===================  =========================================

A negative number gets a real minus sign (U+2212, ``−4,82``), as in the headers' formulas;
the form fields (:func:`format_invoer`) keep the ASCII hyphen that :func:`parse_getal` reads.
The workbook's cell formats for the same kinds are in :data:`EXCEL_FORMATEN`.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

#: Babel locale of every displayed number.
LOCALE = "nl_NL"
#: The minus sign of a displayed negative number (not the hyphen-minus).
MIN = "\u2212"
#: Between a number and "%": a no-break space, so "16 %" never breaks over two lines.
PROCENTTEKEN = "\u00a0%"
#: Decimals of hours per eenheid (norm hours): 2, so 0,03 does not read as 0,0.
UREN_DECIMALEN = 2
#: Decimals of fte.
FTE_DECIMALEN = 2
#: XlsxWriter ``num_format`` per kind, the same decimals as the pages (Excel shows them with the
#: user's own separators). A percentage keeps one decimal there: a cell shows a typed value
#: rounded, and 15,5 % must not read as 16 %.
EXCEL_FORMATEN = {
    "telling": "#,##0",  # counts and hours per year
    "uren": "#,##0.00",  # hours per eenheid
    "fte": "#,##0.00",
    "fte_taak": "#,##0.000",  # fte of one taak (small)
    "procent": "0.0%",
    "euro": '"€ "#,##0',  # whole euros, as format_euro
}

_KOMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_PUNT = re.compile(r"^[+-]?\d+(\.\d+)?$")


class GetalFout(ValueError):
    """A value that is not a number in the expected notation; ``str()`` is a Dutch message."""


def parse_getal(tekst: str, decimaal: str = ",") -> float | None:
    """Parse ``tekst`` as a number; return None for an empty value.

    ``decimaal=","``: decimal comma, optional dots as thousands separator (``1.234,5``).
    ``decimaal="."``: decimal point, no thousands separator (``1234.5``).
    """
    # a real minus sign (as the pages show negatives, U+2212) reads as the hyphen-minus
    s = tekst.strip().replace("\u00a0", "").replace(" ", "").replace(MIN, "-")
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
    return waarde + 0.0  # -0 → 0: "-0" is the same number, not a change


def _kort(tekst: str, lengte: int = 40) -> str:
    t = tekst.strip()
    return t if len(t) <= lengte else t[: lengte - 1] + "…"


#: From this size on a number is written as ``7,5 × 10³⁰¹`` (Babel's decimal arithmetic cannot
#: format 10²⁸ and up, and nobody reads 22 digits). Only a refusal message shows such a number.
GROOT = 1e15
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _babel(waarde: float, patroon: str) -> str:
    """``waarde`` in Babel's Dutch notation with ``patroon``; a real minus sign, never "−0";
    from :data:`GROOT` on as a power of ten."""
    if math.isfinite(waarde) and abs(waarde) >= GROOT:
        exponent = math.floor(math.log10(abs(waarde)))
        if abs(round(waarde / 10.0**exponent, 1)) >= 10:  # 9,99 × 10¹⁵ rounds to 1 × 10¹⁶
            exponent += 1
        mantisse = _babel(waarde / 10.0**exponent, "#,##0.#")
        return f"{mantisse} × 10{str(exponent).translate(_SUPERSCRIPT)}"
    from babel.numbers import format_decimal  # here: 7 ms of every CLI start-up otherwise

    tekst = format_decimal(waarde, format=patroon, locale=LOCALE, decimal_quantization=True)
    if tekst.startswith("-"):
        tekst = MIN + tekst[1:]
    if tekst.startswith(MIN) and not any(c in "123456789" for c in tekst):
        tekst = tekst[1:]  # -0.001 rounded to 0: "0,00", not "−0,00"
    return tekst


def _patroon(decimalen: int, verplicht: bool = True) -> str:
    if decimalen <= 0:
        return "#,##0"
    return "#,##0." + ("0" if verplicht else "#") * decimalen


def format_getal(waarde: float | None, decimalen: int = 0) -> str:
    """Dutch notation for display: ``1234.5`` → ``1.234,5`` (``decimalen`` digits), ``-4.8``
    → ``−4,8``. Prefer the functions per kind below; this one is for a figure of no kind."""
    if waarde is None:
        return ""
    return _babel(waarde, _patroon(decimalen))


def format_telling(waarde: float | None) -> str:
    """A count (people, cases, hours per year): rounded to whole, thousands separator:
    ``20480.0`` → ``20.480``."""
    if waarde is None:
        return ""
    return _babel(waarde, "#,##0")


def format_uren(waarde: float | None) -> str:
    """Hours per eenheid (a norm): always :data:`UREN_DECIMALEN` decimals (``10,00``,
    ``0,03``), so a table of norms lines up and a small norm never shows as 0,0."""
    if waarde is None:
        return ""
    return _babel(waarde, _patroon(UREN_DECIMALEN))


def format_fte(waarde: float | None) -> str:
    """Fte: :data:`FTE_DECIMALEN` decimals, ``2.4149`` → ``2,41``."""
    if waarde is None:
        return ""
    return _babel(waarde, _patroon(FTE_DECIMALEN))


def format_euro(bedrag: float | None) -> str:
    """Euros, rounded to whole euros: ``1234567.4`` → ``€ 1.234.567`` (a no-break space after
    the sign, so it never breaks off), ``-1500`` → ``€ −1.500``."""
    if bedrag is None:
        return ""
    return "€\u00a0" + _babel(bedrag, "#,##0")


def format_procent(aandeel: float | None, decimalen: int = 1) -> str:
    """A share (a fraction: ``0.16``) as a Dutch percentage ``16 %``; up to ``decimalen``
    decimals, only when the share has them (``0.155`` → ``15,5 %``)."""
    if aandeel is None:
        return ""
    return _babel(aandeel * 100, _patroon(decimalen, verplicht=False)) + PROCENTTEKEN


def format_invoer(waarde: float | None) -> str:
    """A value as it goes back into a form field: no thousands separator, no exponent, and
    exactly the digits that read back as the same float (``12.0000004`` → ``12,0000004``, not
    ``12``), so saving an untouched form changes nothing. ``-0`` is written as ``0``."""
    if waarde is None:
        return ""
    waarde = float(waarde) + 0.0
    if waarde.is_integer():
        return str(int(waarde))
    # repr is the shortest text that reads back equal; Decimal writes it without exponent
    tekst = format(Decimal(repr(waarde)), "f")
    return tekst.rstrip("0").rstrip(".").replace(".", ",")


def format_procent_invoer(fractie: float) -> str:
    """A fraction as a percentage in a form field (``0.07`` → ``7``). Rounded to 10 decimals
    first: ``0.07 * 100`` is ``7.000000000000001`` in floating point, and the form reads the
    percentage back divided by 100, which gives the same fraction."""
    return format_invoer(round(fractie * 100, 10))


def format_aantal(waarde: float | None) -> str:
    """For reading, not for a form field: thousands separators and only the decimals the value
    has (at most 6): ``18756`` → ``18.756``, ``0.25`` → ``0,25``."""
    if waarde is None:
        return ""
    return _babel(waarde, _patroon(6, verplicht=False))
