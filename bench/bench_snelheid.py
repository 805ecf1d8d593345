"""Benchmark: every speed goal of issue 23 against its floor, side by side in one run, and how
time and memory grow with gemeenten and draws.

    .venv/bin/python bench/bench_snelheid.py [--herhalingen 5] [--zonder-groei] [--web 10]

Goals, each measured as child processes interleaved with its floor, ``--herhalingen`` times
(this machine is shared: read the ratios, not the absolute times):

* start-up: ``formatie bereken --landelijk --formaat json`` / ``python -c "import numpy"``
  (goal ≤ 2);
* ranges: ``formatie bereken --landelijk --formaat json --onzekerheid`` (342 gemeenten, the
  one policy: 10.000 draws) / ``python -c "import numpy, scipy.stats"`` (goal ≤ 1,2) and its
  peak memory (goal ≤ 120 MiB);
* workbooks: export (``exporteer_werkboek``) and import (``lees_werkboek``: reading,
  validation and the self-check) of the national workbook, in seconds (goal ≤ 1,5 s each);
  median of the repeats, in a child process.

With ``--web N`` the same run then measures the pages (item 3) with ``bench/bench_web.py
--opslaan N``: the result page next to ``/health`` through gunicorn with the project's
configuration, and the first view of gevoeligheid, prognose and begroting after each of N saves.
So one command measures every goal of the issue.

Growth (``formatie.onzekerheid.bereik`` on the policy path, one child process per setting:
wall time of the call and the child's peak RSS): 1, 14 (MC21) and 342 gemeenten at 10.000
draws, and 1.000, 10.000 and 50.000 draws for 342 gemeenten (the policy's number of draws
set for the measurement). And the deterministic JSON answer (model, herkomst, encoding) for
1, 14 and 342 gemeenten.

Children keep their bytecode (``PYTHONDONTWRITEBYTECODE`` unset for them), like an installed
package. Medians are printed, with the spread (min–max) of the ratios. Not a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

PYTHON = sys.executable
FORMATIE = str(Path(PYTHON).parent / "formatie")
OMGEVING = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
# the growth children call the model directly: one BLAS thread, as the CLI sets for itself
GROEI_OMGEVING = {**OMGEVING, "OPENBLAS_NUM_THREADS": "1"}


def meet(cmd: list[str], omgeving: dict | None = None, uitvoer: bool = False
         ) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MiB, stdout if ``uitvoer``) of one child process. Output
    that is not needed is discarded, not kept: a child's peak RSS counts the parent's memory
    at the fork, so the parent stays small."""
    start = time.perf_counter()
    proces = subprocess.Popen(cmd, stdout=subprocess.PIPE if uitvoer else subprocess.DEVNULL,
                              stderr=subprocess.PIPE, env=omgeving or OMGEVING)
    uit = proces.stdout.read() if uitvoer else b""
    fout = proces.stderr.read()
    _, status, gebruik = os.wait4(proces.pid, 0)
    duur = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} faalde: {fout.decode()}")
    if uitvoer:
        proces.stdout.close()
    proces.stderr.close()
    return duur, gebruik.ru_maxrss / 1024, uit.decode()


WERKBOEK = r"""
import json, sys, time
from formatie.schatting import landelijke_invoer
from formatie.werkboek.schrijven import exporteer_werkboek
from formatie.normenset_toml import standaard_normenset
from formatie.werkboek.lezen import lees_werkboek
n = standaard_normenset()
invoer = landelijke_invoer(n)
exporteer_werkboek(n, invoer)  # warm: imports
start = time.perf_counter(); data = exporteer_werkboek(n, invoer)
export = time.perf_counter() - start
start = time.perf_counter(); lees_werkboek(data, n)
print(json.dumps({"export": export, "import": time.perf_counter() - start, "kb": len(data) / 1024}))
"""

GROEI = r"""
import json, resource, sys, time
import numpy as np
from formatie import onzekerheid
from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie
from formatie.schatting import geschatte_invoer
g, d = int(sys.argv[1]), int(sys.argv[2])
n, r = standaard_normenset(), load_referentie()
volume = geschatte_invoer(n, r)
codes = {1: ["0363"], 14: r.leden("MC21")}.get(g, list(r.gemeentecodes))
rijen = [r.index[c] for c in codes]
onzekerheid.TREKKINGEN = d  # the policy's number of draws, for this measurement only
voor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
b = onzekerheid.bereik(n, volume[rijen], gemeentecodes=tuple(codes),
                       regio_index=np.array([r.regio_per_gemeente[i] for i in rijen]))
duur = time.perf_counter() - start
print(json.dumps({"tijd": duur, "voor": voor,
                  "piek": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

JSON_GROEI = r"""
import json, sys, time
from formatie import herkomst as hk
from formatie.model import bereken
from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie
from formatie.schatting import geschatte_invoer
from formatie.uitvoer import als_json, resultaat_als_dict
n, r = standaard_normenset(), load_referentie()
volume = geschatte_invoer(n, r)
uit = {}
for g in (1, 14, 342):
    codes = {1: ["0363"], 14: r.leden("MC21")}.get(g, list(r.gemeentecodes))
    rijen = [r.index[c] for c in codes]
    tijden = []
    for _ in range(7):
        start = time.perf_counter()
        res = bereken(n, volume[rijen], tuple(codes))
        d = resultaat_als_dict(res, r)
        h = hk.Herkomst(hk.SCHATTING, hk.schattingsversie(n.label))
        hk.voeg_herkomst_toe(d["gemeenten"], [res], dict.fromkeys(codes, dict.fromkeys(
            n.invoer_sleutels, h)))
        als_json(d)
        tijden.append(time.perf_counter() - start)
    uit[g] = sorted(tijden)[3]
print(json.dumps(uit))
"""


def verhouding(run: list, vloer: list) -> tuple[float, float, float]:
    """Median ratio of the medians, and the spread of the pairwise ratios (same round)."""
    paren = [a[0] / b[0] for a, b in zip(run, vloer, strict=True)]
    return (statistics.median(a[0] for a in run) / statistics.median(b[0] for b in vloer),
            min(paren), max(paren))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--herhalingen", type=int, default=5)
    p.add_argument("--zonder-groei", action="store_true")
    p.add_argument("--web", type=int, metavar="N",
                   help="also the pages (bench_web.py), with N saves")
    args = p.parse_args()
    numpy = [PYTHON, "-c", "import numpy"]
    scipy = [PYTHON, "-c", "import numpy, scipy.stats"]
    bereken = [FORMATIE, "bereken", "--landelijk", "--formaat", "json"]
    bereik = [*bereken, "--onzekerheid"]
    werkboek = [PYTHON, "-c", WERKBOEK]
    for cmd in (numpy, scipy, bereken, bereik):  # warm the file cache and the bytecode
        meet(cmd)
    rondes: dict[str, list] = {k: [] for k in ("numpy", "bereken", "scipy", "bereik", "boek")}
    for _ in range(args.herhalingen):  # interleaved: every measurement sees the same load
        rondes["numpy"].append(meet(numpy))
        rondes["bereken"].append(meet(bereken))
        rondes["scipy"].append(meet(scipy))
        rondes["bereik"].append(meet(bereik))
        rondes["boek"].append(json.loads(meet(werkboek, uitvoer=True)[2]))
    med = {k: statistics.median(x[0] for x in v) for k, v in rondes.items() if k != "boek"}
    mem = {k: statistics.median(x[1] for x in v) for k, v in rondes.items() if k != "boek"}
    r1, r1_min, r1_max = verhouding(rondes["bereken"], rondes["numpy"])
    r2, r2_min, r2_max = verhouding(rondes["bereik"], rondes["scipy"])
    export = statistics.median(b["export"] for b in rondes["boek"])
    invoer = statistics.median(b["import"] for b in rondes["boek"])
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f} at the end; {date.today():%d-%m-%Y}; "
          f"median of {args.herhalingen}")
    print("| goal | run | floor | ratio (spread) | target |")
    print("|---|---|---|---|---|")
    print(f"| start-up: bereken --landelijk --formaat json | {med['bereken'] * 1e3:.0f} ms | "
          f"import numpy {med['numpy'] * 1e3:.0f} ms | {r1:.2f} × ({r1_min:.2f}–{r1_max:.2f}) "
          "| ≤ 2 × |")
    print(f"| ranges: … --onzekerheid (10.000 draws) | {med['bereik'] * 1e3:.0f} ms | "
          f"import numpy, scipy.stats {med['scipy'] * 1e3:.0f} ms | {r2:.2f} × "
          f"({r2_min:.2f}–{r2_max:.2f}) | ≤ 1,2 × |")
    print(f"| ranges: peak memory | {mem['bereik']:.0f} MiB | {mem['scipy']:.0f} MiB | "
          f"{mem['bereik'] / mem['scipy']:.2f} × | ≤ 120 MiB |")
    print(f"| national workbook export ({rondes['boek'][0]['kb']:.0f} KB) | {export:.2f} s | "
          "| | ≤ 1,5 s |")
    print(f"| national workbook import (with self-check) | {invoer:.2f} s | | | ≤ 1,5 s |")
    if args.web:
        print("\nPages (bench/bench_web.py, goals: result page ≥ 0,5 × /health with p95 ≤ 50 ms; "
              "gevoeligheid and prognose ≤ 200 ms after a save)")
        print(meet([PYTHON, str(Path(__file__).parent / "bench_web.py"), "--opslaan",
                    str(args.web)], uitvoer=True)[2], end="")
    if args.zonder_groei:
        return
    print("\nGrowth of the ranges (policy path, one child each: time of bereik, peak RSS, "
          "RSS before the call)")
    print("| gemeenten | draws | time | peak RSS | before |")
    print("|---|---|---|---|---|")
    for g, d in ((1, 10_000), (14, 10_000), (342, 1_000), (342, 10_000), (342, 50_000)):
        uit = [json.loads(meet([PYTHON, "-c", GROEI, str(g), str(d)], GROEI_OMGEVING, True)[2])
               for _ in range(3)]
        tijd = statistics.median(u["tijd"] for u in uit)
        print(f"| {g} | {d:,} | {tijd * 1e3:.0f} ms | "
              f"{statistics.median(u['piek'] for u in uit):.0f} MiB | "
              f"{statistics.median(u['voor'] for u in uit):.0f} MiB |".replace(",", "."))
    groei = json.loads(meet([PYTHON, "-c", JSON_GROEI], GROEI_OMGEVING, True)[2])
    print("\nDeterministic JSON answer (model, herkomst, encoding), median of 7: "
          + ", ".join(f"{g} gemeenten {t * 1e3:.1f} ms" for g, t in groei.items()))


if __name__ == "__main__":
    main()
