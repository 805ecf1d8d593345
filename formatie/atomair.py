"""Writing a file completely or not at all: the CLI's output files and the kept data of
:mod:`formatie.gegevenscache` share this one way of doing it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def schrijf_atomair(pad: Path, schrijf: Callable[[BinaryIO], object]) -> None:
    """Write ``pad`` through ``schrijf(f)`` into a new file beside it, then rename that into
    place: a reader finds the old file or the whole new one, never half of it.

    The new file is created with mode 0666, which the kernel narrows by the umask: the normal
    permissions of any file the user writes (``tempfile.mkstemp`` would make it 0600, and
    reading the umask means setting it, which is not safe beside other threads). Raises what
    creating, writing or renaming raises, with the new file removed.
    """
    tijdelijk = pad.with_name(f".{pad.name}.{os.getpid()}.{os.urandom(6).hex()}")
    fd = os.open(tijdelijk, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            schrijf(f)
        os.replace(tijdelijk, pad)
    except BaseException:
        tijdelijk.unlink(missing_ok=True)
        raise
