"""Scenarios: a base plus changes, stored as plain JSON so any result can be reproduced.

A :class:`Scenario` names its base (gemeenten or a region, a year, the normenset by name and
version) and its changes:

* ``groei``: growth per invoer in percent (``{"nieuwe_vsv": 10.0}`` = +10 %);
* ``presets``: named policy changes with parameters (:data:`PRESETS`), e.g. the
  "Doorstroompunt tot 27 jaar" preset;
* ``uren``: overridden norm hours per taak (hours per unit);
* ``organisatie``: overridden organisation parameters per functie
  (``{"leerplicht": {"indirect": 0.25}}``, see ``normenset.ORGANISATIE_PARAMETERS``).

:func:`pas_toe` applies them in that order (growth on the entered volumes, then the presets'
extra volume, then norms and organisation) and returns a new normenset and volume; the model
itself is not touched. :func:`vergelijk` runs several scenarios side by side in one call of
:func:`formatie.model.fte_arrays`. ``Scenario.to_dict()`` / ``Scenario.from_dict()`` round-trip
through JSON (``schema`` 1); the web app stores that dict.

Preset "Doorstroompunt tot 27 jaar" (``doorstroompunt_27``): on 1 January 2026 the age limit of
the Doorstroompunt (ex-RMC) went from 23 to 27 (Wet van school naar duurzaam werk). The cohort
23–26 without startkwalificatie enters the caseload. For a gemeente whose figures still count
young people up to 23 the preset adds, with C = the cohort 23–26 years:

* ``jongeren_zonder_startkwalificatie_23_26`` (normenset 2026.3 and later, which counts the 23–26
  group as its own invoer) or else ``jongeren_zonder_startkwalificatie`` += C ×
  aandeel_zonder_startkwalificatie (monitoring);
* ``trajectbegeleiding`` += that × aandeel_actief × aandeel_traject;
* ``casemanagement`` += that × aandeel_actief × (1 − aandeel_traject).

C defaults to the CBS estimate per gemeente by a uniform split of the age bands (as in
:mod:`formatie.schatting`): 23–24 ≈ 2/10 × (15–24) and 25–26 ≈ 2/20 × (25–44), so
C ≈ 0,2 × (15–24) + 0,1 × (25–44). The default shares are **assumptions** (no national source
was found): 10 % of 23–26-year-olds has no startkwalificatie and is not in education; 25 % of
those needs active follow-up; of those 40 % a traject (the rest casemanagement). Users set all
of them. Do not apply the preset to figures that already count up to 27 (the default
normenset's estimates already do).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .kosten import kosten
from .model import casus_uren_per_fte, fte_arrays
from .normenset import ORGANISATIE_PARAMETERS, Normenset
from .parameters import FTE, INVOER, melding

SCHEMA = 1


class ScenarioFout(ValueError):
    """A scenario that does not fit the normenset or has bad values; ``problemen`` are Dutch."""

    def __init__(self, problemen: list[str]):
        self.problemen = problemen
        super().__init__("; ".join(problemen))


# =============================================================================================
# Presets
# =============================================================================================


@dataclass(frozen=True)
class Preset:
    """A named policy change. ``parameters``: defaults; ``toepassen(volume, parameters,
    gemeentecodes, referentie)`` returns the extra volume (G, I) for a normenset's invoer."""

    sleutel: str
    naam: str
    toelichting: str
    parameters: Mapping[str, Any]
    parameter_uitleg: Mapping[str, str]
    invoer: tuple[str, ...]  # invoer the preset changes (must exist in the normenset)
    toepassen: Callable[..., np.ndarray] = field(repr=False, compare=False)
    #: Invoer of which the normenset must have at least one (the first present is changed).
    een_van: tuple[str, ...] = ()

    def doel(self, normenset) -> str | None:
        """The first of ``een_van`` the normenset has (None when it has none)."""
        return next((i for i in self.een_van if i in normenset.invoer_sleutels), None)


def cohort_23_26(referentie, gemeentecodes: tuple[str, ...]) -> np.ndarray:
    """(G,) estimated inhabitants aged 23–26: 2/10 × (15–24) + 2/20 × (25–44) (CBS, uniform)."""
    index = referentie.index
    rijen = np.array([index[c] for c in gemeentecodes], dtype=np.intp)
    return referentie.leeftijd_15_24[rijen] * 2 / 10 + referentie.leeftijd_25_44[rijen] * 2 / 20


def _doorstroompunt_27(normenset: Normenset, volume: np.ndarray, p: Mapping[str, Any],
                       gemeentecodes: tuple[str, ...], referentie) -> np.ndarray:
    n_g = volume.shape[0]
    cohort = p.get("cohort")
    if cohort is None:
        if referentie is None or len(gemeentecodes) != n_g:
            raise ScenarioFout(["Doorstroompunt tot 27 jaar: geef de omvang van het cohort "
                                "23–26 jaar, of de gemeentecodes voor een schatting uit CBS."])
        c = cohort_23_26(referentie, gemeentecodes)
    elif isinstance(cohort, Mapping):
        ontbreekt = [g for g in gemeentecodes if g not in cohort]
        if ontbreekt or len(gemeentecodes) != n_g:
            raise ScenarioFout([f"Doorstroompunt tot 27 jaar: geen cohortomvang voor gemeente "
                                f"{', '.join(ontbreekt) or '(geen gemeentecodes)'}."])
        c = np.array([float(cohort[g]) for g in gemeentecodes])
    else:
        if n_g != 1:
            raise ScenarioFout(["Doorstroompunt tot 27 jaar: één cohortomvang geldt voor één "
                                "gemeente; geef per gemeente een aantal."])
        c = np.array([float(cohort)])
    zonder = c * float(p["aandeel_zonder_startkwalificatie"])
    actief = zonder * float(p["aandeel_actief"])
    extra = np.zeros_like(volume)
    sleutels = normenset.invoer_sleutels
    extra[:, sleutels.index(PRESETS["doorstroompunt_27"].doel(normenset))] = zonder
    extra[:, sleutels.index("trajectbegeleiding")] = actief * float(p["aandeel_traject"])
    extra[:, sleutels.index("casemanagement")] = actief * (1 - float(p["aandeel_traject"]))
    return extra


PRESETS: dict[str, Preset] = {
    "doorstroompunt_27": Preset(
        sleutel="doorstroompunt_27",
        naam="Doorstroompunt tot 27 jaar",
        toelichting=(
            "Sinds 1 januari 2026 volgt het Doorstroompunt jongeren tot 27 jaar (was 23). Het "
            "cohort 23–26 jaar zonder startkwalificatie komt erbij: een deel wordt gemonitord, "
            "een deel krijgt trajectbegeleiding of casemanagement. Gebruik dit alleen als uw "
            "cijfers nog tot 23 jaar tellen (bij normenset 2026.3 en later: als u de groep "
            "23–26 jaar niet hebt ingevuld)."),
        parameters={"cohort": None, "aandeel_zonder_startkwalificatie": 0.10,
                    "aandeel_actief": 0.25, "aandeel_traject": 0.40},
        parameter_uitleg={
            "cohort": "inwoners van 23 tot en met 26 jaar (leeg: schatting uit CBS, "
                      "0,2 × 15–24 jaar + 0,1 × 25–44 jaar)",
            "aandeel_zonder_startkwalificatie": "deel van het cohort zonder startkwalificatie "
                                                "dat geen onderwijs volgt (aanname 10 %)",
            "aandeel_actief": "deel daarvan dat actief gevolgd moet worden (aanname 25 %)",
            "aandeel_traject": "deel van de actief gevolgden met een traject; de rest krijgt "
                               "casemanagement (aanname 40 %)",
        },
        invoer=("trajectbegeleiding", "casemanagement"),
        toepassen=_doorstroompunt_27,
        een_van=("jongeren_zonder_startkwalificatie_23_26", "jongeren_zonder_startkwalificatie"),
    ),
}


# =============================================================================================
# Scenario
# =============================================================================================


@dataclass(frozen=True)
class PresetKeuze:
    """A preset in a scenario: its sleutel and the parameters that differ from the defaults."""

    sleutel: str
    parameters: Mapping[str, Any] = field(default_factory=dict)

    def volledig(self) -> dict[str, Any]:
        """Defaults overlaid with the chosen parameters."""
        return {**PRESETS[self.sleutel].parameters, **self.parameters}


@dataclass(frozen=True)
class Scenario:
    """A base and changes (see the module text). Dicts are not copied: treat them as read-only.

    Base: gemeentecodes or regio ("MCxx"), jaar, normenset_naam / normenset_versie. Changes:
    groei {invoer: %}, uren {taak: hours per unit}, organisatie {functie: {parameter: value}},
    presets (PresetKeuze, ...).
    """

    naam: str
    gemeentecodes: tuple[str, ...] = ()
    regio: str | None = None
    jaar: int | None = None
    normenset_naam: str | None = None
    normenset_versie: str | None = None
    groei: Mapping[str, float] = field(default_factory=dict)
    uren: Mapping[str, float] = field(default_factory=dict)
    organisatie: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    presets: tuple[PresetKeuze, ...] = ()
    toelichting: str = ""

    def kopie(self, naam: str) -> Scenario:
        """The same scenario under a new name (for "copy and change")."""
        return replace(self, naam=naam)

    def to_dict(self) -> dict:
        """JSON-able dict with every parameter (``schema`` 1)."""
        return {
            "schema": SCHEMA,
            "naam": self.naam,
            "basis": {"gemeentecodes": list(self.gemeentecodes), "regio": self.regio,
                      "jaar": self.jaar, "normenset": {"naam": self.normenset_naam,
                                                       "versie": self.normenset_versie}},
            "groei": {k: float(v) for k, v in self.groei.items()},
            "uren": {k: float(v) for k, v in self.uren.items()},
            "organisatie": {f: {p: float(v) for p, v in d.items()}
                            for f, d in self.organisatie.items()},
            "presets": [{"sleutel": p.sleutel, "parameters": dict(p.parameters)}
                        for p in self.presets],
            "toelichting": self.toelichting,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Scenario:
        """Inverse of :meth:`to_dict`; raises :class:`ScenarioFout` on a malformed dict."""
        problemen = []
        if not isinstance(d, Mapping):
            raise ScenarioFout(["een scenario moet een object (dict) zijn."])
        if d.get("schema", SCHEMA) != SCHEMA:
            problemen.append(f"onbekende schemaversie {d.get('schema')!r} (verwacht {SCHEMA}).")
        naam = d.get("naam")
        if not isinstance(naam, str) or not naam.strip():
            problemen.append("het scenario heeft geen naam.")
        basis = d.get("basis", {}) or {}
        normenset = basis.get("normenset", {}) or {}
        presets = []
        for p in d.get("presets", []) or []:
            if not isinstance(p, Mapping) or p.get("sleutel") not in PRESETS:
                problemen.append(f"onbekende preset {p!r} (bekend: {', '.join(PRESETS)}).")
                continue
            presets.append(PresetKeuze(p["sleutel"], dict(p.get("parameters", {}) or {})))
        groei = _getallen(d.get("groei", {}), "groei", problemen)
        uren = _getallen(d.get("uren", {}), "uren", problemen)
        organisatie = {}
        for f, params in (d.get("organisatie", {}) or {}).items():
            organisatie[f] = _getallen(params, f"organisatie '{f}'", problemen)
        jaar = basis.get("jaar")
        if jaar is not None and (isinstance(jaar, bool) or not isinstance(jaar, int)):
            problemen.append("basis.jaar moet een geheel getal zijn.")
        if problemen:
            raise ScenarioFout(problemen)
        return cls(
            naam=naam.strip(),
            gemeentecodes=tuple(basis.get("gemeentecodes", ()) or ()),
            regio=basis.get("regio"),
            jaar=jaar,
            normenset_naam=normenset.get("naam"),
            normenset_versie=normenset.get("versie"),
            groei=groei, uren=uren, organisatie=organisatie, presets=tuple(presets),
            toelichting=str(d.get("toelichting", "") or ""),
        )


def basis_gemeenten(scenario: Scenario, referentie) -> tuple[str, ...]:
    """The gemeentecodes of a scenario's base: its ``gemeentecodes``, else its ``regio``'s
    members (:func:`formatie.referentie.load_referentie`). Raises :class:`ScenarioFout`."""
    if scenario.gemeentecodes:
        onbekend = [c for c in scenario.gemeentecodes if c not in referentie.index]
        if onbekend:
            raise ScenarioFout([f"onbekende gemeentecode {', '.join(onbekend)}."])
        return tuple(scenario.gemeentecodes)
    if scenario.regio:
        if scenario.regio not in referentie.regionamen:
            raise ScenarioFout([f"onbekende regio '{scenario.regio}' (verwacht MC01 … MC41)."])
        return tuple(referentie.leden(scenario.regio))
    raise ScenarioFout(["het scenario heeft geen basis: geef gemeenten of een regio."])


def _getallen(d, wat: str, problemen: list[str]) -> dict[str, float]:
    if not isinstance(d, Mapping):
        problemen.append(f"{wat} moet een object zijn.")
        return {}
    uit = {}
    for k, v in d.items():
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            problemen.append(f"{wat}: '{k}' moet een eindig getal zijn.")
        else:
            uit[str(k)] = float(v)
    return uit


def _getal(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def controleer(scenario: Scenario, normenset: Normenset) -> list[str]:
    """Dutch problems that stop ``scenario`` from being applied to ``normenset`` ([] = fine)."""
    problemen = []
    for k, v in scenario.groei.items():
        if k not in normenset.invoer_sleutels:
            problemen.append(f"groei: onbekende invoer '{k}'.")
        elif bericht := melding("groei", v, f"groei '{k}'"):
            problemen.append(bericht)
    for k, v in scenario.uren.items():
        if k not in normenset.taak_sleutels:
            problemen.append(f"uren: onbekende taak '{k}'.")
        elif bericht := melding("uren", v, f"uren '{k}'"):
            problemen.append(bericht)
    for f, params in scenario.organisatie.items():
        if f not in normenset.functie_sleutels:
            problemen.append(f"organisatie: onbekende functie '{f}'.")
            continue
        for p, v in params.items():
            if p not in ORGANISATIE_PARAMETERS:
                problemen.append(f"organisatie '{f}': onbekende parameter '{p}' (bekend: "
                                 f"{', '.join(ORGANISATIE_PARAMETERS)}).")
            elif bericht := melding(p, v, f"organisatie '{f}': {p}"):
                problemen.append(bericht)
    for keuze in scenario.presets:
        preset = PRESETS[keuze.sleutel]
        ontbreekt = [i for i in preset.invoer if i not in normenset.invoer_sleutels]
        if preset.een_van and preset.doel(normenset) is None:
            ontbreekt.append(" of ".join(preset.een_van))
        if ontbreekt:
            problemen.append(f"preset '{preset.naam}' past niet bij normenset {normenset.label}: "
                             f"invoer {', '.join(ontbreekt)} ontbreekt.")
        onbekend = [p for p in keuze.parameters if p not in preset.parameters]
        if onbekend:
            problemen.append(f"preset '{preset.naam}': onbekende parameter "
                             f"{', '.join(onbekend)}.")
        for p, v in keuze.volledig().items():
            if p.startswith("aandeel_") and not (_getal(v) and 0 <= v <= 1):
                problemen.append(f"preset '{preset.naam}': {p} moet een aandeel tussen 0 en 1 "
                                 "zijn.")
            if p == "cohort" and v is not None and not (
                    (_getal(v) and INVOER.toegestaan(v)) or (isinstance(v, Mapping) and all(
                        _getal(x) and INVOER.toegestaan(x) for x in v.values()))):
                problemen.append(f"preset '{preset.naam}': cohort moet leeg zijn (schatting), "
                                 f"een aantal {INVOER.bereik_tekst()}, of zo'n aantal per "
                                 "gemeentecode.")
    return problemen


def pas_toe(
    scenario: Scenario,
    normenset: Normenset,
    volume: np.ndarray,
    gemeentecodes: tuple[str, ...] = (),
    referentie=None,
) -> tuple[Normenset, np.ndarray]:
    """Apply ``scenario`` to a base: returns (normenset', volume' (G, I)).

    ``gemeentecodes`` (G,) and ``referentie`` (:func:`formatie.referentie.load_referentie`) are
    needed by presets that estimate from CBS data. Raises :class:`ScenarioFout` (Dutch).
    """
    problemen = controleer(scenario, normenset)
    if problemen:
        raise ScenarioFout(problemen)
    volume = np.atleast_2d(np.asarray(volume, dtype=float))
    factor = np.ones(len(normenset.invoer))
    for k, v in scenario.groei.items():
        factor[normenset.invoer_sleutels.index(k)] = 1 + v / 100
    nieuw_volume = volume * factor
    for keuze in scenario.presets:
        preset = PRESETS[keuze.sleutel]
        nieuw_volume = nieuw_volume + preset.toepassen(normenset, volume, keuze.volledig(),
                                                       tuple(gemeentecodes), referentie)
    nieuw = normenset
    if scenario.uren:
        nieuw = nieuw.met_uren(dict(scenario.uren), bron=f"scenario '{scenario.naam}'")
    if scenario.organisatie:
        nieuw = nieuw.met_functie_parameters({f: dict(p) for f, p in
                                              scenario.organisatie.items()})
    return nieuw, nieuw_volume


# =============================================================================================
# Comparison
# =============================================================================================


@dataclass(frozen=True)
class Vergelijking:
    """Scenarios side by side for the same gemeenten. FTE everywhere.

    namen (S,); fte (S, G, F); fte_totaal (S, G); som (S, F) and som_totaal (S,) over the
    gemeenten; verschil (S,): som_totaal minus that of the first scenario (the base).
    bereik (S, 4) P10/P50/P80/P90 of som_totaal when asked for (``trekkingen`` > 0), else None.
    """

    namen: tuple[str, ...]
    normenset: Normenset
    gemeentecodes: tuple[str, ...]
    fte: np.ndarray
    fte_totaal: np.ndarray
    som: np.ndarray
    som_totaal: np.ndarray
    verschil: np.ndarray
    bereik: np.ndarray | None = None
    #: (S, F) euros per year over the gemeenten: fte × kosten per fte of each scenario's own
    #: normenset (a scenario may change the salary), :func:`formatie.kosten.kosten`.
    kosten: np.ndarray | None = None

    def tabel(self) -> list[dict]:
        """One row per scenario: naam, fte per functie, fte_totaal, verschil (and bereik)."""
        rijen = []
        for s, naam in enumerate(self.namen):
            rij = {"naam": naam,
                   **{f"fte_{f}": float(x) for f, x in zip(self.normenset.functie_sleutels,
                                                           self.som[s], strict=True)},
                   "fte_totaal": float(self.som_totaal[s]), "verschil": float(self.verschil[s])}
            if self.kosten is not None:
                rij["kosten_totaal"] = float(self.kosten[s].sum())
                rij["kosten_verschil"] = float(self.kosten[s].sum() - self.kosten[0].sum())
            if self.bereik is not None:
                rij.update({k: float(v) for k, v in zip(("p10", "p50", "p80", "p90"),
                                                        self.bereik[s], strict=True)})
            rijen.append(rij)
        return rijen

    def als_dict(self) -> dict:
        return {"gemeentecodes": list(self.gemeentecodes),
                "functies": list(self.normenset.functie_sleutels), "scenarios": self.tabel()}


def vergelijk(
    scenarios: list[Scenario] | tuple[Scenario, ...],
    normenset: Normenset,
    volume: np.ndarray,
    gemeentecodes: tuple[str, ...] = (),
    referentie=None,
    *,
    met_bereik: bool = False,
) -> Vergelijking:
    """Run ``scenarios`` on the same base (normenset, volume (G, I)); the first is the reference.

    With ``met_bereik`` every scenario also gets a Monte Carlo range of its total
    (:func:`formatie.onzekerheid.bereik` on its policy path: a taak gets the same norm scores
    and a gemeente the same noise in every scenario — common random numbers — and the base row
    has exactly the P-values of the base's own pages).
    """
    if not scenarios:
        raise ValueError("geen scenario's om te vergelijken")
    toegepast = [pas_toe(s, normenset, volume, gemeentecodes, referentie) for s in scenarios]
    normensets = [n for n, _ in toegepast]
    uit = fte_arrays(
        np.stack([v for _, v in toegepast]),
        np.stack([n.taak_uren for n in normensets]),
        np.stack([casus_uren_per_fte(n) for n in normensets]),
        np.stack([n.functie_parameter("vast_fte") for n in normensets]),
        np.stack([n.functie_parameter("leiding") for n in normensets]),
        normenset.taak_invoer_index,
        normenset.taak_functie_index,
        np.stack([n.functie_parameter("minimum_fte") for n in normensets]),
        gemeentecodes=tuple(gemeentecodes),
        functies=tuple(f.naam for f in normenset.functies),
        maximum=FTE.max,
    )
    som = uit["fte"].sum(axis=1)
    som_totaal = som.sum(axis=-1)
    bereik = None
    if met_bereik:
        from .onzekerheid import bereik as mc_bereik

        bereik = np.stack([mc_bereik(n, v, gemeentecodes=tuple(gemeentecodes)).totaal_totaal
                           for n, v in toegepast])
    return Vergelijking(
        namen=tuple(s.naam for s in scenarios), normenset=normenset,
        gemeentecodes=tuple(gemeentecodes), fte=uit["fte"], fte_totaal=uit["fte_totaal"],
        som=som, som_totaal=som_totaal, verschil=som_totaal - som_totaal[0], bereik=bereik,
        kosten=np.stack([kosten(n, uit["fte"][s]).sum(axis=0)
                         for s, n in enumerate(normensets)]))
