"""The scenario workbook's layout: the one place its writer and its reader agree on.

:mod:`formatie.excel` writes workbooks in this layout and :mod:`formatie.werkboek_lezen` reads
them back; neither restates a sheet name, key row or defined name of its own.
"""

from __future__ import annotations

from .normenset import ORGANISATIE_PARAMETERS

#: What the named cell ``formatie_werkboek`` holds in every workbook the tool writes.
WERKBOEK_SOORT = "Formatietool scenariowerkboek"
#: Format version of the layout; the reader refuses other versions.
WERKBOEK_FORMAAT = 1

BLAD_TOELICHTING = "Toelichting"
BLAD_INVOER = "Invoer"
BLAD_NORMEN = "Normen"
BLAD_BEREKENING = "Berekening"
BLAD_RESULTAAT = "Resultaat"
BLAD_ONZEKERHEID = "Onzekerheid"
BLAD_GEVOELIGHEID = "Gevoeligheid"
#: Sheets the reader needs; the others are computed or informative.
VERPLICHTE_BLADEN = (BLAD_TOELICHTING, BLAD_INVOER, BLAD_NORMEN)

#: Row (0-based) holding the machine-readable keys on Invoer, Normen and Resultaat.
SLEUTELRIJ = 2
EERSTE_RIJ = SLEUTELRIJ + 1

#: Named cells on Toelichting that say where the workbook comes from.
HERKOMST_NAMEN = ("formatie_werkboek", "formatie_formaat", "formatie_versie", "normenset_naam",
                  "normenset_versie", "export_tijd")

#: Key row of the taken table on Normen; the reader needs the ``_VERPLICHT`` ones.
TAAK_SLEUTELS = ("taak", "naam", "functie", "invoer", "eenheid", "uren", "uren_laag",
                 "uren_hoog", "bron")
TAAK_KOLOMMEN_VERPLICHT = ("taak", "functie", "invoer", "uren", "uren_laag", "uren_hoog", "bron")
#: Key row of the organisation parameters on Normen.
PARAMETER_SLEUTELS = ("functie", "naam", *ORGANISATIE_PARAMETERS, "netto_uren_per_fte",
                      "casus_uren_per_fte")
#: Key row of Berekening (one row per gemeente × taak).
BEREKENING_SLEUTELS = ("gemeentecode", "gemeentenaam", "functie", "taak", "invoer", "volume",
                       "uren_per_eenheid", "uren", "casus_uren_per_fte", "fte_taak")
#: Percentiles written on Onzekerheid.
PERCENTIELEN = ("p10", "p50", "p80", "p90")


def parameter_naam(functie: str, parameter: str) -> str:
    """Defined name of an organisation parameter cell, e.g. ``leerplicht_contracturen_per_fte``."""
    return f"{functie}_{parameter}"


def uren_naam(taak: str) -> str:
    """Defined name of a taak's uren cell on the Normen sheet."""
    return f"uren_{taak}"
