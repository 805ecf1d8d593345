"""Dutch wording of counts and units: singular or plural, and "per one" of a unit.

One helper for every page, the CLI and the workbook, so "1 gemeente", "3 gemeenten" and
"uur per melding" come out the same everywhere. The domain's nouns are data
(:data:`WOORDEN`): a normenset's ``eenheid`` ("meldingen per jaar", "jongeren") is looked up
here; a word that is not in the list is left as it is, so an unknown unit never turns into a
wrong word.
"""

from __future__ import annotations

from .getallen import format_telling

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


def enkelvoud(woord: str) -> str:
    """The singular of a known noun (either form given); otherwise ``woord`` itself."""
    woord = ONTELBAAR.get(woord, woord)
    return _ENKELVOUD.get(woord, woord)


def meervoud(woord: str) -> str:
    """The plural of a known noun (either form given); otherwise ``woord`` itself."""
    woord = ONTELBAAR.get(woord, woord)
    return _MEERVOUD.get(woord, woord)


def woord_bij(n: float, woord: str) -> str:
    """The form of ``woord`` that goes with the number ``n``: singular for exactly 1."""
    return enkelvoud(woord) if n == 1 else meervoud(woord)


def aantal_woord(n: float, enkel: str, meer: str | None = None) -> str:
    """``n`` with its noun: ``aantal_woord(1, "gemeente")`` → ``1 gemeente``,
    ``aantal_woord(20480, "jongere")`` → ``20.480 jongeren``. ``meer`` overrides the
    lexicon's plural; ``n`` is a count (rounded, thousands separator)."""
    if meer is None:
        vorm = woord_bij(n, enkel)
    else:
        vorm = enkel if n == 1 else meer
    return f"{format_telling(n)} {vorm}"


def per_eenheid(eenheid: str) -> str:
    """"per" and one of the unit: ``"meldingen per jaar"`` → ``"per melding"``,
    ``"jongeren"`` → ``"per jongere"``. The volume's "per jaar" is left off: a norm is hours
    per case (or per jongere per year, which the column or sentence says)."""
    kern = eenheid.strip()
    if kern.endswith(" per jaar"):
        kern = kern[: -len(" per jaar")]
    return f"per {enkelvoud(kern)}"
