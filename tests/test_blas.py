"""One BLAS thread in every process that runs the model (formatie/__init__.py): the same range
from a process that loaded numpy before the package with threads allowed (a web worker, a
test run) as from the CLI. A threaded matrix product adds in another order; on this machine's
OpenBLAS that moved P90 of a gemeente in the 7th digit."""

from __future__ import annotations

import json
import os
import subprocess
import sys

BEREIK = r"""
import json, sys
import numpy as np  # before the package, as a web worker or pytest does
import threadpoolctl
from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie
from formatie.schatting import geschatte_invoer
from formatie import onzekerheid
n, r = standaard_normenset(), load_referentie()
v = np.nan_to_num(geschatte_invoer(n, r))
rijen = [r.index[c] for c in ("0200", "0363", "1680")]
b = onzekerheid.bereik(n, v[rijen], gemeentecodes=("0200", "0363", "1680"))
print(json.dumps({"draden": sorted({i["num_threads"] for i in threadpoolctl.threadpool_info()
                                     if i["user_api"] == "blas"}),
                  "p": b.fte_totaal.tolist()}))
"""


def _bereik(draden: str) -> dict:
    uit = subprocess.run([sys.executable, "-c", BEREIK], capture_output=True, text=True,
                         check=True, env={**os.environ, "OPENBLAS_NUM_THREADS": draden})
    return json.loads(uit.stdout)


def test_every_blas_runs_one_thread_and_the_range_does_not_depend_on_the_setting():
    twee, een = _bereik("2"), _bereik("1")
    assert twee["draden"] == een["draden"] == [1]
    assert twee["p"] == een["p"]
