"""Format 1 (fixed cell references, one normenset; read only): Invoer with one row per
gemeente, Normen with the taken and the organisation parameters by defined name."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..invoer_csv import InvoerTabel
from ..model import bereken
from ..normenset import (
    ORGANISATIE_PARAMETERS,
    ORGANISATIE_STANDAARD,
    Normenset,
    Taak,
)
from ..problemen import CelProbleem, InvoerFout, Probleem
from ..referentie import load_referentie
from .bezetting import _lees_bezetting
from .formaat import (
    BEREKENING_SLEUTELS,
    BLAD_BEREKENING,
    BLAD_INVOER,
    BLAD_NORMEN,
    BLAD_RESULTAAT,
    NAAM_NORMENSET,
    NAAM_NORMENSET_VERSIE,
    TAAK_KOLOMMEN_VERPLICHT,
    VERPLICHTE_BLADEN,
    parameter_naam,
)
from .gelezen import (
    Werkboek,
    WerkboekGroep,
    Wijziging,
    _zoek_in,
)
from .getalcellen import (
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
    _naam_cel,
)
from .sleutelcellen import (
    _gemeentecode,
    _kolomletter,
    _kort_tekst,
    _sleutelrij,
)
from .zelfcontrole import (
    _Zelfcontrole,
)


def _lees_formaat_1(wb: _Boek, normenset, bestand: str, herkomst: dict[str, str],
                    vergelijk_met: Normenset | None = None) -> Werkboek:
    """Format 1 (fixed cell references, one normenset): inputs as before, then the self-check
    is what catches a sorted sheet."""
    def stop(bericht: str) -> InvoerFout:
        return InvoerFout([Probleem(bericht)], bestand)

    bladen = wb.sheetnames
    cellen = {b: wb.cellen(b) for b in VERPLICHTE_BLADEN}
    naam_ns = herkomst.get(NAAM_NORMENSET, "")
    versie_ns = herkomst.get(NAAM_NORMENSET_VERSIE, "")
    opmerkingen: list[str] = []
    if not callable(normenset):
        normenset, vergelijk_met = _zoek_in((normenset,)), normenset
    basis = normenset(naam_ns, versie_ns)
    if basis is None and vergelijk_met is not None:
        basis = vergelijk_met
        opmerkingen.append(f"het werkboek is gemaakt met normenset '{naam_ns}' (versie "
                           f"{versie_ns}); vergeleken met {basis.label}.")
    if basis is None:
        raise stop(f"het werkboek is gemaakt met normenset '{naam_ns}' (versie {versie_ns}), "
                   "die hier niet bekend is. Geef die normenset mee (opdrachtregel: "
                   "--normen BESTAND.toml).")

    problemen: list[Probleem] = []
    invoer = _lees_invoer_blad(cellen[BLAD_INVOER], basis, problemen)
    normenset_nieuw, wijzigingen = _lees_normen_blad(wb, cellen, basis, problemen, opmerkingen)
    bezetting = (_lees_bezetting(wb.cellen(BLAD_RESULTAAT), basis, problemen)
                 if BLAD_RESULTAAT in bladen else {})
    if problemen:
        raise InvoerFout(problemen, bestand)
    assert invoer is not None and normenset_nieuw is not None
    resultaat = bereken(normenset_nieuw, invoer.volume, invoer.gemeentecodes)
    verwacht_fte = {(c, s): float(resultaat.fte[g, j])
                    for g, c in enumerate(invoer.gemeentecodes)
                    for j, s in enumerate(normenset_nieuw.functie_sleutels)}
    verwacht_fte.update({(c, "totaal"): float(resultaat.fte_totaal[g])
                         for g, c in enumerate(invoer.gemeentecodes)})
    verwacht_taak = {(c, t): float(resultaat.fte_taak[g, k])
                     for g, c in enumerate(invoer.gemeentecodes)
                     for k, t in enumerate(normenset_nieuw.taak_sleutels)}
    controle = _Zelfcontrole()
    controle.blad(wb, BLAD_RESULTAAT, ("gemeentecode",),
                  formules=lambda k: k.startswith(("fte_", "verschil_")),
                  vergelijk={f"fte_{s}": lambda x, s=s: verwacht_fte.get((x[0], s))
                             for s in (*normenset_nieuw.functie_sleutels, "totaal")})
    controle.blad(wb, BLAD_BEREKENING, ("gemeentecode", "taak"),
                  formules=lambda k: k in BEREKENING_SLEUTELS[5:],
                  vergelijk={"fte_taak": verwacht_taak.get})
    controle.klaar(bestand, opmerkingen)
    groep = WerkboekGroep(basis=basis, normenset=normenset_nieuw, invoer=invoer,
                          normwijzigingen=tuple(wijzigingen))
    return Werkboek(groepen=(groep,), herkomst=herkomst, opmerkingen=tuple(opmerkingen),
                    bezetting=bezetting, gecontroleerd=controle.gecontroleerd, formaat=1)



def _lees_invoer_blad(cellen: dict, n: Normenset, problemen: list[Probleem]
                      ) -> InvoerTabel | None:
    blad = BLAD_INVOER
    gevonden = _sleutelrij(cellen, "gemeentecode", blad, problemen)
    if gevonden is None:
        problemen.append(CelProbleem("de sleutelrij met 'gemeentecode' en de invoersleutels "
                                     "ontbreekt in de eerste vijf rijen.", blad=blad))
        return None
    sleutelrij, kolommen = gevonden
    ontbrekend = [s for s in n.invoer_sleutels if s not in kolommen]
    if ontbrekend:
        problemen.append(CelProbleem(
            f"de sleutelrij (rij {sleutelrij}) mist de invoerkolommen " + ", ".join(ontbrekend)
            + f" van normenset {n.label}.", sleutelrij, blad=blad))
        return None
    referentie = load_referentie()
    laatste_rij = max((r for r, _ in cellen), default=sleutelrij)
    kolom_code = kolommen["gemeentecode"]
    kolom_jaar = kolommen.get("jaar")
    codes: list[str] = []
    jaren: list[int | None] = []
    rijen: list[list[float]] = []
    regels: list[int] = []
    # gemeentecode → {jaar: row}. A row without a year stands for the workbook's year, so it
    # clashes with every other row of that gemeente; only two explicit, different years (a
    # multi-year CSV exported by the CLI) may share a gemeente.
    gezien: dict[str, dict[int | None, int]] = {}
    aantal_fouten = len(problemen)
    for rij in range(sleutelrij + 1, laatste_rij + 1):
        ruw_code = cellen.get((rij, kolom_code))
        waarden_ruw = [cellen.get((rij, kolommen[s])) for s in n.invoer_sleutels]
        if ruw_code is None and all(w is None for w in waarden_ruw):
            continue
        cel_code = f"{_kolomletter(kolom_code)}{rij}"
        if ruw_code is None:
            problemen.append(CelProbleem("de gemeentecode ontbreekt in een rij met invoer.", rij,
                                         "gemeentecode", blad, cel_code))
            continue
        code = _gemeentecode(ruw_code, referentie, blad, rij, cel_code, problemen)
        if code is None:
            continue
        jaar = None
        if kolom_jaar is not None:
            geldig, jaar = _jaarcel(cellen.get((rij, kolom_jaar)), blad, rij,
                                    f"{_kolomletter(kolom_jaar)}{rij}", problemen)
            if not geldig:
                continue
        eerder = gezien.setdefault(code, {})
        botsing = [r for j, r in eerder.items() if jaar is None or j is None or j == jaar]
        if botsing:
            problemen.append(CelProbleem(
                f"gemeente {code} ({referentie.naam(code)}) staat dubbel in het werkboek (ook in "
                f"rij {botsing[0]}).", rij, "gemeentecode", blad, cel_code))
            continue
        eerder[jaar] = rij
        waarden = [_invoercel(ruw, inv, blad, rij, kolommen[inv.sleutel], problemen)
                   for inv, ruw in zip(n.invoer, waarden_ruw, strict=True)]
        for controle in n.geschonden_controles(dict(zip(n.invoer_sleutels, waarden,
                                                        strict=True))):
            kolom = kolommen[controle.links]
            problemen.append(CelProbleem(controle.melding, rij, controle.links, blad,
                                         f"{_kolomletter(kolom)}{rij}"))
        waarden = [0.0 if w is None else w for w in waarden]
        codes.append(code)
        jaren.append(jaar)
        rijen.append(waarden)
        regels.append(rij)
    if not codes and len(problemen) == aantal_fouten:
        problemen.append(CelProbleem("het blad bevat geen gemeenten met invoer.", blad=blad))
    if len(problemen) > aantal_fouten:
        return None
    return InvoerTabel(
        gemeentecodes=tuple(codes), jaren=tuple(jaren),
        volume=np.array(rijen, dtype=float).reshape(len(codes), len(n.invoer)),
        regels=tuple(regels), extra={},
    )


def _lees_normen_blad(wb, cellen: dict, basis: Normenset, problemen: list[Probleem],
                      opmerkingen: list[str]) -> tuple[Normenset | None, list[Wijziging]]:

    blad = BLAD_NORMEN
    normcellen = cellen[blad]
    aantal_fouten = len(problemen)
    gevonden = _sleutelrij(normcellen, "taak", blad, problemen)
    if gevonden is None:
        problemen.append(CelProbleem("de sleutelrij met 'taak', 'uren' … ontbreekt in de eerste "
                                     "vijf rijen.", blad=blad))
        return None, []
    sleutelrij, kolommen = gevonden
    ontbrekend = [k for k in TAAK_KOLOMMEN_VERPLICHT if k not in kolommen]
    if ontbrekend:
        problemen.append(CelProbleem("de sleutelrij mist de kolommen " + ", ".join(ontbrekend)
                                     + ".", sleutelrij, blad=blad))
        return None, []
    wijzigingen: list[Wijziging] = []
    gelezen: dict[str, Taak] = {}
    # Taak rows run down to the organisation table's title ("Organisatie per functie"); a
    # blank row in between (inserted by hand) is skipped, not the end of the table.
    einde = min((r for (r, k), v in normcellen.items()
                 if k == 1 and r > sleutelrij and v == "Organisatie per functie"),
                default=max((r for r, _ in normcellen), default=sleutelrij) + 1)
    for rij in range(sleutelrij + 1, einde):
        ruw = normcellen.get((rij, kolommen["taak"]))
        if ruw is None:
            if any(normcellen.get((rij, kolommen[v])) is not None
                   for v in ("uren", "uren_laag", "uren_hoog")):
                problemen.append(CelProbleem("deze rij heeft uren maar geen taaksleutel.", rij,
                                             "taak", blad,
                                             f"{_kolomletter(kolommen['taak'])}{rij}"))
            continue
        sleutel = str(ruw).strip()
        cel = f"{_kolomletter(kolommen['taak'])}{rij}"
        if sleutel not in basis.taak_sleutels:
            problemen.append(CelProbleem(f"onbekende taak '{_kort_tekst(sleutel)}' (normenset "
                                         f"{basis.label}).", rij, "taak", blad, cel))
            continue
        if sleutel in gelezen:
            problemen.append(CelProbleem(f"taak '{sleutel}' staat dubbel.", rij, "taak", blad,
                                         cel))
            continue
        oud = basis.taak(sleutel)
        for veld in VASTE_TAAKVELDEN:
            _vast_taakveld(oud, veld, normcellen.get((rij, kolommen[veld])), blad, rij,
                           f"{_kolomletter(kolommen[veld])}{rij}", problemen)
        getallen = {}
        for veld in ("uren", "uren_laag", "uren_hoog"):
            kolom = kolommen[veld]
            waarde = _normcel(normcellen.get((rij, kolom)), veld, veld, f"taak '{sleutel}'", blad,
                              rij, kolom, problemen, oud=getattr(oud, veld))
            getallen[veld] = waarde
            if waarde is not None and waarde != getattr(oud, veld):
                wijzigingen.append(Wijziging(blad, f"{_kolomletter(kolom)}{rij}", sleutel, veld,
                                             getattr(oud, veld), waarde))
        bron = _broncel(normcellen.get((rij, kolommen["bron"])), oud.bron, blad, rij,
                        f"{_kolomletter(kolommen['bron'])}{rij}", problemen)
        if bron != oud.bron:
            wijzigingen.append(Wijziging(blad, f"{_kolomletter(kolommen['bron'])}{rij}", sleutel,
                                         "bron", oud.bron, bron))
        if None not in getallen.values():
            uren, laag, hoog = getallen["uren"], getallen["uren_laag"], getallen["uren_hoog"]
            laag, hoog = _verruim(sleutel, uren, laag, hoog, opmerkingen)
            gelezen[sleutel] = replace(oud, uren=uren, uren_laag=laag, uren_hoog=hoog, bron=bron)
    missend = [t for t in basis.taak_sleutels if t not in gelezen]
    if missend and len(problemen) == aantal_fouten:
        problemen.append(CelProbleem("de taken " + ", ".join(missend) + " ontbreken.",
                                     blad=blad))

    parameters: dict[str, dict[str, float]] = {}
    for fn in basis.functies:
        for p in ORGANISATIE_PARAMETERS:
            plaats = _naam_cel(wb, parameter_naam(fn.sleutel, p))
            if plaats is None and p in ORGANISATIE_STANDAARD:
                continue  # format 1 predates it: the base's value holds
            if plaats is None or plaats[0] != blad:
                problemen.append(CelProbleem(
                    f"de benoemde cel '{parameter_naam(fn.sleutel, p)}' (organisatie van functie "
                    f"'{fn.sleutel}') ontbreekt.", blad=blad))
                continue
            _, r, k = plaats
            cel = f"{_kolomletter(k)}{r}"
            oud = getattr(fn, p)
            waarde = _normcel(normcellen.get((r, k)), p, p, f"functie '{fn.sleutel}'", blad, r,
                              k, problemen, oud=oud)
            if waarde is None or waarde == oud:
                continue
            parameters.setdefault(fn.sleutel, {})[p] = waarde
            wijzigingen.append(Wijziging(blad, cel, fn.sleutel, p, oud, waarde))
    if len(problemen) > aantal_fouten:
        return None, []
    if not wijzigingen:
        return basis, []
    taken = tuple(gelezen[t] for t in basis.taak_sleutels)
    nieuw = _afgeleide_set(basis, taken, parameters, blad, problemen)
    return (nieuw, wijzigingen) if nieuw is not None else (None, [])


