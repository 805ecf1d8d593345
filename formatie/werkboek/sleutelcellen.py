"""Key cells, shared by both readers: the key row, a row's key, gemeentecodes, cell
addresses, and what a missing row is told."""

from __future__ import annotations

from ..invoer_csv import normaliseer_gemeentecode
from ..problemen import CelProbleem, Probleem


def _kolomletter(kolom: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while kolom:
        kolom, rest = divmod(kolom - 1, 26)
        letters = chr(65 + rest) + letters
    return letters



def _adres(blad: str, kolom: int, rij: int) -> str:
    """"Blad!C12" (made only for a message: a national self-check walks 300.000 cells)."""
    return f"{blad}!{_kolomletter(kolom)}{rij}"



def _kort_tekst(waarde, n: int = 40) -> str:
    tekst = str(waarde)
    return tekst if len(tekst) <= n else tekst[: n - 1] + "…"



def _sleutelrij(cellen: dict, verplicht: str, blad: str | None = None,
                problemen: list[Probleem] | None = None
                ) -> tuple[int, dict[str, int]] | None:
    """The row (within the first five) holding key ``verplicht``: (row, {key: column}).

    A key that stands twice in that row is a problem (which column would count?), appended to
    ``problemen`` when given."""
    bovenaan = sorted((rk, v) for rk, v in cellen.items() if rk[0] <= 5)
    for rij in range(1, 6):
        sleutels: dict[str, int] = {}
        dubbel: dict[str, list[int]] = {}
        for (r, k), v in bovenaan:
            if r != rij or not isinstance(v, str):
                continue
            sleutel = v.strip()
            if sleutel in sleutels:
                dubbel.setdefault(sleutel, [sleutels[sleutel]]).append(k)
            else:
                sleutels[sleutel] = k
        if verplicht in sleutels:
            if problemen is not None:
                for sleutel, kolommen in dubbel.items():
                    problemen.append(CelProbleem(
                        f"de sleutel '{_kort_tekst(sleutel)}' staat meer dan eens in de "
                        "sleutelrij (kolommen " + ", ".join(_kolomletter(k) for k in kolommen)
                        + "); welke kolom telt is dan niet duidelijk. Verwijder de extra kolom.",
                        rij, sleutel, blad, f"{_kolomletter(kolommen[-1])}{rij}"))
            return rij, sleutels
    return None



def _rijsleutel(sleutel: str, waarde) -> str:
    """A key cell as text; a gemeentecode normalised ("363" → "0363")."""
    if waarde is None:
        return ""
    if sleutel == "gemeentecode":
        return normaliseer_gemeentecode(_als_tekst(waarde)) or _als_tekst(waarde).strip()
    return _als_tekst(waarde).strip()


#: What a missing row is told, after which row it is.
RIJ_WEG = ("is de rij verwijderd? Zet de rij terug (Ongedaan maken) of download een nieuw "
           "werkboek en neem uw wijzigingen daarin over.")
#: Most self-check refusals listed (a sorted sheet breaks every row).

def _als_tekst(waarde) -> str:
    if isinstance(waarde, float) and waarde.is_integer():
        return str(int(waarde))
    return str(waarde)



def _tabel_rijen(cellen: dict, sleutelrij: int, kolommen: dict[str, int], sleutels):
    """(row, {key: raw value}) for every data row with any cell in the key columns filled."""
    rijen: dict[int, dict[str, object]] = {}
    omgekeerd = {k: s for s, k in kolommen.items() if s in sleutels}
    for (rij, kolom), waarde in cellen.items():
        if rij > sleutelrij and kolom in omgekeerd:
            rijen.setdefault(rij, {})[omgekeerd[kolom]] = waarde
    return sorted(rijen.items())



def _gemeentecode(ruw, referentie, blad: str, rij: int, cel: str,
                  problemen: list[Probleem]) -> str | None:
    """A gemeentecode cell (text, or a number that Excel made of "0363") as a known code of
    the indeling, or a problem naming the cell (and None)."""
    tekst = (str(int(ruw)) if isinstance(ruw, int | float) and not isinstance(ruw, bool)
             and float(ruw).is_integer() else str(ruw))
    code = normaliseer_gemeentecode(tekst)
    if code is None or code not in referentie.index:
        problemen.append(CelProbleem(
            f"onbekende gemeentecode '{_kort_tekst(tekst)}' (verwacht 4 cijfers uit de "
            "gemeentelijke indeling, bijvoorbeeld 0363).", rij, "gemeentecode", blad, cel))
        return None
    return code


