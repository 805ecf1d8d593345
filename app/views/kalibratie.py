"""``/kalibratie`` (beheerder; regio for its own gemeenten): estimate norm hours from real
bezetting with :func:`formatie.kalibratie.kalibreer`, on the submitted figures or an uploaded
CSV; ``/kalibratie/opslaan`` stores the result as a new, inactive normenset through
:func:`app.services.normensets.bewaar_normenset` (``<versie>-kalibratie``, numbered when taken).
"""

from __future__ import annotations

import math
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
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from wtforms import HiddenField, RadioField
from wtforms.fields.choices import SelectChoice

from formatie.invoer_csv import read_invoer_csv
from formatie.normenset import Normenset, normenset_als_toml
from formatie.problemen import InvoerFout, Probleem

from ..access import mag_gemeente, rol_vereist
from ..extensions import db
from ..models import INGEDIEND, GemeenteRij, InvoerRij, NormensetRij, RegioRij
from ..services.cijfers import cijfers_regio, ontbrekend, volume_matrix
from ..services.normensets import NormensetBestaat, actieve_rij, als_normenset, bewaar_normenset

bp = Blueprint("kalibratie", __name__)



class KalibratieForm(FlaskForm):
    bron = RadioField("Gegevens", choices=[
        SelectChoice("opgeslagen", "De ingediende cijfers met ingevulde bezetting (fte in "
                     "dienst): leerplicht per gemeente, het Doorstroompunt per regio"),
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
    gemeente = db.session.get(GemeenteRij, code)
    return gemeente is not None and mag_gemeente(current_user, gemeente)


def _opgeslagen_waarnemingen(normenset: Normenset):
    """Submitted figures with bezetting, limited to the gemeenten the user may see, per region
    and year (:func:`app.services.cijfers.cijfers_regio`, the one resolver): each gemeente's own
    bezetting (leerplicht; NaN where not entered), and the region's bezetting of its regional
    functies (the Doorstroompunt) as one :class:`formatie.kalibratie.Som` over its gemeenten
    when every one of them submitted complete figures (else the need would be a part of the
    region against the whole region's staff). (volume (N, I), fte (N, F), sommen, codes, jaren).
    """
    from formatie.kalibratie import Som  # late: the module loads scipy (this page only)

    paren = db.session.execute(
        select(InvoerRij.jaar, GemeenteRij.regio_code).join(GemeenteRij)
        .where(InvoerRij.status == INGEDIEND).distinct()
        .order_by(GemeenteRij.regio_code, InvoerRij.jaar)).all()
    rijen: list[InvoerRij] = []
    fte: list[list[float]] = []
    sommen: list[Som] = []
    for jaar, regio_code in paren:
        cijfers = cijfers_regio(db.session.get(RegioRij, regio_code), jaar)
        leden = [lid for lid in cijfers.leden if lid.status == INGEDIEND
                 and not ontbrekend(lid.invoer, normenset) and _mag_code(lid.code)]
        regionaal = {f: v for f, v in (cijfers.regionale_bezetting or {}).items()
                     if v is not None and f in normenset.functie_sleutels}
        heel = bool(leden) and len(leden) == len(cijfers.leden)
        eigen = [[lid.bezetting.get(f, math.nan) for f in normenset.functie_sleutels]
                 for lid in leden]
        if heel and regionaal:
            rijen_regio = tuple(range(len(rijen), len(rijen) + len(leden)))
            sommen += [Som(f, rijen_regio, v, regio_code) for f, v in regionaal.items()]
        else:  # only the gemeenten that entered their own bezetting
            houden = [any(math.isfinite(x) for x in w) for w in eigen]
            leden = [lid for lid, h in zip(leden, houden, strict=True) if h]
            eigen = [w for w, h in zip(eigen, houden, strict=True) if h]
        rijen += [lid.invoer for lid in leden]
        fte += eigen
    fte_arr = np.array(fte, dtype=float).reshape(len(rijen), len(normenset.functies))
    return (volume_matrix(rijen, normenset), fte_arr, tuple(sommen),
            [r.gemeente_code for r in rijen], [r.jaar for r in rijen])


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
    # late: formatie.kalibratie loads scipy.optimize, needed on this page only
    from formatie.kalibratie import gekalibreerde_normenset, kalibreer, te_weinig_waarnemingen

    rij = actieve_rij()
    normenset = als_normenset(rij)
    form = KalibratieForm()
    context = {"form": form, "normenset": normenset, "normenset_rij": rij, "k": None,
               "problemen": [], "opslaan_form": OpslaanForm()}
    if request.method == "GET":
        return render_template("kalibratie/kalibratie.html", **context)
    if g.get("csrf_verlopen") or not form.validate_on_submit():
        context["problemen"] = ["Het formulier was verlopen of onvolledig. Probeer het opnieuw."]
        return render_template("kalibratie/kalibratie.html", **context), 400
    try:
        if form.bron.data == "bestand":
            bestand = form.bestand.data
            if not bestand or not bestand.filename:
                raise InvoerFout([Probleem("kies een CSV-bestand.")], None)
            naam = bestand.filename
            volume, fte, codes, _jaren = _csv_waarnemingen(bestand.read(), naam, normenset)
            sommen = ()
            bron = f"gekalibreerd op {naam}"
        else:
            volume, fte, sommen, codes, _jaren = _opgeslagen_waarnemingen(normenset)
            bron = "gekalibreerd op de ingediende cijfers met bezetting"
    except InvoerFout as fout:
        context["problemen"] = [p.tekst(fout.bestand) for p in fout.problemen]
        return render_template("kalibratie/kalibratie.html", **context), 422
    n_obs = len(codes)
    if reden := te_weinig_waarnemingen(normenset, fte, sommen, n_obs):
        context["problemen"] = [
            f"{reden[:1].upper()}{reden[1:]} Er zijn meer gemeenten of jaren nodig: de "
            "bezetting leerplicht per gemeente, die van het Doorstroompunt per regio (telt "
            "alleen als alle gemeenten van de regio hun cijfers hebben ingediend)."]
        return render_template("kalibratie/kalibratie.html", **context), 422
    k = kalibreer(normenset, volume, fte, begrenzing=form.begrenzing.data,
                  clusters=np.array(codes), sommen=sommen)
    bron = f"{bron} ({n_obs} waarnemingen, {datetime.now(UTC):%Y-%m-%d})"
    # stored as <versie>-kalibratie, numbered when taken (app.services.normensets.bewaar_normenset)
    nieuw = gekalibreerde_normenset(k, bron)
    context["opslaan_form"].gegevens.data = _serializer().dumps(
        {"toml": normenset_als_toml(nieuw), "basis": rij.id})
    context.update(k=k, n_obs=n_obs, n_gemeenten=len(set(codes)), n_regiojaren=len(sommen),
                   nieuw=nieuw, bron=bron,
                   somuren={gr.sleutel: sum(normenset.taak(s).uren for s in gr.taken)
                            for gr in k.groepen})
    return render_template("kalibratie/kalibratie.html", **context)


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
    basis = db.session.get(NormensetRij, gegevens.get("basis") or 0) or abort(400)
    try:
        rij = bewaar_normenset(tekst, "gekalibreerd", current_user, afgeleid_van=basis)
    except InvoerFout as fout:  # validated again; cannot normally happen
        flash("De gekalibreerde normenset is ongeldig: " + "; ".join(
            p.tekst() for p in fout.problemen), "fout")
        return redirect(url_for("kalibratie.kalibratie"))
    except NormensetBestaat:  # the same versie stored at the same moment
        flash("Tegelijk is een normenset met dezelfde versie opgeslagen; er is niets "
              "opgeslagen. Probeer het opnieuw.", "fout")
        return redirect(url_for("kalibratie.kalibratie"))
    db.session.commit()
    flash(f"Normenset {rij.label} is opgeslagen. Hij is nog niet actief.", "succes")
    return redirect(url_for("normen.detail", normenset_id=rij.id))
