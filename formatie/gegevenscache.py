"""The shipped data parsed once per version of the package, kept beside its bytecode.

Parsing the shipped files (the default normenset's TOML, the CBS/DUO CSV files, the estimation
model with its Dutch derivation texts) took about 70 ms at every start of the CLI: more than
the national calculation itself (issue 23, start-up). :func:`bewaard` keeps each parsed object
as a pickle and reads it back in a millisecond.

- **Where**: ``formatie/__pycache__/``, the directory Python keeps this package's bytecode in,
  under the same rule: written when that directory is writable and ``sys.dont_write_bytecode``
  is not set, never required (a read-only install parses every time). The pickle carries the
  same trust as the bytecode next to it: whoever can write one can write the other.
- **Key**: the path, size and modification time of every file of the package (code and
  data), the rule Python uses for its bytecode; kept whole in the file (4 KB) and compared
  whole, so no two versions can share a key (and no hash library loads at start-up). A
  changed data file or a changed parser gives another key, and the object is parsed again
  and the file replaced. One file per object, so old versions do not pile up.
- **Never wrong, at worst slow**: a file that is missing, truncated, of another key or not a
  pickle of ours is ignored and rewritten (atomically: a temporary file and a rename, so a
  parallel process reads the old or the new file, never half of one).
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from .atomair import schrijf_atomair

T = TypeVar("T")

#: The package whose files make the key.
PAKKET = Path(__file__).parent
#: Where the pickles are kept (Python's bytecode directory of the package).
MAP = PAKKET / "__pycache__"


@lru_cache(maxsize=4)
def versiesleutel(pakket: Path = PAKKET) -> str:
    """The relative path, size and mtime (ns) of every file under ``pakket`` except the bytecode
    directories, a line each in a fixed order, after the versions of Python and numpy (whose
    objects the pickles hold): once per process, under 1 ms for the package."""
    import numpy

    regels = [f"python {sys.version}", f"numpy {numpy.__version__}"]
    for map_, mappen, bestanden in os.walk(pakket):
        mappen[:] = sorted(m for m in mappen if m != "__pycache__")
        for naam in sorted(bestanden):
            pad = os.path.join(map_, naam)
            st = os.stat(pad)
            regels.append(f"{os.path.relpath(pad, pakket)}\0{st.st_size}\0{st.st_mtime_ns}")
    return "\n".join(regels)


def bewaard(naam: str, maak: Callable[[], T], *, map_: Path = MAP,
            sleutel: str | None = None) -> T:
    """``maak()``, kept in ``map_/<naam>.gegevens.pickle`` under :func:`versiesleutel` (or
    ``sleutel``): read back when the key matches, made and written otherwise."""
    sleutel = versiesleutel() if sleutel is None else sleutel
    pad = map_ / f"{naam}.gegevens.pickle"
    try:
        with pad.open("rb") as f:
            bewaarde_sleutel, waarde = pickle.load(f)  # noqa: S301 — our own file, see above
        if bewaarde_sleutel == sleutel:
            return waarde
    except Exception:  # noqa: S110 — any unreadable cache file is parsed again, see above
        pass
    waarde = maak()
    if not sys.dont_write_bytecode:
        _schrijf(pad, (sleutel, waarde))
    return waarde


def _schrijf(pad: Path, inhoud: tuple) -> None:
    """Write ``inhoud`` as a pickle to ``pad`` atomically; silently not where that cannot be."""
    try:
        pad.parent.mkdir(exist_ok=True)
        schrijf_atomair(pad, lambda f: pickle.dump(inhoud, f, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # a read-only place, a full disk or an unpicklable object: not kept
        return
