"""Every bound, unit and label of a number a user can set, once, as data.

The normenset reader (TOML), the workbook reader and the workbook's data validation, the web
form, the scenario form and the earlier-years grid all take their limits from :data:`PARAMETERS`;
none restates a bound. A value outside its range is refused with :func:`melding` (Dutch).

Shares (``afwezigheid``, ``indirect``) are stored as fractions in [0, 1) and shown to people
as percentages: :attr:`Parameter.weergave_factor` converts at the edge (a form shows 16 for
0.16 and stores 0.16).

The bounds are sanity limits, far beyond any real organisation; they are not norms. They are
chosen together so that no combination of accepted values can make the model divide by almost
nothing or overflow: contracturen ≥ 100 h, afwezigheid ≤ 50 % and indirect ≤ 60 % leave every
fte at least :data:`MIN_CASUSUREN` (20) casusuren a year, so an hour of work is at most 1/20 fte;
with invoer ≤ 10⁸ and ≤ 2.000 hours per unit every figure stays far inside a float. Behind the
table, :func:`formatie.model.fte_arrays` still refuses a non-finite result and
:func:`formatie.model.bereken` one above :data:`FTE` (:class:`formatie.model.RekenFout`), for
figures and normensets stored before these bounds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Parameter:
    """One settable number: its label and unit for people, and its allowed range.

    ``min``/``max`` are in the stored unit (fractions for shares). ``min_open``/``max_open``
    make that end exclusive (``0 < contracturen``; ``afwezigheid < 1``).
    """

    sleutel: str
    label: str
    eenheid: str
    min: float
    max: float
    min_open: bool = False
    max_open: bool = False
    procent: bool = False  # stored as a fraction, shown and typed as a percentage
    jaartal: bool = False  # a year: written without a thousands separator (2026, not 2.026)
    uitleg: str = ""

    @property
    def weergave_factor(self) -> float:
        """Multiply a stored value by this to show it (100 for percentages)."""
        return 100.0 if self.procent else 1.0

    @property
    def weergave_eenheid(self) -> str:
        return "%" if self.procent else self.eenheid

    def toegestaan(self, waarde: float) -> bool:
        """True when ``waarde`` (stored unit) is finite and within the range."""
        if not math.isfinite(waarde):
            return False
        boven_min = waarde > self.min if self.min_open else waarde >= self.min
        onder_max = waarde < self.max if self.max_open else waarde <= self.max
        return boven_min and onder_max

    def bereik_tekst(self) -> str:
        """The allowed range in words, in the unit people see, e.g. "van 0 tot en met 90 %"."""
        f = self.weergave_factor
        if self.jaartal:
            lo, hi = str(int(self.min)), str(int(self.max))
        else:
            lo, hi = _getal(self.min * f), _getal(self.max * f)
        if not (self.min_open or self.max_open):
            tekst = f"van {lo} tot en met {hi}"
        else:
            tekst = (f"{'meer dan' if self.min_open else 'minstens'} {lo} en "
                     f"{'minder dan' if self.max_open else 'hoogstens'} {hi}")
        return f"{tekst} {self.weergave_eenheid}".rstrip()


def _getal(x: float) -> str:
    """A bound in Dutch notation without needless decimals (2.5 → "2,5", 10000 → "10.000"):
    :func:`formatie.getallen.format_getal` with as many decimals as the bound has."""
    from .getallen import format_getal

    decimalen = 0
    while decimalen < 6 and round(x, decimalen) != x:
        decimalen += 1
    return format_getal(x, decimalen)


#: Organisation parameters of a functie (the keys of ``[functie.<sleutel>]``).
ORGANISATIE = (
    Parameter("contracturen_per_fte", "Contracturen per fte per jaar", "uur", 100.0, 2920.0,
              uitleg="Cao gemeenten: 36 uur per week is 1.836 uur per jaar. Minstens 100 uur "
              "(2 uur per week): een fte is een volledige werkweek, en daaronder rekent het "
              "model met een deler van bijna nul. Hoogstens 2.920 uur (56 uur per week)."),
    Parameter("afwezigheid", "Afwezigheid (verlof, ziekte, scholing)", "aandeel", 0.0, 0.5,
              procent=True, uitleg="Deel van de contracturen dat een medewerker niet aanwezig "
              "is (gebruikelijk 15 à 20 %). Hoogstens 50 %: samen met de grenzen van "
              "contracturen en indirecte tijd houdt elke fte minstens 20 casusuren per jaar."),
    Parameter("indirect", "Indirecte tijd (overleg, beleid, reistijd)", "aandeel", 0.0, 0.6,
              procent=True, uitleg="Deel van de aanwezige uren dat niet aan casussen besteed "
              "wordt (gebruikelijk 20 à 25 %). Hoogstens 60 %: meer is geen uitvoerende "
              "functie meer, en de casusuren per fte mogen niet tot bijna nul dalen."),
    Parameter("leiding", "Leiding en ondersteuning", "fte per fte uitvoering", 0.0, 2.0,
              uitleg="Fte teamleiding en administratieve ondersteuning per fte uitvoering; "
              "hoogstens 2."),
    Parameter("vast_fte", "Vaste basis per team", "fte", 0.0, 100.0,
              uitleg="Fte per zelfstandig team (nu: per gemeente) die niet met volumes "
              "meebeweegt; hoogstens 100."),
    Parameter("minimum_fte", "Minimumformatie van een zelfstandig team", "fte", 0.0, 100.0,
              uitleg="Een team dat alleen staat, heeft nooit minder fte dan dit, ook als de "
              "uren minder vragen (continuïteit, vervanging bij ziekte en verlof, een tweede "
              "paar ogen). 0 = geen ondergrens; hoogstens 100."),
    Parameter("salaris_per_fte", "Salaris per fte per jaar", "euro per jaar", 0.0,
              1_000_000.0,
              uitleg="Brutosalaris van één voltijd-fte per jaar, met het individueel "
              "keuzebudget (vakantiegeld en eindejaarsuitkering), zonder werkgeverslasten: "
              "de schaal en trede van de cao gemeenten. Hoogstens 1 miljoen euro."),
    Parameter("werkgeverslasten", "Werkgeverslasten", "aandeel", 0.0, 1.0, procent=True,
              uitleg="Pensioenpremie (werkgeversdeel ABP), sociale verzekeringen en "
              "zorgverzekeringswet als deel van het salaris (gebruikelijk 25 à 35 %); "
              "hoogstens 100 %."),
    Parameter("opslag", "Opslag voor overhead", "aandeel", 0.0, 2.0, procent=True,
              uitleg="Werkplek, ICT, opleiding, huisvesting en bedrijfsvoering als deel van "
              "de loonkosten (salaris met werkgeverslasten); hoogstens 200 %."),
    Parameter("indexatie", "Indexatie per jaar", "aandeel", 0.0, 0.5, procent=True,
              uitleg="Jaarlijkse stijging van de loonkosten (cao en premies), om een bedrag "
              "van het ene jaar naar het andere te brengen; hoogstens 50 %."),
)

#: The organisation parameters that price an fte
#: (:attr:`formatie.normenset.Functie.kosten_per_fte`).
KOSTEN_PARAMETERS = ("salaris_per_fte", "werkgeverslasten", "opslag", "indexatie")

#: The fewest casusuren an fte can have within the bounds above (100 h × 50 % × 40 %): the
#: smallest divisor of the model (:func:`formatie.model.casus_uren_per_fte`).
MIN_CASUSUREN = (ORGANISATIE[0].min * (1 - ORGANISATIE[1].max) * (1 - ORGANISATIE[2].max))

#: Norm hours of a taak (``uren``, ``uren_laag``, ``uren_hoog``): per unit of its invoer.
UREN = Parameter("uren", "Uren per eenheid", "uur per eenheid", 0.0, 2000.0,
                 uitleg="Van 0 (een invoer die geen werk vraagt) tot hoogstens 2.000 uur (ruim "
                 "een fte-jaar) per eenheid. Ook een getrokken normuur in de bandbreedte blijft "
                 "binnen dit bereik.")
#: Current formation of one functie in one gemeente or region.
BEZETTING = Parameter("bezetting", "Fte in dienst", "fte", 0.0, 10_000.0,
                      uitleg="Van 0 tot hoogstens 10.000 fte.")
#: Any invoer value (a count or population), whatever the normenset's own ``max`` says.
INVOER = Parameter("invoer", "Invoer", "aantal", 0.0, 100_000_000.0,
                   uitleg="Een aantal per jaar of een bevolking: van 0 tot hoogstens 100 "
                   "miljoen (meer dan Nederland inwoners heeft).")
#: Growth of an invoer in a scenario, in percent (−100 % would make the volume zero).
GROEI = Parameter("groei", "Groei", "%", -100.0, 1000.0, min_open=True,
                  uitleg="Meer dan −100 % (dan zou het volume verdwijnen) en hoogstens "
                  "+1.000 % (elf keer zo veel).")
#: A national estimate per 1.000 of its base (``schatting_per_1000``).
SCHATTING_PER_1000 = Parameter("schatting_per_1000", "Schatting per 1.000", "per 1.000", 0.0,
                               100_000.0, uitleg="Per 1.000 van de basis; een basis als "
                               "scholen kan meer dan 1.000 per 1.000 geven.")
#: What the model gives back: fte of one functie in one gemeente. Not set by anyone; a result
#: above it is refused as absurd (:func:`formatie.model.bereken`), whatever caused it.
FTE = Parameter("fte", "Benodigde fte", "fte", 0.0, 1_000_000.0,
                uitleg="Een uitkomst boven 1 miljoen fte per functie en gemeente (meer dan alle "
                "ambtenaren van Nederland samen) is geen bruikbare uitkomst: de invoer of de "
                "normen kloppen dan niet.")

#: The year of a gemeente's figures (invoer CSV, workbook, form, teams file).
JAAR = Parameter("jaar", "Jaar", "", 2000.0, 2100.0, jaartal=True,
                 uitleg="Het jaar waarop de aantallen betrekking hebben, van 2000 tot en met "
                 "2100.")

#: Every parameter by key.
PARAMETERS: dict[str, Parameter] = {
    p.sleutel: p for p in (*ORGANISATIE, UREN, BEZETTING, INVOER, GROEI, SCHATTING_PER_1000,
                           FTE, JAAR)
}


def parameter(sleutel: str) -> Parameter:
    """The table row of ``sleutel`` (``uren_laag``/``uren_hoog`` share the row of ``uren``)."""
    return PARAMETERS["uren" if sleutel in ("uren_laag", "uren_hoog") else sleutel]


def geldig_jaar(waarde) -> int | None:
    """``waarde`` as a year within :data:`JAAR` (a whole number, from text or a cell), else
    None."""
    if isinstance(waarde, bool):
        return None
    if isinstance(waarde, str):
        try:
            waarde = int(waarde.strip())
        except ValueError:
            return None
    if not isinstance(waarde, int | float) or not math.isfinite(waarde):
        return None
    if not float(waarde).is_integer() or not JAAR.toegestaan(float(waarde)):
        return None
    return int(waarde)


def melding(sleutel: str, waarde: float, wat: str | None = None) -> str | None:
    """A Dutch sentence when ``waarde`` (stored unit) is not allowed for ``sleutel``, else None.

    ``wat`` names the value for the user (default: the parameter's label), e.g.
    "functie 'leerplicht': afwezigheid"; the sentence says the allowed range in the unit people
    see: "… moet van 0 tot en met 90 % zijn."
    """
    return melding_voor(parameter(sleutel), waarde, wat)


def melding_voor(p: Parameter, waarde: float, wat: str | None = None) -> str | None:
    """:func:`melding` for any :class:`Parameter`, e.g. a normenset's invoer
    (:attr:`formatie.normenset.Invoer.parameter`, bounds from the normenset)."""
    if p.toegestaan(float(waarde)):
        return None
    onderwerp = wat or p.label
    if not math.isfinite(float(waarde)):
        return f"{onderwerp} moet een eindig getal zijn ({p.bereik_tekst()})."
    return f"{onderwerp} moet {p.bereik_tekst()} zijn."
