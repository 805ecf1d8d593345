"""Figures of earlier years: the grid (``/gemeente/<code>/<jaar>/historie-invoer``) of one
gemeente's figures for the years before ``jaar``, and the series the forecast fits
(:func:`waarden_per_jaar`).

Every year is the :class:`~app.models.InvoerRij` row of that year, so a year's own form and its
place in the grid are one record. A column is checked exactly as the invoer form checks it:
each year is an :func:`app.invoerform.invoer_form` of the active normenset (field names
``h-<jaar>-<sleutel>``, the form's prefix), so the normenset's min–max and its
``[[controle]]``s apply, with the form's Dutch messages at the cell. Saving goes through
:func:`app.services.opslaan.sla_op` (audit action :data:`~app.models.ACTIE_EERDERE_JAREN`), all
years in one transaction, and touches only the figures: a year keeps its status and bezetting, and a
year nobody started stays "niet begonnen" (the overview shows it so). Submitted years are read-only
here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from formatie.getallen import format_invoer
from formatie.normenset import Normenset

from ..extensions import db
from ..invoerform import InvoerFormBase, invoer_form
from ..models import (
    ACTIE_EERDERE_JAREN,
    INGEDIEND,
    MAX_INT,
    GemeenteRij,
    InvoerRij,
    NormensetRij,
    User,
)
from .opslaan import Conflict, sla_op

#: Largest version number a form may carry (an INTEGER column).
MAX_VERSIE = MAX_INT


def veldnaam(jaar: int, sleutel: str) -> str:
    """The name of a grid cell: the year's form prefix and the invoer sleutel."""
    return f"{voorvoegsel(jaar)}-{sleutel}"


def voorvoegsel(jaar: int) -> str:
    return f"h-{jaar}"


@dataclass(frozen=True)
class Cel:
    """One cell of the grid as the page shows it."""

    naam: str  # input name and id, see veldnaam
    tekst: str  # the value as typed or stored ("—" for an empty read-only cell)
    fout: str | None = None
    alleen_lezen: bool = False


@dataclass
class Raster:
    """The grid of one gemeente over ``jaren``: the stored row per year (absent: no figures)
    and a form per year that may be edited (a submitted year has none)."""

    gemeente: GemeenteRij
    normenset_rij: NormensetRij  # the active normenset: the grid's rows and checks
    normenset: Normenset
    jaren: list[int]
    rijen: dict[int, InvoerRij]
    formulieren: dict[int, InvoerFormBase]

    @property
    def versies(self) -> dict[int, int]:
        """Version per year as loaded (0: no row), for the optimistic lock."""
        return {j: self.rijen[j].version if j in self.rijen else 0 for j in self.jaren}

    def versies_tekst(self) -> str:
        return ",".join(f"{j}:{v}" for j, v in self.versies.items())

    def cellen(self) -> dict[tuple[int, str], Cel]:
        """(jaar, sleutel) → cell: typed text and message of editable years, the stored value
        of submitted ones."""
        uit = {}
        for j in self.jaren:
            form = self.formulieren.get(j)
            for inv in self.normenset.invoer:
                if form is None:
                    w = (self.rijen[j].waarden or {}).get(inv.sleutel)
                    uit[j, inv.sleutel] = Cel(veldnaam(j, inv.sleutel),
                                              "—" if w is None else format_invoer(w),
                                              alleen_lezen=True)
                else:
                    veld = form[inv.sleutel]
                    uit[j, inv.sleutel] = Cel(veld.name, veld.data or "",
                                              veld.errors[0] if veld.errors else None)
        return uit

    def valideer(self) -> bool:
        """The form's checks on every editable year (min–max, then the controles)."""
        ok = True
        for form in self.formulieren.values():
            ok = form.validate_invoer(indienen=False) and ok
        return ok

    def fouten(self) -> list[tuple[str, str, str]]:
        """(cell id, "<invoer>, <jaar>", message) for the error summary, year by year."""
        return [(form[inv.sleutel].id, f"{inv.naam}, {j}", fout)
                for j, form in self.formulieren.items() for inv in self.normenset.invoer
                for fout in form[inv.sleutel].errors]

    def sla_op(self, geladen: dict[int, int], user: User) -> int:
        """Save every editable year in one transaction; the number of changed fields.

        Raise :class:`~app.services.opslaan.Conflict` (nothing saved) when any year, submitted ones
        included, is no longer at the version in ``geladen``. Call after :meth:`valideer`.
        """
        aantal = 0
        for j in self.jaren:
            rij = self.rijen.get(j)
            form = self.formulieren.get(j)
            if form is None:  # submitted: read-only, but it must not have moved either
                if rij.version != geladen.get(j, 0):
                    db.session.rollback()
                    raise Conflict
                continue
            normenset = rij.normenset if rij is not None and rij.normenset else \
                self.normenset_rij
            _, wijzigingen = sla_op(self.gemeente, j, geladen.get(j, 0), form.invoer_waarden(),
                                    {}, None, normenset, user, actie=ACTIE_EERDERE_JAREN,
                                    commit=False)
            aantal += len(wijzigingen)
        db.session.commit()
        return aantal


def raster(gemeente: GemeenteRij, jaren: list[int], normenset_rij: NormensetRij,
           normenset: Normenset) -> Raster:
    """The grid over ``jaren``, its forms bound to the request (filled from the stored rows
    on GET, from the posted cells on POST)."""
    rijen = rijen_per_jaar(gemeente, jaren)
    formulieren = {}
    for j in jaren:
        rij = rijen.get(j)
        if rij is not None and rij.status == INGEDIEND:
            continue
        form = invoer_form(normenset, prefix=voorvoegsel(j), meta={"csrf": False})
        if not form.is_submitted():
            form.vul(rij.waarden if rij else {}, {})
        formulieren[j] = form
    return Raster(gemeente, normenset_rij, normenset, jaren, rijen, formulieren)


def rijen_per_jaar(gemeente: GemeenteRij, jaren: list[int]) -> dict[int, InvoerRij]:
    """The stored rows of ``gemeente`` in ``jaren`` (a year without figures is absent)."""
    return {i.jaar: i for i in db.session.scalars(
        select(InvoerRij).where(InvoerRij.gemeente_code == gemeente.code,
                                InvoerRij.jaar.in_(jaren)))}


def waarden_per_jaar(gemeente: GemeenteRij, jaren: list[int], normenset: Normenset) -> np.ndarray:
    """(I, T) the stored figures per invoer of ``normenset`` and year of ``jaren``, NaN where
    a year has no value: the series the forecast fits (:func:`formatie.prognose.prognose_reeksen`).
    """
    rijen = rijen_per_jaar(gemeente, jaren)
    waarden = np.full((len(normenset.invoer), len(jaren)), np.nan)
    for t, j in enumerate(jaren):
        opgeslagen = (rijen[j].waarden or {}) if j in rijen else {}
        for i, s in enumerate(normenset.invoer_sleutels):
            if opgeslagen.get(s) is not None:
                waarden[i, t] = float(opgeslagen[s])
    return waarden


def lees_versies(tekst: str | None) -> dict[int, int]:
    """The hidden "jaar:versie,…" field; ValueError when it is not that."""
    uit = {}
    for deel in (tekst or "").split(","):
        if not deel:
            continue
        jaar, versie = (int(x) for x in deel.split(":"))
        if not 0 <= versie <= MAX_VERSIE:
            raise ValueError(deel)
        uit[jaar] = versie
    return uit
