"""Stored scenarios: the one save path (:func:`bewaar_scenario`: the scenario form, a copy and
a workbook saved as a scenario all create their rows here), computing a stored scenario from its
row alone (:func:`bereken_scenario`), and the comparison of several
(:func:`vergelijking_van`). All figures come from :func:`formatie.scenario.pas_toe`,
:func:`formatie.scenario.vergelijk` and :func:`formatie.model.bereken`; the frozen base from
:func:`.cijfers.scenario_groepen`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from formatie.model import Groep, RekenFout, Resultaat, bereken, fte_per_functie
from formatie.normenset import Normenset
from formatie.onzekerheid import bereik_groepen
from formatie.referentie import load_referentie
from formatie.regio import regio_regels, taak_volumes, tel_op
from formatie.scenario import Scenario, ScenarioFout, pas_toe, vergelijk

from ..extensions import db
from ..models import ScenarioRij, User, utcnow
from .cijfers import Basisgroep, Cijfers, scenario_groepen


def bewaar_scenario(scenario: Scenario, owner: User, *, gemeente_code: str | None,
                    regio_code: str | None, jaar: int, normenset_id: int, basis: dict,
                    overrides: dict | None = None, werkboek_normenset_id: int | None = None,
                    commit: bool = True) -> ScenarioRij:
    """Store ``scenario`` (its parameters, :meth:`formatie.scenario.Scenario.to_dict`) on a
    frozen ``basis`` (:func:`.cijfers.basis_als_json`'s shape) with ``overrides``
    (``{gemeentecode: {sleutel: value}}``), owned by ``owner``; scope: exactly one of
    ``gemeente_code`` and ``regio_code``. With ``commit=False`` the caller commits (a workbook
    upload deletes its pending upload in the same transaction)."""
    nu = utcnow()
    rij = ScenarioRij(
        naam=scenario.naam, owner_id=owner.id, gemeente_code=gemeente_code,
        regio_code=regio_code, jaar=jaar, normenset_id=normenset_id,
        werkboek_normenset_id=werkboek_normenset_id, parameters=scenario.to_dict(),
        basis=basis, overrides=overrides or {}, created_at=nu, updated_at=nu)
    db.session.add(rij)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return rij


def kopieer_scenario(rij: ScenarioRij, owner: User) -> ScenarioRij:
    """A copy of ``rij`` ("Kopie van …") owned by ``owner``, on the same frozen base."""
    naam = f"Kopie van {rij.naam}"[:200]
    return bewaar_scenario(
        Scenario.from_dict(rij.parameters).kopie(naam), owner, gemeente_code=rij.gemeente_code,
        regio_code=rij.regio_code, jaar=rij.jaar, normenset_id=rij.normenset_id,
        basis=rij.basis, overrides=rij.overrides,
        werkboek_normenset_id=rij.werkboek_normenset_id)


def verwijder_scenario(rij: ScenarioRij) -> None:
    db.session.delete(rij)
    db.session.commit()


@dataclass
class Uitkomst:
    """A stored scenario's base and result, per normenset group of its base (a region whose
    members count with different normensets has several); sums per functie sleutel."""

    rij: ScenarioRij
    scenario: Scenario
    groepen: list[Basisgroep]
    basis: list[Resultaat]  # per group: the frozen base
    resultaat: list[Resultaat]  # per group: base with the overrides and the scenario applied

    @property
    def normenset(self) -> Normenset:
        """The base normenset of the first group (names of invoer, taken and functies)."""
        return self.groepen[0].groep.normenset

    @property
    def gemeentecodes(self) -> tuple[str, ...]:
        return tuple(c for g in self.groepen for c in g.groep.gemeentecodes)

    @property
    def functies(self) -> dict[str, str]:
        return {f.sleutel: f.naam for g in self.groepen for f in g.groep.normenset.functies}

    @property
    def som_basis(self) -> dict[str, float]:
        """fte per functie sleutel and "totaal" of the base (:func:`fte_per_functie`)."""
        return fte_per_functie(self.basis)

    @property
    def som(self) -> dict[str, float]:
        return fte_per_functie(self.resultaat)

    def keten(self) -> list[dict]:
        """Per functie its lines (taken, vaste basis, leiding en ondersteuning: they add up to
        the functie) for base and scenario, with the volume and hours per unit of each taak."""
        basis = {(r.functie, r.sleutel): r for r in regio_regels(self.basis)}
        volume_basis, volume = taak_volumes(self.basis), taak_volumes(self.resultaat)
        n_basis, n = self.basis[0].normenset, self.resultaat[0].normenset
        uit = []
        for r in regio_regels(self.resultaat):
            b = basis.get((r.functie, r.sleutel))
            taak = r.soort == "taak"
            uit.append({
                "functie": r.functie, "soort": r.soort, "naam": r.naam,
                "fte_basis": b.fte if b else None, "fte": r.fte,
                "volume_basis": volume_basis.get(r.sleutel) if taak else None,
                "volume": volume.get(r.sleutel) if taak else None,
                "uren_basis": (n_basis.taak(r.sleutel).uren if taak and len(self.groepen) == 1
                               and r.sleutel in n_basis.taak_sleutels else None),
                "uren": (n.taak(r.sleutel).uren if taak and len(self.groepen) == 1
                         and r.sleutel in n.taak_sleutels else None)})
        return uit


def als_scenariofout(fout: RekenFout) -> ScenarioFout:
    """The model's refusal of a result (not finite, or absurd) as a scenario's problems."""
    return ScenarioFout([p.bericht for p in fout.problemen])


def bereken_scenario(rij: ScenarioRij) -> Uitkomst:
    """Base and scenario for every group of the stored base (each in its own normenset).
    :class:`ScenarioFout` when it cannot be applied or the model refuses the result."""
    scenario = Scenario.from_dict(rij.parameters)
    groepen = scenario_groepen(rij)
    ref = load_referentie()
    basis, resultaat = [], []
    for bg in groepen:
        g = bg.groep
        nieuw_normenset, nieuw_volume = pas_toe(scenario, g.normenset, bg.volume,
                                                g.gemeentecodes, ref)
        try:
            basis.append(bereken(g.normenset, g.volume, g.gemeentecodes))
            resultaat.append(bereken(nieuw_normenset, nieuw_volume, g.gemeentecodes))
        except RekenFout as fout:
            raise als_scenariofout(fout) from None
    return Uitkomst(rij, scenario, groepen, basis, resultaat)


def rekenproblemen(scenario: Scenario, basis: Cijfers) -> list[str]:
    """Why the model refuses ``scenario`` on ``basis`` (a result not finite or absurd, see
    :func:`formatie.model.bereken`), in Dutch; [] when every group computes."""
    ref = load_referentie()
    try:
        for g in basis.groepen:
            n, volume = pas_toe(scenario, g.normenset, g.volume, g.gemeentecodes, ref)
            bereken(n, volume, g.gemeentecodes)
    except ScenarioFout as fout:
        return fout.problemen
    except RekenFout as fout:
        return als_scenariofout(fout).problemen
    return []




@dataclass
class Scenarioregel:
    """One row of the comparison: a base or a scenario, summed over its gemeenten."""

    naam: str
    basis_label: str
    fte: dict[str, float]  # functie sleutel → fte
    totaal: float
    basis_totaal: float
    scenario_id: int | None = None
    parameters: dict | None = None
    #: P10, P50, P80, P90 of ``totaal`` (the one uncertainty policy, over every normenset
    #: group of the base).
    bereik: tuple[float, float, float, float] | None = None
    #: Euros per year of ``totaal`` (each scenario priced by its own normenset) and the base's.
    kosten: float = 0.0
    basis_kosten: float = 0.0

    @property
    def verschil(self) -> float:
        return self.totaal - self.basis_totaal

    @property
    def kosten_verschil(self) -> float:
        return self.kosten - self.basis_kosten


def _som(delen: list[dict[str, float]], groepen: list[Groep]
         ) -> tuple[dict[str, float], float, tuple[float, ...], float]:
    """One row's (fte per functie, total, P10/P50/P80/P90 of the total) over the groups of its
    base, each as the scenario leaves it: the range by the one uncertainty policy
    (:func:`formatie.onzekerheid.bereik_groepen`; the base row of one gemeente has exactly
    that gemeente's P-values, and a taak has the same norm draws in every row)."""
    som = tel_op(delen)
    totaal = som.pop("totaal")
    euros = som.pop("kosten")
    return som, totaal, tuple(bereik_groepen(groepen).totaal.tolist()), euros


def vergelijking_van(rijen: list[ScenarioRij]) -> tuple[list[Scenarioregel], dict[str, str]]:
    """Rows (per base: the base, then its scenarios) and the functies (sleutel → naam).

    Scenarios on the same frozen base share one base row. Per normenset group of that base,
    those that also share their overrides (values from a workbook) go through one
    :func:`formatie.scenario.vergelijk` call; a row's figures are the sums over the groups.
    Every row's range is over all groups of its base (:func:`_som`).
    """
    bases: dict[str, list[ScenarioRij]] = {}
    for rij in rijen:
        sleutel = json.dumps([rij.normenset_id, rij.basis, rij.jaar, rij.gemeente_code,
                              rij.regio_code], sort_keys=True)
        bases.setdefault(sleutel, []).append(rij)
    ref = load_referentie()
    regels: list[Scenarioregel] = []
    functies: dict[str, str] = {}
    for leden in bases.values():
        eerste = leden[0]
        basisgroepen = scenario_groepen(eerste)
        labels = ", ".join(dict.fromkeys(bg.rij.label for bg in basisgroepen))
        basis_label = f"{eerste.scope_label}, {eerste.jaar}, normenset {labels}"
        per_overrides: dict[str, list[ScenarioRij]] = {}
        for rij in leden:
            per_overrides.setdefault(json.dumps(rij.overrides or {}, sort_keys=True),
                                     []).append(rij)
        per_overrides.setdefault("{}", [])  # the base goes with the scenarios without overrides
        # scenario id (None: the base) → per group: fte per functie + "totaal", and the group
        # as the scenario leaves it (normenset, volume) for the range over all groups
        delen: dict[int | None, list[dict[str, float]]] = {}
        toegepast: dict[int | None, list[Groep]] = {}
        for i, bg in enumerate(basisgroepen):
            n, codes = bg.groep.normenset, bg.groep.gemeentecodes
            for f in n.functies:
                functies.setdefault(f.sleutel, f.naam)
            for sleutel_o, deel in per_overrides.items():
                volume = (bg.groep.volume if sleutel_o == "{}"
                          else scenario_groepen(deel[0])[i].volume)
                extra = [Scenario("Basis")] if sleutel_o == "{}" else []
                scenarios = [*extra, *(Scenario.from_dict(r.parameters) for r in deel)]
                v = vergelijk(scenarios, n, volume, codes, ref)
                for s, (scenario, rij) in enumerate(zip(scenarios, [None] * len(extra) + deel,
                                                        strict=True)):
                    sleutel = None if rij is None else rij.id
                    fte = dict(zip(n.functie_sleutels, v.som[s].tolist(), strict=True))
                    fte["totaal"] = float(v.som_totaal[s])
                    fte["kosten"] = float(v.kosten[s].sum())
                    delen.setdefault(sleutel, []).append(fte)
                    n_s, v_s = pas_toe(scenario, n, volume, codes, ref)
                    toegepast.setdefault(sleutel, []).append(Groep(n_s, codes, v_s))

        basis_naam = "Basis" if len(bases) == 1 else f"Basis {eerste.scope_label}"
        fte, basis_totaal, bereik, basis_kosten = _som(delen[None], toegepast[None])
        regels.append(Scenarioregel(basis_naam, basis_label, fte, basis_totaal, basis_totaal,
                            bereik=bereik, kosten=basis_kosten, basis_kosten=basis_kosten))
        for rij in leden:
            fte, totaal, bereik, euros = _som(delen[rij.id], toegepast[rij.id])
            regels.append(Scenarioregel(rij.naam, basis_label, fte, totaal, basis_totaal, rij.id,
                                rij.parameters, bereik=bereik, kosten=euros,
                                basis_kosten=basis_kosten))
    return regels, functies
