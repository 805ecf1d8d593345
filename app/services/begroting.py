"""The multi-year begroting of stored figures: what ``/gemeente/<code>/<jaar>/begroting`` and
``/regio/<MCxx>/<jaar>/begroting`` (and their JSON, and the workbook's Begroting sheet) show,
and ``/team/<id>/<jaar>/begroting`` (:func:`team_begrotingspagina`: the team computed as one
organisation in every year, its members' bijdragen).

The figures come from :func:`formatie.meerjaren.meerjarenbegroting` on the members with
complete figures (:func:`app.services.cijfers.cijfers_gemeente` / ``cijfers_regio``, each
in its own normenset) and, per normenset group, the forecast of their stored series over the
:func:`~app.services.cijfers.historie_jaren` and this year
(:func:`formatie.meerjaren.prognose_volumes`: the forecast page's model). This module only
gathers the series and lays the result out for the page (:class:`Begrotingspagina`).
"""

from __future__ import annotations

from dataclasses import astuple, dataclass

import numpy as np

from formatie.meerjaren import (
    MAX_JAREN,
    Meerjarenbegroting,
    Tabel,
    TeamMeerjarenbegroting,
    meerjarenbegroting,
    prognose_volumes,
    team_meerjarenbegroting,
)
from formatie.prognose import PrognoseReeksen
from formatie.referentie import load_referentie

from ..grafieken import GroepGrafiek, jaren_grafiek
from . import rekencache
from .cijfers import Cijfers, historie_jaren
from .eerdere_jaren import waarden_per_jaar
from .teamstand import TeamStand


def _reeksen(cijfers: Cijfers) -> tuple[list[int], list[np.ndarray]]:
    """(the :func:`~app.services.cijfers.historie_jaren` and this year, per normenset group
    of ``cijfers`` its members' stored series (G, I, T), NaN where missing): what the
    forecast of the years ahead is computed from."""
    jaren = [*historie_jaren(cijfers.jaar), cijfers.jaar]
    return jaren, [np.stack([waarden_per_jaar(cijfers.lid(code).gemeente, jaren,
                                              groep.normenset)
                             for code in groep.gemeentecodes])  # (G, I, T)
                   for groep in cijfers.groepen]


def _prognoses(jaren: list[int], reeksen: list[np.ndarray], aantal: int
               ) -> list[PrognoseReeksen | None]:
    # only this year's figures: nothing to forecast from, carried forward
    return [prognose_volumes(jaren, waarden, aantal)
            if np.isfinite(waarden[..., :-1]).any() and aantal > 1 else None
            for waarden in reeksen]


def prognoses_van(cijfers: Cijfers, aantal: int = MAX_JAREN) -> list[PrognoseReeksen | None]:
    """Per normenset group of ``cijfers`` the forecast of its members' stored series over the
    :func:`~app.services.cijfers.historie_jaren` and this year (rows in the group's order);
    None where only this year has figures (carried forward) or for ``aantal`` 1."""
    return _prognoses(*_reeksen(cijfers), aantal)


def _sleutel(soort: str, cijfers: Cijfers, aantal: int, jaren: list[int],
             reeksen: list[np.ndarray], *meer) -> str:
    """The cache key of a begroting (:mod:`.rekencache`): everything it is computed from —
    per group the normenset (its text), the members and this year's volumes, their stored
    series of the earlier years, the year and the number of years (and ``meer``: a team's
    composition). A save changes a volume or a series, so the next page asks for another key."""
    return rekencache.vingerafdruk(
        soort, cijfers.jaar, aantal, jaren,
        [(g.normenset, g.gemeentecodes, g.volume) for g in cijfers.groepen], reeksen, *meer)


def meerjaren_van(cijfers: Cijfers, aantal: int = MAX_JAREN) -> Meerjarenbegroting | None:
    """This year and the ``aantal − 1`` after it for the members with complete figures
    (None when there are none). Year 0 is exactly the result page's (and region page's)
    budget; the years after rest on the forecast of each member's stored series. Cached
    under a hash of its inputs (:func:`_sleutel`): the page, its JSON and the workbook share
    one computation."""
    if not cijfers.groepen:
        return None
    jaren, reeksen = _reeksen(cijfers)
    return rekencache.gecached(
        _sleutel("meerjaren", cijfers, aantal, jaren, reeksen),
        lambda: meerjarenbegroting(cijfers.groepen, cijfers.jaar, aantal,
                                   _prognoses(jaren, reeksen, aantal)))


def team_meerjaren_van(stand: TeamStand, aantal: int = MAX_JAREN
                       ) -> TeamMeerjarenbegroting | None:
    """The team's begroting (:func:`formatie.meerjaren.team_meerjarenbegroting`) over its
    members with complete figures, from their stored series as :func:`meerjaren_van`; None
    while the team cannot be computed (:attr:`TeamStand.melding` says why). Year 0 is the
    team page's figures. Cached as :func:`meerjaren_van`, with the team's composition (name,
    functie, members, verdeelsleutel) in the key."""
    if stand.uitkomst is None:
        return None
    g = stand.groep
    team = stand.uitkomst.team
    jaren, reeksen = _reeksen(stand.cijfers)

    def maak() -> TeamMeerjarenbegroting:
        (prognose,) = _prognoses(jaren, reeksen, aantal)
        return team_meerjarenbegroting(g.normenset, g.volume, g.gemeentecodes, team,
                                       stand.jaar, aantal, prognose, load_referentie())

    return rekencache.gecached(
        _sleutel("team-meerjaren", stand.cijfers, aantal, jaren, reeksen, astuple(team)), maak)


@dataclass(frozen=True)
class Begrotingspagina:
    """Everything the begroting page shows: the begroting, its tables rounded so they add up
    (fte to hundredths, euros to whole euros, :meth:`Meerjarenbegroting.tabel`), the price
    per fte per year and functie, and the chart (euros per year, central and budget)."""

    begroting: Meerjarenbegroting
    fte: Tabel
    budget_fte: Tabel
    kosten: Tabel
    kosten_budget: Tabel
    kosten_per_fte: np.ndarray
    gemeentenamen: dict[str, str]
    grafiek: GroepGrafiek


def begrotingspagina(cijfers: Cijfers) -> Begrotingspagina | None:
    """The page's figures for ``cijfers`` (None without complete figures)."""
    mb = meerjaren_van(cijfers)
    return None if mb is None else _pagina(mb, mb.euros(), cijfers)


def team_begrotingspagina(stand: TeamStand) -> Begrotingspagina | None:
    """The team's page (None while it cannot be computed): the members' euros are their
    bijdragen (:meth:`formatie.meerjaren.TeamMeerjarenbegroting.euros`)."""
    tb = team_meerjaren_van(stand)
    return None if tb is None else _pagina(tb.begroting, tb.euros(), stand.cijfers)


def _pagina(mb: Meerjarenbegroting, euros: tuple[Tabel, Tabel],
            cijfers: Cijfers) -> Begrotingspagina:
    kosten, kosten_budget = euros
    grafiek = jaren_grafiek(mb.jaren, [("Centraal", kosten.totaal.tolist()),
                                       (f"Begroot ({mb.percentiel.upper()})",
                                        kosten_budget.totaal.tolist())])
    return Begrotingspagina(mb, mb.tabel(mb.fte, 0.01), mb.tabel(mb.budget_fte, 0.01), kosten,
                            kosten_budget, mb.kosten_per_fte(),
                            {lid.code: lid.gemeente.naam for lid in cijfers.leden}, grafiek)
