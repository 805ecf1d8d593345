"""Scenarios (issue 5 §4): a base (gemeente or region, year, normenset) plus changes.

``/scenarios`` (list), ``/scenarios/nieuw?gemeente=…|regio=…&jaar=…`` (form),
``/scenarios/<id>`` (result vs base with the chain), ``POST /scenarios/<id>/kopie`` and
``…/verwijder``, ``/scenarios/vergelijk?ids=…`` (table + chart) and
``/scenarios/vergelijk.xlsx?ids=…``. A stored scenario holds its full parameters
(:meth:`formatie.scenario.Scenario.to_dict`) and a frozen base volume, so its result is
reproducible; all figures come from :func:`formatie.scenario.pas_toe`,
:func:`formatie.scenario.vergelijk` and :func:`formatie.model.bereken`.
"""

from __future__ import annotations

import json

import numpy as np
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from wtforms import BooleanField, Field, StringField
from wtforms.validators import DataRequired, Length

from formatie.getallen import (
    format_aantal,
    format_invoer,
    format_procent,
    format_procent_invoer,
)
from formatie.model import RekenFout
from formatie.normenset import ORGANISATIE_PARAMETERS, Normenset
from formatie.onzekerheid import TREKKINGEN
from formatie.parameters import parameter
from formatie.referentie import load_referentie
from formatie.regio import REGIOBELEID
from formatie.scenario import (
    PRESETS,
    PresetKeuze,
    Scenario,
    ScenarioFout,
    cohort_23_26,
    controleer,
)
from formatie.werkboek.vergelijking import exporteer_vergelijking

from ..access import (
    alle_regios,
    get_gemeente_jaar_or_404,
    get_regio_jaar_or_404,
    huidig_jaar,
    mag_gemeente,
    mag_regio,
    team_gemeentecodes,
    zichtbare_gemeenten,
)
from ..downloads import stuur_xlsx
from ..extensions import db
from ..grafieken import groep_grafiek
from ..invoerform import GetalField
from ..models import MAX_INT, GemeenteRij, ScenarioRij
from ..services.cijfers import (
    Cijfers,
    basis_als_json,
    cijfers_gemeente,
    cijfers_regio,
)
from ..services.scenarios import (
    Scenarioregel,
    als_scenariofout,
    bereken_scenario,
    bewaar_scenario,
    kopieer_scenario,
    rekenproblemen,
    vergelijking_van,
    verwijder_scenario,
)

bp = Blueprint("scenario", __name__, url_prefix="/scenarios")

MAX_VERGELIJK = 8
#: Largest id an INTEGER column holds (the routes use the ``id`` converter): a larger id
#: from the query string would overflow the database driver instead of giving a 404.
MAX_ID = MAX_INT
DP27 = "doorstroompunt_27"


def organisatie_waarde(sleutel: str, waarde: float) -> str:
    """A stored organisation parameter for reading, in the unit people see
    (:mod:`formatie.parameters`): ``16 %``, ``1.836 uur``, ``0,1 fte per fte uitvoering``."""
    rij = parameter(sleutel)
    if rij.procent:
        return format_procent(waarde)
    return f"{format_aantal(waarde)} {rij.eenheid}"


# =============================================================================================
# Access
# =============================================================================================


def mag_scenario(rij: ScenarioRij) -> bool:
    if rij.gemeente is not None:
        return mag_gemeente(current_user, rij.gemeente)
    return rij.regio is not None and mag_regio(current_user, rij.regio)


def get_scenario_or_404(scenario_id: int) -> ScenarioRij:
    if not 1 <= scenario_id <= MAX_ID:  # ids, van: never reach the database out of range
        abort(404)
    rij = db.session.get(ScenarioRij, scenario_id)
    if rij is None or not mag_scenario(rij):
        abort(404)
    return rij


def zichtbare_scenarios() -> list[ScenarioRij]:
    query = select(ScenarioRij).order_by(ScenarioRij.updated_at.desc(), ScenarioRij.id.desc())
    if current_user.role == "gemeente":
        query = query.where(ScenarioRij.gemeente_code == current_user.gemeente_code)
    elif current_user.role == "regio":
        leden = select(GemeenteRij.code).where(GemeenteRij.regio_code == current_user.regio_code)
        query = query.where(or_(ScenarioRij.regio_code == current_user.regio_code,
                                ScenarioRij.gemeente_code.in_(leden)))
    elif current_user.role == "team":
        query = query.where(ScenarioRij.gemeente_code.in_(
            team_gemeentecodes(current_user.team_id)))
    elif current_user.role != "beheerder":
        return []
    return list(db.session.scalars(query))


# =============================================================================================
# The form
# =============================================================================================


class ScenarioFormBase(FlaskForm):
    naam = StringField("Naam van het scenario", validators=[
        DataRequired("Geef het scenario een naam."),
        Length(max=200, message="Gebruik hoogstens 200 tekens.")])
    normenset: Normenset

    def getalvelden(self) -> list[GetalField]:
        return [f for f in self if isinstance(f, GetalField)]

    def fouten(self) -> list[tuple[str, str, str]]:
        uit = [(self.naam.id, self.naam.label.text, f) for f in self.naam.errors]
        return uit + [(v.id, v.label.text, f) for v in self.getalvelden() for f in v.errors]


def scenario_form(normenset: Normenset, **kwargs) -> ScenarioFormBase:
    velden: dict[str, Field] = {"normenset": normenset}
    for invoer in normenset.invoer:
        velden[f"groei_{invoer.sleutel}"] = GetalField(invoer.naam, parameter=parameter("groei"))
    for taak in normenset.taken:
        velden[f"uren_{taak.sleutel}"] = GetalField(taak.naam, parameter=parameter("uren"))
    for functie in normenset.functies:
        for p in ORGANISATIE_PARAMETERS:
            rij = parameter(p)
            velden[f"org_{functie.sleutel}__{p}"] = GetalField(
                f"{functie.naam}: {rij.label}", parameter=rij)
    preset = PRESETS[DP27]
    velden[f"preset_{DP27}"] = BooleanField(preset.naam)
    velden["dp27_cohort"] = GetalField("Cohort 23 tot en met 26 jaar", minimum=0.0,
                                       maximum=10_000_000.0, eenheid="inwoners")
    for p in preset.parameters:
        if p.startswith("aandeel_"):
            velden[f"dp27_{p}"] = GetalField(preset.parameter_uitleg[p].split(" (")[0]
                                             .capitalize(), minimum=0.0, maximum=100.0,
                                             eenheid="%")
    klasse = type("ScenarioForm", (ScenarioFormBase,), velden)
    return klasse(**kwargs)


def _standaard_dp27(form: ScenarioFormBase) -> None:
    for p, v in PRESETS[DP27].parameters.items():
        if p.startswith("aandeel_"):
            form[f"dp27_{p}"].data = format_procent_invoer(v)


def _vul_uit(form: ScenarioFormBase, s: Scenario) -> None:
    """Prefill the form from a stored scenario ("copy and change")."""
    form.naam.data = s.naam
    for k, v in s.groei.items():
        if f"groei_{k}" in form:
            form[f"groei_{k}"].data = format_invoer(v)
    for k, v in s.uren.items():
        if f"uren_{k}" in form:
            form[f"uren_{k}"].data = format_invoer(v)
    for f, params in s.organisatie.items():
        for p, v in params.items():
            if f"org_{f}__{p}" in form:
                form[f"org_{f}__{p}"].toon(v)
    for keuze in s.presets:
        if keuze.sleutel == DP27:
            form[f"preset_{DP27}"].data = True
            volledig = keuze.volledig()
            for p, v in volledig.items():
                if p.startswith("aandeel_"):
                    form[f"dp27_{p}"].data = format_procent_invoer(v)
            if isinstance(volledig.get("cohort"), int | float):
                form["dp27_cohort"].data = format_invoer(volledig["cohort"])


def _uit_form(form: ScenarioFormBase, basis: Cijfers, scope_regio: str | None, jaar: int
              ) -> Scenario:
    n = basis.groepen[0].normenset
    groei = {i: form[f"groei_{i}"].waarde for i in n.invoer_sleutels
             if form[f"groei_{i}"].waarde is not None}
    uren = {t: form[f"uren_{t}"].waarde for t in n.taak_sleutels
            if form[f"uren_{t}"].waarde is not None}
    organisatie: dict[str, dict[str, float]] = {}
    for f in n.functie_sleutels:
        for p in ORGANISATIE_PARAMETERS:
            waarde = form[f"org_{f}__{p}"].opgeslagen
            if waarde is not None:
                organisatie.setdefault(f, {})[p] = waarde
    presets = []
    if form[f"preset_{DP27}"].data:
        parameters = {}
        for p, standaard in PRESETS[DP27].parameters.items():
            if not p.startswith("aandeel_"):
                continue
            waarde = form[f"dp27_{p}"].waarde
            if waarde is not None and waarde / 100 != standaard:
                parameters[p] = waarde / 100
        cohort = form["dp27_cohort"].waarde
        if cohort is not None:
            parameters["cohort"] = cohort
        presets.append(PresetKeuze(DP27, parameters))
    return Scenario(
        naam=form.naam.data.strip(), gemeentecodes=basis.gemeentecodes, regio=scope_regio,
        jaar=jaar, normenset_naam=n.naam, normenset_versie=n.versie, groei=groei, uren=uren,
        organisatie=organisatie, presets=tuple(presets))


def _basis_uit_args():
    """(scope label, gemeente or None, regio or None, jaar, basis) from the query string."""
    gemeente_code = request.args.get("gemeente")
    regio_code = request.args.get("regio")
    try:
        jaar = int(request.args.get("jaar", huidig_jaar()))
    except ValueError:
        abort(404)
    if bool(gemeente_code) == bool(regio_code):
        abort(404)
    if gemeente_code:
        gemeente = get_gemeente_jaar_or_404(gemeente_code, jaar)
        return gemeente.label, gemeente, None, jaar, cijfers_gemeente(gemeente, jaar)
    regio = get_regio_jaar_or_404(regio_code, jaar)
    return f"regio {regio.naam} ({regio.code})", None, regio, jaar, cijfers_regio(regio, jaar)


@bp.route("/nieuw", methods=["GET", "POST"])
@login_required
def nieuw():
    if not request.args.get("gemeente") and not request.args.get("regio"):
        flash("Kies eerst de basis van het scenario: een gemeente of een regio.", "info")
        return redirect(url_for("scenario.lijst"))
    label, gemeente, regio, jaar, basis = _basis_uit_args()
    terug = (url_for("gemeente.resultaat", code=gemeente.code, jaar=jaar) if gemeente
             else url_for("regio.overzicht", code=regio.code, jaar=jaar))
    if not basis.groepen:
        flash(f"Een scenario heeft een basis nodig: er zijn nog geen volledige cijfers voor "
              f"{label} in {jaar}.", "fout")
        return redirect(terug)
    n = basis.groepen[0].normenset  # the form's fields; every group's normenset is checked
    form = scenario_form(n)
    problemen: list[str] = []
    if request.method == "GET":
        _standaard_dp27(form)
        van = request.args.get("van", type=int)
        if van is not None:
            _vul_uit(form, Scenario.from_dict(get_scenario_or_404(van).parameters))
    elif form.validate():
        if form[f"preset_{DP27}"].data and regio is not None \
                and form["dp27_cohort"].waarde is not None:
            form["dp27_cohort"].errors.append(
                "Laat dit leeg voor een regio: de schatting uit CBS wordt per gemeente gebruikt.")
        else:
            scenario = _uit_form(form, basis, regio.code if regio else None, jaar)
            problemen = list(dict.fromkeys(p for g in basis.groepen
                                           for p in controleer(scenario, g.normenset)))
            problemen = problemen or rekenproblemen(scenario, basis)
            if not problemen:
                rij = bewaar_scenario(
                    scenario, current_user, gemeente_code=gemeente.code if gemeente else None,
                    regio_code=regio.code if regio else None, jaar=jaar,
                    normenset_id=basis.rijen[0].id, basis=basis_als_json(basis))
                flash(f"Scenario '{scenario.naam}' is opgeslagen.", "succes")
                return redirect(url_for("scenario.detail", scenario_id=rij.id))
    cohort = float(np.sum(cohort_23_26(load_referentie(), basis.gemeentecodes)))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "scenario/nieuw.html", form=form, n=n, basis=basis, label=label, jaar=jaar,
        terug=terug, problemen=problemen, preset=PRESETS[DP27], cohort_schatting=cohort,
        parameters=ORGANISATIE_PARAMETERS,
        organisatie_hints={(f.sleutel, p): organisatie_waarde(p, getattr(f, p))
                           for f in n.functies for p in ORGANISATIE_PARAMETERS},
        fouten=form.fouten() if request.method == "POST" else []), status


# =============================================================================================
# List, detail, copy, delete
# =============================================================================================


@bp.route("")
@login_required
def lijst():
    gemeenten = (sorted(db.session.scalars(select(GemeenteRij)), key=lambda g: g.naam)
                 if current_user.role == "beheerder" else zichtbare_gemeenten(current_user))
    regios = (alle_regios() if current_user.role == "beheerder"
              else [current_user.regio] if current_user.role == "regio" and current_user.regio
              else [])
    return render_template("scenario/lijst.html", rijen=zichtbare_scenarios(),
                           gemeenten=gemeenten, regios=regios, jaar=huidig_jaar())


@bp.route("/<id:scenario_id>")
@login_required
def detail(scenario_id: int):
    rij = get_scenario_or_404(scenario_id)
    try:
        uit = bereken_scenario(rij)
    except ScenarioFout as fout:
        return render_template("scenario/detail.html", rij=rij, uit=None,
                               problemen=fout.problemen), 422
    return render_template("scenario/detail.html", rij=rij, uit=uit, problemen=[],
                           parameters_json=json.dumps(rij.parameters, ensure_ascii=False,
                                                      indent=2),
                           presets=PRESETS, ref=load_referentie(), regiobeleid=REGIOBELEID,
                           parameter=parameter,
                           organisatie_waarde=organisatie_waarde)


def _mag_wijzigen(rij: ScenarioRij) -> bool:
    return current_user.role == "beheerder" or rij.owner_id == current_user.id


@bp.route("/<id:scenario_id>/kopie", methods=["POST"])
@login_required
def kopie(scenario_id: int):
    rij = get_scenario_or_404(scenario_id)
    nieuw_rij = kopieer_scenario(rij, current_user)
    flash(f"Kopie '{nieuw_rij.naam}' is gemaakt.", "succes")
    return redirect(url_for("scenario.detail", scenario_id=nieuw_rij.id))


@bp.route("/<id:scenario_id>/verwijder", methods=["POST"])
@login_required
def verwijder(scenario_id: int):
    rij = get_scenario_or_404(scenario_id)
    if not _mag_wijzigen(rij):
        abort(404)
    naam = rij.naam
    verwijder_scenario(rij)
    flash(f"Scenario '{naam}' is verwijderd.", "succes")
    return redirect(url_for("scenario.lijst"))


# =============================================================================================
# Comparison
# =============================================================================================


def _gekozen() -> list[ScenarioRij]:
    try:
        ids = list(dict.fromkeys(int(i) for i in request.args.getlist("ids")))
    except ValueError:
        abort(404)
    if len(ids) > MAX_VERGELIJK:
        abort(404)
    return [get_scenario_or_404(i) for i in ids]


def _gekozen_vergelijking() -> tuple[list[ScenarioRij], list[Scenarioregel], dict[str, str]]:
    """(rijen, regels, functies) of the scenarios chosen in ``?ids=``; when none is chosen or
    they cannot be computed, the reason is flashed and the request ends in a redirect to the
    list (``abort`` with that response)."""
    rijen = _gekozen()
    if not rijen:
        flash("Kies ten minste één scenario om te vergelijken.", "fout")
        abort(redirect(url_for("scenario.lijst")))
    try:
        regels, functies = vergelijking_van(rijen)
    except RekenFout as fout:
        flash("Deze scenario's zijn niet te berekenen: "
              + "; ".join(als_scenariofout(fout).problemen), "fout")
        abort(redirect(url_for("scenario.lijst")))
    except ScenarioFout as fout:
        flash("Deze scenario's zijn niet te berekenen: " + "; ".join(fout.problemen), "fout")
        abort(redirect(url_for("scenario.lijst")))
    return rijen, regels, functies


@bp.route("/vergelijk")
@login_required
def vergelijk_pagina():
    rijen, regels, functies = _gekozen_vergelijking()
    return render_template("scenario/vergelijk.html", regels=regels, functies=functies,
                           grafiek=groep_grafiek(regels, functies),
                           ids=[r.id for r in rijen], trekkingen=TREKKINGEN)


@bp.route("/vergelijk.xlsx")
@login_required
def vergelijk_xlsx():
    _, regels, functies = _gekozen_vergelijking()
    data = exporteer_vergelijking(
        [{"naam": r.naam, "basis": r.basis_label, "fte": r.fte, "basis_totaal": r.basis_totaal,
          "parameters": r.parameters, "bereik": r.bereik} for r in regels],
        list(functies.items()), titel="Vergelijking van scenario's")
    return stuur_xlsx(data, "Vergelijking scenario's.xlsx")
