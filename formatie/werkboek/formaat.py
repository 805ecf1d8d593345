"""The scenario workbook's layout: the one place its writer and its reader agree on.

:mod:`formatie.werkboek.schrijven` (and the sheet writers beside it) writes workbooks in this
layout and :mod:`formatie.werkboek.lezen` (format 1 and 2 readers, the self-check) reads them
back; neither restates a sheet name, key row or defined name of its own
(``tests/test_werkboek_formaat.py`` fails when one does, or when a name here goes unused).
"""

from __future__ import annotations

from ..model import MINIMUM_NAAM, MINIMUM_SLEUTEL
from ..normenset import ORGANISATIE_PARAMETERS

#: What the named cell ``formatie_werkboek`` holds in every workbook the tool writes.
WERKBOEK_SOORT = "Formatietool scenariowerkboek"
#: Format version of the layout. 2: every formula finds its row by key (sort-proof), members
#: of a region may count with different normensets, scenario columns, a Samenvatting sheet.
#: The reader still reads format 1 (the layout up to 0.x, with fixed cell references).
WERKBOEK_FORMAAT = 2
#: Formats the reader accepts.
GELEZEN_FORMATEN = (1, 2)

BLAD_SAMENVATTING = "Samenvatting"
BLAD_TOELICHTING = "Toelichting"
BLAD_INVOER = "Invoer"
BLAD_NORMEN = "Normen"
BLAD_ORGANISATIE = "Organisatie"
BLAD_BEREKENING = "Berekening"
BLAD_RESULTAAT = "Resultaat"
BLAD_ONZEKERHEID = "Onzekerheid"
BLAD_GEVOELIGHEID = "Gevoeligheid"
#: The multi-year begroting (formatie.meerjaren), optional like Onzekerheid: one row per
#: jaar × gemeente × functie with the fte of the forecast at export (values) and the euros as
#: live formulas on Organisatie's kosten per fte and indexatie.
BLAD_BEGROTING = "Begroting"
#: A very hidden sheet holding every normenset of the workbook as TOML (as
#: :func:`formatie.normenset.normenset_als_toml` writes it), in parts that fit a cell, so that
#: ``formatie importeer`` reads a workbook whose normensets it has no file of. The web ignores
#: it: there a normenset comes from the database only.
BLAD_NORMENSETS = "Normensets"
#: Its key row (row 3): one row per part, in order.
NORMENSETS_SLEUTELS = ("normenset", "naam", "versie", "deel", "toml")
#: Characters of TOML per cell (Excel holds 32,767).
TOML_DEEL = 30_000
#: Sheets the reader needs; the others are computed or informative.
VERPLICHTE_BLADEN = (BLAD_TOELICHTING, BLAD_INVOER, BLAD_NORMEN)
VERPLICHTE_BLADEN_2 = (BLAD_TOELICHTING, BLAD_INVOER, BLAD_NORMEN, BLAD_ORGANISATIE)

#: Row (0-based) holding the machine-readable keys on every table sheet.
SLEUTELRIJ = 2
EERSTE_RIJ = SLEUTELRIJ + 1

#: Named cells on Toelichting that say where the workbook comes from (the tool's version and
#: the first normenset's naam and versie are document properties of the same names too).
NAAM_SOORT = "formatie_werkboek"
NAAM_FORMAAT = "formatie_formaat"
NAAM_VERSIE = "formatie_versie"
#: The first normenset's naam and versie; on Organisatie, every row's normenset (key columns of
#: the same names).
NAAM_NORMENSET = "normenset_naam"
NAAM_NORMENSET_VERSIE = "normenset_versie"
NAAM_EXPORT_TIJD = "export_tijd"
#: Format 2: the gemeentecodes the workbook was made for, comma-separated: the scope.
NAAM_GEMEENTEN = "werkboek_gemeenten"
HERKOMST_NAMEN = (NAAM_SOORT, NAAM_FORMAAT, NAAM_VERSIE, NAAM_NORMENSET, NAAM_NORMENSET_VERSIE,
                  NAAM_EXPORT_TIJD, NAAM_GEMEENTEN)

# ----- format 2 ------------------------------------------------------------------------------
#: The last (hidden) column of every table that other sheets look up: the row's key columns
#: joined by :data:`ZOEK_SCHEIDING`, a formula of the row's own cells (so no sort can separate
#: it from them). Lookups are one exact MATCH on it per value (``INDEX``/``MATCH``) or a
#: ``SUMIF`` on it, instead of comparing every row of a table.
ZOEKSLEUTEL = "zoeksleutel"
#: Joins the parts of a zoeksleutel: in no key (keys are ``[a-z0-9_]`` and gemeentecodes
#: digits), and neither a wildcard nor a regular-expression character.
ZOEK_SCHEIDING = "#"
#: Invoer, one row per gemeente × invoer of its normenset. ``scenario`` is typed by the user
#: (blank = as the base); ``scenario_waarde`` is the formula the scenario computes with;
#: ``herkomst`` says where the value came from (formatie.herkomst: CBS/DUO-schatting, eigen
#: telling, …), for people only: the reader ignores it (an imported value that differs from the
#: stored one becomes a workbook figure by the save rule, whatever this cell says).
INVOER_SLEUTELS = ("gemeentecode", "gemeentenaam", "normenset", "jaar", "invoer", "naam",
                   "eenheid", "waarde", "scenario", "scenario_waarde", "herkomst", ZOEKSLEUTEL,
                   "toelichting")
#: Normen, one row per normenset × taak.
NORMEN_SLEUTELS = ("normenset", "taak", "naam", "functie", "invoer", "eenheid", "uren",
                   "scenario", "scenario_uren", "uren_laag", "uren_hoog", "bron", "toelichting",
                   ZOEKSLEUTEL)
NORMEN_VERPLICHT = ("normenset", "taak", "functie", "invoer", "uren", "uren_laag", "uren_hoog",
                    "bron")
#: Organisatie, one row per normenset × functie: the parameters, their scenario columns
#: (``scenario_<parameter>``, blank = as the base) and the computed hours.
#: ``kosten_per_fte`` (and its scenario column): salaris × (1 + werkgeverslasten) × (1 +
#: opslag), the price of an fte (formatie.normenset.Functie.kosten_per_fte).
ORGANISATIE_SLEUTELS = ("normenset", "functie", "naam", *ORGANISATIE_PARAMETERS,
                        "netto_uren_per_fte", "casus_uren_per_fte", "kosten_per_fte",
                        *(f"scenario_{p}" for p in ORGANISATIE_PARAMETERS),
                        "scenario_casus_uren_per_fte", "scenario_leiding_waarde",
                        "scenario_vast_fte_waarde", "scenario_minimum_fte_waarde",
                        "scenario_kosten_per_fte", NAAM_NORMENSET, NAAM_NORMENSET_VERSIE,
                        ZOEKSLEUTEL)
#: Berekening, one row per gemeente × taak of the gemeente's normenset. ``invoer_rij``
#: (hidden): where the row's (gemeente, invoer) stands on Invoer, found once for the base and
#: the scenario volume.
BEREKENING_2_SLEUTELS = ("gemeentecode", "gemeentenaam", "normenset", "functie", "taak",
                         "invoer", "volume", "uren_per_eenheid", "uren", "casus_uren_per_fte",
                         "fte_taak", "scenario_volume", "scenario_uren_per_eenheid",
                         "scenario_uren", "scenario_casus_uren_per_fte", "scenario_fte_taak",
                         "invoer_rij", ZOEKSLEUTEL)
#: Begroting's key row. ``fte``/``budget_fte`` (P80, allocated so the table adds up),
#: ``peiljaar`` (the normenset's price year) and ``bron`` are values at export;
#: ``indexatie``, ``kosten_per_fte`` (Organisatie's × (1 + indexatie)^(jaar − peiljaar)),
#: ``kosten`` and ``kosten_budget`` are formulas.
BEGROTING_SLEUTELS = ("jaar", "bron", "gemeentecode", "gemeentenaam", "normenset", "functie",
                      "naam", "fte", "budget_fte", "peiljaar", "indexatie", "kosten_per_fte",
                      "kosten", "kosten_budget", ZOEKSLEUTEL)
#: A team workbook's Begroting (:func:`formatie.meerjaren.team_meerjarenbegroting`): one row
#: per jaar × member, ``fte``/``budget_fte`` its share of the team's fte and P80 (values at
#: export), then ``volgorde`` (the member's place in the team, breaking ties as
#: :func:`formatie.teams.verdeel_euros` does) and the bijdragen per jaar as formulas: the row's
#: exact part of the year's cost rounded to the euro, and that split in whole euros by largest
#: remainder within the year, central and budget.
BEGROTING_TEAM_SLEUTELS = (*BEGROTING_SLEUTELS[:-1], "volgorde", "bijdrage_exact", "bijdrage",
                           "bijdrage_budget_exact", "bijdrage_budget", ZOEKSLEUTEL)
#: Begroting's summary under the table: per jaar each functie and the total (SUMIFS by key).
BEGROTING_TOTAAL_SLEUTELS = ("jaar", "functie", "naam", "fte", "budget_fte", "kosten",
                             "kosten_budget")
#: The key columns each table's zoeksleutel joins, in order.
ZOEKSLEUTEL_DELEN = {
    BLAD_INVOER: ("gemeentecode", "invoer"),
    BLAD_NORMEN: ("normenset", "taak"),
    BLAD_ORGANISATIE: ("normenset", "functie"),
    BLAD_BEREKENING: ("gemeentecode", "functie"),
    BLAD_BEGROTING: ("jaar", "gemeentecode", "functie"),
}
#: Input tables: the columns that hold formulas (the self-check refuses a value typed there).
INVOER_FORMULES = ("scenario_waarde", ZOEKSLEUTEL)
NORMEN_FORMULES = ("scenario_uren", ZOEKSLEUTEL)
ORGANISATIE_FORMULES = ("netto_uren_per_fte", "casus_uren_per_fte", "kosten_per_fte",
                        "scenario_casus_uren_per_fte", "scenario_leiding_waarde",
                        "scenario_vast_fte_waarde", "scenario_minimum_fte_waarde",
                        "scenario_kosten_per_fte", ZOEKSLEUTEL)
#: Samenvatting's table: one row per line (taak, vaste basis, leiding per functie, each
#: functie's total, the grand total), keyed by the hidden columns ``functie``, ``soort``,
#: ``taak`` (key row 5, hidden; data from row 6). Every visible cell is one formula of those
#: keys, the same on every row, so a sort of the visible columns alone changes nothing shown.
#: ``soort`` is ``taak``, ``vast``, ``leiding`` or ``fte`` (a functie's total; the grand total
#: has functie ``totaal``): the Resultaat columns ``<soort>_<functie>`` hold the lines.
SAMENVATTING_SLEUTELS = ("functie_naam", "regel", "fte", "scenario_fte", "functie", "soort",
                         "taak")
SAMENVATTING_SLEUTELRIJ = 4
#: The functie key of Samenvatting's grand total line (with soort ``fte``).
TOTAAL = "totaal"
#: Samenvatting's fixed labels (the others are the names of functies and taken): the line of
#: the vaste basis, of leiding en ondersteuning, a functie's total ("Totaal <naam>"), and the
#: grand total's functie and line.
REGEL_VAST = "Vaste basis"
REGEL_LEIDING = "Leiding en ondersteuning"
#: The line that lifts a standalone team to its minimum formation (formatie.model.MINIMUM_NAAM).
REGEL_MINIMUM = MINIMUM_NAAM
REGEL_TOTAAL_VAN = "Totaal "
TOTAAL_FUNCTIE = "Totaal"
TOTAAL_REGEL = "Benodigde formatie"


def samenvatting_regels(normensets) -> list[tuple[str, str, str]]:
    """Samenvatting's lines (functie, soort, taak) for a workbook with ``normensets`` (in
    group order): per functie (first occurrence) its taken (the union, normenset order), the
    vaste basis, leiding en ondersteuning and its total; then the grand total."""
    functies = dict.fromkeys(f.sleutel for n in normensets for f in n.functies)
    regels: list[tuple[str, str, str]] = []
    for functie in functies:
        taken = dict.fromkeys(t.sleutel for n in normensets for t in n.taken
                              if t.functie == functie)
        regels += [(functie, "taak", t) for t in taken]
        regels += [(functie, "vast", "vaste_basis"), (functie, "leiding", "leiding")]
        if any(f.sleutel == functie and f.minimum_fte > 0 for n in normensets for f in n.functies):
            regels.append((functie, "minimum", MINIMUM_SLEUTEL))
        regels.append((functie, "fte", ""))
    regels.append((TOTAAL, "fte", ""))
    return regels


#: Region workbooks: the one input cell of a regional functie's bezetting (the Doorstroompunt is
#: staffed by the region, entered once), a defined name so that sorting moves nothing.
REGIO_BEZETTING_PREFIX = "regio_bezetting_"
#: The label of that region line (column B of Resultaat): the reader checks the named cell is
#: still on it (a sort that took the line along would leave another value under the name).
REGIO_REGEL = "Regio (vult de bezetting eenmaal in)"


def regio_bezetting_naam(functie: str) -> str:
    """Defined name of a regional functie's region-level bezetting cell (format 2), e.g.
    ``regio_bezetting_doorstroompunt``."""
    return f"{REGIO_BEZETTING_PREFIX}{functie}"


#: Key of the whole workbook (all its gemeenten together) in the ``onzekerheid`` mapping.
ALLE = "alle"

# ----- format 1 (read only) ------------------------------------------------------------------
#: The columns of the taken table on Normen (key row) the reader needs.
TAAK_KOLOMMEN_VERPLICHT = ("taak", "functie", "invoer", "uren", "uren_laag", "uren_hoog", "bron")
#: Key row of Berekening (one row per gemeente × taak).
BEREKENING_SLEUTELS = ("gemeentecode", "gemeentenaam", "functie", "taak", "invoer", "volume",
                       "uren_per_eenheid", "uren", "casus_uren_per_fte", "fte_taak")
#: Percentiles written on Onzekerheid.
PERCENTIELEN = ("p10", "p50", "p80", "p90")
#: Key row of Gevoeligheid (the tornado's top rows, values).
GEVOELIGHEID_KOLOMMEN = ("invoer", "soort", "sleutel", "waarde_laag", "waarde_centraal",
                         "waarde_hoog", "fte_laag", "fte_hoog", "swing", "verschil_laag",
                         "verschil_hoog")

# ----- the scenario comparison (written only) ------------------------------------------------
BLAD_VERGELIJKING = "Vergelijking"
BLAD_PARAMETERS = "Parameters"


def parameter_naam(functie: str, parameter: str) -> str:
    """Format 1: defined name of an organisation parameter cell, e.g.
    ``leerplicht_contracturen_per_fte``."""
    return f"{functie}_{parameter}"


# ----- the team sheet (issue 21: a team as one organisation) -----------------------------------
#: A team workbook's sheet: one row per member gemeente (its werklast, weight by the
#: verdeelsleutel, share of the team's fte and its bijdrage in whole euros), and under the
#: table the team as one organisation, every figure in a defined cell (:data:`TEAM_NAMEN`):
#: the members' taken together, the vaste basis and leiding en ondersteuning ONCE (the vaste
#: basis once per member where the normenset sets it per deelnemende gemeente), the floor once.
BLAD_TEAM = "Team"
#: Its key row. ``volgorde`` (the member's place in the team, typed) breaks ties in the
#: largest-remainder rounding of the bijdragen as :func:`formatie.teams.verdeel_euros` does,
#: whatever order the rows are sorted in.
TEAM_SLEUTELS = ("gemeentecode", "gemeentenaam", "normenset", "volgorde", "taken", "werk",
                 "gewicht", "deel", "aandeel", "bijdrage_exact", "bijdrage_rest", "bijdrage")
#: The team block under the table: key → (label, defined name). In this order.
TEAM_NAMEN = {
    "taken": ("Taken van de leden samen (fte)", "team_taken"),
    "vast": ("Vaste basis (fte)", "team_vast"),
    "uitvoering": ("Uitvoering (fte)", "team_uitvoering"),
    "leiding": ("Leiding en ondersteuning, eenmaal voor het team (fte)", "team_leiding"),
    "aanvulling": (MINIMUM_NAAM + " van het team (fte)", "team_aanvulling"),
    "fte": ("Benodigd team (fte)", "team_fte"),
    "zonder_team": ("De gemeenten elk apart (fte, blad Resultaat)", "team_zonder_team"),
    "kosten_per_fte": ("Kosten per fte (euro per jaar)", "team_kosten_per_fte"),
    "kosten": ("Kosten van het team per jaar (euro)", "team_kosten"),
    "kosten_heel": ("Kosten afgerond op hele euro's (som van de bijdragen)", "team_kosten_heel"),
    "rest": ("Euro's die de grootste resten krijgen", "team_rest"),
    "bezetting": ("Bezetting van het team (fte)", "team_bezetting"),
    "verschil": ("Verschil (bezetting − benodigd)", "team_verschil"),
}


# ----- one-sided names (tests/test_werkboek_formaat.py) ---------------------------------------
#: Names only the writer uses: sheets and key rows the reader ignores (the analysis sheets,
#: values that follow no edit; the comparison workbook, never read back; the team sheet,
#: formulas of the other sheets that a re-import recomputes), and the lookup
#: machinery of the formulas (the reader finds a key row by its keys, and checks formulas by
#: their stored results, not their text).
ALLEEN_GESCHREVEN = ("BLAD_ONZEKERHEID", "BLAD_GEVOELIGHEID", "GEVOELIGHEID_KOLOMMEN",
                     "PERCENTIELEN", "ALLE", "BLAD_VERGELIJKING", "BLAD_PARAMETERS",
                     "SLEUTELRIJ", "EERSTE_RIJ", "SAMENVATTING_SLEUTELRIJ", "ZOEK_SCHEIDING",
                     "TOML_DEEL", "BLAD_TEAM", "TEAM_SLEUTELS", "TEAM_NAMEN",
                     "BEGROTING_SLEUTELS", "BEGROTING_TOTAAL_SLEUTELS",
                     "BEGROTING_TEAM_SLEUTELS")
#: Names only the readers use: format 1, which is read but no longer written; the formats and
#: sheets a reader accepts; the columns a reader requires or checks for formulas; and the
#: provenance names all together (the writer writes each beside its label).
ALLEEN_GELEZEN = ("HERKOMST_NAMEN", "GELEZEN_FORMATEN", "VERPLICHTE_BLADEN", "VERPLICHTE_BLADEN_2",
                  "NORMEN_VERPLICHT", "TAAK_KOLOMMEN_VERPLICHT", "BEREKENING_SLEUTELS",
                  "parameter_naam", "INVOER_FORMULES", "NORMEN_FORMULES",
                  "ORGANISATIE_FORMULES")
