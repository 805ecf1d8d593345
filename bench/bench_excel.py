"""Benchmark: scenario workbook export (XlsxWriter) and import (openpyxl) time and file size,
and LibreOffice opening the national workbook with and without recalculation.

Sets: one gemeente, the largest regions (MC37 Zuidoost-Brabant, 21 gemeenten; MC21 Agglomeratie
Amsterdam, 14), a synthetic set of 35 gemeenten (MC21 + MC37: no region has 25 or more) and all
342 — default normenset, volumes estimated from CBS/DUO. Median of N runs; the machine is shared,
so read the figures as orders of magnitude.

LibreOffice: the national workbook (what ``formatie exporteer --landelijk`` writes) loaded in one
headless LibreOffice through the Python-UNO bridge (Debian python3-uno), alternately with
recalculation on load set to "never" (the stored values are shown) and "always" (every formula
computed), after one warm-up load; then once more after sorting Invoer by gemeente name (the
binary search of Berekening then falls back to an exact match through every row).

    .venv/bin/python bench/bench_excel.py [--repeat N] [--lo-repeat N] [--zonder-libreoffice]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from formatie.invoer_csv import InvoerTabel
from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie
from formatie.schatting import landelijke_invoer
from formatie.werkboek.lezen import lees_werkboek
from formatie.werkboek.schrijven import exporteer_werkboek

UNO = r"""
import json, subprocess, sys, time, uuid
import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.table import TableSortField


def eigenschap(naam, waarde):
    p = PropertyValue()
    p.Name, p.Value = naam, waarde
    return p


opdracht = json.loads(sys.argv[1])
naam = "bench" + uuid.uuid4().hex[:8]
proc = subprocess.Popen([opdracht["soffice"], "-env:UserInstallation=" + opdracht["profiel"],
                         "--headless", "--invisible", "--norestore", "--nologo",
                         "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % naam],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
desktop = None
try:
    lokaal = uno.getComponentContext()
    resolver = lokaal.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", lokaal)
    for _ in range(600):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % naam)
            break
        except Exception:
            time.sleep(0.1)
    smgr = ctx.ServiceManager
    desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    config = smgr.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", ctx)
    laden = config.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess",
        (eigenschap("nodepath", "/org.openoffice.Office.Calc/Formula/Load"),))
    url = uno.systemPathToFileUrl(opdracht["pad"])

    def open_(modus):  # 0 = always recalculate, 1 = never
        laden.setPropertyValue("OOXMLRecalcMode", modus)
        laden.commitChanges()
        start = time.perf_counter()
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (eigenschap("Hidden", True),))
        return doc, time.perf_counter() - start

    doc, _ = open_(1)  # warm-up
    doc.close(True)
    uit = {"zonder": [], "met": []}
    for _ in range(opdracht["herhaal"]):
        for soort, modus in (("zonder", 1), ("met", 0)):
            doc, duur = open_(modus)
            uit[soort].append(duur)
            doc.close(True)
    doc, _ = open_(1)
    blad = doc.Sheets.getByName("Invoer")
    blad.unprotect("")
    gebruikt = blad.createCursor()
    gebruikt.gotoEndOfUsedArea(False)
    laatste = gebruikt.RangeAddress.EndRow + 1
    bereik = blad.getCellRangeByName("A4:L%d" % laatste)
    veld = TableSortField()
    veld.Field, veld.IsAscending = 1, True
    velden = uno.Any("[]com.sun.star.table.TableSortField", (veld,))
    start = time.perf_counter()
    uno.invoke(bereik, "sort", ((eigenschap("SortFields", velden),
                                  eigenschap("ContainsHeader", False)),))
    doc.calculateAll()
    uit["na_sorteren"] = time.perf_counter() - start
    doc.close(True)
    print(json.dumps(uit))
finally:
    if desktop is not None:
        try:
            desktop.terminate()
        except Exception:
            pass
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
"""


def tijd(functie, herhaal: int) -> tuple[float, object]:
    tijden, uit = [], None
    for _ in range(herhaal):
        start = time.perf_counter()
        uit = functie()
        tijden.append(time.perf_counter() - start)
    return statistics.median(tijden), uit


def libreoffice(data: bytes, herhaal: int) -> dict | None:
    """Seconds LibreOffice takes to open ``data`` without and with recalculation (lists), and
    to sort Invoer and recalculate; None when LibreOffice or the UNO bridge is missing."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    python = next((p for p in ("/usr/bin/python3", shutil.which("python3")) if p and
                   subprocess.run([p, "-c", "import uno"], capture_output=True,
                                  check=False).returncode == 0), None)
    if soffice is None or python is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        pad = Path(tmp) / "landelijk.xlsx"
        pad.write_bytes(data)
        opdracht = {"soffice": soffice, "profiel": (Path(tmp) / "profiel").as_uri(),
                    "pad": str(pad), "herhaal": herhaal}
        proces = subprocess.run([python, "-c", UNO, json.dumps(opdracht)], capture_output=True,
                                text=True, timeout=3600, check=True)
    return json.loads(proces.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--lo-repeat", type=int, default=3)
    parser.add_argument("--zonder-libreoffice", action="store_true")
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
    landelijk = b""
    for naam, invoer in sets:
        herhaal = args.repeat if len(invoer.gemeentecodes) < 100 else max(1, args.repeat // 2)
        t_export, data = tijd(lambda invoer=invoer: exporteer_werkboek(n, invoer), herhaal)
        t_import, _ = tijd(lambda data=data: lees_werkboek(data, n), herhaal)
        print(f"{naam:<30} {len(invoer.gemeentecodes):>9} {t_export:>9.3f} "
              f"{len(data) / 1024:>7.0f} {t_import:>9.3f}")
        landelijk = data
    if args.zonder_libreoffice:
        return
    lo = libreoffice(landelijk, args.lo_repeat)
    if lo is None:
        print("LibreOffice: niet gemeten (soffice of python3-uno ontbreekt)")
        return
    zonder, met = statistics.median(lo["zonder"]), statistics.median(lo["met"])
    print(f"\nLibreOffice opent het landelijke werkboek (mediaan van {args.lo_repeat}, "
          "om en om):")
    print(f"  zonder herberekenen {zonder:6.2f} s   {' '.join(f'{x:.2f}' for x in lo['zonder'])}")
    print(f"  met herberekenen    {met:6.2f} s   {' '.join(f'{x:.2f}' for x in lo['met'])}")
    print(f"  verhouding          {met / zonder:6.2f} ×")
    print(f"  Invoer sorteren en herberekenen: {lo['na_sorteren']:.2f} s")


if __name__ == "__main__":
    main()
