"""Text hygiene: which characters no text in the tool may hold.

NUL cannot be stored in PostgreSQL at all (a 500 on any insert or even a query that carries it),
and the other control characters are invisible, break CSV and Excel output, and are never typed
on purpose. One rule for the web (every form field, query argument, path and file name), the
normenset reader and the workbook reader.
"""

from __future__ import annotations

import re

#: C0 controls except tab, line feed and carriage return; DEL; C1 controls.
STUURTEKENS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: The same, without the line breaks and tabs either (one-line values: names, codes, keys).
STUURTEKENS_REGEL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def heeft_stuurteken(tekst: str, *, meerdere_regels: bool = True) -> bool:
    """True when ``tekst`` holds a control character (tab and line breaks are allowed when
    ``meerdere_regels``)."""
    patroon = STUURTEKENS if meerdere_regels else STUURTEKENS_REGEL
    return patroon.search(tekst) is not None


STUURTEKEN_MELDING = ("bevat een onzichtbaar stuurteken (zoals een NUL-teken). Verwijder het en "
                      "probeer het opnieuw.")


def zichtbaar(tekst: str) -> str:
    """``tekst`` with every control character written as ``\u001b`` (for quoting a refused
    value or key in a message: an ESC would otherwise reach the user's terminal raw)."""
    return STUURTEKENS_REGEL.sub(lambda m: f"\\u{ord(m.group()):04x}", tekst)
