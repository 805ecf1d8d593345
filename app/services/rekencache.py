"""Computed figures cached per content hash of their inputs, shared between the workers.

Results, ranges, gevoeligheid and prognose are pure functions of (inputs, normenset, policy):
:func:`gecached` keys them by a SHA-256 over exactly those inputs (:func:`vingerafdruk`: the
normenset's text, the volumes, bezetting, years …) plus :data:`CODEVERSIE`, a hash of the
code that computes them (the model, the uncertainty policy, these services and the chart
geometry). A save changes the inputs, so the next page asks for another key: nothing is ever
invalidated by hand and nothing stale can be shown. A changed deploy changes the code
version, so no pickled object of an older code is read.

Two levels: a small per-process LRU (no database round trip on a reload) in front of the
``rekencache`` table (:class:`app.models.RekencacheRij`), which every gunicorn worker (and
every server on the same database) shares. A value is a pickle signed with HMAC-SHA256 under
the app's SECRET_KEY; a row whose signature does not match (written by someone without the
key, or under another key) is ignored and never unpickled. The cache never decides a figure:
when the table is missing or unreachable the value is computed as without it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import pickle
import secrets
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import numpy as np
from flask import current_app
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from formatie.normenset import Normenset
from formatie.onzekerheid import vergeet

from ..extensions import db
from ..models import RekencacheRij, utcnow

T = TypeVar("T")
log = logging.getLogger(__name__)

_ROOT = Path(__file__).resolve().parents[2]


def _codeversie() -> str:
    """A hash of everything that computes or lays out a cached value: the model with its data
    files, these services, the chart geometry, the models and the templates (a cached page
    fragment)."""
    h = hashlib.sha256()
    bestanden = sorted(
        [pad for pad in (_ROOT / "formatie").rglob("*")
         if pad.is_file() and "__pycache__" not in pad.parts]
        + [*(_ROOT / "app" / "services").glob("*.py"), _ROOT / "app" / "grafieken.py",
           _ROOT / "app" / "models.py", _ROOT / "app" / "filters.py",
           *(_ROOT / "templates").rglob("*.html")])
    for pad in bestanden:
        h.update(str(pad.relative_to(_ROOT)).encode())
        h.update(pad.read_bytes())
    return h.hexdigest()


#: Hash of the code behind every cached value (see :func:`_codeversie`).
CODEVERSIE = _codeversie()

#: Entries kept per process (a reload of a page needs no database round trip); a rendered
#: result page is ~100 KB, so at most ~25 MB per worker.
PROCES_MAX = 256
#: Rows not used for this long are pruned from the table; and never more than MAX_RIJEN rows.
BEWAARTIJD = timedelta(days=30)
MAX_RIJEN = 5000
#: A row's gebruikt_op is refreshed at most this often (a read is not a write each time).
AANRAKEN = timedelta(days=1)
_OPRUIMEN_ELKE = 100  # inserts per process between prunings

_PROCES: OrderedDict[str, object] = OrderedDict()
_SLOT = threading.Lock()
_NIEUW = [0]
_ZOUT = [""]  # see leeg_cache
_BEZIG: dict[str, threading.Event] = {}  # keys being computed in this process
#: Seconds a request waits for another thread computing the same value.
WACHTTIJD = 30.0


def _voeg_toe(h, deel) -> None:
    """Feed ``deel`` into hash ``h`` unambiguously (type tag, length, content)."""
    if deel is None:
        h.update(b"N")
    elif isinstance(deel, bool):
        h.update(b"B1" if deel else b"B0")
    elif isinstance(deel, int | float | np.integer | np.floating):
        h.update(b"F" + repr(float(deel)).encode() if isinstance(deel, float | np.floating)
                 else b"I" + str(int(deel)).encode())
        h.update(b";")
    elif isinstance(deel, str):
        b = deel.encode()
        h.update(b"S%d:" % len(b) + b)
    elif isinstance(deel, bytes):
        h.update(b"Y%d:" % len(deel) + deel)
    elif isinstance(deel, np.ndarray):
        a = np.ascontiguousarray(deel)
        h.update(f"A{a.dtype.str}{a.shape}:".encode() + a.tobytes())
    elif isinstance(deel, Normenset):
        # The stored text says everything about a stored normenset; a derived one (a
        # scenario's) is described by its full repr (every field, floats exactly).
        _voeg_toe(h, ("normenset", deel.label, deel.bron_tekst or repr(deel)))
    elif isinstance(deel, dict):
        _voeg_toe(h, tuple(sorted((str(k), v) for k, v in deel.items())))
    elif isinstance(deel, tuple | list):
        h.update(b"(%d:" % len(deel))
        for d in deel:
            _voeg_toe(h, d)
        h.update(b")")
    else:
        raise TypeError(f"no fingerprint for {type(deel).__name__}")


def vingerafdruk(soort: str, *delen) -> str:
    """The cache key of a value of kind ``soort`` computed from ``delen`` (str, numbers,
    None, bytes, numpy arrays, normensets, and tuples, lists and dicts of those)."""
    h = hashlib.sha256()
    _voeg_toe(h, (CODEVERSIE, _ZOUT[0], soort, *delen))
    return h.hexdigest()


def _sleutel_geheim() -> bytes:
    return str(current_app.config["SECRET_KEY"]).encode()


def _verpak(waarde: object) -> bytes:
    """Signature (32 bytes) + the compressed pickle (a rendered page is ~100 KB of HTML, ~10 KB
    compressed)."""
    data = zlib.compress(pickle.dumps(waarde, protocol=pickle.HIGHEST_PROTOCOL), 1)
    return hmac.new(_sleutel_geheim(), data, hashlib.sha256).digest() + data


def _pak_uit(blob: bytes) -> object | None:
    """The value, or None when the signature does not match (never unpickled then)."""
    handtekening, data = blob[:32], blob[32:]
    if not hmac.compare_digest(handtekening,
                               hmac.new(_sleutel_geheim(), data, hashlib.sha256).digest()):
        return None
    return pickle.loads(zlib.decompress(data))  # noqa: S301 (signed with the app's SECRET_KEY above)


def _in_proces(sleutel: str, waarde: object) -> None:
    with _SLOT:
        _PROCES[sleutel] = waarde
        _PROCES.move_to_end(sleutel)
        while len(_PROCES) > PROCES_MAX:
            _PROCES.popitem(last=False)


#: A row being computed by some worker (claimed by :func:`_claim`): no value yet.
BEZET = b""
#: Seconds between two looks at a row another worker is computing.
KIJKEN_ELKE = 0.02


def _lees(sleutel: str) -> tuple[str, object | None]:
    """("ok", value), ("bezet", since when) while some worker computes it, ("ongeldig", None)
    for a row whose signature does not match, or ("leeg", None)."""
    nu = utcnow()
    with db.engine.begin() as conn:
        rij = conn.execute(select(RekencacheRij.waarde, RekencacheRij.gebruikt_op)
                           .where(RekencacheRij.sleutel == sleutel)).first()
        if rij is None:
            return "leeg", None
        gebruikt = rij.gebruikt_op
        gebruikt = gebruikt.replace(tzinfo=nu.tzinfo) if gebruikt is not None else None
        if bytes(rij.waarde) == BEZET:
            return "bezet", gebruikt
        waarde = _pak_uit(bytes(rij.waarde))
        if waarde is None:
            return "ongeldig", None
        if gebruikt is None or gebruikt < nu - AANRAKEN:
            conn.execute(update(RekencacheRij).where(RekencacheRij.sleutel == sleutel)
                         .values(gebruikt_op=nu))
        return "ok", waarde


def _claim(sleutel: str) -> bool:
    """Mark ``sleutel`` as being computed here; False when another worker was first."""
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(RekencacheRij).values(sleutel=sleutel, waarde=BEZET,
                                                      gebruikt_op=utcnow()))
    except IntegrityError:
        return False
    return True


def _schrijf(sleutel: str, waarde: object, *, bestaat: bool) -> None:
    """Store ``waarde``: over the row (our claim, or a row with a wrong signature) when
    ``bestaat``, else as a new row (another worker's equal value may have come first)."""
    try:
        with db.engine.begin() as conn:
            if bestaat:
                conn.execute(update(RekencacheRij).where(RekencacheRij.sleutel == sleutel)
                             .values(waarde=_verpak(waarde), gebruikt_op=utcnow()))
            else:
                conn.execute(insert(RekencacheRij).values(
                    sleutel=sleutel, waarde=_verpak(waarde), gebruikt_op=utcnow()))
    except IntegrityError:
        return  # another worker stored the same value first
    _NIEUW[0] += 1
    if _NIEUW[0] % _OPRUIMEN_ELKE == 0:
        ruim_op()


def _laat_los(sleutel: str) -> None:
    """Drop our claim (the computation failed): another request computes it."""
    with db.engine.begin() as conn:
        conn.execute(delete(RekencacheRij).where(RekencacheRij.sleutel == sleutel,
                                                 RekencacheRij.waarde == BEZET))


def ruim_op() -> None:
    """Drop rows unused for :data:`BEWAARTIJD`, and the least recently used beyond
    :data:`MAX_RIJEN`."""
    with db.engine.begin() as conn:
        conn.execute(delete(RekencacheRij).where(RekencacheRij.gebruikt_op
                                                 < utcnow() - BEWAARTIJD))
        teveel = conn.execute(select(func.count()).select_from(RekencacheRij)).scalar() \
            - MAX_RIJEN
        if teveel > 0:
            oudste = select(RekencacheRij.sleutel).order_by(
                RekencacheRij.gebruikt_op).limit(teveel).scalar_subquery()
            conn.execute(delete(RekencacheRij).where(RekencacheRij.sleutel.in_(oudste)))


def gecached(sleutel: str, maak: Callable[[], T]) -> T:
    """The value under ``sleutel`` (:func:`vingerafdruk`): from this process, else from the
    shared table, else ``maak()`` (stored in both). While another thread of this process
    computes the same key (a page right after the save that set it computing), this one
    waits for that value instead of computing it twice. Exceptions of ``maak`` pass
    unchanged and nothing is stored."""
    with _SLOT:
        if sleutel in _PROCES:
            _PROCES.move_to_end(sleutel)
            return _PROCES[sleutel]  # type: ignore[return-value]
        bezig = _BEZIG.get(sleutel)
        if bezig is None:
            _BEZIG[sleutel] = threading.Event()
    if bezig is not None:
        bezig.wait(WACHTTIJD)
        with _SLOT:
            if sleutel in _PROCES:
                return _PROCES[sleutel]  # type: ignore[return-value]
        return _haal(sleutel, maak)  # the other thread failed or took too long
    try:
        return _haal(sleutel, maak)
    finally:
        with _SLOT:
            _BEZIG.pop(sleutel).set()


def _haal(sleutel: str, maak: Callable[[], T]) -> T:
    """The shared table's value, or wait while another worker computes it (its claim), or
    claim it and compute it here. Any database trouble: computed as without a cache."""
    try:
        gevonden, waarde, geclaimd, bestaat = _uit_tabel(sleutel)
    except (SQLAlchemyError, pickle.UnpicklingError, AttributeError, ImportError) as fout:
        log.warning("rekencache: lezen mislukt (%s); opnieuw berekend", fout)
        gevonden, waarde, geclaimd, bestaat = False, None, False, False
    if not gevonden:
        try:
            waarde = maak()
        except BaseException:
            if geclaimd:
                _laat_los(sleutel)
            raise
        try:
            _schrijf(sleutel, waarde, bestaat=bestaat)
        except SQLAlchemyError as fout:
            log.warning("rekencache: bewaren mislukt (%s)", fout)
    _in_proces(sleutel, waarde)
    return waarde  # type: ignore[return-value]


def _uit_tabel(sleutel: str) -> tuple[bool, object | None, bool, bool]:
    """(found, the value, whether this request claimed the key, whether a row exists to
    write over). A claim older than :data:`WACHTTIJD` (a worker that stopped) is ignored."""
    toestand, waarde = _lees(sleutel)
    if toestand == "ok":
        return True, waarde, False, True
    if toestand == "leeg" and _claim(sleutel):
        return False, None, True, True
    # another worker computes it: look again until its value is there
    eind = time.monotonic() + WACHTTIJD
    while toestand != "ongeldig" and time.monotonic() < eind:
        if toestand == "bezet" and waarde is not None and waarde < utcnow() - timedelta(
                seconds=WACHTTIJD):
            break  # an abandoned claim
        time.sleep(KIJKEN_ELKE)
        toestand, waarde = _lees(sleutel)
        if toestand == "ok":
            return True, waarde, False, True
        if toestand == "leeg":  # its computation failed and let go
            return False, None, _claim(sleutel), True
    return False, None, False, True  # compute here too and write over the row


def leeg_proces_cache() -> None:
    """Forget this process's entries only (as a newly started worker has none): the next
    request reads the shared table."""
    with _SLOT:
        _PROCES.clear()


def leeg_cache() -> None:
    """Compute everything afresh in this process from now on (benchmarks measure the cold
    page, tests a fresh computation): its entries are dropped and its keys get a new salt, so
    the table's rows are not found either (they stay until pruned), and the model's own
    memo of ranges and norm draws (:func:`formatie.onzekerheid.vergeet`) is emptied. Needs no
    app context."""
    with _SLOT:
        _PROCES.clear()
        _ZOUT[0] = secrets.token_hex(8)
    vergeet()
