"""Dutch wording of counts and units: singular or plural, and "per one" of a unit.

One helper for every page, the CLI and the workbook, so "1 gemeente", "3 gemeenten" and
"uur per melding" come out the same everywhere. The domain's nouns are data
(:data:`WOORDEN`): a normenset's ``eenheid`` ("meldingen per jaar", "jongeren") is looked up
here; a word that is not in the list is left as it is, so an unknown unit never turns into a
wrong word.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from .getallen import LOCALE, format_telling

#: The time zone a date is told in (a moment is stored in UTC).
#: The time zone a moment is dated in (:func:`format_datum`).
NEDERLAND = "Europe/Amsterdam"

#: (enkelvoud, meervoud) of the nouns the tool counts. "invoer" is uncountable: counted, it
#: becomes "invoerveld"/"invoervelden".
WOORDEN: tuple[tuple[str, str], ...] = (
    ("gemeente", "gemeenten"),
    ("regio", "regio's"),
    ("jongere", "jongeren"),
    ("leerling", "leerlingen"),
    ("leerplichtige", "leerplichtigen"),
    ("kwalificatieplichtige", "kwalificatieplichtigen"),
    ("inwoner", "inwoners"),
    ("melding", "meldingen"),
    ("vestiging", "vestigingen"),
    ("schoolvestiging", "schoolvestigingen"),
    ("school", "scholen"),
    ("vrijstelling", "vrijstellingen"),
    ("aanvraag", "aanvragen"),
    ("traject", "trajecten"),
    ("proces-verbaal", "processen-verbaal"),
    ("verwijzing", "verwijzingen"),
    ("overleg", "overleggen"),
    ("thuiszitter", "thuiszitters"),
    ("vsv'er", "vsv'ers"),
    ("student", "studenten"),
    ("invoerveld", "invoervelden"),
    ("veld", "velden"),
    ("taak", "taken"),
    ("functie", "functies"),
    ("controle", "controles"),
    ("wijziging", "wijzigingen"),
    ("jaar", "jaren"),
    ("scenario", "scenario's"),
    ("normenset", "normensets"),
    ("gebruiker", "gebruikers"),
    ("trekking", "trekkingen"),
    ("uur", "uur"),
    ("fte", "fte"),
)
#: Uncountable words and the noun they are counted with.
ONTELBAAR = {"invoer": "invoerveld"}

_MEERVOUD = {enkel: meer for enkel, meer in WOORDEN}
_ENKELVOUD = {meer: enkel for enkel, meer in WOORDEN}


def _vorm(woord: str, tabel: dict[str, str]) -> str:
    """``woord`` in the form ``tabel`` gives; for a phrase ("meldingen per jaar") its first
    word is changed and the rest kept ("melding per jaar")."""
    woord = ONTELBAAR.get(woord, woord)
    if woord in tabel or woord in tabel.values():
        return tabel.get(woord, woord)
    kop, spatie, rest = woord.partition(" ")
    if spatie:
        kop = ONTELBAAR.get(kop, kop)
        return f"{tabel.get(kop, kop)} {rest}"
    return woord


def enkelvoud(woord: str) -> str:
    """The singular of a known noun or unit phrase (either form given); otherwise ``woord``
    itself: ``"vrijstellingen per jaar"`` → ``"vrijstelling per jaar"``."""
    return _vorm(woord, _ENKELVOUD)


def meervoud(woord: str) -> str:
    """The plural of a known noun or unit phrase (either form given); otherwise ``woord``."""
    return _vorm(woord, _MEERVOUD)


def woord_bij(n: float, woord: str) -> str:
    """The form of ``woord`` (a noun or unit phrase) that goes with the number ``n`` as it is
    shown: singular for exactly 1 ("1 jongere", but "1,5 jongeren")."""
    return enkelvoud(woord) if n == 1 else meervoud(woord)


def aantal_woord(n: float, enkel: str, meer: str | None = None) -> str:
    """``n`` with its noun: ``aantal_woord(1, "gemeente")`` → ``1 gemeente``,
    ``aantal_woord(20480, "jongere")`` → ``20.480 jongeren``. ``meer`` overrides the
    lexicon's plural; ``n`` is a count (rounded, thousands separator)."""
    n = round(n)  # the word goes with the number as shown
    vorm = woord_bij(n, enkel) if meer is None else (enkel if n == 1 else meer)
    return f"{format_telling(n)} {vorm}"


def per_eenheid(eenheid: str) -> str:
    """"per" and one of the unit: ``"meldingen per jaar"`` → ``"per melding"``,
    ``"jongeren"`` → ``"per jongere"``. The volume's "per jaar" is left off: a norm is hours
    per case (or per jongere per year, which the column or sentence says)."""
    kern = eenheid.strip()
    if kern.endswith(" per jaar"):
        kern = kern[: -len(" per jaar")]
    return f"per {enkelvoud(kern)}"


def format_datum(moment: date | datetime) -> str:
    """A date in Dutch words, ``7 december 2026``; a moment (datetime) as its date in the
    Netherlands."""
    # imported here: Babel's dates and zoneinfo cost 8 ms of every CLI start-up otherwise
    from zoneinfo import ZoneInfo

    from babel.dates import format_date

    if isinstance(moment, datetime):
        moment = moment.astimezone(ZoneInfo(NEDERLAND)).date()
    return format_date(moment, format="long", locale=LOCALE)



def jaren_gedekt(aandeel: float) -> str:
    """How many years in ten a share of the simulated years is, for a coverage sentence:
    ``0.8`` → "8 van de 10 jaren" (whole tenths). Never a certainty the draws do not give:
    from 0,95 on (also when every draw is covered) "meer dan 9 van de 10 jaren", below 0,05
    "minder dan 1 van de 10 jaren"."""
    tienden = math.floor(aandeel * 10 + 0.5)
    if tienden >= 10:
        return "meer dan 9 van de 10 jaren"
    if tienden <= 0:
        return "minder dan 1 van de 10 jaren"
    return f"{tienden} van de 10 jaren"
