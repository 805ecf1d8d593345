"""What a scenario workbook holds once read (:class:`Werkboek`), the same for format 1
and 2."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..invoer_csv import InvoerTabel
from ..normenset import (
    Normenset,
)
from ..scenario import Scenario
from .formaat import (
    WERKBOEK_FORMAAT,
)


@dataclass(frozen=True)
class Wijziging:
    """One changed field, for a preview (old → new)."""

    blad: str
    cel: str | None
    sleutel: str  # gemeentecode, taak or functie
    veld: str  # invoer sleutel, taak field or organisation parameter
    oud: float | str | None
    nieuw: float | str | None


@dataclass(frozen=True)
class WerkboekGroep:
    """The gemeenten of a workbook that count with one normenset, as read back.

    ``basis``: the normenset the workbook was made with; ``normenset``: as edited (``basis``
    itself when its norms were not changed, else a validated new normenset, versie
    ``<versie>-excel``, ``afgeleid_van`` = the base's label). ``scenario``: the scenario
    column's norm changes (:class:`formatie.scenario.Scenario` with ``uren`` and
    ``organisatie``; None when the scenario columns are empty) and ``scenario_volume``:
    ``{gemeentecode: {invoer: value}}`` where the scenario replaces a volume.
    """

    basis: Normenset
    normenset: Normenset
    invoer: InvoerTabel
    normwijzigingen: tuple[Wijziging, ...] = ()
    scenario: Scenario | None = None
    scenario_volume: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Werkboek:
    """What an uploaded scenario workbook holds, validated.

    ``groepen``: one :class:`WerkboekGroep` per normenset (a region's members may count with
    different normensets). ``gecontroleerd``: the workbook's own stored results were compared
    with the model and agreed; False when the file carried no stored values (then
    ``opmerkingen`` says it could not be checked). ``formaat``: the layout version read.
    The properties ``invoer``, ``normenset``, ``basis``, ``normwijzigingen`` are those of the
    only group (a workbook with one normenset, every format-1 workbook).
    """

    groepen: tuple[WerkboekGroep, ...]
    herkomst: dict[str, str]
    opmerkingen: tuple[str, ...] = ()
    #: Current formation typed on the Resultaat sheet: {gemeentecode: {functie: fte}}.
    bezetting: dict[str, dict[str, float]] | None = None
    #: A region workbook's bezetting of its regional functies (the Doorstroompunt), from the
    #: one cell ``regio_bezetting_<functie>``: {functie: fte, or None when left empty}; None
    #: when the workbook has no such cell (a gemeente workbook, format 1).
    regio_bezetting: dict[str, float | None] | None = None
    gecontroleerd: bool = False
    formaat: int = WERKBOEK_FORMAAT

    def _enige(self) -> WerkboekGroep:
        if len(self.groepen) != 1:
            raise ValueError("this workbook holds several normensets; use .groepen")
        return self.groepen[0]

    @property
    def invoer(self) -> InvoerTabel:
        return self._enige().invoer

    @property
    def normenset(self) -> Normenset:
        return self._enige().normenset

    @property
    def basis(self) -> Normenset:
        return self._enige().basis

    @property
    def normwijzigingen(self) -> tuple[Wijziging, ...]:
        return tuple(w for g in self.groepen for w in g.normwijzigingen)

    @property
    def normen_gewijzigd(self) -> bool:
        return bool(self.normwijzigingen)

    @property
    def scenario(self) -> Scenario | None:
        return self._enige().scenario



def _zoek_in(normensets) -> Callable[[str, str], Normenset | None]:
    """A lookup ``(naam, versie) → Normenset | None`` over ``normensets``."""
    bekend = {(n.naam, n.versie): n for n in normensets}
    return lambda naam, versie: bekend.get((naam, versie))


