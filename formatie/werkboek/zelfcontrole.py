"""The self-check: a workbook's stored results against the model on its own inputs."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..getallen import format_aantal, format_fte, format_telling
from ..model import bereken, regels_opgeteld
from ..normenset import (
    Normenset,
)
from ..problemen import CelProbleem, InvoerFout, Probleem
from ..referentie import load_referentie
from .formaat import (
    BEREKENING_2_SLEUTELS,
    BLAD_BEREKENING,
    BLAD_INVOER,
    BLAD_NORMEN,
    BLAD_ORGANISATIE,
    BLAD_RESULTAAT,
    BLAD_SAMENVATTING,
    INVOER_FORMULES,
    NORMEN_FORMULES,
    ORGANISATIE_FORMULES,
    REGEL_LEIDING,
    REGEL_MINIMUM,
    REGEL_TOTAAL_VAN,
    REGEL_VAST,
    SAMENVATTING_SLEUTELS,
    TOTAAL,
    TOTAAL_FUNCTIE,
    TOTAAL_REGEL,
    ZOEKSLEUTEL_DELEN,
    samenvatting_regels,
)
from .gelezen import (
    WerkboekGroep,
)
from .getalcellen import (
    _is_formule,
)
from .openen import (
    _Boek,
    _Formule,
)
from .sleutelcellen import (
    RIJ_WEG,
    _adres,
    _als_tekst,
    _kort_tekst,
    _rijsleutel,
    _sleutelrij,
    _tabel_rijen,
)


class _Zelfcontrole:
    """Collects what the self-check finds, cause first: a constant where a formula belongs (the
    cell named), a row missing or twice, then stored results that differ from the model.
    ``gecontroleerd`` ends True when stored values were present, compared and all agreed."""

    def __init__(self):
        self.oorzaken: list[Probleem] = []  # typed-over formulas, missing or double rows
        self.verschillen: list[Probleem] = []  # stored results unlike the model
        self.vergeleken = 0
        self.opmerkingen: list[str] = []

    def blad(self, wb: _Boek, blad: str, sleutels: tuple[str, ...], *,
             formules: Callable[[str], bool],
             vergelijk: dict[str, Callable[[tuple], float | None]] | None = None,
             rijen: dict[tuple, str] | None = None, rij_weg_is_fout: bool = True,
             teksten: dict[str, Callable[[tuple], set[str]]] | None = None,
             alleen_tabel: bool = False) -> None:
        """Walk the data rows of ``blad``, each identified by its key columns ``sleutels``
        (the first one finds the key row; a gemeentecode is normalised).

        ``formules``: the columns whose cells must hold formulas. ``vergelijk``: column →
        the model's figure for a row key (None: not compared). ``rijen``: every row key the
        sheet must have, with how to name it; one missing or twice is a cause (a notice only
        when not ``rij_weg_is_fout``). ``teksten``: column → the texts a formula there may
        show for a row key (labels computed from the keys). ``alleen_tabel``: lines without
        keys (text under the table) are not checked."""
        if blad not in wb.sheetnames:
            return
        cellen = wb.cellen(blad)
        gevonden = _sleutelrij(cellen, sleutels[0])
        if gevonden is None:
            return
        sleutelrij, kolommen = gevonden
        opgeslagen = wb.opgeslagen(blad) if vergelijk or teksten else {}
        if teksten is None:
            snel = _alles_klopt(cellen, opgeslagen, sleutelrij, kolommen, sleutels, formules,
                                vergelijk or {}, rijen is not None, alleen_tabel)
            if snel is not None:  # nothing to report: the rows' keys and the count
                gezien, aantal = snel
                self.vergeleken += aantal
                self._ontbrekend(blad, rijen, gezien, rij_weg_is_fout)
                return
        # something to report (or labels to check): row by row, in the sheet's order
        gezien: dict[tuple, int] = {}
        for rij, r in _tabel_rijen(cellen, sleutelrij, kolommen, tuple(kolommen)):
            sleutel = tuple(_rijsleutel(s, r.get(s)) for s in sleutels)
            if not any(sleutel):
                sleutel = None  # a line outside the table (the region line, a blank row)
            elif rijen is not None and sleutel in gezien:
                self.oorzaken.append(CelProbleem(
                    f"de rij van {rijen.get(sleutel, ' × '.join(sleutel))} staat dubbel (rij "
                    f"{gezien[sleutel]} en {rij}); verwijder de extra rij of download een "
                    "nieuw werkboek.", rij, blad=blad))
            else:
                gezien[sleutel] = rij
            for s, waarde in r.items():
                kolom = kolommen[s]
                if sleutel is None and alleen_tabel:
                    break
                if formules(s) and not _is_formule(waarde):
                    getypt = (format_aantal(waarde) if isinstance(waarde, int | float)
                              and not isinstance(waarde, bool) else _als_tekst(waarde))
                    self.oorzaken.append(Probleem(
                        f"{_adres(blad, kolom, rij)} hoort een formule te bevatten, maar bevat "
                        f"'{_kort_tekst(getypt)}': is een formule overschreven? "
                        "Zet de formule terug of download een nieuw werkboek."))
                    continue
                if sleutel is None or not _is_formule(waarde):
                    continue
                getoond = opgeslagen.get((rij, kolom))
                if teksten and s in teksten:
                    mag = teksten[s](sleutel)
                    if mag and isinstance(getoond, str) and getoond not in mag:
                        self.verschillen.append(Probleem(
                            f"{_adres(blad, kolom, rij)} toont '{_kort_tekst(getoond)}' in "
                            f"plaats van '{_kort_tekst(sorted(mag)[0])}': is een formule "
                            "overschreven?"))
                    continue
                if not vergelijk or s not in vergelijk:
                    continue
                model = vergelijk[s](sleutel)
                if model is None:
                    continue
                if isinstance(getoond, str) and getoond.startswith("#"):  # an error value
                    self.verschillen.append(Probleem(
                        f"{_adres(blad, kolom, rij)} toont {_kort_tekst(getoond)}, de invoer geeft "
                        f"{format_fte(model)} fte: is er een rij verwijderd of een formule "
                        "overschreven?"))
                    continue
                if getoond is None or isinstance(getoond, bool | str) \
                        or not isinstance(getoond, int | float):
                    continue  # no stored value (a program that does not keep them)
                self.vergeleken += 1
                if not abs(float(getoond) - model) <= 1e-9 * max(1.0, abs(model)):
                    self.verschillen.append(Probleem(
                        f"{_adres(blad, kolom, rij)} toont {format_fte(float(getoond))} fte, "
                        f"de invoer geeft {format_fte(model)} fte: is er gesorteerd of een formule "
                        "overschreven? Er is niets opgeslagen; download een nieuw werkboek of "
                        "herstel het blad."))
        self._ontbrekend(blad, rijen, gezien, rij_weg_is_fout)

    def _ontbrekend(self, blad: str, rijen: dict[tuple, str] | None, gezien: dict[tuple, int],
                    rij_weg_is_fout: bool) -> None:
        """Every row key of ``rijen`` not ``gezien``: a cause, or a notice."""
        for sleutel, naam in (rijen or {}).items():
            if sleutel not in gezien:
                if rij_weg_is_fout:
                    self.oorzaken.append(CelProbleem(f"de rij van {naam} ontbreekt: {RIJ_WEG}",
                                                     blad=blad))
                else:
                    self.opmerkingen.append(f"op het blad {blad} ontbreekt {naam} (verwijderd?)"
                                            "; de andere regels kloppen met de invoer.")

    @property
    def gecontroleerd(self) -> bool:
        return self.vergeleken > 0 and not self.oorzaken and not self.verschillen

    def klaar(self, bestand: str, opmerkingen: list[str]) -> None:
        """Raise the refusals — the causes named, the figures that follow from them counted —
        or note what could not be compared."""
        if self.oorzaken:
            gevolg = ([Probleem(f"Daardoor {'toont' if len(self.verschillen) == 1 else 'tonen'}"
                                f" {format_telling(len(self.verschillen))} "
                                f"{'cel' if len(self.verschillen) == 1 else 'cellen'} een andere "
                                "uitkomst dan de invoer geeft.")] if self.verschillen else [])
            raise InvoerFout(_beperk(self.oorzaken) + gevolg, bestand)
        if self.verschillen:
            raise InvoerFout(_beperk(self.verschillen), bestand)
        opmerkingen.extend(self.opmerkingen)
        if self.vergeleken == 0:
            opmerkingen.append(ONGECONTROLEERD)


def _alles_klopt(cellen: dict, opgeslagen: dict, sleutelrij: int, kolommen: dict[str, int],
                 sleutels: tuple[str, ...], formules: Callable[[str], bool],
                 vergelijk: dict[str, Callable[[tuple], float | None]], uniek: bool,
                 alleen_tabel: bool) -> tuple[dict[tuple, int], int] | None:
    """The self-check of one sheet by whole columns, for the usual case that it finds nothing:
    (every row key → its first row, the number of stored figures compared), or None as soon as
    anything is to be reported (a constant in a formula column, a row twice when ``uniek``,
    an error value, a figure unlike the model), after which :meth:`_Zelfcontrole.blad` walks
    the sheet row by row and words every finding in the sheet's order.

    The cells are sorted into columns once; each formula column is checked whole, and each
    compared column's stored figures are held against the model's as two arrays (the same
    tolerance as the row walk: 1e-9 relative, at least 1e-9)."""
    naar_sleutel = {k: s for s, k in kolommen.items()}
    per_kolom: dict[str, dict[int, object]] = {s: {} for s in kolommen}
    for (rij, kolom), waarde in cellen.items():
        if rij > sleutelrij and (s := naar_sleutel.get(kolom)) is not None:
            per_kolom[s][rij] = waarde
    rij_nummers = sorted(set().union(*(kolom.keys() for kolom in per_kolom.values())))
    sleutelkolommen = [(s, per_kolom.get(s, {})) for s in sleutels]
    gezien: dict[tuple, int] = {}
    per_rij: dict[int, tuple] = {}  # the rows with a key
    buiten: set[int] = set()  # rows without a key, left alone (alleen_tabel)
    for rij in rij_nummers:
        sleutel = tuple(_rijsleutel(s, kolom.get(rij)) for s, kolom in sleutelkolommen)
        if not any(sleutel):
            if alleen_tabel:
                buiten.add(rij)
            continue
        if sleutel in gezien:
            if uniek:
                return None
        else:
            gezien[sleutel] = rij
        per_rij[rij] = sleutel
    for s, kolom in per_kolom.items():
        if formules(s) and not all(isinstance(w, _Formule) for rij, w in kolom.items()
                                   if rij not in buiten):
            return None
    getoond: list[float] = []
    model: list[float] = []
    for s, figuur in vergelijk.items():
        k = kolommen.get(s)
        if k is None:
            continue
        for rij, waarde in per_kolom[s].items():
            sleutel = per_rij.get(rij)
            if sleutel is None or not isinstance(waarde, _Formule):
                continue
            verwacht = figuur(sleutel)
            if verwacht is None:
                continue
            opgeslagen_waarde = opgeslagen.get((rij, k))
            if isinstance(opgeslagen_waarde, str) and opgeslagen_waarde.startswith("#"):
                return None  # an error value
            if opgeslagen_waarde is None or isinstance(opgeslagen_waarde, bool) \
                    or not isinstance(opgeslagen_waarde, int | float):
                continue  # no stored value (a program that does not keep them)
            getoond.append(float(opgeslagen_waarde))
            model.append(verwacht)
    if getoond:
        a, b = np.array(getoond), np.array(model)
        if not np.all(np.abs(a - b) <= 1e-9 * np.maximum(1.0, np.abs(b))):
            return None
    return gezien, len(getoond)


def _beperk(problemen: list[Probleem]) -> list[Probleem]:
    """At most :data:`MAX_ZELFCONTROLE` problems, and how many more there are."""
    if len(problemen) <= MAX_ZELFCONTROLE:
        return problemen
    rest = len(problemen) - MAX_ZELFCONTROLE
    meer = Probleem(f"… en nog {format_telling(rest)} {'cel' if rest == 1 else 'cellen'}.")
    return [*problemen[:MAX_ZELFCONTROLE], meer]



MAX_ZELFCONTROLE = 20
#: The notice for a workbook saved without stored results.
ONGECONTROLEERD = ("het werkboek bevat geen opgeslagen uitkomsten (het is bewaard door een "
                   "programma dat die weglaat), dus het kon niet tegen zichzelf worden "
                   "gecontroleerd; de uitkomsten zijn opnieuw berekend uit de invoer.")



RESULTAAT_FORMULES = ("fte_", "scenario_", "verschil_", "taken_", "vast_", "leiding_",
                      "minimum_", "kosten_")


def _zelfcontrole_2(wb: _Boek, groepen: list[WerkboekGroep], verwacht: dict) -> _Zelfcontrole:
    """The self-check of a format-2 workbook: formulas where the writer put them on every sheet
    (a value typed over one is named as the cause), every gemeente's rows on Berekening and
    Resultaat and every line of Samenvatting present once, and every stored figure equal to
    the model on the workbook's own inputs (``verwacht``, see :func:`_verwachting`)."""
    referentie = load_referentie()
    normensets = [g.normenset for g in groepen]
    functies = {s for n in normensets for s in n.functie_sleutels}
    controle = _Zelfcontrole()
    # the input tables' rows are known by the key columns their zoeksleutel joins
    for blad, formules in ((BLAD_INVOER, INVOER_FORMULES), (BLAD_NORMEN, NORMEN_FORMULES),
                           (BLAD_ORGANISATIE, ORGANISATIE_FORMULES)):
        controle.blad(wb, blad, ZOEKSLEUTEL_DELEN[blad], formules=formules.__contains__)
    berekening, resultaat = {}, {}
    for groep in groepen:
        for code in groep.invoer.gemeentecodes:
            naam = f"gemeente {code} ({referentie.naam(code)})"
            resultaat[(code,)] = naam
            for t in groep.normenset.taak_sleutels:
                berekening[code, t] = f"{naam} en taak '{t}'"
    controle.blad(wb, BLAD_BEREKENING, ("gemeentecode", "taak"), rijen=berekening,
                  formules=lambda k: k in BEREKENING_2_SLEUTELS[6:],
                  vergelijk={f"{voor}fte_taak": lambda x, voor=voor: verwacht[f"{voor}taak"].get(x)
                             for voor in ("", "scenario_")})
    controle.blad(wb, BLAD_RESULTAAT, ("gemeentecode",), rijen=resultaat,
                  formules=lambda k: k.startswith(RESULTAAT_FORMULES),
                  vergelijk={f"{voor}fte_{s}": lambda x, voor=voor, s=s:
                             verwacht[f"{voor}fte"].get((x[0], s))
                             for voor in ("", "scenario_") for s in (*functies, "totaal")})
    functienamen = {f.sleutel: {f.naam} for n in normensets for f in n.functies}
    taaknamen: dict[str, set[str]] = {}
    for n in normensets:
        for t in n.taken:
            taaknamen.setdefault(t.sleutel, set()).add(t.naam)

    def functie_naam(x: tuple) -> set[str]:
        return {TOTAAL_FUNCTIE} if x[0] == TOTAAL else functienamen.get(x[0], set())

    def regel(x: tuple) -> set[str]:
        functie, soort, taak = x
        if soort == "fte":
            return ({TOTAAL_REGEL} if functie == TOTAAL
                    else {REGEL_TOTAAL_VAN + naam for naam in functienamen.get(functie, ())})
        return {"taak": taaknamen.get(taak, set()), "vast": {REGEL_VAST},
                "leiding": {REGEL_LEIDING}, "minimum": {REGEL_MINIMUM}}.get(soort, set())

    def beschrijf(x: tuple) -> str:
        label = sorted(regel(x))[0] if regel(x) else " · ".join(v for v in x if v)
        van = "" if x[1] == "fte" else f" van {sorted(functie_naam(x))[0]}"
        return f"de regel '{label}'{van}"

    regels = {x: beschrijf(x) for x in samenvatting_regels(normensets)}
    controle.blad(wb, BLAD_SAMENVATTING, ("functie", "soort", "taak"), rijen=regels,
                  rij_weg_is_fout=False, alleen_tabel=True,
                  formules=lambda k: k in SAMENVATTING_SLEUTELS[:4],
                  vergelijk={f"{voor}fte": lambda x, voor=voor:
                             verwacht[f"{voor}samenvatting"].get(x)
                             for voor in ("", "scenario_")},
                  teksten={"functie_naam": functie_naam, "regel": regel})
    return controle


def _verwachting(verwacht: dict, voor: str, n: Normenset, codes, volume: np.ndarray) -> None:
    """The model's figures for the self-check, keyed like the workbook's rows; Samenvatting's
    lines (:func:`formatie.model.regels_opgeteld`) summed over every group added so far."""
    res = bereken(n, volume, codes)
    verwacht.setdefault(f"{voor}resultaten", []).append(res)
    verwacht[f"{voor}samenvatting"] = regels_opgeteld(verwacht[f"{voor}resultaten"])
    for g, code in enumerate(codes):
        for j, s in enumerate(n.functie_sleutels):
            verwacht[f"{voor}fte"][code, s] = float(res.fte[g, j])
        verwacht[f"{voor}fte"][code, "totaal"] = float(res.fte_totaal[g])
        for k, t in enumerate(n.taak_sleutels):
            verwacht[f"{voor}taak"][code, t] = float(res.fte_taak[g, k])


