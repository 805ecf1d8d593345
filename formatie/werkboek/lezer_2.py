"""Format 2: long tables keyed by (gemeente, invoer), (normenset, taak), (normenset,
functie), each with its scenario column."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..invoer_csv import InvoerTabel
from ..normenset import (
    ORGANISATIE_PARAMETERS,
    ORGANISATIE_STANDAARD,
    Normenset,
)
from ..normenset_toml import parse_normenset
from ..problemen import CelProbleem, InvoerFout, Probleem
from ..referentie import load_referentie
from ..scenario import Scenario
from .bezetting import _lees_bezetting_2, _lees_regio_bezetting
from .formaat import (
    BLAD_INVOER,
    BLAD_NORMEN,
    BLAD_NORMENSETS,
    BLAD_ORGANISATIE,
    BLAD_RESULTAAT,
    INVOER_SLEUTELS,
    NAAM_GEMEENTEN,
    NAAM_NORMENSET,
    NAAM_NORMENSET_VERSIE,
    NORMEN_SLEUTELS,
    NORMEN_VERPLICHT,
    NORMENSETS_SLEUTELS,
    ORGANISATIE_SLEUTELS,
)
from .gelezen import (
    Werkboek,
    WerkboekGroep,
    Wijziging,
    _zoek_in,
)
from .getalcellen import (
    _gelijk,
    _invoercel,
    _jaarcel,
)
from .normcellen import (
    VASTE_TAAKVELDEN,
    _afgeleide_set,
    _broncel,
    _normcel,
    _vast_taakveld,
    _verruim,
)
from .openen import (
    _Boek,
)
from .sleutelcellen import (
    RIJ_WEG,
    _gemeentecode,
    _kolomletter,
    _kort_tekst,
    _sleutelrij,
    _tabel_rijen,
)
from .zelfcontrole import (
    _verwachting,
    _zelfcontrole_2,
)


def _lees_formaat_2(wb: _Boek, normenset, bestand: str, herkomst: dict[str, str],
                    uit_werkboek: bool = False, vergelijk_met: Normenset | None = None
                    ) -> Werkboek:
    problemen: list[Probleem] = []
    opmerkingen: list[str] = []
    org = wb.cellen(BLAD_ORGANISATIE)
    ingebouwd = _ingebouwde_normensets(wb) if uit_werkboek else {}
    basissen = _normensets_van_organisatie(org, normenset, problemen, opmerkingen, ingebouwd,
                                           vergelijk_met)
    if problemen:
        raise InvoerFout(problemen, bestand)
    scope = tuple(c for c in herkomst.get(NAAM_GEMEENTEN, "").split(",") if c)
    invoer = _lees_invoer_2(wb.cellen(BLAD_INVOER), basissen, scope, problemen)
    normen = _lees_normen_2(wb.cellen(BLAD_NORMEN), basissen, problemen)
    organisatie = _lees_organisatie_2(org, basissen, problemen)
    bezetting = (_lees_bezetting_2(wb.cellen(BLAD_RESULTAAT), basissen, invoer,
                                   problemen) if BLAD_RESULTAAT in wb.sheetnames else {})
    regio_bezetting = _lees_regio_bezetting(wb, basissen, problemen)
    if problemen:
        raise InvoerFout(problemen, bestand)
    groepen: list[WerkboekGroep] = []
    verwacht: dict[str, dict] = {"fte": {}, "scenario_fte": {}, "taak": {},
                                               "scenario_taak": {}}
    for label, basis in basissen.items():
        if label not in invoer:
            continue  # a normenset none of whose gemeenten remain on Invoer
        tabel, scenario_volume = invoer[label]
        taken, scenario_uren = normen[label]
        parameters, scenario_org = organisatie[label]
        nieuw, wijzigingen = _bewerkte_normenset(basis, taken, parameters, problemen,
                                                 opmerkingen)
        if nieuw is None:
            continue
        scenario = None
        if scenario_uren or scenario_org:
            scenario = Scenario(naam=f"Scenario uit het werkboek ({basis.label})",
                                gemeentecodes=tabel.gemeentecodes, normenset_naam=nieuw.naam,
                                normenset_versie=nieuw.versie, uren=scenario_uren,
                                organisatie=scenario_org,
                                toelichting="Scenariokolommen van een Excel-werkboek")
        groepen.append(WerkboekGroep(basis=basis, normenset=nieuw, invoer=tabel,
                                     normwijzigingen=tuple(wijzigingen), scenario=scenario,
                                     scenario_volume=scenario_volume))
        _verwachting(verwacht, "", nieuw, tabel.gemeentecodes, tabel.volume)
        s_normenset = nieuw.met_uren(scenario_uren).met_functie_parameters(scenario_org)
        s_volume = tabel.volume.copy()
        for g, code in enumerate(tabel.gemeentecodes):
            for sleutel, waarde in scenario_volume.get(code, {}).items():
                s_volume[g, nieuw.invoer_sleutels.index(sleutel)] = waarde
        _verwachting(verwacht, "scenario_", s_normenset, tabel.gemeentecodes, s_volume)
    if problemen:
        raise InvoerFout(problemen, bestand)
    if not groepen:
        raise InvoerFout([CelProbleem("het blad bevat geen gemeenten met invoer.",
                                      blad=BLAD_INVOER)], bestand)
    controle = _zelfcontrole_2(wb, groepen, verwacht)
    controle.klaar(bestand, opmerkingen)
    return Werkboek(groepen=tuple(groepen), herkomst=herkomst, opmerkingen=tuple(opmerkingen),
                    bezetting=bezetting, regio_bezetting=regio_bezetting,
                    gecontroleerd=controle.gecontroleerd, formaat=2)


#: Resultaat columns (format 2) that hold formulas, by key prefix.

def _normensets_van_organisatie(cellen: dict, normenset, problemen: list[Probleem],
                                opmerkingen: list[str],
                                ingebouwd: dict[tuple[str, str], Normenset],
                                vergelijk_met: Normenset | None = None
                                ) -> dict[str, Normenset]:
    """label → base normenset, from the (normenset, normenset_naam, normenset_versie) columns
    of Organisatie, looked up with ``normenset`` (a lookup function, or a Normenset that is
    also ``vergelijk_met``), else in ``ingebouwd`` (the workbook's own, when the caller allows
    them); a workbook of one normenset found nowhere is compared with ``vergelijk_met`` (a
    notice says so)."""
    blad = BLAD_ORGANISATIE
    gevonden = _sleutelrij(cellen, "normenset", blad, problemen)
    if gevonden is None or not {NAAM_NORMENSET, NAAM_NORMENSET_VERSIE} <= set(gevonden[1]):
        problemen.append(CelProbleem("de sleutelrij met 'normenset', 'functie', "
                                     f"'{NAAM_NORMENSET}' en '{NAAM_NORMENSET_VERSIE}' ontbreekt "
                                     "in de eerste vijf rijen.", blad=blad))
        return {}
    sleutelrij, kolommen = gevonden
    namen: dict[str, tuple[str, str]] = {}
    for _rij, rij in _tabel_rijen(cellen, sleutelrij, kolommen,
                                  ("normenset", NAAM_NORMENSET, NAAM_NORMENSET_VERSIE)):
        label = str(rij.get("normenset") or "").strip()
        if label:
            namen.setdefault(label, (str(rij.get(NAAM_NORMENSET) or "").strip(),
                                     str(rij.get(NAAM_NORMENSET_VERSIE) or "").strip()))
    if not callable(normenset):
        normenset, vergelijk_met = _zoek_in((normenset,)), normenset
    basissen: dict[str, Normenset] = {}
    for label, (naam, versie) in namen.items():
        basis = normenset(naam, versie)
        if basis is None and (naam, versie) in ingebouwd:
            basis = ingebouwd[naam, versie]
            opmerkingen.append(f"normenset {basis.label} is gelezen uit het werkboek zelf.")
        if basis is None and vergelijk_met is not None and len(namen) == 1:
            basis = vergelijk_met
            opmerkingen.append(f"het werkboek is gemaakt met normenset '{naam}' (versie "
                               f"{versie}); vergeleken met {basis.label}.")
        if basis is None:
            problemen.append(Probleem(
                f"het werkboek rekent met normenset '{naam}' (versie {versie}), die hier niet "
                "bekend is. Geef die normenset mee (opdrachtregel: --normen BESTAND.toml, meer "
                "keren mogelijk)."))
            continue
        basissen[label] = basis
    if not namen:
        problemen.append(CelProbleem("het blad bevat geen functies.", blad=blad))
    return basissen


def _ingebouwde_normensets(wb: _Boek) -> dict[tuple[str, str], Normenset]:
    """The normensets on the workbook's hidden sheet Normensets, (naam, versie) → Normenset,
    each validated by :func:`formatie.normenset_toml.parse_normenset`; a part that is missing
    or altered leaves that normenset out (then it is "not known", as without the sheet)."""
    if BLAD_NORMENSETS not in wb.sheetnames:
        return {}
    cellen = wb.cellen(BLAD_NORMENSETS)
    gevonden = _sleutelrij(cellen, "toml")
    if gevonden is None or not set(NORMENSETS_SLEUTELS) <= set(gevonden[1]):
        return {}
    sleutelrij, kolommen = gevonden
    delen: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for _rij, r in _tabel_rijen(cellen, sleutelrij, kolommen, NORMENSETS_SLEUTELS):
        try:
            deel = int(float(str(r.get("deel"))))
        except ValueError:
            continue
        delen.setdefault((str(r.get("naam", "")), str(r.get("versie", ""))), []).append(
            (deel, str(r.get("toml", ""))))
    uit: dict[tuple[str, str], Normenset] = {}
    for (naam, versie), stukken in delen.items():
        try:
            n = parse_normenset("".join(t for _d, t in sorted(stukken)),
                                f"normenset {naam} ({versie}) in het werkboek")
        except InvoerFout:
            continue
        if (n.naam, n.versie) == (naam, versie):
            uit[naam, versie] = n
    return uit


def _lees_invoer_2(cellen: dict, basissen: dict[str, Normenset], scope: tuple[str, ...],
                   problemen: list[Probleem]
                   ) -> dict[str, tuple[InvoerTabel, dict[str, dict[str, float]]]]:
    """label → (invoer table, scenario volumes {code: {invoer: value}}) from the long Invoer."""
    blad = BLAD_INVOER
    gevonden = _sleutelrij(cellen, "gemeentecode", blad, problemen)
    nodig = ("gemeentecode", "normenset", "invoer", "waarde")
    if gevonden is None or not set(nodig) <= set(gevonden[1]):
        problemen.append(CelProbleem("de sleutelrij met " + ", ".join(f"'{s}'" for s in nodig)
                                     + " ontbreekt in de eerste vijf rijen.", blad=blad))
        return {}
    sleutelrij, kolommen = gevonden
    referentie = load_referentie()
    binnen = set(scope)

    def cel(rij: int, sleutel: str) -> str:
        return f"{_kolomletter(kolommen[sleutel])}{rij}"

    # code → (label, jaar, first row); (code, invoer) → row; code → {invoer: value}
    gemeente: dict[str, tuple[str, int | None, int]] = {}
    gezien: dict[tuple[str, str], int] = {}
    waarden: dict[str, dict[str, float]] = {}
    scenario: dict[str, dict[str, float]] = {}
    aantal = len(problemen)
    for rij, r in _tabel_rijen(cellen, sleutelrij, kolommen, (*INVOER_SLEUTELS,)):
        ruw_code, sleutel = r.get("gemeentecode"), r.get("invoer")
        if ruw_code is None and sleutel is None and r.get("waarde") is None \
                and r.get("scenario") is None:
            continue  # only explanatory cells
        if ruw_code is None or sleutel is None:
            wat = "de gemeentecode" if ruw_code is None else "de invoersleutel"
            problemen.append(CelProbleem(f"{wat} ontbreekt in een rij met invoer.", rij,
                                         "gemeentecode" if ruw_code is None else "invoer",
                                         blad, cel(rij, "gemeentecode" if ruw_code is None
                                                   else "invoer")))
            continue
        code = _gemeentecode(ruw_code, referentie, blad, rij, cel(rij, "gemeentecode"),
                             problemen)
        if code is None:
            continue
        if binnen and code not in binnen:
            problemen.append(CelProbleem(
                f"gemeente {code} ({referentie.naam(code)}) hoort niet bij dit werkboek, dat "
                f"gemaakt is voor {len(binnen)} gemeente{'n' if len(binnen) != 1 else ''} "
                f"({', '.join(referentie.naam(c) for c in scope[:5])}"
                f"{' …' if len(scope) > 5 else ''}). Een gemeente toevoegen kan niet in het "
                "werkboek: download het werkboek van die gemeente of regio.", rij,
                "gemeentecode", blad, cel(rij, "gemeentecode")))
            continue
        label = str(r.get("normenset") or "").strip()
        if label not in basissen:
            problemen.append(CelProbleem(
                f"onbekende normenset '{_kort_tekst(label)}' (het blad {BLAD_ORGANISATIE} noemt "
                + ", ".join(f"'{x}'" for x in basissen) + ").", rij, "normenset", blad,
                cel(rij, "normenset") if "normenset" in kolommen else None))
            continue
        n = basissen[label]
        ruw_jaar = r.get("jaar")  # (a filled cell has its column in the key row)
        geldig, jaar = _jaarcel(ruw_jaar, blad, rij, None if ruw_jaar is None
                                else cel(rij, "jaar"), problemen)
        if not geldig:
            continue
        eerder = gemeente.setdefault(code, (label, jaar, rij))
        if eerder[0] != label:
            problemen.append(CelProbleem(
                f"gemeente {code} rekent in rij {eerder[2]} met normenset '{eerder[0]}' en hier "
                f"met '{_kort_tekst(label)}'; een gemeente telt met één normenset.", rij,
                "normenset", blad, cel(rij, "normenset")))
            continue
        if eerder[1] != jaar:
            problemen.append(CelProbleem(
                f"gemeente {code} heeft in rij {eerder[2]} jaar {eerder[1] or '(leeg)'} en hier "
                f"{jaar or '(leeg)'}; geef de gemeente één jaar.", rij, "jaar", blad,
                cel(rij, "jaar")))
            continue
        sleutel = str(sleutel).strip()
        if sleutel not in n.invoer_sleutels:
            problemen.append(CelProbleem(
                f"onbekende invoer '{_kort_tekst(sleutel)}' (normenset {n.label}).", rij,
                "invoer", blad, cel(rij, "invoer")))
            continue
        if (code, sleutel) in gezien:
            problemen.append(CelProbleem(
                f"gemeente {code} ({referentie.naam(code)}): de invoer '{sleutel}' staat dubbel "
                f"(ook in rij {gezien[code, sleutel]}).", rij, "invoer", blad,
                cel(rij, "invoer")))
            continue
        gezien[code, sleutel] = rij
        inv = n.invoer_by_sleutel(sleutel)
        for veld, doel, leeg_mag in (("waarde", waarden, False), ("scenario", scenario, True)):
            if veld not in kolommen:
                continue
            ruw = r.get(veld)
            if ruw is None and leeg_mag:
                continue
            waarde = _invoercel(ruw, inv, blad, rij, kolommen[veld], problemen)
            if waarde is not None:
                doel.setdefault(code, {})[sleutel] = waarde
    # Rows that are gone (deleted in the spreadsheet): every gemeente of the workbook, and
    # every invoer of its normenset, has one row.
    for code, (label, _jaar, _rij) in gemeente.items():
        n = basissen[label]
        for sleutel in n.invoer_sleutels:
            if (code, sleutel) not in gezien:
                problemen.append(CelProbleem(
                    f"de rij van gemeente {code} ({referentie.naam(code)}) met invoer "
                    f"'{sleutel}' ({n.invoer_by_sleutel(sleutel).naam}) ontbreekt: {RIJ_WEG}",
                    blad=blad))
    for code in scope:
        if code not in gemeente and code in referentie.index:
            problemen.append(CelProbleem(
                f"de rijen van gemeente {code} ({referentie.naam(code)}) ontbreken: {RIJ_WEG}",
                blad=blad))
    uit: dict[str, tuple[InvoerTabel, dict[str, dict[str, float]]]] = {}
    if len(problemen) > aantal:
        return uit
    # Gemeenten in the workbook's own order (its scope), whatever order a sort left the rows in.
    volgorde = {c: k for k, c in enumerate(scope)}
    for label, n in basissen.items():
        codes = sorted((c for c, (lab, _, _) in gemeente.items() if lab == label),
                       key=lambda c: (volgorde.get(c, len(volgorde)), gemeente[c][2]))
        if not codes:
            continue
        rijen = []
        for code in codes:
            for naam, w in (("basis", waarden.get(code, {})),
                            ("scenario", {**waarden.get(code, {}), **scenario.get(code, {})})):
                for controle in n.geschonden_controles(dict(w)):
                    rij = gezien[code, controle.links]
                    problemen.append(CelProbleem(
                        controle.melding + (" (scenario)" if naam == "scenario" else ""), rij,
                        controle.links, blad, cel(rij, "scenario" if naam == "scenario"
                                                  else "waarde")))
            rijen.append([waarden[code][s] for s in n.invoer_sleutels])
        scenario_hier = {c: {s: v for s, v in scenario.get(c, {}).items()
                             if not _gelijk(v, waarden[c][s])}
                         for c in codes if c in waarden}
        uit[label] = (InvoerTabel(
            gemeentecodes=tuple(codes), jaren=tuple(gemeente[c][1] for c in codes),
            volume=np.array(rijen, dtype=float).reshape(len(rijen), len(n.invoer)),
            regels=tuple(gemeente[c][2] for c in codes), extra={}),
            {c: v for c, v in scenario_hier.items() if v})
    if not gemeente and len(problemen) == aantal:
        problemen.append(CelProbleem("het blad bevat geen gemeenten met invoer.", blad=blad))
    return uit


def _lees_normen_2(cellen: dict, basissen: dict[str, Normenset], problemen: list[Probleem]
                   ) -> dict[str, tuple[dict[str, dict], dict[str, float]]]:
    """label → ({taak: {uren, uren_laag, uren_hoog, bron, rij}}, scenario {taak: uren})."""
    blad = BLAD_NORMEN
    gevonden = _sleutelrij(cellen, "taak", blad, problemen)
    if gevonden is None or not set(NORMEN_VERPLICHT) <= set(gevonden[1]):
        ontbrekend = [k for k in NORMEN_VERPLICHT if gevonden is None or k not in gevonden[1]]
        problemen.append(CelProbleem("de sleutelrij mist de kolommen " + ", ".join(ontbrekend)
                                     + " (of staat niet in de eerste vijf rijen).", blad=blad))
        return {}
    sleutelrij, kolommen = gevonden
    uit: dict[str, tuple[dict[str, dict], dict[str, float]]] = {
        label: ({}, {}) for label in basissen}

    def cel(rij: int, sleutel: str) -> str:
        return f"{_kolomletter(kolommen[sleutel])}{rij}"

    for rij, r in _tabel_rijen(cellen, sleutelrij, kolommen, NORMEN_SLEUTELS):
        label, taak = r.get("normenset"), r.get("taak")
        if label is None and taak is None:
            if any(r.get(k) is not None for k in ("uren", "scenario", "uren_laag", "uren_hoog")):
                problemen.append(CelProbleem("deze rij heeft uren maar geen normenset en taak; "
                                             "vul de sleutels in of maak de rij leeg.", rij,
                                             "taak", blad, cel(rij, "taak")))
            continue  # a blank row (inserted by hand) is harmless
        label, taak = str(label or "").strip(), str(taak or "").strip()
        if label not in basissen:
            problemen.append(CelProbleem(f"onbekende normenset '{_kort_tekst(label)}'.", rij,
                                         "normenset", blad, cel(rij, "normenset")))
            continue
        basis = basissen[label]
        if taak not in basis.taak_sleutels:
            problemen.append(CelProbleem(f"onbekende taak '{_kort_tekst(taak)}' (normenset "
                                         f"{basis.label}).", rij, "taak", blad, cel(rij, "taak")))
            continue
        taken, scenario = uit[label]
        if taak in taken:
            problemen.append(CelProbleem(f"taak '{taak}' van normenset {basis.label} staat "
                                         f"dubbel (ook in rij {taken[taak]['rij']}).", rij,
                                         "taak", blad, cel(rij, "taak")))
            continue
        oud = basis.taak(taak)
        for veld in VASTE_TAAKVELDEN:
            _vast_taakveld(oud, veld, r.get(veld), blad, rij, cel(rij, veld), problemen)
        gelezen: dict[str, object] = {"rij": rij}
        for veld in ("uren", "uren_laag", "uren_hoog", "scenario"):
            if veld not in kolommen or (veld == "scenario" and r.get(veld) is None):
                continue
            if veld == "scenario":  # scenario hours: the bounds of "uren"
                waarde = _normcel(r.get(veld), "uren", veld, f"taak '{taak}'", blad, rij,
                                  kolommen[veld], problemen)
                if waarde is not None:
                    scenario[taak] = waarde
                continue
            gelezen[veld] = _normcel(r.get(veld), veld, veld, f"taak '{taak}'", blad, rij,
                                     kolommen[veld], problemen, oud=getattr(oud, veld))
        gelezen["bron"] = _broncel(r.get("bron"), oud.bron, blad, rij, cel(rij, "bron"),
                                   problemen)
        gelezen["cel_uren"] = cel(rij, "uren")
        gelezen["cel_bron"] = cel(rij, "bron")
        taken[taak] = gelezen
    for label, (taken, _scenario) in uit.items():
        basis = basissen[label]
        for t in basis.taken:
            if t.sleutel not in taken:
                problemen.append(CelProbleem(
                    f"de rij van taak '{t.sleutel}' ({t.naam}) van normenset {basis.label} "
                    f"ontbreekt: {RIJ_WEG}", blad=blad))
    for taken, scenario in uit.values():
        # A scenario hour equal to the (edited) base is no change.
        for taak in [t for t, v in scenario.items() if taken.get(t, {}).get("uren") is not None
                     and _gelijk(v, taken[t]["uren"])]:
            del scenario[taak]
    return uit


def _lees_organisatie_2(cellen: dict, basissen: dict[str, Normenset],
                        problemen: list[Probleem]
                        ) -> dict[str, tuple[dict[str, dict[str, tuple[float, str]]],
                                             dict[str, dict[str, float]]]]:
    """label → ({functie: {parameter: (value, cell)}}, scenario {functie: {parameter: v}})."""
    blad = BLAD_ORGANISATIE
    gevonden = _sleutelrij(cellen, "normenset", blad, problemen)
    if gevonden is None:
        return {}
    sleutelrij, kolommen = gevonden
    uit = {label: ({}, {}) for label in basissen}
    # a parameter added later (minimum_fte) may be absent: older workbooks keep the base's value
    ontbrekend = [p for p in ("functie", *ORGANISATIE_PARAMETERS)
                  if p not in kolommen and p not in ORGANISATIE_STANDAARD]
    if ontbrekend:
        problemen.append(CelProbleem("de sleutelrij mist de kolommen " + ", ".join(ontbrekend)
                                     + ".", sleutelrij, blad=blad))
        return uit
    for rij, r in _tabel_rijen(cellen, sleutelrij, kolommen, ORGANISATIE_SLEUTELS):
        label, functie = r.get("normenset"), r.get("functie")
        if label is None and functie is None:
            continue
        label, functie = str(label or "").strip(), str(functie or "").strip()
        if label not in basissen:
            continue  # reported by _normensets_van_organisatie
        basis = basissen[label]
        if functie not in basis.functie_sleutels:
            problemen.append(CelProbleem(f"onbekende functie '{_kort_tekst(functie)}' "
                                         f"(normenset {basis.label}).", rij, "functie", blad,
                                         f"{_kolomletter(kolommen['functie'])}{rij}"))
            continue
        parameters, scenario = uit[label]
        if functie in parameters:
            problemen.append(CelProbleem(f"functie '{functie}' van normenset {basis.label} "
                                         "staat dubbel.", rij, "functie", blad,
                                         f"{_kolomletter(kolommen['functie'])}{rij}"))
            continue
        parameters[functie] = {}
        for p in ORGANISATIE_PARAMETERS:
            for veld in (p, f"scenario_{p}"):
                if veld not in kolommen or (veld != p and r.get(veld) is None):
                    continue
                waarde = _normcel(r.get(veld), p, veld, f"functie '{functie}'", blad, rij,
                                  kolommen[veld], problemen)
                if waarde is None:
                    continue
                if veld == p:
                    parameters[functie][p] = (waarde, f"{_kolomletter(kolommen[veld])}{rij}")
                elif not _gelijk(waarde, getattr(basis.functie(functie), p)):
                    scenario.setdefault(functie, {})[p] = waarde
    for label, basis in basissen.items():
        for fn in basis.functies:
            if fn.sleutel not in uit[label][0]:
                problemen.append(CelProbleem(
                    f"de rij van functie '{fn.sleutel}' ({fn.naam}) van normenset {basis.label} "
                    f"ontbreekt: {RIJ_WEG}", blad=blad))
    return uit


def _bewerkte_normenset(basis: Normenset, taken: dict[str, dict], parameters: dict,
                        problemen: list[Probleem], opmerkingen: list[str]
                        ) -> tuple[Normenset | None, list[Wijziging]]:
    """The base with the workbook's edits (a validated new normenset, versie
    ``<versie>-excel``, afgeleid_van the base), or the base itself when nothing changed."""

    missend = [t for t in basis.taak_sleutels if t not in taken]
    if missend:
        problemen.append(CelProbleem(f"normenset {basis.label}: de taken " + ", ".join(missend)
                                     + " ontbreken (rij verwijderd?).", blad=BLAD_NORMEN))
        return None, []
    wijzigingen: list[Wijziging] = []
    nieuwe_taken = []
    for oud in basis.taken:
        t = taken[oud.sleutel]
        if any(t.get(v) is None for v in ("uren", "uren_laag", "uren_hoog")):
            return None, []  # reported while reading
        uren, laag, hoog = float(t["uren"]), float(t["uren_laag"]), float(t["uren_hoog"])
        for veld, waarde in (("uren", uren), ("uren_laag", laag), ("uren_hoog", hoog),
                             ("bron", t["bron"])):
            if waarde != getattr(oud, veld):
                cel = t["cel_bron"] if veld == "bron" else t["cel_uren"]
                wijzigingen.append(Wijziging(BLAD_NORMEN, cel, oud.sleutel, veld,
                                             getattr(oud, veld), waarde))
        laag, hoog = _verruim(oud.sleutel, uren, laag, hoog, opmerkingen)
        nieuwe_taken.append(replace(oud, uren=uren, uren_laag=laag, uren_hoog=hoog,
                                    bron=str(t["bron"])))
    nieuwe_parameters: dict[str, dict[str, float]] = {}
    for fn in basis.functies:
        for p, (waarde, cel) in parameters.get(fn.sleutel, {}).items():
            if not _gelijk(waarde, getattr(fn, p)):
                nieuwe_parameters.setdefault(fn.sleutel, {})[p] = waarde
                wijzigingen.append(Wijziging(BLAD_ORGANISATIE, cel, fn.sleutel, p,
                                             getattr(fn, p), waarde))
    if not wijzigingen:
        return basis, []
    nieuw = _afgeleide_set(basis, tuple(nieuwe_taken), nieuwe_parameters, BLAD_NORMEN,
                           problemen)
    return (nieuw, wijzigingen) if nieuw is not None else (None, [])
