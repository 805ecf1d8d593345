"""Every bound, unit and label of a number a user can set, once, as data.

The normenset reader (TOML), the workbook reader and the workbook's data validation, the web
form, the scenario form and the earlier-years grid all take their limits from :data:`PARAMETERS`;
none restates a bound. A value outside its range is refused with :func:`melding` (Dutch).

Shares (``afwezigheid``, ``indirect``) are stored as fractions in [0, 1) and shown to people
as percentages: :attr:`Parameter.weergave_factor` converts at the edge (a form shows 16 for
0.16 and stores 0.16).

The upper bounds are sanity limits, far beyond any real organisation, so that a typo like 1e308
never turns into an infinite FTE; they are not norms.
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
        lo, hi = _getal(self.min * f), _getal(self.max * f)
        if not (self.min_open or self.max_open):
            tekst = f"van {lo} tot en met {hi}"
        else:
            tekst = (f"{'meer dan' if self.min_open else 'minstens'} {lo} en "
                     f"{'minder dan' if self.max_open else 'hoogstens'} {hi}")
        return f"{tekst} {self.weergave_eenheid}".rstrip()


def _getal(x: float) -> str:
    """A bound in Dutch notation without needless decimals (2.5 → "2,5", 10000 → "10.000")."""
    teken = "−" if x < 0 else ""  # a real minus sign (U+2212), as on every page
    x = abs(x)
    if float(x).is_integer():
        return teken + f"{int(x):,}".replace(",", ".")
    return teken + f"{x:g}".replace(".", ",")


#: Organisation parameters of a functie (the keys of ``[functie.<sleutel>]``).
ORGANISATIE = (
    Parameter("contracturen_per_fte", "Contracturen per fte per jaar", "uur", 0.0, 2920.0,
              min_open=True, uitleg="Cao gemeenten: 36 uur per week is 1.836 uur per jaar; "
              "hoogstens 2.920 uur (56 uur per week)."),
    Parameter("afwezigheid", "Afwezigheid (verlof, ziekte, scholing)", "aandeel", 0.0, 0.9,
              procent=True, uitleg="Deel van de contracturen dat een medewerker niet aanwezig "
              "is."),
    Parameter("indirect", "Indirecte tijd (overleg, beleid, reistijd)", "aandeel", 0.0, 0.9,
              procent=True, uitleg="Deel van de aanwezige uren dat niet aan casussen besteed "
              "wordt."),
    Parameter("leiding", "Leiding en ondersteuning", "fte per fte uitvoering", 0.0, 2.0,
              uitleg="Fte teamleiding en administratieve ondersteuning per fte uitvoering."),
    Parameter("vast_fte", "Vaste basis per gemeente", "fte", 0.0, 100.0,
              uitleg="Fte per gemeente die niet met volumes meebeweegt."),
)

#: Norm hours of a taak (``uren``, ``uren_laag``, ``uren_hoog``): per unit of its invoer.
UREN = Parameter("uren", "Uren per eenheid", "uur per eenheid", 0.0, 2000.0,
                 uitleg="Hoogstens 2.000 uur (ruim een fte-jaar) per eenheid.")
#: Current formation of one functie in one gemeente or region.
BEZETTING = Parameter("bezetting", "Fte in dienst", "fte", 0.0, 10_000.0)
#: Any invoer value (a count or population), whatever the normenset's own ``max`` says.
INVOER = Parameter("invoer", "Invoer", "aantal", 0.0, 100_000_000.0)
#: Growth of an invoer in a scenario, in percent (−100 % would make the volume zero).
GROEI = Parameter("groei", "Groei", "%", -100.0, 1000.0, min_open=True)
#: A national estimate per 1.000 of its base (``schatting_per_1000``).
SCHATTING_PER_1000 = Parameter("schatting_per_1000", "Schatting per 1.000", "per 1.000", 0.0,
                               100_000.0, uitleg="Per 1.000 van de basis; een basis als "
                               "scholen kan meer dan 1.000 per 1.000 geven.")

#: Every parameter by key.
PARAMETERS: dict[str, Parameter] = {
    p.sleutel: p for p in (*ORGANISATIE, UREN, BEZETTING, INVOER, GROEI, SCHATTING_PER_1000)
}


def parameter(sleutel: str) -> Parameter:
    """The table row of ``sleutel`` (``uren_laag``/``uren_hoog`` share the row of ``uren``)."""
    return PARAMETERS["uren" if sleutel in ("uren_laag", "uren_hoog") else sleutel]


def melding(sleutel: str, waarde: float, wat: str | None = None) -> str | None:
    """A Dutch sentence when ``waarde`` (stored unit) is not allowed for ``sleutel``, else None.

    ``wat`` names the value for the user (default: the parameter's label), e.g.
    "functie 'leerplicht': afwezigheid"; the sentence says the allowed range in the unit people
    see: "… moet van 0 tot en met 90 % zijn."
    """
    p = parameter(sleutel)
    if p.toegestaan(float(waarde)):
        return None
    onderwerp = wat or p.label
    if not math.isfinite(float(waarde)):
        return f"{onderwerp} moet een eindig getal zijn ({p.bereik_tekst()})."
    return f"{onderwerp} moet {p.bereik_tekst()} zijn."
