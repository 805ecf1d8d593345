"""Editing a workbook in LibreOffice as a manager does — through the Python-UNO bridge (Debian
python3-uno, in the system Python, not the venv): unprotect, delete and insert rows, sort a
range, type over a cell, recalculate, save as .xlsx, .ods or PDF. Shared by the workbook tests
(tests/test_excel_libreoffice.py, tests/web/test_werkboek_libreoffice.py).

One step is a list: ``["ontgrendel"]`` (every sheet), ``["verwijder", blad, rij, n]`` and
``["voeg_in", blad, rij, n]`` (rows, 1-based ``rij``), ``["sorteer", blad, "A6:G40", kolom,
oplopend]`` (``kolom`` 0-based within the range), ``["zet", "Blad!C7", getal]``,
``["herbereken"]``. Saving: ``[(pad, filter)]`` with the filters in :data:`FILTERS`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
FILTERS = {".xlsx": "Calc Office Open XML", ".ods": "calc8", ".pdf": "calc_pdf_Export"}

SCRIPT = r"""
import json, subprocess, sys, time, uuid
import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.table import TableSortField


def eigenschap(naam, waarde):
    p = PropertyValue()
    p.Name, p.Value = naam, waarde
    return p


opdracht = json.loads(sys.argv[1])
naam = "formatie" + uuid.uuid4().hex[:8]
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
    else:
        raise SystemExit("LibreOffice did not answer on its UNO pipe")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(opdracht["pad"]), "_blank", 0,
                                       (eigenschap("Hidden", True),))
    bladen = doc.Sheets
    for stap in opdracht["stappen"]:
        soort = stap[0]
        if soort == "ontgrendel":
            for blad in bladen.ElementNames:
                bladen.getByName(blad).unprotect("")
        elif soort == "verwijder":
            bladen.getByName(stap[1]).Rows.removeByIndex(stap[2] - 1, stap[3])
        elif soort == "voeg_in":
            bladen.getByName(stap[1]).Rows.insertByIndex(stap[2] - 1, stap[3])
        elif soort == "sorteer":
            bereik = bladen.getByName(stap[1]).getCellRangeByName(stap[2])
            veld = TableSortField()
            veld.Field, veld.IsAscending = stap[3], stap[4]
            velden = uno.Any("[]com.sun.star.table.TableSortField", (veld,))
            uno.invoke(bereik, "sort", ((eigenschap("SortFields", velden),
                                          eigenschap("ContainsHeader", False)),))
        elif soort == "zet":
            blad, cel = stap[1].split("!")
            bladen.getByName(blad).getCellRangeByName(cel).setValue(stap[2])
        elif soort == "herbereken":
            doc.calculateAll()
        else:
            raise SystemExit("unknown step " + soort)
    for pad, filter_ in opdracht["opslaan"]:
        doc.storeToURL(uno.systemPathToFileUrl(pad), (eigenschap("FilterName", filter_),))
    doc.close(True)
finally:
    if desktop is not None:
        try:
            desktop.terminate()
        except Exception:
            pass
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
"""


@cache
def python_met_uno() -> str | None:
    """A Python that imports ``uno`` (the system one on Debian), or None."""
    for kandidaat in ("/usr/bin/python3", shutil.which("python3")):
        if kandidaat and subprocess.run([kandidaat, "-c", "import uno"], capture_output=True,
                                        check=False).returncode == 0:
            return kandidaat
    return None


def bewerk(pad: Path, stappen: list, *uit: Path, profiel: Path) -> None:
    """Open ``pad`` in LibreOffice (profile directory ``profiel``), do ``stappen`` and save
    to each of ``uit`` (the format from its suffix). Raises AssertionError with LibreOffice's
    output when it fails."""
    python = python_met_uno()
    assert python is not None and SOFFICE is not None
    opdracht = {"soffice": SOFFICE, "profiel": profiel.as_uri(), "pad": str(pad),
                "stappen": stappen,
                "opslaan": [(str(p), FILTERS[p.suffix]) for p in uit]}
    proces = subprocess.run([python, "-c", SCRIPT, json.dumps(opdracht)], capture_output=True,
                            text=True, timeout=300, check=False)
    assert proces.returncode == 0 and all(p.exists() for p in uit), proces.stderr[-2000:]
