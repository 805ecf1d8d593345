"""Benchmark: the national calculation (342 gemeenten, default normenset).

Prints the median time of the model call itself (in-process) and of the whole
`formatie calculate --landelijk --format json` process next to a bare `python -c "import numpy"`,
measured interleaved in one run (this machine is shared and noisy: compare ratios, not absolutes).

    .venv/bin/python bench/bench_national.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from formatie.model import bereken
from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie
from formatie.schatting import geschatte_invoer

FORMATIE = str(Path(sys.executable).parent / "formatie")


def tijd(functie, herhaal: int) -> float:
    tijden = []
    for _ in range(herhaal):
        start = time.perf_counter()
        functie()
        tijden.append(time.perf_counter() - start)
    return statistics.median(tijden)


def proces(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=7)
    args = p.parse_args()
    n = standaard_normenset()
    ref = load_referentie()
    volume = geschatte_invoer(n, ref)
    model = tijd(lambda: bereken(n, volume, ref.gemeentecodes), 200)
    cli, vloer = [], []
    for _ in range(args.repeat):  # interleaved, so both see the same machine load
        vloer.append(proces([sys.executable, "-c", "import numpy"]))
        cli.append(proces([FORMATIE, "calculate", "--landelijk", "--format", "json"]))
    cli_m, vloer_m = statistics.median(cli), statistics.median(vloer)
    print(f"gemeenten: {volume.shape[0]}, invoer: {volume.shape[1]}, taken: {len(n.taken)}")
    print(f"model (bereken, in-process), median of 200: {model * 1e3:.3f} ms")
    print(f"CLI process calculate --landelijk --format json, median of {args.repeat}: "
          f"{cli_m * 1e3:.0f} ms")
    print(f"python -c 'import numpy', median of {args.repeat}: {vloer_m * 1e3:.0f} ms")
    print(f"ratio CLI / import floor: {cli_m / vloer_m:.2f}")


if __name__ == "__main__":
    main()
