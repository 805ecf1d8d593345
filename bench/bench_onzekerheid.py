"""Benchmark: a national run with ranges as a whole CLI process, next to the import floor.

    .venv/bin/python bench/bench_onzekerheid.py [--herhalingen 5]

Runs, interleaved and each ``--herhalingen`` times:

* the floor: ``python -c "import numpy, scipy.stats"``;
* the run: ``formatie calculate --landelijk --format json --onzekerheid`` (342 gemeenten,
  default normenset, the one policy: 10.000 draws that follow from the inputs), output
  discarded.

Wall time per process (``time.perf_counter`` around the child) and peak memory (the child's
``ru_maxrss`` from ``os.wait4``). Prints the medians and the ratios run/floor; the target is
≤ 1,5 for both.

Then, in-process, the model work behind one gemeente's result page with ranges (10.000 draws,
the draws kept for the chart and the coverage sentence, plus the tornado): median and p95 over
50 runs (target p95 ≤ 50 ms for the whole page; rendering is the web layer's).
Not a timed test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PYTHON = sys.executable
FORMATIE = str(Path(PYTHON).parent / "formatie")


def meet(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one child process."""
    start = time.perf_counter()
    proces = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, gebruik = os.wait4(proces.pid, 0)
    duur = time.perf_counter() - start
    proces.returncode = os.waitstatus_to_exitcode(status)
    if proces.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} faalde: {proces.stderr.read().decode()}")
    proces.stderr.close()
    return duur, gebruik.ru_maxrss / 1024  # Linux: KB


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--herhalingen", type=int, default=5)
    args = p.parse_args()
    vloer_cmd = [PYTHON, "-c", "import numpy, scipy.stats"]
    run_cmd = [FORMATIE, "calculate", "--landelijk", "--format", "json", "--onzekerheid"]
    meet(vloer_cmd)  # warm the file cache
    meet(run_cmd)
    vloer, run = [], []
    for _ in range(args.herhalingen):
        vloer.append(meet(vloer_cmd))
        run.append(meet(run_cmd))
    v_tijd = statistics.median(t for t, _ in vloer)
    v_mem = statistics.median(m for _, m in vloer)
    r_tijd = statistics.median(t for t, _ in run)
    r_mem = statistics.median(m for _, m in run)
    print(f"import numpy, scipy.stats : {v_tijd:6.3f} s  {v_mem:6.1f} MB (mediaan van "
          f"{args.herhalingen})")
    print(f"landelijk, 10.000 trekkingen: {r_tijd:6.3f} s  {r_mem:6.1f} MB")
    print(f"verhouding tijd   : {r_tijd / v_tijd:.2f} × (doel ≤ 1,5)")
    print(f"verhouding geheugen: {r_mem / v_mem:.2f} × (doel ≤ 1,5)")
    pagina()


def pagina(herhalingen: int = 50) -> None:
    import numpy as np

    from formatie.gevoeligheid import tornado
    from formatie.normenset_toml import standaard_normenset
    from formatie.onzekerheid import bereik, dekkingszin
    from formatie.referentie import load_referentie
    from formatie.schatting import geschatte_invoer

    n = standaard_normenset()
    r = load_referentie()
    g = r.index["0363"]
    volume = geschatte_invoer(n, r)[[g]]
    tijden = []
    for _ in range(herhalingen + 3):
        start = time.perf_counter()
        b = bereik(n, volume, gemeentecodes=("0363",), bewaar_trekkingen=True)
        dekkingszin(float(b.fte_totaal[2, 0]), b.trekkingen_totaal(0))
        np.histogram(b.trekkingen_totaal(0), bins=30)
        tornado(n, volume).top(10)
        tijden.append(time.perf_counter() - start)
    tijden = np.array(tijden[3:]) * 1000
    print(f"één gemeente (Amsterdam), 10.000 trekkingen + tornado: mediaan "
          f"{np.median(tijden):.1f} ms, p95 {np.percentile(tijden, 95):.1f} ms (doel p95 ≤ 50 ms)")


if __name__ == "__main__":
    main()
