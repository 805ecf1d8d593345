"""Where a figure comes from: the herkomst of every volume (invoer value) and what a norm rests
on (its ``bron`` in a word). One vocabulary and one rule for the form, the save path, the
history, the result and region pages, the JSON answers and the CLI.

Volumes. Every stored invoer value carries one herkomst soort (:data:`SOORTEN`):

* ``schatting``: the CBS/DUO estimate of :mod:`formatie.schatting`, with the estimate's
  version (:func:`schattingsversie`: the normenset it was made with and a fingerprint of the
  shipped CBS/DUO data);
* ``eigen``: typed by someone in the invoer form (or, on the command line, read from an
  invoer CSV);
* ``werkboek``: imported from an uploaded Excel workbook;
* ``eerdere_jaren``: entered on the grid of earlier years;
* ``onbekend``: saved before the tool kept the herkomst. Nothing tells afterwards whether such
  a value was typed or taken from the estimate button (the audit trail did not record it), so
  it is neither claimed as the gemeente's own registration nor as an estimate.

The rule (:func:`na_opslaan`): an estimate stays an estimate until someone enters another
number. A value saved unchanged keeps its herkomst, whatever the save path; a value that
equals the estimate offered in that field (the form's "Gebruik schattingen voor lege velden")
is a ``schatting``; any other new value takes the soort of the save path; an emptied field
has none.

Norms. :func:`bron_soort` puts a norm's ``bron`` in one of three words by the prefix the
normenset documentation prescribes (docs/normenset.md, "Herkomst: hoe een bron te schrijven"):
``aanname: …``, ``afgeleid: …`` (and a calibration's ``gekalibreerd op …``), otherwise the
publication itself (``gepubliceerd``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .gegevenscache import bewaard
from .getallen import format_procent
from .model import Resultaat

SCHATTING = "schatting"
EIGEN = "eigen"
WERKBOEK = "werkboek"
EERDERE_JAREN = "eerdere_jaren"
ONBEKEND = "onbekend"


@dataclass(frozen=True)
class Soort:
    """One herkomst of a volume. ``label``: beside a field, in a table and in the history;
    ``zin``: how the form's CBS box names a stored count; ``eigen``: the gemeente's own
    registration (what a manager may call "our figures")."""

    sleutel: str
    label: str
    zin: str
    eigen: bool


#: Every herkomst soort, in the order pages list them.
SOORTEN: dict[str, Soort] = {s.sleutel: s for s in (
    Soort(SCHATTING, "schatting (CBS/DUO)", "opgeslagen als schatting (CBS/DUO)", False),
    Soort(EIGEN, "eigen telling", "uw eigen telling", True),
    Soort(WERKBOEK, "eigen telling (werkboek)", "uw telling uit een werkboek", True),
    Soort(EERDERE_JAREN, "eigen telling (eerdere jaren)",
          "uw telling, ingevuld bij de eerdere jaren", True),
    Soort(ONBEKEND, "herkomst onbekend", "opgeslagen, herkomst onbekend", False),
)}

#: The soorten a save path gives to a value someone entered (not an estimate, not unknown).
INVOERSOORTEN = (EIGEN, WERKBOEK, EERDERE_JAREN)


@dataclass(frozen=True)
class Herkomst:
    """The herkomst of one stored value: a key of :data:`SOORTEN`, and for a ``schatting``
    the version of the estimate (:func:`schattingsversie`)."""

    soort: str
    versie: str | None = None

    def __post_init__(self):
        if self.soort not in SOORTEN:
            raise ValueError(f"unknown herkomst {self.soort!r}")

    @property
    def label(self) -> str:
        return SOORTEN[self.soort].label

    @property
    def is_schatting(self) -> bool:
        return self.soort == SCHATTING

    def als_dict(self) -> dict[str, str]:
        """As stored (``Invoer.herkomst``) and in the JSON: ``{"soort"[, "versie"]}``."""
        return {"soort": self.soort} | ({"versie": self.versie} if self.versie else {})

    @classmethod
    def van_dict(cls, d: Mapping | None) -> Herkomst:
        """A stored entry back; anything unreadable (or missing) is :data:`ONBEKEND`."""
        if not isinstance(d, Mapping) or d.get("soort") not in SOORTEN:
            return cls(ONBEKEND)
        versie = d.get("versie")
        return cls(d["soort"], versie if isinstance(versie, str) else None)


ONBEKENDE_HERKOMST = Herkomst(ONBEKEND)


def lees(opgeslagen: Mapping | None, sleutels: Sequence[str]) -> dict[str, Herkomst]:
    """The herkomst of the stored values ``sleutels`` (those with a value) from the stored
    JSON; a value without an entry (a row saved before herkomst was kept) is onbekend."""
    opgeslagen = opgeslagen or {}
    return {s: Herkomst.van_dict(opgeslagen.get(s)) for s in sleutels}


def als_json(herkomst: Mapping[str, Herkomst]) -> dict[str, dict[str, str]]:
    """For ``Invoer.herkomst``: only known soorten are stored (onbekend is the absence)."""
    return {s: h.als_dict() for s, h in herkomst.items() if h.soort != ONBEKEND}


@lru_cache(maxsize=1)
def gegevensversie() -> str:
    """A fingerprint (8 hex digits of SHA-256) of the shipped CBS/DUO data and estimate
    parameters (every ``.csv`` and ``.toml`` in ``formatie/data``): any change to what an
    estimate is computed from gives another version. Computed once per version of the
    package (:func:`formatie.gegevenscache.bewaard`)."""
    return bewaard("gegevensversie", _gegevensversie)


def _gegevensversie() -> str:
    import hashlib

    h = hashlib.sha256()
    map_ = Path(__file__).parent / "data"
    for bestand in sorted(map_.iterdir(), key=lambda p: p.name):
        if bestand.name.endswith((".csv", ".toml")):
            h.update(bestand.name.encode() + b"\0" + bestand.read_bytes() + b"\0")
    return h.hexdigest()[:8]


def schattingsversie(normenset_label: str) -> str:
    """The version of an estimate made now with the normenset ``naam (versie)``:
    ``"normenset Standaard 2026 (2026.2), CBS/DUO-gegevens 1a2b3c4d"``."""
    return f"normenset {normenset_label}, CBS/DUO-gegevens {gegevensversie()}"


def na_opslaan(
    oud_waarden: Mapping[str, float], oud_herkomst: Mapping[str, Herkomst],
    nieuwe_waarden: Mapping[str, float], soort: str,
    geschat: Mapping[str, float] | None = None, versie: str | None = None,
) -> dict[str, Herkomst]:
    """The herkomst of every value in ``nieuwe_waarden`` (the stored values after a save).

    ``oud_waarden``/``oud_herkomst``: before the save (a value without herkomst is onbekend).
    ``soort``: what the save path gives an entered value (one of :data:`INVOERSOORTEN`).
    ``geschat``: sleutel → the estimate the save path offered in that field (the form's
    prefill), with ``versie`` (:func:`schattingsversie`). Per value, first rule that applies:
    unchanged → its old herkomst; equal to the estimate offered → ``schatting``; else
    ``soort``. A sleutel not in ``nieuwe_waarden`` (emptied) has none.
    """
    if soort not in INVOERSOORTEN:
        raise ValueError(f"a save path gives {INVOERSOORTEN}, not {soort!r}")
    geschat = geschat or {}
    uit = {}
    for s, waarde in nieuwe_waarden.items():
        if s in oud_waarden and float(oud_waarden[s]) == float(waarde):
            uit[s] = oud_herkomst.get(s, ONBEKENDE_HERKOMST)
        elif s in geschat and float(geschat[s]) == float(waarde):
            uit[s] = Herkomst(SCHATTING, versie)
        else:
            uit[s] = Herkomst(soort)
    return uit


# =============================================================================================
# How much of the hours rest on each herkomst
# =============================================================================================


def soort_matrix(res: Resultaat, herkomst: Sequence[Mapping[str, Herkomst]]) -> np.ndarray:
    """(G, I) herkomst soort per gemeente and invoer (``herkomst`` one mapping per row of
    ``res``, in its gemeente order); a missing entry is onbekend."""
    sleutels = res.normenset.invoer_sleutels
    if len(herkomst) != len(res.gemeentecodes):
        raise ValueError("one herkomst mapping per gemeente of the result")
    per_mapping: dict[int, list[str]] = {}  # a mapping shared by rows (the CLI's) read once
    rijen = []
    for h in herkomst:
        rij = per_mapping.get(id(h))
        if rij is None:
            rij = per_mapping[id(h)] = [h.get(s, ONBEKENDE_HERKOMST).soort for s in sleutels]
        rijen.append(rij)
    return np.array(rijen, dtype=object).reshape(len(herkomst), len(sleutels))


def uren_per_invoer(res: Resultaat) -> np.ndarray:
    """(G, I) hours per year that rest on each invoer: Σ of the taken whose volume it is."""
    toewijzing = np.zeros((len(res.normenset.taken), len(res.normenset.invoer)))
    toewijzing[np.arange(len(res.normenset.taken)), res.normenset.taak_invoer_index] = 1.0
    return res.uren @ toewijzing


def aandeel_uren(res: Resultaat, herkomst: Sequence[Mapping[str, Herkomst]],
                 soort: str = SCHATTING) -> np.ndarray:
    """(G,) share (0–1) of each gemeente's taak hours whose volume has herkomst ``soort``
    ("62 % van de uren rust op CBS-schattingen"); NaN where a gemeente has no hours."""
    per_invoer = uren_per_invoer(res)
    totaal = per_invoer.sum(axis=1)
    deel = np.where(soort_matrix(res, herkomst) == soort, per_invoer, 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(totaal > 0, deel / totaal, np.nan)


def aandelen(res: Resultaat, herkomst: Sequence[Mapping[str, Herkomst]], g: int
             ) -> dict[str, float]:
    """Gemeente row ``g``: share of its hours per herkomst soort, the soorten with hours in
    :data:`SOORTEN` order ({} when it has no hours); the shares add up to 1."""
    return _aandelen(uren_per_invoer(res)[g:g + 1], soort_matrix(res, herkomst)[g:g + 1])[0]


def _aandelen(per_invoer: np.ndarray, soorten: np.ndarray) -> list[dict[str, float]]:
    """:func:`aandelen` of G gemeenten at once from their (G, I) hours per invoer and (G, I)
    soorten."""
    totaal = per_invoer.sum(axis=1)
    deel = np.stack([np.where(soorten == s, per_invoer, 0.0).sum(axis=1) for s in SOORTEN],
                    axis=1).tolist()  # (G, S)
    return [{s: a / t for s, a in zip(SOORTEN, rij, strict=True) if a > 0} if t > 0 else {}
            for rij, t in zip(deel, totaal.tolist(), strict=True)]


@dataclass(frozen=True)
class EerstInvullen:
    """An invoer whose value is an estimate, with the hours that rest on it."""

    sleutel: str
    naam: str
    uren: float
    aandeel: float  # of the gemeente's taak hours


def eerst_invullen(res: Resultaat, herkomst: Sequence[Mapping[str, Herkomst]], g: int,
                   aantal: int = 3, soort: str = SCHATTING) -> list[EerstInvullen]:
    """The ``aantal`` invoer of gemeente row ``g`` with herkomst ``soort`` that carry the most
    hours, most first (invoer carrying no hours left out): the fields to replace first by
    the gemeente's own count."""
    per_invoer = uren_per_invoer(res)[g]
    totaal = float(per_invoer.sum())
    soorten = soort_matrix(res, herkomst)[g]
    kandidaten = [i for i in np.argsort(-per_invoer, kind="stable")
                  if soorten[i] == soort and per_invoer[i] > 0][:aantal]
    invoer = res.normenset.invoer
    return [EerstInvullen(invoer[i].sleutel, invoer[i].naam, float(per_invoer[i]),
                          float(per_invoer[i]) / totaal) for i in kandidaten]


def herkomst_als_dict(res: Resultaat, herkomst: Sequence[Mapping[str, Herkomst]], g: int,
                      *, _aandeel: dict[str, float] | None = None,
                      _velden: tuple[dict[str, str], dict[str, str]] | None = None) -> dict:
    """The JSON fields of gemeente row ``g``: ``"herkomst"`` {invoer: soort},
    ``"schattingsversie"`` {invoer: versie} for its estimates (when any), and
    ``"aandeel_uren"`` {soort: share of the taak hours}. ``_aandeel``: that last one, when
    the caller (:func:`voeg_herkomst_toe`) computed it for all rows at once (G rows then cost
    G, not G²); ``_velden``: the first two (:func:`_herkomst_velden`), when the caller read
    them once for rows sharing one mapping (copied here, never shared between rows)."""
    soorten, versies = (_herkomst_velden(res.normenset.invoer_sleutels, herkomst[g])
                        if _velden is None else _velden)
    uit: dict = {"herkomst": dict(soorten)}
    if versies:
        uit["schattingsversie"] = dict(versies)
    uit["aandeel_uren"] = aandelen(res, herkomst, g) if _aandeel is None else _aandeel
    return uit


def _herkomst_velden(sleutels: Sequence[str], rij: Mapping[str, Herkomst]
                     ) -> tuple[dict[str, str], dict[str, str]]:
    """{invoer: soort} and {invoer: versie of its estimate} of one gemeente's herkomst."""
    soorten = {s: rij.get(s, ONBEKENDE_HERKOMST).soort for s in sleutels}
    versies = {s: rij[s].versie for s in sleutels
               if s in rij and rij[s].is_schatting and rij[s].versie}
    return soorten, versies


def voeg_herkomst_toe(gemeenten: list[dict], resultaten: Sequence[Resultaat],
                      herkomst: Mapping[str, Mapping[str, Herkomst]]) -> None:
    """Add :func:`herkomst_als_dict` to every gemeente entry (by ``"gemeentecode"``) of a
    JSON answer built from ``resultaten``; ``herkomst``: gemeentecode → sleutel → herkomst."""
    for res in resultaten:
        rijen = [herkomst.get(c, {}) for c in res.gemeentecodes]
        alle = _aandelen(uren_per_invoer(res), soort_matrix(res, rijen))
        sleutels = res.normenset.invoer_sleutels
        per_mapping = {}  # a mapping shared by rows (the CLI's) is read once, then copied
        velden = {}
        for g, c in enumerate(res.gemeentecodes):
            if id(rijen[g]) not in per_mapping:
                per_mapping[id(rijen[g])] = _herkomst_velden(sleutels, rijen[g])
            velden[c] = herkomst_als_dict(res, rijen, g, _aandeel=alle[g],
                                          _velden=per_mapping[id(rijen[g])])
        for entry in gemeenten:
            if entry.get("gemeentecode") in velden and "herkomst" not in entry:
                entry.update(velden[entry["gemeentecode"]])


# =============================================================================================
# What a norm rests on
# =============================================================================================

GEPUBLICEERD = "gepubliceerd"
AFGELEID = "afgeleid"
AANNAME = "aanname"
#: The words for what a norm rests on, and what each means (shown with the word).
BRON_SOORTEN = {
    GEPUBLICEERD: "de norm is een gepubliceerd cijfer",
    AFGELEID: "berekend uit gepubliceerde cijfers, of gekalibreerd op waarnemingen",
    AANNAME: "een inschatting, geen gepubliceerd cijfer",
}


def bron_soort(bron: str | None) -> str:
    """A norm's ``bron`` in a word: ``aanname`` (prefix "aanname", or no bron: the
    normenset's default), ``afgeleid`` (prefix "afgeleid" or "gekalibreerd"), otherwise
    ``gepubliceerd`` (the convention writes a published figure's source itself)."""
    tekst = (bron or "").strip().lower()
    if not tekst or tekst.startswith(AANNAME):
        return AANNAME
    if tekst.startswith((AFGELEID, "gekalibreerd")):
        return AFGELEID
    return GEPUBLICEERD



def procent_tekst(aandeel: float) -> str:
    """A share (0–1) of hours as a whole percentage that never reads "0 %" for some or
    "100 %" for not all: "62 %", "minder dan 1 %", "meer dan 99 %"."""
    if 0 < aandeel < 0.005:
        return "minder dan " + format_procent(0.01, 0)
    if 0.995 <= aandeel < 1:
        return "meer dan " + format_procent(0.99, 0)
    return format_procent(aandeel, 0)


def zin_uren_op_schatting(aandeel: float) -> str:
    """The result page's sentence for a share (0–1) of the hours resting on estimates:
    "62 % van de uren rust op CBS-schattingen" (:func:`procent_tekst`)."""
    if not aandeel > 0:
        return "Geen van de uren rust op CBS-schattingen"
    if aandeel >= 1:
        return "Alle uren rusten op CBS-schattingen"
    tekst = procent_tekst(aandeel)
    return f"{tekst[:1].upper()}{tekst[1:]} van de uren rust op CBS-schattingen"
