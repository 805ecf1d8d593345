"""Benchmark: scenario workbook export (XlsxWriter) and import (openpyxl) time and file size.

Sets: one gemeente, the largest regions (MC37 Zuidoost-Brabant, 21 gemeenten; MC21 Agglomeratie
Amsterdam, 14), a synthetic set of 35 gemeenten (MC21 + MC37: no region has 25 or more) and all
342 — default normenset, volumes estimated from CBS/DUO. Median of N runs; the machine is shared,
so read the figures as orders of magnitude.

    .venv/bin/python bench/bench_excel.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time

from formatie.cli import landelijke_invoer
from formatie.excel import exporteer_werkboek
from formatie.invoer_csv import InvoerTabel
from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie
from formatie.werkboek_lezen import lees_werkboek


def tijd(functie, herhaal: int) -> tuple[float, object]:
    tijden, uit = [], None
    for _ in range(herhaal):
        start = time.perf_counter()
        uit = functie()
        tijden.append(time.perf_counter() - start)
    return statistics.median(tijden), uit


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n = standaard_normenset()
    referentie = load_referentie()
    alles = landelijke_invoer(n)

    def deel(codes: list[str]) -> InvoerTabel:
        rijen = [alles.gemeentecodes.index(c) for c in codes]
        return InvoerTabel(tuple(codes), (None,) * len(codes), alles.volume[rijen])

    sets = [
        ("1 gemeente (0363 Amsterdam)", deel(["0363"])),
        ("MC21 Agglomeratie Amsterdam", deel(referentie.leden("MC21"))),
        ("MC37 Zuidoost-Brabant", deel(referentie.leden("MC37"))),
        ("MC21 + MC37 (synthetisch)", deel(referentie.leden("MC21") + referentie.leden("MC37"))),
        ("alle gemeenten", alles),
    ]
    exporteer_werkboek(n, sets[0][1])  # warm up imports
    print(f"{'set':<30} {'gemeenten':>9} {'export s':>9} {'KB':>7} {'import s':>9}")
    for naam, invoer in sets:
        herhaal = args.repeat if len(invoer.gemeentecodes) < 100 else max(1, args.repeat // 2)
        t_export, data = tijd(lambda invoer=invoer: exporteer_werkboek(n, invoer), herhaal)
        t_import, _ = tijd(lambda data=data: lees_werkboek(data, n), herhaal)
        print(f"{naam:<30} {len(invoer.gemeentecodes):>9} {t_export:>9.3f} "
              f"{len(data) / 1024:>7.0f} {t_import:>9.3f}")


if __name__ == "__main__":
    main()
