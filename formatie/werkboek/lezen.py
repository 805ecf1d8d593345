"""Reading back a scenario workbook made by :func:`formatie.werkboek.schrijven.exporteer_werkboek`
(format 2, and format 1 from before key-based formulas), with a self-check of the workbook's
stored results against the model on its own inputs.

The layout (sheet names, key rows, defined names, format version) is
:mod:`formatie.werkboek.formaat`, shared with the writer.
"""

from __future__ import annotations

from collections.abc import Callable

from ..invoer_csv import InvoerTabel
from ..normenset import (
    Normenset,
)
from ..problemen import InvoerFout, Probleem
from .formaat import (
    BLAD_INVOER,
    BLAD_TOELICHTING,
    GELEZEN_FORMATEN,
    HERKOMST_NAMEN,
    NAAM_FORMAAT,
    NAAM_SOORT,
    VERPLICHTE_BLADEN,
    VERPLICHTE_BLADEN_2,
    WERKBOEK_SOORT,
)
from .geheugen import zonder_gc
from .gelezen import (
    Werkboek,
    Wijziging,
)
from .getalcellen import (
    _gelijk,
)
from .lezer_1 import (
    _lees_formaat_1,
)
from .lezer_2 import (
    _lees_formaat_2,
)
from .openen import (
    MAX_WERKBOEK_BYTES,
    MAX_WERKBOEK_UITGEPAKT,
    _Boek,
    _naam_cel,
    _open_werkboek,
    controleer_xlsx,
)
from .sleutelcellen import (
    _kort_tekst,
)

#
# Reading back a workbook made by formatie.werkboek.schrijven.exporteer_werkboek after a user
# edited it.
# The upload is checked as a zip BEFORE openpyxl sees it (size, entries, uncompressed size,
# compression ratio), then the input cells are read by key, wherever a sort put their rows:
# format 2 — Invoer (gemeente × invoer), Normen (normenset × taak), Organisatie (normenset ×
# functie), each with its scenario column; format 1 — Invoer (one row per gemeente) and Normen
# (taak hours, organisation parameters via their defined names). The model is recomputed in
# Python from those inputs and, as a self-check, compared with the results the workbook itself
# stored on Resultaat and Berekening (a sorted format-1 sheet or a typed-over formula shows up
# there); a file without stored results is accepted with a notice.
#
# Formulas typed into an input cell are refused (with the cell named) rather than evaluated or
# trusted: their cached value may be stale or absent depending on the program that saved the
# file, and the model must never run on a number the user cannot see. Text in a number cell is
# refused too, even when it looks like a number ("12,5" stored as text is ambiguous).


@zonder_gc()  # some 330.000 cells: see formatie.werkboek.geheugen
def lees_werkboek(
    data: bytes,
    normenset: Normenset | Callable[[str, str], Normenset | None],
    *,
    bestand: str = "werkboek",
    max_bytes: int = MAX_WERKBOEK_BYTES,
    max_uitgepakt: int = MAX_WERKBOEK_UITGEPAKT,
    normensets_uit_werkboek: bool = False,
    vergelijk_met: Normenset | None = None,
) -> Werkboek:
    """Read an edited scenario workbook (the bytes of an upload or a file), format 1 or 2.

    ``normenset`` is the normenset the workbook was made with, or a function
    ``(naam, versie) → Normenset | None`` that looks up each normenset the workbook names (a
    region workbook may name several). Norms edited in the workbook come back per normenset as
    a new, validated normenset (versie ``<versie>-excel``) with the list of changes.
    ``normensets_uit_werkboek``: a normenset found neither way is taken from the workbook's
    own hidden sheet :data:`~formatie.werkboek.formaat.BLAD_NORMENSETS` (validated as any
    normenset file): for the command line, never for an upload to the web.
    ``vergelijk_met``: a workbook of one normenset that is found nowhere is read with this one
    (a notice says so; a ``normenset`` given as a Normenset is that too).

    The workbook is checked against itself: when it carries stored (cached) results, the model
    is run on the workbook's own inputs and every result on Resultaat and Berekening must
    equal it; a formula replaced by a typed number is refused too. Both name the cells.
    Raises InvoerFout with every problem found (sheet, cell, column); nothing is returned
    half-read.
    """
    controleer_xlsx(data, bestand, max_bytes, max_uitgepakt)
    wb = _open_werkboek(data, bestand)
    boek = _Boek(wb, lambda: _open_werkboek(data, bestand, alleen_waarden=True))
    try:
        return _lees_werkboek(boek, normenset, bestand, normensets_uit_werkboek, vergelijk_met)
    except InvoerFout:
        raise
    except Exception as exc:
        # read_only openpyxl unpacks and parses sheets lazily: a damaged part only shows up
        # here (bad CRC, zlib.error, XML ParseError, odd attributes: ValueError, TypeError …)
        raise InvoerFout([Probleem(f"het werkboek kan niet worden gelezen: het bestand is "
                                   f"beschadigd ({type(exc).__name__}).")], bestand) from None
    finally:
        boek.sluit()


def _lees_werkboek(wb: _Boek, normenset, bestand: str, uit_werkboek: bool = False,
                   vergelijk_met: Normenset | None = None) -> Werkboek:
    def stop(bericht: str) -> InvoerFout:
        return InvoerFout([Probleem(bericht)], bestand)

    vreemd = ("dit werkboek is niet met de formatietool gemaakt (of de herkomstgegevens op het "
              f"blad '{BLAD_TOELICHTING}' zijn verwijderd). Download een nieuw werkboek uit de "
              "tool en neem uw wijzigingen daarin over.")
    bladen = wb.sheetnames
    if BLAD_TOELICHTING not in bladen:
        plaats = _naam_cel(wb, NAAM_SOORT)
        if plaats is not None and plaats[0] in bladen:
            raise stop(f"het blad '{BLAD_TOELICHTING}' heet nu '{_kort_tekst(plaats[0])}'. Geef "
                       f"het blad zijn naam '{BLAD_TOELICHTING}' terug; de tool vindt de "
                       "herkomst van het werkboek daar.")
        raise stop(vreemd)
    herkomst: dict[str, str] = {}
    toelichting = wb.cellen(BLAD_TOELICHTING)
    for naam in HERKOMST_NAMEN:
        plaats = _naam_cel(wb, naam)
        if plaats is None or plaats[0] != BLAD_TOELICHTING:
            continue
        waarde = toelichting.get((plaats[1], plaats[2]))
        if waarde is not None:
            herkomst[naam] = str(waarde)
    if herkomst.get(NAAM_SOORT) != WERKBOEK_SOORT:
        raise stop(vreemd)
    formaat = herkomst.get(NAAM_FORMAAT, "?")
    if formaat not in {str(f) for f in GELEZEN_FORMATEN}:
        raise stop(f"dit werkboek heeft formaat {_kort_tekst(formaat)}; deze versie van de tool "
                   "leest formaat " + " en ".join(map(str, GELEZEN_FORMATEN))
                   + ". Download een nieuw werkboek.")
    verplicht = VERPLICHTE_BLADEN if formaat == "1" else VERPLICHTE_BLADEN_2
    ontbrekend = [b for b in verplicht if b not in bladen]
    if ontbrekend:
        raise stop("het werkboek mist de bladen " + ", ".join(f"'{b}'" for b in ontbrekend)
                   + ". Verwijder of hernoem geen bladen (hernoemde bladen: geef ze hun naam "
                   "terug).")
    if formaat == "1":
        return _lees_formaat_1(wb, normenset, bestand, herkomst, vergelijk_met)
    return _lees_formaat_2(wb, normenset, bestand, herkomst, uit_werkboek, vergelijk_met)



def invoer_wijzigingen(oud: InvoerTabel, nieuw: InvoerTabel, normenset: Normenset
                       ) -> list[Wijziging]:
    """Per gemeente and invoer field, old → new (for the upload preview). Rows are matched on
    (gemeentecode, jaar); a gemeente only in ``nieuw`` has ``oud`` None for every field."""
    oud_rij = {(c, j): g for g, (c, j) in enumerate(zip(oud.gemeentecodes, oud.jaren,
                                                          strict=True))}
    wijzigingen = []
    for g, (code, jaar) in enumerate(zip(nieuw.gemeentecodes, nieuw.jaren, strict=True)):
        h = oud_rij.get((code, jaar))
        for i, sleutel in enumerate(normenset.invoer_sleutels):
            waarde = float(nieuw.volume[g, i])
            vorige = None if h is None else float(oud.volume[h, i])
            if vorige is None or not _gelijk(vorige, waarde):
                rij = nieuw.regels[g] if nieuw.regels else None
                wijzigingen.append(Wijziging(BLAD_INVOER, None if rij is None else f"rij {rij}",
                                             code, sleutel, vorige, waarde))
    return wijzigingen
