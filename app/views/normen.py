"""``/normen``: view normensets; the beheerder uploads new ones and chooses the active one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select

from formatie.parameters import ORGANISATIE
from formatie.problemen import InvoerFout

from ..access import rol_vereist
from ..extensions import db
from ..models import NormensetRij
from ..services.normensets import NormensetBestaat, activeer, als_normenset, bewaar_normenset
from ..services.zichtbaarheid import zichtbare_normensets

bp = Blueprint("normen", __name__, url_prefix="/normen")

#: (parameter, label) of every organisation parameter, for the provenance table.
PARAMETER_LABELS = tuple((p.sleutel, p.label) for p in ORGANISATIE)


class UploadForm(FlaskForm):
    bestand = FileField("Normenset (TOML-bestand)",
                        validators=[FileRequired("Kies een TOML-bestand.")])


class ActiveerForm(FlaskForm):
    pass


def _lijst_pagina(form: UploadForm, problemen: list[str] | None = None, status: int = 200):
    rijen = list(db.session.scalars(
        select(NormensetRij).where(zichtbare_normensets(current_user))
        .order_by(NormensetRij.created_at.desc(), NormensetRij.id.desc())))
    return render_template("normen/lijst.html", rijen=rijen, form=form,
                           activeer_form=ActiveerForm(), problemen=problemen or []), status


@bp.route("")
@login_required
def lijst():
    return _lijst_pagina(UploadForm())


@bp.route("/<id:normenset_id>")
@login_required
def detail(normenset_id: int):
    rij = db.session.scalar(select(NormensetRij).where(
        NormensetRij.id == normenset_id, zichtbare_normensets(current_user))) or abort(404)
    return render_template("normen/detail.html", rij=rij, normenset=als_normenset(rij),
                           parameter_labels=PARAMETER_LABELS, activeer_form=ActiveerForm())


@bp.route("/upload", methods=["POST"])
@rol_vereist("beheerder")
def upload():
    form = UploadForm()
    if g.get("csrf_verlopen"):
        flash("Het formulier was verlopen. Kies het bestand opnieuw en upload het nog eens.",
              "fout")
        return _lijst_pagina(form, status=400)
    if not form.validate_on_submit():
        return _lijst_pagina(form, status=422)
    bestand = form.bestand.data
    naam = bestand.filename or "normenset.toml"
    try:
        tekst = bestand.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return _lijst_pagina(form, [f"{naam}: het bestand is geen UTF-8-tekst."], 422)
    try:
        rij = bewaar_normenset(tekst, naam, current_user)
    except InvoerFout as fout:
        return _lijst_pagina(form, [p.tekst(naam) for p in fout.problemen], 422)
    except NormensetBestaat as bestaat:
        return _lijst_pagina(form, [
            f"{naam}: er bestaat al een normenset '{bestaat.naam}' met versie "
            f"'{bestaat.versie}'. Geef de nieuwe normenset een ander versienummer."], 422)
    db.session.commit()
    flash(f"Normenset {rij.label} is opgeslagen. Hij is nog niet actief.", "succes")
    return redirect(url_for("normen.detail", normenset_id=rij.id))


@bp.route("/<id:normenset_id>/activeer", methods=["POST"])
@rol_vereist("beheerder")
def activeren(normenset_id: int):
    rij = db.session.get(NormensetRij, normenset_id) or abort(404)
    form = ActiveerForm()
    if not form.validate_on_submit():
        abort(400)
    als_normenset(rij)  # a set stored before today's bounds no longer reads: 422, not active
    activeer(rij)
    db.session.commit()
    flash(f"Normenset {rij.label} is nu de actieve normenset. Nieuwe invoer en opgeslagen "
          "formulieren gebruiken deze normenset.", "succes")
    return redirect(url_for("normen.detail", normenset_id=rij.id))
