"""Write the output of `formatie valideer` into README.md and docs/validatie.md (`make docs`).

The blocks between ``<!-- valideer:NAAM -->`` and ``<!-- /valideer:NAAM -->`` are generated;
tests/test_validatie.py fails when they differ from what the command prints now.
"""

from __future__ import annotations

import re
from pathlib import Path

from formatie.normenset_toml import NORMEN, load_normenset, standaard_normenset
from formatie.referentie import load_referentie
from formatie.validatie import als_tabel, valideer

ROOT = Path(__file__).resolve().parents[1]
#: file → block name → how the block is made
BLOKKEN = {
    "README.md": {"samenvatting": ("standaard", False)},
    "docs/validatie.md": {"standaard": ("standaard", True), "2026.2": ("2026.2", False)},
}


def uitslagen() -> dict:
    ref = load_referentie()
    return {"standaard": valideer(standaard_normenset(), ref),
            "2026.2": valideer(load_normenset(str(NORMEN / "standaard-2026-2.toml")), ref)}


def blok(naam: str, tekst: str) -> str:
    return f"<!-- valideer:{naam} -->\n{tekst}\n<!-- /valideer:{naam} -->"


def gezocht(naam: str) -> re.Pattern:
    return re.compile(rf"<!-- valideer:{re.escape(naam)} -->\n(?:.*?\n)?<!-- /valideer:"
                      rf"{re.escape(naam)} -->", re.S)


def verwacht() -> dict[str, dict[str, str]]:
    u = uitslagen()
    return {bestand: {naam: blok(naam, als_tabel(u[welke], volledig))
                      for naam, (welke, volledig) in blokken.items()}
            for bestand, blokken in BLOKKEN.items()}


def main() -> None:
    for bestand, blokken in verwacht().items():
        pad = ROOT / bestand
        tekst = pad.read_text(encoding="utf-8")
        for naam, nieuw in blokken.items():
            tekst, n = gezocht(naam).subn(lambda _m, nieuw=nieuw: nieuw, tekst)
            if n != 1:
                raise SystemExit(f"{bestand}: blok valideer:{naam} niet gevonden")
        pad.write_text(tekst, encoding="utf-8")
        print(f"bijgewerkt: {bestand}")


if __name__ == "__main__":
    main()
