"""Start page (overview per gemeente or region) and the toegankelijkheidsverklaring."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..access import aangeboden_jaren, alle_regios, zichtbare_gemeenten
from ..extensions import db
from ..models import NIET_BEGONNEN, GemeenteRij, InvoerRij

bp = Blueprint("main", __name__)


def statussen(codes: list[str], jaren: list[int]) -> dict[tuple[str, int], str]:
    """Status per (gemeentecode, jaar); no row means niet begonnen."""
    rijen = db.session.execute(
        select(InvoerRij.gemeente_code, InvoerRij.jaar, InvoerRij.status)
        .where(InvoerRij.gemeente_code.in_(codes), InvoerRij.jaar.in_(jaren)))
    uit = {(c, j): NIET_BEGONNEN for c in codes for j in jaren}
    uit.update({(c, j): s for c, j, s in rijen})
    return uit


@bp.route("/")
@login_required
def index():
    jaren = aangeboden_jaren()
    gemeenten = zichtbare_gemeenten(current_user)
    status = statussen([g.code for g in gemeenten], jaren)
    regio_telling = {}
    if current_user.role == "beheerder":
        rijen = db.session.execute(
            select(GemeenteRij.regio_code, InvoerRij.jaar, InvoerRij.status, func.count())
            .join(InvoerRij, InvoerRij.gemeente_code == GemeenteRij.code)
            .where(InvoerRij.jaar.in_(jaren))
            .group_by(GemeenteRij.regio_code, InvoerRij.jaar, InvoerRij.status))
        for regio, j, s, n in rijen:
            regio_telling[regio, j, s] = n
    return render_template(
        "main/index.html", jaren=jaren, gemeenten=gemeenten, status=status,
        regios=alle_regios() if current_user.role == "beheerder" else [],
        regio_telling=regio_telling,
    )


@bp.route("/toegankelijkheid")
def toegankelijkheid():
    return render_template("main/toegankelijkheid.html")
