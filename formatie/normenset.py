"""The normenset: functies, invoer, taken and the norm hours that drive the model.

A normenset is plain data (frozen dataclasses). Reading and validating a TOML file lives in
:mod:`formatie.normenset_toml`; this module only describes the structure and offers array views
of it that the model uses.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from .doelgroepen import basis_sleutels
from .parameters import KOSTEN_PARAMETERS, UREN, Parameter

#: Bases a national estimate of an invoer can be derived from (see :mod:`formatie.schatting`).
#: Target groups (and their old aliases cbs_5_15 …) come from formatie/data/doelgroepen.toml.
SCHATTING_BASES = (*basis_sleutels(), "inwoners", "vestigingen_po")
#: Year-to-year variation of an invoer's volume, used by the uncertainty model.
SPREIDINGEN = ("poisson", "geen")
#: Organisation parameters of a functie that a scenario may override.
ORGANISATIE_PARAMETERS = ("contracturen_per_fte", "afwezigheid", "indirect", "leiding", "vast_fte",
                          "minimum_fte", *KOSTEN_PARAMETERS)
#: Organisation parameters a normenset may leave out, with the value it then has (sets written
#: before the parameter existed keep their meaning: no floor; and an fte priced as in the
#: standard normenset 2026.3, leerplicht, whose ``bron`` the reader then states).
ORGANISATIE_STANDAARD = {"minimum_fte": 0.0, "salaris_per_fte": 67_420.0,
                         "werkgeverslasten": 0.27, "opslag": 0.20, "indexatie": 0.03}
#: The ``bron`` a cost parameter gets when the normenset leaves the parameter out.
STANDAARD_BRON = ("standaardwaarde van de tool (de normenset noemt dit niet): de waarde van "
                  "leerplicht in de standaardnormenset 2026.3, zie daar de bron")
#: Longest naam and versie of a normenset (the database columns are String(200)/String(50)).
MAX_NORMENSET_NAAM = 200
MAX_NORMENSET_VERSIE = 50


def afgeleide_versie(versie: str, achtervoegsel: str) -> str:
    """``versie`` + ``achtervoegsel`` (e.g. "-excel"), the base cut so the whole stays within
    :data:`MAX_NORMENSET_VERSIE` characters; the suffix is always kept whole. A versie that
    already carries the suffix (``2026.2-excel``, ``2026.2-excel-3``: a set edited again) is
    not suffixed twice: it gives ``2026.2-excel``, which the store numbers when taken."""
    if achtervoegsel:
        versie = re.sub(re.escape(achtervoegsel) + r"(-\d+)?$", "", versie)
    return versie[: max(MAX_NORMENSET_VERSIE - len(achtervoegsel), 0)] + achtervoegsel


@dataclass(frozen=True)
class Functie:
    """A legal function that needs staff (leerplicht, doorstroompunt)."""

    sleutel: str
    naam: str
    contracturen_per_fte: float  # hours per year of one full-time FTE
    afwezigheid: float  # share of contract hours lost to leave, illness, training
    indirect: float  # share of net hours spent on non-case work
    leiding: float  # FTE leiding/ondersteuning per FTE uitvoering
    vast_fte: float  # fixed base FTE per standalone team (today: per gemeente)
    #: Floor of a standalone team's FTE (0 = none): fte = max(computed fte, minimum_fte).
    minimum_fte: float = 0.0
    #: Price of an fte (see :attr:`kosten_per_fte`): euros per year, shares, yearly growth.
    salaris_per_fte: float = ORGANISATIE_STANDAARD["salaris_per_fte"]
    werkgeverslasten: float = ORGANISATIE_STANDAARD["werkgeverslasten"]
    opslag: float = ORGANISATIE_STANDAARD["opslag"]
    indexatie: float = ORGANISATIE_STANDAARD["indexatie"]
    #: Provenance per organisation parameter: ((parameter, bron), …) and ((parameter, tekst), …).
    bronnen: tuple[tuple[str, str], ...] = ()
    toelichtingen: tuple[tuple[str, str], ...] = ()

    def bron_van(self, parameter: str) -> str:
        """What the value of ``parameter`` rests on ("" when the normenset does not say)."""
        return dict(self.bronnen).get(parameter, "")

    def toelichting_van(self, parameter: str) -> str:
        return dict(self.toelichtingen).get(parameter, "")

    @property
    def netto_uren_per_fte(self) -> float:
        """Hours per year an FTE is present: contract hours minus absence."""
        return self.contracturen_per_fte * (1.0 - self.afwezigheid)

    @property
    def casus_uren_per_fte(self) -> float:
        """Hours per year an FTE spends on case work (taken)."""
        return self.netto_uren_per_fte * (1.0 - self.indirect)

    @property
    def kosten_per_fte(self) -> float:
        """Euros per year of one fte, all-in: salaris × (1 + werkgeverslasten) × (1 + opslag).

        The one formula of the price of an fte; :mod:`formatie.kosten` multiplies fte by it
        and the workbook's Organisatie sheet writes it as a formula in this operation order."""
        return self.salaris_per_fte * (1.0 + self.werkgeverslasten) * (1.0 + self.opslag)


@dataclass(frozen=True)
class Invoer:
    """One input figure a gemeente supplies (a volume per year or a population count)."""

    sleutel: str
    naam: str
    eenheid: str
    groep: str
    min: float
    max: float
    toelichting: str = ""
    spreiding: str = "poisson"
    schatting_basis: str | None = None
    schatting_per_1000: float | None = None

    @property
    def parameter(self) -> Parameter:
        """This invoer as a parameter of the one table: its bounds (from the normenset), unit
        and label, so every reader refuses a value with the same Dutch sentence
        (:func:`formatie.parameters.melding_voor`)."""
        return Parameter(self.sleutel, self.naam, self.eenheid, float(self.min),
                         float(self.max))


@dataclass(frozen=True)
class Taak:
    """A piece of work: its volume comes from one invoer, it costs ``uren`` hours per unit."""

    sleutel: str
    functie: str
    naam: str
    invoer: str
    uren: float  # hours per unit of volume (central estimate)
    uren_laag: float  # lower bound of the 80 % interval
    uren_hoog: float  # upper bound of the 80 % interval
    bron: str = "aanname"
    toelichting: str = ""


@dataclass(frozen=True)
class Controle:
    """A cross-field check: invoer ``links`` may not exceed invoer ``rechts``."""

    links: str
    rechts: str
    melding: str


@dataclass(frozen=True)
class Normenset:
    """A complete, validated normenset."""

    naam: str
    versie: str
    functies: tuple[Functie, ...]
    invoer: tuple[Invoer, ...]
    taken: tuple[Taak, ...]
    controles: tuple[Controle, ...] = ()
    toelichting: str = ""
    per_duizend: str | None = None
    #: School years the set is meant for, e.g. "2026/2027" (None: not stated).
    geldig_vanaf: str | None = None
    geldig_tot: str | None = None
    #: "naam (versie)" of the set this one was derived from (Excel import, calibration).
    afgeleid_van: str | None = None
    bron_tekst: str | None = field(default=None, compare=False, repr=False)

    # ----- lookups -------------------------------------------------------------------------
    @cached_property
    def invoer_sleutels(self) -> tuple[str, ...]:
        return tuple(i.sleutel for i in self.invoer)

    @cached_property
    def functie_sleutels(self) -> tuple[str, ...]:
        return tuple(f.sleutel for f in self.functies)

    @cached_property
    def taak_sleutels(self) -> tuple[str, ...]:
        return tuple(t.sleutel for t in self.taken)

    def functie(self, sleutel: str) -> Functie:
        return self.functies[self.functie_sleutels.index(sleutel)]

    def invoer_by_sleutel(self, sleutel: str) -> Invoer:
        return self.invoer[self.invoer_sleutels.index(sleutel)]

    def taak(self, sleutel: str) -> Taak:
        return self.taken[self.taak_sleutels.index(sleutel)]

    def taken_van(self, functie: str) -> tuple[Taak, ...]:
        return tuple(t for t in self.taken if t.functie == functie)

    @property
    def label(self) -> str:
        return f"{self.naam} ({self.versie})"

    def geschonden_controles(self, waarden: dict[str, float | None]) -> list[Controle]:
        """The cross-field checks ``links ≤ rechts`` that ``waarden`` violate (missing values
        are not checked)."""
        return [c for c in self.controles
                if waarden.get(c.links) is not None and waarden.get(c.rechts) is not None
                and waarden[c.links] > waarden[c.rechts]]

    # ----- array views used by the model ---------------------------------------------------
    @cached_property
    def taak_invoer_index(self) -> np.ndarray:
        """(K,) index into the invoer axis for every taak."""
        return np.array([self.invoer_sleutels.index(t.invoer) for t in self.taken], dtype=np.intp)

    @cached_property
    def taak_functie_index(self) -> np.ndarray:
        """(K,) index into the functie axis for every taak."""
        return np.array(
            [self.functie_sleutels.index(t.functie) for t in self.taken], dtype=np.intp
        )

    @cached_property
    def taak_uren(self) -> np.ndarray:
        """(K,) central norm hours per unit of volume."""
        return np.array([t.uren for t in self.taken], dtype=float)

    @cached_property
    def taak_uren_laag(self) -> np.ndarray:
        return np.array([t.uren_laag for t in self.taken], dtype=float)

    @cached_property
    def taak_uren_hoog(self) -> np.ndarray:
        return np.array([t.uren_hoog for t in self.taken], dtype=float)

    def functie_parameter(self, naam: str) -> np.ndarray:
        """(F,) one organisation parameter (see ORGANISATIE_PARAMETERS) for every functie."""
        return np.array([getattr(f, naam) for f in self.functies], dtype=float)

    # ----- derived normensets (scenarios, calibration) ---------------------------------------
    def met_uren(self, uren: dict[str, float], bron: str | None = None) -> Normenset:
        """A copy with new central hours for some taken; the 80 % interval moves with them.

        The interval keeps its relative width (laag and hoog scale with uren/oud), so a
        scenario that lowers a norm lowers its P10–P90 too; from 0 hours the interval keeps
        its absolute width around the new value (clipped at 0). The ends stay within the
        range of :data:`formatie.parameters.UREN` (from 5e-324 hours, scaling would overflow).
        """
        taken = []
        for t in self.taken:
            if t.sleutel in uren:
                u = float(uren[t.sleutel])
                if t.uren > 0:
                    laag, hoog = t.uren_laag * u / t.uren, t.uren_hoog * u / t.uren
                else:
                    laag, hoog = max(u - (t.uren - t.uren_laag), 0.0), u + (t.uren_hoog - t.uren)
                t = replace(t, uren=u, uren_laag=min(laag, u),
                            uren_hoog=max(min(hoog, UREN.max), u),
                            bron=bron or t.bron)
            taken.append(t)
        return replace(self, taken=tuple(taken), bron_tekst=None)

    def met_functie_parameters(self, parameters: dict[str, dict[str, float]]) -> Normenset:
        """A copy with organisation parameters overridden: ``{functie: {parameter: value}}``."""
        functies = tuple(
            replace(f, **{k: float(v) for k, v in parameters.get(f.sleutel, {}).items()})
            for f in self.functies
        )
        return replace(self, functies=functies, bron_tekst=None)


# ----- writing a normenset as TOML (the inverse of formatie.normenset_toml.parse_normenset) -----


def _toml_tekst(waarde: str) -> str:
    """A TOML basic string: JSON escapes quotes, backslashes and U+0000–U+001F; TOML also
    forbids a raw DEL (U+007F), which JSON leaves as it is."""
    return json.dumps(waarde, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_getal(waarde: float) -> str:
    waarde = float(waarde)
    if not math.isfinite(waarde):
        raise ValueError("a normenset holds finite numbers only")
    return repr(waarde)


def normenset_als_toml(n: Normenset) -> str:
    """A normenset as TOML text that :func:`formatie.normenset_toml.parse_normenset` reads back
    equal, provenance included: ``geldig_vanaf``/``geldig_tot``/``afgeleid_van`` at the top,
    ``[functie.<sleutel>.bron]``/``[functie.<sleutel>.toelichting]`` per organisation parameter
    (pairs in ORGANISATIE_PARAMETERS order, as the reader returns them), ``bron``/``toelichting``
    per taak."""
    regels = [f"naam = {_toml_tekst(n.naam)}", f"versie = {_toml_tekst(n.versie)}"]
    if n.toelichting:
        regels.append(f"toelichting = {_toml_tekst(n.toelichting)}")
    if n.per_duizend:
        regels.append(f"per_duizend = {_toml_tekst(n.per_duizend)}")
    for sleutel in ("geldig_vanaf", "geldig_tot", "afgeleid_van"):
        if (waarde := getattr(n, sleutel)) is not None:
            regels.append(f"{sleutel} = {_toml_tekst(waarde)}")
    for fn in n.functies:
        regels += ["", f"[functie.{fn.sleutel}]", f"naam = {_toml_tekst(fn.naam)}"]
        regels += [f"{p} = {_toml_getal(getattr(fn, p))}" for p in ORGANISATIE_PARAMETERS]
        for soort, paren in (("bron", fn.bronnen), ("toelichting", fn.toelichtingen)):
            if paren:
                regels += ["", f"[functie.{fn.sleutel}.{soort}]"]
                regels += [f"{p} = {_toml_tekst(tekst)}" for p, tekst in paren]
    for i in n.invoer:
        regels += ["", "[[invoer]]", f"sleutel = {_toml_tekst(i.sleutel)}",
                   f"naam = {_toml_tekst(i.naam)}", f"eenheid = {_toml_tekst(i.eenheid)}",
                   f"groep = {_toml_tekst(i.groep)}", f"min = {_toml_getal(i.min)}",
                   f"max = {_toml_getal(i.max)}", f"spreiding = {_toml_tekst(i.spreiding)}"]
        if i.toelichting:
            regels.append(f"toelichting = {_toml_tekst(i.toelichting)}")
        if i.schatting_basis is not None and i.schatting_per_1000 is not None:
            regels += [f"schatting_basis = {_toml_tekst(i.schatting_basis)}",
                       f"schatting_per_1000 = {_toml_getal(i.schatting_per_1000)}"]
    for t in n.taken:
        regels += ["", "[[taak]]", f"sleutel = {_toml_tekst(t.sleutel)}",
                   f"functie = {_toml_tekst(t.functie)}", f"naam = {_toml_tekst(t.naam)}",
                   f"invoer = {_toml_tekst(t.invoer)}", f"uren = {_toml_getal(t.uren)}",
                   f"uren_laag = {_toml_getal(t.uren_laag)}",
                   f"uren_hoog = {_toml_getal(t.uren_hoog)}", f"bron = {_toml_tekst(t.bron)}"]
        if t.toelichting:
            regels.append(f"toelichting = {_toml_tekst(t.toelichting)}")
    for c in n.controles:
        regels += ["", "[[controle]]", f"links = {_toml_tekst(c.links)}",
                   f"rechts = {_toml_tekst(c.rechts)}", f"melding = {_toml_tekst(c.melding)}"]
    return "\n".join(regels) + "\n"
