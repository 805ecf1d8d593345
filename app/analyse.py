"""Planning under uncertainty in the web app (issue 5): ranges, sensitivity, forecast,
benchmark and calibration. Every figure comes from ``formatie`` (:mod:`formatie.onzekerheid`,
:mod:`formatie.gevoeligheid`, :mod:`formatie.prognose`, :mod:`formatie.kalibratie`); this
module loads stored figures, validates, calls the model and lays out charts.

Pages: ``/gemeente/<code>/<jaar>/gevoeligheid`` (tornado), ``…/historie-invoer`` (figures of
the five years before ``jaar``), ``…/prognose`` (trend + FTE for the next years) and
``/kalibratie`` (beheerder; regio for its own gemeenten). The result page and the region page
get their ranges from :func:`resultaat_bereik` and :func:`regio_bereik`.

History is stored as :class:`~app.models.Invoer` rows of the earlier years (status concept
unless they were submitted), so a year's submitted figures and its history are one record.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField, RadioField
from wtforms.fields.choices import SelectChoice

from formatie.getallen import GetalFout, format_getal, format_invoer, parse_getal
from formatie.gevoeligheid import tornado
from formatie.invoer_csv import read_invoer_csv
from formatie.model import bereken
from formatie.normenset import Normenset, afgeleide_versie, normenset_als_toml
from formatie.normenset_toml import parse_normenset
from formatie.onzekerheid import PERCENTIEL_NAMEN, Bereik, bereik, dekkingszin
from formatie.problemen import InvoerFout, Probleem
from formatie.prognose import MIN_JAREN, prognose_reeksen
from formatie.taal import aantal_woord

from .access import EERSTE_JAAR, check_jaar, get_gemeente_or_404, mag_gemeente, rol_vereist
from .berekening import ontbrekend, volume_matrix
from .extensions import db
from .grafieken import bereik_grafiek, histogram, lijn_grafiek, strip_grafiek, tornado_grafiek
from .models import CONCEPT, INGEDIEND, AuditEntry, Gemeente, Invoer, utcnow
from .models import Normenset as NormensetRij
from .normensets import actieve_rij, als_normenset
from .opslaan import als_tekst, huidige_invoer, normenset_label

bp = Blueprint("analyse", __name__)

HISTORIE_JAREN = 5
HORIZON = 3
TORNADO_TOP = 10


def seed_voor(*delen: object) -> int:
    """A stable seed from e.g. gemeentecode, jaar: only for the forecast's own prediction
    interval (:func:`formatie.prognose.prognose_reeksen`); ranges of FTE follow the one policy
    of :mod:`formatie.onzekerheid` and take no seed."""
    tekst = "\x1f".join(str(d) for d in delen)
    return int.from_bytes(hashlib.sha256(tekst.encode()).digest()[:8], "big")


# =============================================================================================
# Ranges on the result page and the region page
# =============================================================================================


@dataclass(frozen=True)
class Bereikweergave:
    """Everything the result page shows about ranges."""

    rijen: list[dict]  # label, centraal, p10 … p90, bezetting (None if unknown)
    grafiek: object
    histogram: object
    zin: str
    zin_bron: str  # "bezetting" or "p80"
    trekkingen: int


def _weergave(bereik_: Bereik, labels: list[str], centraal: np.ndarray, p: np.ndarray,
              centraal_totaal: float, p_totaal: np.ndarray, trekkingen_totaal: np.ndarray,
              bezetting: list[float | None]) -> Bereikweergave:
    rijen = []
    for f, label in enumerate(labels):
        rijen.append({"label": label, "centraal": float(centraal[f]),
                      **dict(zip(PERCENTIEL_NAMEN, p[:, f].tolist(), strict=True)),
                      "bezetting": bezetting[f]})
    bezet_totaal = (float(sum(bezetting)) if bezetting and None not in bezetting else None)
    rijen.append({"label": "Totaal", "centraal": float(centraal_totaal),
                  **dict(zip(PERCENTIEL_NAMEN, p_totaal.tolist(), strict=True)),
                  "bezetting": bezet_totaal})
    totaal = rijen[-1]
    if bezet_totaal is not None:
        zin, bron = dekkingszin(bezet_totaal, trekkingen_totaal), "bezetting"
    else:
        zin, bron = dekkingszin(totaal["p80"], trekkingen_totaal), "p80"
    lijnen = [("P10", totaal["p10"], "markering--p"), ("P50", totaal["p50"], "markering--p"),
              ("P80", totaal["p80"], "markering--p80"), ("P90", totaal["p90"], "markering--p")]
    if bezet_totaal is not None:
        lijnen.append(("bezetting", bezet_totaal, "markering--bezetting"))
    return Bereikweergave(rijen, bereik_grafiek(rijen), histogram(trekkingen_totaal, lijnen),
                          zin, bron, bereik_.trekkingen)


def bereken_bereik(normenset: Normenset, volume: np.ndarray, codes: tuple[str, ...],
                   **kwargs) -> Bereik:
    """:func:`formatie.onzekerheid.bereik` on its one policy (no seed: the draws follow from
    the inputs, so every page shows the same P-values for the same figures)."""
    return bereik(normenset, volume, gemeentecodes=codes, bewaar_trekkingen=True, **kwargs)


# Ranges are a pure function of (normenset, volumes, codes, bezetting): a reload of the
# same page reuses them (per process, least recently used out). Same numbers either way.
_CACHE: OrderedDict[tuple, Bereikweergave] = OrderedDict()
_CACHE_MAX = 256
_CACHE_LOCK = threading.Lock()


def _gecached(sleutel: tuple, maak) -> Bereikweergave:
    with _CACHE_LOCK:
        if sleutel in _CACHE:
            _CACHE.move_to_end(sleutel)
            return _CACHE[sleutel]
    waarde = maak()
    with _CACHE_LOCK:
        _CACHE[sleutel] = waarde
        while len(_CACHE) > _CACHE_MAX:
            _CACHE.popitem(last=False)
    return waarde


def leeg_cache() -> None:
    """Forget cached ranges (benchmarks measure the cold page with it)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def _cache_sleutel(normenset: Normenset, volume: np.ndarray, bezetting, *rest) -> tuple:
    tekst = normenset.bron_tekst if normenset.bron_tekst is not None else id(normenset)
    return (normenset.label, tekst, volume.tobytes(), tuple(bezetting), *rest)


def resultaat_bereik(invoer: Invoer, normenset: Normenset) -> Bereikweergave:
    """Ranges of one gemeente's stored invoer."""
    volume = volume_matrix([invoer], normenset)
    bezetting = [(invoer.bezetting or {}).get(f) for f in normenset.functie_sleutels]

    def maak() -> Bereikweergave:
        b = bereken_bereik(normenset, volume, (invoer.gemeente_code,))
        return _weergave(b, [f.naam for f in normenset.functies], b.centraal[0], b.fte[:, 0, :],
                         float(b.centraal_totaal[0]), b.fte_totaal[:, 0],
                         b.trekkingen_totaal(0), bezetting)

    return _gecached(_cache_sleutel(normenset, volume, bezetting, invoer.gemeente_code), maak)


def regio_bereik(regio_code: str, jaar: int, leden: list[Invoer],
                 normenset: Normenset) -> Bereikweergave:
    """Range of a region's total over ``leden`` (complete invoer, one normenset): one norm draw
    for all gemeenten (``regio_index``), so the region's range is not falsely narrow."""
    codes = tuple(i.gemeente_code for i in leden)
    volume = volume_matrix(leden, normenset)
    bezetting: list[float | None] = []
    for f in normenset.functie_sleutels:
        waarden = [(i.bezetting or {}).get(f) for i in leden]
        bezetting.append(None if None in waarden else float(sum(waarden)))

    def maak() -> Bereikweergave:
        b = bereken_bereik(normenset, volume, codes, regio_index=[regio_code] * len(codes))
        return _weergave(b, [f.naam for f in normenset.functies], b.regio_centraal[0],
                         b.regio_fte[:, 0, :], float(b.regio_centraal[0].sum()),
                         b.regio_totaal[:, 0], b.trekkingen_totaal(None), bezetting)

    return _gecached(_cache_sleutel(normenset, volume, bezetting, regio_code, *codes), maak)


def json_met_bereik(uit: dict, invoer: Invoer, normenset: Normenset) -> dict:
    """Add ranges to resultaat.json the way ``formatie calculate --onzekerheid`` does."""
    from formatie.onzekerheid import voeg_bereik_toe

    voeg_bereik_toe(uit, normenset, volume_matrix([invoer], normenset))
    return uit


# =============================================================================================
# Sensitivity
# =============================================================================================


def _volledige_invoer(code: str, jaar: int):
    """(gemeente, invoer, normenset row, normenset) or a 'no result' page."""
    gemeente = get_gemeente_or_404(code)
    check_jaar(jaar)
    invoer = huidige_invoer(gemeente, jaar)
    rij = invoer.normenset if invoer and invoer.normenset else actieve_rij()
    normenset = als_normenset(rij)
    return gemeente, invoer, rij, normenset


def tornado_van(invoer: Invoer, normenset: Normenset, functie: str | None = None):
    return tornado(normenset, volume_matrix([invoer], normenset),
                   gemeentecodes=(invoer.gemeente_code,), functie=functie)


@bp.route("/gemeente/<code>/<int:jaar>/gevoeligheid")
@login_required
def gevoeligheid(code: str, jaar: int):
    gemeente, invoer, rij, normenset = _volledige_invoer(code, jaar)
    functie = request.args.get("functie") or None
    if functie is not None and functie not in normenset.functie_sleutels:
        abort(404)
    missend = ontbrekend(invoer, normenset)
    context = {"gemeente": gemeente, "jaar": jaar, "invoer": invoer, "normenset": normenset,
               "normenset_rij": rij, "functie": functie, "t": None,
               "missend": [normenset.invoer_by_sleutel(s).naam for s in missend]}
    if invoer is not None and not missend:
        t = tornado_van(invoer, normenset, functie)
        context.update(t=t, rijen=t.top(TORNADO_TOP), grafiek=tornado_grafiek(t, TORNADO_TOP))
    return render_template("analyse/gevoeligheid.html", **context)


# =============================================================================================
# History (earlier years) and forecast
# =============================================================================================


def historie_jaren(jaar: int) -> list[int]:
    return list(range(jaar - HISTORIE_JAREN, jaar))


def invoerbare_historie_jaren(jaar: int) -> list[int]:
    """The earlier years the history form offers: only years check_jaar accepts (a row for
    an earlier year could not be opened anywhere)."""
    return [j for j in historie_jaren(jaar) if j >= EERSTE_JAAR]


def _rijen_per_jaar(gemeente: Gemeente, jaren: list[int]) -> dict[int, Invoer]:
    return {i.jaar: i for i in db.session.scalars(
        select(Invoer).where(Invoer.gemeente_code == gemeente.code, Invoer.jaar.in_(jaren)))}


def _veld(jaar: int, sleutel: str) -> str:
    return f"h-{jaar}-{sleutel}"


class HistorieForm(FlaskForm):
    """CSRF only; the number fields are read from request.form (names from :func:`_veld`)."""

    versies = HiddenField()


@dataclass
class HistorieCel:
    naam: str
    tekst: str
    fout: str | None = None
    alleen_lezen: bool = False


class HistorieConflict(Exception):
    pass


def _lees_historie(normenset: Normenset, jaren: list[int], rijen: dict[int, Invoer]):
    """Parse the posted grid: (values {jaar: {sleutel: float | None}}, cells, errors)."""
    waarden: dict[int, dict[str, float | None]] = {}
    cellen: dict[tuple[int, str], HistorieCel] = {}
    fouten: list[tuple[str, str, str]] = []
    for jaar in jaren:
        vast = jaar in rijen and rijen[jaar].status == INGEDIEND
        waarden[jaar] = {}
        for inv in normenset.invoer:
            naam = _veld(jaar, inv.sleutel)
            if vast:
                w = (rijen[jaar].waarden or {}).get(inv.sleutel)
                cellen[jaar, inv.sleutel] = HistorieCel(
                    naam, format_invoer(w) if w is not None else "—", alleen_lezen=True)
                continue
            tekst = (request.form.get(naam) or "").strip()[:40]
            cel = HistorieCel(naam, tekst)
            try:
                w = parse_getal(tekst, ",")
                if w is not None and not inv.min <= w <= inv.max:
                    raise GetalFout(f"vul een getal van {format_getal(inv.min)} tot en met "
                                    f"{format_getal(inv.max)} in ({inv.eenheid})")
            except GetalFout as exc:
                cel.fout = str(exc)[:1].upper() + str(exc)[1:]
                fouten.append((naam, f"{inv.naam}, {jaar}", cel.fout))
                w = None
            cellen[jaar, inv.sleutel] = cel
            waarden[jaar][inv.sleutel] = w
    return waarden, cellen, fouten


def _sla_historie_op(gemeente: Gemeente, waarden: dict[int, dict[str, float | None]],
                     versies: dict[int, int], rij: NormensetRij) -> int:
    """Save every changed year in one transaction with an audit entry per changed field;
    raise :class:`HistorieConflict` (nothing saved) when a year moved on meanwhile."""
    bestaand = _rijen_per_jaar(gemeente, list(waarden))
    aantal = 0
    nu = utcnow()
    try:
        for jaar, nieuw in waarden.items():
            invoer = bestaand.get(jaar)
            if (invoer.version if invoer else 0) != versies.get(jaar, 0):
                raise HistorieConflict
            if invoer is not None and invoer.status == INGEDIEND:
                continue
            oud = dict((invoer.waarden if invoer else None) or {})
            na = dict(oud)
            for sleutel, w in nieuw.items():
                if w is None:
                    na.pop(sleutel, None)
                else:
                    na[sleutel] = float(w)
            wijzigingen = [(k, als_tekst(oud.get(k)), als_tekst(na.get(k)))
                           for k in sorted(oud.keys() | na.keys())
                           if als_tekst(oud.get(k)) != als_tekst(na.get(k))]
            if not wijzigingen:
                continue
            if invoer is None:
                invoer = Invoer(gemeente_code=gemeente.code, jaar=jaar, waarden={},
                                bezetting={}, status=CONCEPT, normenset_id=rij.id)
                db.session.add(invoer)
                wijzigingen.append(("status", None, CONCEPT))
            elif invoer.normenset_id is None:  # older row without one: record the change
                invoer.normenset_id = rij.id
                wijzigingen.append(("normenset", None, normenset_label(rij)))
            invoer.waarden = na
            invoer.updated_by = current_user.id
            invoer.updated_at = nu
            db.session.flush()
            for veld, voor, daarna in wijzigingen:
                db.session.add(AuditEntry(invoer_id=invoer.id, invoer_version=invoer.version,
                                          user_id=current_user.id, timestamp=nu, field=veld,
                                          old=voor, new=daarna, action="concept"))
            aantal += len(wijzigingen)
        db.session.commit()
    except (HistorieConflict, StaleDataError, IntegrityError):
        db.session.rollback()
        raise HistorieConflict from None
    return aantal


@bp.route("/gemeente/<code>/<int:jaar>/historie-invoer", methods=["GET", "POST"])
@login_required
def historie_invoer(code: str, jaar: int):
    gemeente = get_gemeente_or_404(code)
    check_jaar(jaar)
    jaren = invoerbare_historie_jaren(jaar)
    if not jaren:
        flash(f"Voor {jaar} zijn er geen eerdere jaren in te vullen: de tool begint bij "
              f"{EERSTE_JAAR}.", "info")
        return redirect(url_for("analyse.prognose", code=gemeente.code, jaar=jaar), 303)
    rij = actieve_rij()
    normenset = als_normenset(rij)
    rijen = _rijen_per_jaar(gemeente, jaren)
    form = HistorieForm()
    versies = {j: rijen[j].version if j in rijen else 0 for j in jaren}
    context = {"gemeente": gemeente, "jaar": jaar, "normenset": normenset, "jaren": jaren,
               "rijen": rijen, "form": form, "fouten": []}
    if request.method == "GET":
        cellen = {}
        for j in jaren:
            for inv in normenset.invoer:
                r = rijen.get(j)
                w = (r.waarden or {}).get(inv.sleutel) if r else None
                vast = bool(r and r.status == INGEDIEND)
                cellen[j, inv.sleutel] = HistorieCel(
                    _veld(j, inv.sleutel),
                    "—" if vast and w is None else format_invoer(w), alleen_lezen=vast)
        form.versies.data = ",".join(f"{j}:{v}" for j, v in versies.items())
        return render_template("analyse/historie_invoer.html", cellen=cellen, **context)

    if g.get("csrf_verlopen") or not form.validate_on_submit():
        waarden, cellen, _ = _lees_historie(normenset, jaren, rijen)
        flash("Het formulier was verlopen. Uw waarden staan hieronder; er is niets opgeslagen. "
              "Sla opnieuw op.", "fout")
        form.versies.data = ",".join(f"{j}:{v}" for j, v in versies.items())
        return render_template("analyse/historie_invoer.html", cellen=cellen, **context), 400
    try:
        geladen = dict((int(a), int(b)) for a, b in (
            deel.split(":") for deel in (form.versies.data or "").split(",") if deel))
    except ValueError:
        abort(400)
    waarden, cellen, fouten = _lees_historie(normenset, jaren, rijen)
    if fouten:
        context["fouten"] = fouten
        return render_template("analyse/historie_invoer.html", cellen=cellen, **context), 422
    try:
        aantal = _sla_historie_op(gemeente, waarden, geladen, rij)
    except HistorieConflict:
        flash("Iemand anders heeft cijfers van deze jaren gewijzigd nadat u de pagina opende. "
              "Er is niets opgeslagen; hieronder staan de cijfers zoals ze nu zijn. Voer uw "
              "wijzigingen opnieuw in.", "fout")
        return redirect(url_for("analyse.historie_invoer", code=gemeente.code, jaar=jaar),
                        303)
    if aantal:
        flash(f"Cijfers van eerdere jaren opgeslagen ({aantal_woord(aantal, 'wijziging')}).",
              "succes")
    else:
        flash("Er was niets gewijzigd; er is niets opgeslagen.", "info")
    return redirect(url_for("analyse.prognose", code=gemeente.code, jaar=jaar))


@dataclass(frozen=True)
class Reeks:
    invoer: object  # formatie.normenset.Invoer
    jaren_met_cijfers: int
    prognose: object  # formatie.prognose.Prognose
    grafiek: object | None


@bp.route("/gemeente/<code>/<int:jaar>/prognose")
@login_required
def prognose(code: str, jaar: int):
    gemeente = get_gemeente_or_404(code)
    check_jaar(jaar)
    huidig = huidige_invoer(gemeente, jaar)
    rij = huidig.normenset if huidig and huidig.normenset else actieve_rij()
    normenset = als_normenset(rij)
    jaren = [*historie_jaren(jaar), jaar]
    rijen = _rijen_per_jaar(gemeente, jaren)
    waarden = np.full((len(normenset.invoer), len(jaren)), np.nan)
    for t, j in enumerate(jaren):
        for i, s in enumerate(normenset.invoer_sleutels):
            w = (rijen[j].waarden or {}).get(s) if j in rijen else None
            if w is not None:
                waarden[i, t] = float(w)
    # series without any figure are left out of the fit (the model needs ≥ 1 value to carry)
    bekend = np.isfinite(waarden).any(axis=1)
    ontbreekt = [inv.naam for i, inv in enumerate(normenset.invoer) if not bekend[i]]
    reeksen = prognose_reeksen(jaren, waarden[bekend], HORIZON, np.random.default_rng(
        seed_voor(gemeente.code, jaar, "prognose"))) if bekend.any() else None
    prognose_jaren = [jaar + h for h in range(1, HORIZON + 1)]
    positie = np.cumsum(bekend) - 1
    overzicht = []
    for i, inv in enumerate(normenset.invoer):
        n = int(np.isfinite(waarden[i]).sum())
        p = reeksen.reeks(int(positie[i])) if bekend[i] else None
        grafiek = (lijn_grafiek(p.jaren, p.waarden, p.prognose_jaren, p.verwacht, p.p10, p.p90)
                   if p is not None and p.heeft_trend else None)
        overzicht.append(Reeks(inv, n, p, grafiek))
    # FTE for the projected years: the model on the projected volumes (the last known value
    # where there is no trend), range with the forecast's dispersion
    fte_jaren = []
    if not ontbreekt:
        for j in prognose_jaren:
            volume, dispersie = reeksen.voor_jaar(int(j))
            codes = (gemeente.code,)
            res = bereken(normenset, volume[None, :], codes)
            b = bereken_bereik(normenset, volume[None, :], codes, dispersie=dispersie[None, :])
            fte_jaren.append({"jaar": int(j), "centraal": float(res.fte_totaal[0]),
                              "functies": res.fte[0].tolist(),
                              **b.als_dict(b.fte_totaal[:, 0])})
    met_trend = sum(1 for r in overzicht if r.prognose is not None and r.prognose.heeft_trend)
    return render_template(
        "analyse/prognose.html", gemeente=gemeente, jaar=jaar, normenset=normenset,
        normenset_rij=rij, overzicht=overzicht, jaren=jaren, fte_jaren=fte_jaren,
        ontbreekt=ontbreekt, met_trend=met_trend, min_jaren=MIN_JAREN,
        prognose_jaren=prognose_jaren)


# =============================================================================================
# Calibration
# =============================================================================================


class KalibratieForm(FlaskForm):
    bron = RadioField("Gegevens", choices=[
        SelectChoice("opgeslagen", "De ingediende cijfers met ingevulde bezetting (fte in dienst)"),
        SelectChoice("bestand", "Een CSV-bestand")], default="opgeslagen")
    bestand = FileField("CSV-bestand met gemeentecode, jaar, de invoerkolommen en "
                        "fte_<functie>")
    begrenzing = RadioField("Begrenzing van de normuren", choices=[
        SelectChoice("positief", "Alleen ≥ 0 (de gegevens beslissen)"),
        SelectChoice("normenset", "Binnen het 80%-interval van de normenset")],
        default="positief")


class OpslaanForm(FlaskForm):
    gegevens = HiddenField()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="kalibratie-normenset")


def _mag_code(code: str) -> bool:
    gemeente = db.session.get(Gemeente, code)
    return gemeente is not None and mag_gemeente(current_user, gemeente)


def _opgeslagen_waarnemingen(normenset: Normenset):
    """Submitted invoer with complete figures and bezetting for every functie, limited to the
    gemeenten the user may see: (volume (N, I), fte (N, F), codes, jaren)."""
    rijen = [r for r in db.session.scalars(
        select(Invoer).where(Invoer.status == INGEDIEND).order_by(Invoer.gemeente_code,
                                                                   Invoer.jaar))
        if not ontbrekend(r, normenset) and _mag_code(r.gemeente_code)
        and all((r.bezetting or {}).get(f) is not None for f in normenset.functie_sleutels)]
    fte = np.array([[r.bezetting[f] for f in normenset.functie_sleutels] for r in rijen],
                   dtype=float).reshape(len(rijen), len(normenset.functies))
    return (volume_matrix(rijen, normenset), fte, [r.gemeente_code for r in rijen],
            [r.jaar for r in rijen])


def _csv_waarnemingen(data: bytes, naam: str, normenset: Normenset):
    kolommen = tuple(f"fte_{f}" for f in normenset.functie_sleutels)
    tabel = read_invoer_csv(data, normenset, extra_kolommen=kolommen, bestand=naam)
    problemen = []
    for code, regel in zip(tabel.gemeentecodes, tabel.regels or [None] * len(
            tabel.gemeentecodes), strict=True):
        if not _mag_code(code):
            problemen.append(Probleem(f"gemeente {code} hoort niet bij de gemeenten die u mag "
                                      "zien.", regel, "gemeentecode"))
    if problemen:
        raise InvoerFout(problemen, naam)
    fte = np.column_stack([tabel.extra[k] for k in kolommen])
    return tabel.volume, fte, list(tabel.gemeentecodes), list(tabel.jaren)


@bp.route("/kalibratie", methods=["GET", "POST"])
@rol_vereist("beheerder", "regio")
def kalibratie():
    from formatie.kalibratie import als_normenset as kalibratie_als_normenset
    from formatie.kalibratie import kalibreer

    rij = actieve_rij()
    normenset = als_normenset(rij)
    form = KalibratieForm()
    context = {"form": form, "normenset": normenset, "normenset_rij": rij, "k": None,
               "problemen": [], "opslaan_form": OpslaanForm()}
    if request.method == "GET":
        return render_template("analyse/kalibratie.html", **context)
    if g.get("csrf_verlopen") or not form.validate_on_submit():
        context["problemen"] = ["Het formulier was verlopen of onvolledig. Probeer het opnieuw."]
        return render_template("analyse/kalibratie.html", **context), 400
    try:
        if form.bron.data == "bestand":
            bestand = form.bestand.data
            if not bestand or not bestand.filename:
                raise InvoerFout([Probleem("kies een CSV-bestand.")], None)
            naam = bestand.filename
            volume, fte, codes, _jaren = _csv_waarnemingen(bestand.read(), naam, normenset)
            bron = f"gekalibreerd op {naam}"
        else:
            volume, fte, codes, _jaren = _opgeslagen_waarnemingen(normenset)
            bron = "gekalibreerd op de ingediende cijfers met bezetting"
    except InvoerFout as fout:
        context["problemen"] = [p.tekst(fout.bestand) for p in fout.problemen]
        return render_template("analyse/kalibratie.html", **context), 422
    n_obs = len(codes)
    if n_obs * len(normenset.functies) <= len(normenset.taken):
        context["problemen"] = [
            f"Te weinig waarnemingen: {n_obs} gemeente-jaren × {len(normenset.functies)} "
            f"functies voor {len(normenset.taken)} normuren. Er zijn meer gemeenten of jaren "
            "nodig (met ingevulde bezetting voor elke functie)."]
        return render_template("analyse/kalibratie.html", **context), 422
    k = kalibreer(normenset, volume, fte, begrenzing=form.begrenzing.data,
                  clusters=np.array(codes))
    bron = f"{bron} ({n_obs} waarnemingen, {datetime.now(UTC):%Y-%m-%d})"
    nieuw = kalibratie_als_normenset(k, bron)
    nieuw = replace(nieuw, versie=afgeleide_versie(
        normenset.versie, f"-gekalibreerd-{datetime.now(UTC):%Y%m%d%H%M%S}"))
    context["opslaan_form"].gegevens.data = _serializer().dumps(
        {"toml": normenset_als_toml(nieuw), "basis": rij.id})
    context.update(k=k, n_obs=n_obs, n_gemeenten=len(set(codes)), nieuw=nieuw, bron=bron,
                   somuren={gr.sleutel: sum(normenset.taak(s).uren for s in gr.taken)
                            for gr in k.groepen})
    return render_template("analyse/kalibratie.html", **context)


@bp.route("/kalibratie/opslaan", methods=["POST"])
@rol_vereist("beheerder", "regio")
def kalibratie_opslaan():
    form = OpslaanForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        gegevens = _serializer().loads(form.gegevens.data or "")
        tekst = gegevens["toml"]
    except (BadSignature, KeyError, TypeError):
        abort(400)
    try:
        nieuw = parse_normenset(tekst, "gekalibreerd")
    except InvoerFout as fout:  # validated again; cannot normally happen
        flash("De gekalibreerde normenset is ongeldig: " + "; ".join(
            p.tekst() for p in fout.problemen), "fout")
        return redirect(url_for("analyse.kalibratie"))
    rij = NormensetRij(naam=nieuw.naam, versie=nieuw.versie, toml=tekst, actief=False,
                       uploaded_by=current_user.id)
    db.session.add(rij)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash(f"Er bestaat al een normenset '{nieuw.naam}' met versie '{nieuw.versie}'; er is "
              "niets opgeslagen.", "fout")
        return redirect(url_for("analyse.kalibratie"))
    flash(f"Normenset {rij.label} is opgeslagen. Hij is nog niet actief.", "succes")
    return redirect(url_for("normen.detail", normenset_id=rij.id))


# =============================================================================================
# Benchmark chart (figures from app.berekening.vergelijking)
# =============================================================================================


def benchmark_grafiek(v):
    """Strip plot of a :class:`~app.berekening.Vergelijking`'s kengetallen: one dot per peer of
    the same size band, lines at the medians of the band and the region, a diamond for the
    gemeente itself. None when there is nothing to compare."""
    if v is None or not v.kengetallen:
        return None
    rijen = [{"label": re.sub(r"\s*\(.*?\)", "", k.label), "peers": k.peers, "eigen": k.eigen,
              "markeringen": [("mediaan grootteklasse", k.mediaan_grootte, "markering--p80"),
                              ("mediaan regio", k.mediaan_regio, "markering--regio")]}
             for k in v.kengetallen]
    return strip_grafiek(rijen)


# =============================================================================================
# Excel export: the Onzekerheid and Gevoeligheid sheets
# =============================================================================================


def werkboek_analyse(normenset: Normenset, volume: np.ndarray, codes: tuple[str, ...],
                     jaar: int) -> dict:
    """Keyword arguments ``onzekerheid=`` and ``gevoeligheid=`` for
    :func:`formatie.excel.exporteer_werkboek`: ranges per gemeente (for one gemeente with the
    one policy of :mod:`formatie.onzekerheid`, so the sheet shows the pages' numbers) and the
    tornado of the whole selection (summed over its gemeenten)."""
    from formatie.excel import onzekerheid_uit_bereik

    b = bereik(normenset, volume, gemeentecodes=codes)
    return {"onzekerheid": onzekerheid_uit_bereik(b),
            "gevoeligheid": tornado(normenset, volume, gemeentecodes=codes)}
