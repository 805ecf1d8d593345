"""Excel scenario workbooks on the web: download, upload with a preview, confirm.

``GET /gemeente/<code>/<jaar>/scenario.xlsx`` and ``GET /regio/<MCxx>/<jaar>/scenario.xlsx`` write
the stored figures with :func:`formatie.werkboek.schrijven.exporteer_werkboek` (the CLI's
implementation). ``POST …/upload`` reads an edited workbook with
:func:`formatie.werkboek.lezen.lees_werkboek` (which applies the normenset's min/max and
controles), checks that every gemeente in it may be edited here,
and shows a preview (old → new per field, norm changes; built by
:mod:`app.services.werkboekupload`); the parsed upload waits in a
:class:`~app.models.WerkboekUploadRij` row. ``POST …/upload/<token>/bevestig`` saves it through
:func:`app.services.opslaan.sla_op` (one transaction, optimistic locking against the versions seen
at preview time, audit action "excel-import") or as a scenario
(:func:`app.services.scenarios.bewaar_scenario`).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from formatie.normenset import Normenset
from formatie.problemen import InvoerFout
from formatie.referentie import load_referentie
from formatie.regio import REGIOBELEID
from formatie.scenario import Scenario
from formatie.taal import aantal_woord
from formatie.tekst import heeft_stuurteken
from formatie.werkboek.analyse import werkboek_analyse
from formatie.werkboek.lezen import lees_werkboek
from formatie.werkboek.schrijven import exporteer_werkboek

from ..access import get_gemeente_jaar_or_404, get_regio_jaar_or_404, mag_regio
from ..downloads import stuur_xlsx
from ..extensions import db
from ..models import (
    ACTIE_EXCEL,
    CONCEPT,
    INGEDIEND,
    GemeenteRij,
    NormensetRij,
    WerkboekUploadRij,
    utcnow,
)
from ..services.begroting import meerjaren_van
from ..services.cijfers import (
    Cijfers,
    cijfers_gemeente,
    cijfers_regio,
)
from ..services.herkomst import cijfers_herkomst
from ..services.normensets import NormensetBestaat, actieve_rij, als_normenset, bewaar_normenset
from ..services.opslaan import Conflict, huidige_invoer, sla_op, sla_regio_bezetting_op
from ..services.scenarios import bewaar_scenario
from ..services.werkboekupload import (
    Doel,
    controleer_gemeenten,
    regio_voorbeeld,
    voorbeeld,
)
from ..services.zichtbaarheid import zichtbare_normenset

bp = Blueprint("werkboek", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GELDIGHEID = timedelta(hours=1)
#: Pending previews (WerkboekUpload rows, up to a few MB of JSON each): a user's oldest beyond
#: this number is dropped when they upload another; beyond the total, uploads wait (429).
#: Both can be set in the app config (WERKBOEK_VOORBEELDEN_PER_GEBRUIKER, …_TOTAAL).
VOORBEELDEN_PER_GEBRUIKER = 3
VOORBEELDEN_TOTAAL = 200
MAX_NAAM = 200


# =============================================================================================
# Downloads (stored figures from app.services.cijfers, ranges from app.services.bandbreedte)
# =============================================================================================


def _werkboek(cijfers: Cijfers, titel: str, notitie: str | None) -> bytes:
    """The workbook of the members with complete figures: one group per normenset, so a region
    whose members count with different normensets is one workbook with the page's totals.
    A region workbook carries the region's own bezetting of its regional functies (the
    Doorstroompunt, entered once on the region page) in one cell per functie, and every
    workbook the Begroting sheet of the begroting page (:mod:`app.services.begroting`)."""
    bezetting = {lid.code: lid.bezetting for lid in cijfers.met_cijfers if lid.bezetting}
    analyse = werkboek_analyse(cijfers.groepen)
    return exporteer_werkboek(
        cijfers.groepen, None, load_referentie(),
        jaren={code: cijfers.jaar for code in cijfers.gemeentecodes}, bezetting=bezetting,
        regio_bezetting=cijfers.regionale_bezetting,
        titel=titel, notitie=notitie,
        invoer_bron=f"Opgeslagen cijfers {cijfers.jaar} in de Formatietool (normenset "
                    + ", ".join(rij.label for rij in cijfers.rijen) + ")",
        herkomst=cijfers_herkomst(cijfers), begroting=meerjaren_van(cijfers), **analyse)


def _terug(melding: str, url: str):
    """No workbook: flash why and end the request in a redirect to ``url``."""
    flash(f"Er is nog geen Excel-scenario{melding}", "fout")
    abort(redirect(url))


@bp.route("/gemeente/<code>/<int:jaar>/scenario.xlsx")
@login_required
def download_gemeente(code: str, jaar: int):
    gemeente = get_gemeente_jaar_or_404(code, jaar)
    cijfers = cijfers_gemeente(gemeente, jaar)
    if not cijfers.groepen:
        _terug(f": nog niet alle cijfers van {gemeente.naam} voor {jaar} zijn ingevuld.",
               url_for("gemeente.resultaat", code=gemeente.code, jaar=jaar))
    data = _werkboek(cijfers, f"Formatie {gemeente.naam} {jaar}", None)
    return stuur_xlsx(data, f"Formatie-scenario {gemeente.naam} {jaar}.xlsx")


def weggelaten_tekst(cijfers: Cijfers) -> str | None:
    """Which members are not in the workbook, and why (Dutch); None when all are."""
    if not cijfers.weggelaten:
        return None
    return (f"Niet in dit werkboek (nog geen volledige cijfers voor {cijfers.jaar}): "
            + ", ".join(f"{lid.gemeente.label} ({lid.reden})" for lid in cijfers.weggelaten)
            + ".")


def dekking_tekst(cijfers: Cijfers) -> str:
    """"7 van 7 gemeenten hebben cijfers." or, with members missing, that the totals are
    incomplete (the region page says the same)."""
    if cijfers.volledig:
        return f"{cijfers.dekking}."
    return (f"{cijfers.dekking}: de totalen zijn onvolledig, ze tellen alleen de gemeenten "
            "met cijfers.")


@bp.route("/regio/<code>/<int:jaar>/scenario.xlsx")
@login_required
def download_regio(code: str, jaar: int):
    regio = get_regio_jaar_or_404(code, jaar)
    cijfers = cijfers_regio(regio, jaar)
    if not cijfers.groepen:
        _terug(f": geen enkele gemeente in regio {regio.naam} heeft volledige cijfers voor "
               f"{jaar}.", url_for("regio.overzicht", code=regio.code, jaar=jaar))
    notitie = " ".join(t for t in (REGIOBELEID, dekking_tekst(cijfers),
                                   weggelaten_tekst(cijfers)) if t)
    data = _werkboek(cijfers, f"Formatie regio {regio.naam} ({regio.code}) {jaar}", notitie)
    return stuur_xlsx(data, f"Formatie-scenario regio {regio.naam} {jaar}.xlsx")


# =============================================================================================
# Upload and preview
# =============================================================================================


def _doel(scope: str, code: str, jaar: int) -> Doel:
    if scope == "gemeente":
        gemeente = get_gemeente_jaar_or_404(code, jaar)
        return Doel(scope, gemeente.code, jaar, gemeente.naam, current_user, gemeente=gemeente)
    regio = get_regio_jaar_or_404(code, jaar)
    return Doel(scope, regio.code, jaar, f"regio {regio.naam}", current_user, regio=regio)


def _fout_pagina(doel: Doel, problemen: list[str], status: int, bestand: str | None = None):
    return render_template("werkboek/upload.html", doel=doel, problemen=problemen,
                           bestand=bestand), status


def _lees(doel: Doel):
    """(werkboek, base normenset row per group, file name, notes) or an error response.

    The rows are in the order of ``werkboek.groepen`` (a region workbook holds one group per
    normenset its members count with)."""
    bestand = request.files.get("werkboek")
    if bestand is None or not bestand.filename:
        return None, _fout_pagina(doel, ["Kies een Excel-werkboek (.xlsx) om te uploaden."], 422)
    naam = bestand.filename
    data = bestand.read()
    gevonden: list[tuple[Normenset, NormensetRij]] = []
    opmerkingen: list[str] = []

    def zoek(naam_ns: str, versie: str) -> Normenset:
        # Through the /normen visibility rule: another gemeente's own normenset is as unknown
        # here as one that does not exist, with the same words (no hint that it exists).
        rij = None if heeft_stuurteken(naam_ns + versie) else zichtbare_normenset(
            current_user, naam_ns, versie)
        if rij is None:
            rij = actieve_rij()
            opmerkingen.append("Het werkboek is gemaakt met een normenset die u hier niet kunt "
                               "gebruiken (onbekend, of van een andere gemeente of regio); het "
                               f"is vergeleken met de actieve normenset {rij.label}.")
        n = als_normenset(rij)
        gevonden.append((n, rij))
        return n

    limiet = current_app.config.get("MAX_CONTENT_LENGTH") or 5 * 1024 * 1024
    try:
        # Also checks the workbook against itself (stored results vs its own inputs).
        werkboek = lees_werkboek(data, zoek, bestand=naam, max_bytes=limiet)
    except InvoerFout as fout:
        return None, _fout_pagina(doel, [p.tekst(naam) for p in fout.problemen], 422, naam)
    rijen = [next(rij for n, rij in gevonden if n is groep.basis) for groep in werkboek.groepen]
    return (werkboek, rijen, naam, opmerkingen + list(werkboek.opmerkingen)), None


def _upload(scope: str, code: str, jaar: int):
    doel = _doel(scope, code, jaar)
    gelezen, fout = _lees(doel)
    if fout is not None:
        return fout
    werkboek, rijen, bestand, opmerkingen = gelezen
    problemen = controleer_gemeenten(doel, werkboek)
    if problemen:
        return _fout_pagina(doel, problemen, 422, bestand)
    if not _ruimte_voor_voorbeeld():
        return _fout_pagina(doel, ["Er wachten nu te veel voorbeelden van uploads op "
                                   "bevestiging. Probeer het over enkele minuten opnieuw; er is "
                                   "niets opgeslagen."], 429, bestand)
    payload = voorbeeld(doel, werkboek, rijen)
    payload.update(bestand=bestand, opmerkingen=opmerkingen,
                   regio_bezetting=regio_voorbeeld(doel, werkboek, opmerkingen))
    nu = utcnow()
    upload = WerkboekUploadRij(token=secrets.token_urlsafe(32), user_id=current_user.id,
                            scope=scope, scope_code=doel.code, jaar=jaar, payload=payload,
                            created_at=nu, expires_at=nu + GELDIGHEID)
    db.session.add(upload)
    db.session.commit()
    return _toon_voorbeeld(doel, upload)


def _ruimte_voor_voorbeeld() -> bool:
    """Make room for one more pending preview of the current user: drop expired ones and this
    user's oldest beyond the per-user cap; False when the total cap is still reached."""
    config = current_app.config
    per_gebruiker = config.get("WERKBOEK_VOORBEELDEN_PER_GEBRUIKER", VOORBEELDEN_PER_GEBRUIKER)
    totaal = config.get("WERKBOEK_VOORBEELDEN_TOTAAL", VOORBEELDEN_TOTAAL)
    db.session.execute(delete(WerkboekUploadRij).where(WerkboekUploadRij.expires_at < utcnow()))
    eigen = list(db.session.scalars(
        select(WerkboekUploadRij.id).where(WerkboekUploadRij.user_id == current_user.id)
        .order_by(WerkboekUploadRij.created_at.desc(), WerkboekUploadRij.id.desc())))
    if len(eigen) >= per_gebruiker:
        db.session.execute(delete(WerkboekUploadRij).where(
            WerkboekUploadRij.id.in_(eigen[per_gebruiker - 1:])))
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(WerkboekUploadRij)) < totaal


def _toon_voorbeeld(doel: Doel, upload: WerkboekUploadRij, *, status: int = 200,
                    problemen: list[str] | None = None, naam: str | None = None):
    p = upload.payload
    iets = any(g["wijzigingen"] or g["bezetting_wijzigingen"]
               for groep in p["groepen"] for g in groep["gemeenten"]) \
        or (p.get("regio_bezetting") or {}).get("wijzigingen") \
        or any(groep["normwijzigingen"] or any((groep.get("scenario") or {}).get(k)
                                               for k in ("uren", "organisatie", "volume"))
               for groep in p["groepen"])
    standaardnaam = f"Excel-import {p['bestand']}"[:MAX_NAAM]
    return render_template("werkboek/voorbeeld.html", doel=doel, upload=upload, p=p,
                           iets_gewijzigd=bool(iets), problemen=problemen or [],
                           scenario_bezwaar=scenario_bezwaar(p["groepen"]),
                           scenarionaam=naam if naam is not None else standaardnaam), status


@bp.route("/gemeente/<code>/<int:jaar>/upload", methods=["POST"])
@login_required
def upload_gemeente(code: str, jaar: int):
    return _upload("gemeente", code, jaar)


@bp.route("/regio/<code>/<int:jaar>/upload", methods=["POST"])
@login_required
def upload_regio(code: str, jaar: int):
    return _upload("regio", code, jaar)


# =============================================================================================
# Confirm
# =============================================================================================


def _bevestig(scope: str, code: str, jaar: int, token: str):
    doel = _doel(scope, code, jaar)
    upload = db.session.scalar(select(WerkboekUploadRij).where(WerkboekUploadRij.token == token))
    if (upload is None or upload.user_id != current_user.id or upload.scope != scope
            or upload.scope_code != doel.code or upload.jaar != jaar):
        abort(404)
    if upload.expires_at < utcnow():
        db.session.delete(upload)
        db.session.commit()
        flash("Het voorbeeld was verlopen (na een uur). Upload het werkboek opnieuw; er is niets "
              "opgeslagen.", "fout")
        return redirect(doel.terug)
    actie = request.form.get("actie")
    if actie == "scenario":
        return _als_scenario(doel, upload)
    if actie != "invoer":
        abort(400)
    return _als_invoer(doel, upload)


def _bewaar_normen(groep: dict, basis_rij: NormensetRij) -> NormensetRij | None:
    """A group's edited norms as a new, inactive normenset derived from its base
    (``<versie>-excel``, numbered when taken; :func:`app.services.normensets.bewaar_normenset`)."""
    if not groep["normen_toml"]:
        return None
    return bewaar_normenset(groep["normen_toml"], "normen uit het werkboek", current_user,
                            afgeleid_van=basis_rij)


def _gemeenten_toegestaan(doel: Doel, groep: dict) -> list[GemeenteRij]:
    """The group's gemeenten, checked again at confirm time (a role or region may have
    changed since the preview): 404 for any this user may no longer change here."""
    gemeenten = []
    for g in groep["gemeenten"]:
        gemeente = db.session.get(GemeenteRij, g["code"])
        if gemeente is None or not doel.toegestaan(gemeente):
            abort(404)
        gemeenten.append(gemeente)
    return gemeenten


def _als_invoer(doel: Doel, upload: WerkboekUploadRij):
    """Save the workbook's figures, all groups in one transaction. A group whose norms were
    edited gets a new normenset (derived from its base) and its gemeenten are saved under it;
    the others keep their base. Like "Opslaan als concept" in the form, the saved figures
    are a concept: submitted figures that change must be submitted again."""
    p = upload.payload
    groepen = [(groep, db.session.get(NormensetRij, groep["normenset_id"]) or abort(404),
                _gemeenten_toegestaan(doel, groep)) for groep in p["groepen"]]
    aantal = 0
    concept: list[str] = []  # submitted gemeenten whose figures became a concept again
    nieuwe_normensets: list[NormensetRij] = []
    regio = (p.get("regio_bezetting") or {})
    if regio.get("wijzigingen") and (doel.scope != "regio"
                                     or not mag_regio(current_user, doel.regio)):
        abort(404)  # checked again at confirm time, like the gemeenten
    try:
        for groep, basis_rij, gemeenten in groepen:
            normen = _bewaar_normen(groep, basis_rij)
            if normen is not None:
                nieuwe_normensets.append(normen)
            for g, gemeente in zip(groep["gemeenten"], gemeenten, strict=True):
                # Submitted figures the workbook changes become a concept (the preview said
                # so); a submitted gemeente the workbook leaves as it was stays submitted.
                blijft_ingediend = g["status"] == INGEDIEND and not g.get("wordt_concept", True)
                _, wijzigingen = sla_op(
                    gemeente, doel.jaar, g["versie"], g["waarden"], g["bezetting"],
                    INGEDIEND if blijft_ingediend else CONCEPT, normen or basis_rij,
                    current_user, actie=ACTIE_EXCEL, commit=False)
                aantal += sum(w.veld not in ("status", "normenset") for w in wijzigingen)
                if any(w.veld == "status" and w.oud == INGEDIEND for w in wijzigingen):
                    concept.append(gemeente.naam)
        if regio.get("wijzigingen"):  # the region's own bezetting, in the same transaction
            _, wijzigingen = sla_regio_bezetting_op(
                doel.regio, doel.jaar, regio["versie"],
                {w["veld"]: w["nieuw"] for w in regio["wijzigingen"]}, current_user,
                actie=ACTIE_EXCEL, commit=False)
            aantal += len(wijzigingen)
        db.session.delete(upload)
        db.session.commit()
    except (Conflict, NormensetBestaat, IntegrityError):
        db.session.rollback()
        upload = db.session.get(WerkboekUploadRij, upload.id)
        return _toon_voorbeeld(doel, upload, status=409, problemen=[
            "Intussen heeft iemand anders cijfers in dit werkboek gewijzigd. Er is niets "
            "opgeslagen. Upload het werkboek opnieuw om de wijzigingen tegen de nieuwe stand "
            "te zien."])
    delen = [f"{aantal_woord(aantal, 'wijziging')} uit {p['bestand']} opgeslagen"]
    for normen in nieuwe_normensets:
        delen.append(f"de gewijzigde normen staan als normenset {normen.label} (niet actief) "
                     "bij de normensets; de gemeenten van die normenset rekenen ermee")
    if concept:
        delen.append("de ingediende cijfers van " + ", ".join(concept) + " staan nu als "
                     "concept; dien ze opnieuw in")
    flash("; ".join(delen) + ".", "succes")
    return redirect(doel.terug)


#: Why a workbook with several normensets that changes norms (in the base or in the scenario
#: columns) cannot become a scenario: shown in the preview instead of the button, and as the
#: refusal if the save is asked for anyway.
NORMEN_PER_GROEP = (
    "Dit werkboek rekent met meer dan één normenset en wijzigt normen (gewijzigde normen of "
    "ingevulde scenariokolommen bij Normen of Organisatie). Een scenario kan normen maar voor "
    "één normenset tegelijk wijzigen, dus dit werkboek kan niet als scenario worden opgeslagen. "
    "Sla het op als invoer (de scenariokolommen tellen dan niet mee), of zet de normen terug en "
    "wijzig alleen de cijfers.")


def scenario_bezwaar(groepen: list[dict]) -> str | None:
    """Why a pending upload (its payload's ``groepen``) cannot be saved as a scenario, or None
    when it can: one rule for the preview (no button then) and the save (refused then)."""
    if len(groepen) > 1 and any(
            g["normwijzigingen"] or (g.get("scenario") or {}).get("uren")
            or (g.get("scenario") or {}).get("organisatie") for g in groepen):
        return NORMEN_PER_GROEP
    return None


def _basis_deel(doel: Doel, groep: dict, n: Normenset, overrides: dict) -> dict:
    """One group of a scenario's base: the stored volumes of its gemeenten (the workbook's
    where none are stored), ``{"gemeentecodes", "invoer", "volume"}``; where the workbook
    (its base or its scenario columns) differs, an entry in ``overrides`` (gemeentecode →
    {invoer: value})."""
    sleutels = n.invoer_sleutels
    codes, volume = [], []
    for g, gemeente in zip(groep["gemeenten"], _gemeenten_toegestaan(doel, groep), strict=True):
        invoer = huidige_invoer(gemeente, doel.jaar)
        opgeslagen = invoer.waarden if invoer is not None else {}
        rij = [float(opgeslagen.get(s, g["waarden"][s])) for s in sleutels]
        codes.append(g["code"])
        volume.append(rij)
        gewenst = {s: float(g["waarden"][s]) for s in sleutels}
        gewenst.update({s: float(v) for s, v in
                        (groep.get("scenario") or {}).get("volume", {}).get(g["code"], {}).items()
                        if s in gewenst})
        anders = {s: v for s, v in gewenst.items() if v != rij[sleutels.index(s)]}
        if anders:
            overrides[g["code"]] = anders
    return {"gemeentecodes": codes, "invoer": list(sleutels), "volume": volume}


def _als_scenario(doel: Doel, upload: WerkboekUploadRij):
    """Save the workbook as a scenario (the stored figures stay as they are). One group: its
    norm changes (edited base and scenario columns) are the scenario's; several groups (a
    region of mixed normensets): a base per group (:func:`app.services.cijfers.basis_als_json`'s
    shape) with the volumes as overrides, refused (422) when it changes norms."""
    p = upload.payload
    naam = (request.form.get("naam") or "").strip()
    if not naam or len(naam) > MAX_NAAM:
        return _toon_voorbeeld(doel, upload, status=422, naam=naam, problemen=[
            "Geef het scenario een naam van hoogstens 200 tekens."])
    groepen = p["groepen"]
    if bezwaar := scenario_bezwaar(groepen):
        return _toon_voorbeeld(doel, upload, status=422, naam=naam,
                               problemen=[f"{bezwaar} Er is niets opgeslagen."])
    rijen = [db.session.get(NormensetRij, g["normenset_id"]) or abort(404) for g in groepen]
    overrides: dict[str, dict[str, float]] = {}
    delen = [dict(_basis_deel(doel, g, als_normenset(rij), overrides), normenset_id=rij.id)
             for g, rij in zip(groepen, rijen, strict=True)]
    groep, basis_rij = groepen[0], rijen[0]
    n = als_normenset(basis_rij)
    uren = {w["sleutel"]: float(w["nieuw"]) for w in groep["normwijzigingen"]
            if w["veld"] == "uren"}
    organisatie: dict[str, dict[str, float]] = {}
    for w in groep["normwijzigingen"]:
        if w["sleutel"] in n.functie_sleutels:
            organisatie.setdefault(w["sleutel"], {})[w["veld"]] = float(w["nieuw"])
    # The workbook's scenario columns come on top of its edited base.
    scenario_kolommen = groep.get("scenario") or {}
    uren.update(scenario_kolommen.get("uren", {}))
    for functie, waarden in scenario_kolommen.get("organisatie", {}).items():
        organisatie.setdefault(functie, {}).update(waarden)
    codes = [c for deel in delen for c in deel["gemeentecodes"]]
    scenario = Scenario(
        naam=naam, gemeentecodes=tuple(codes),
        regio=doel.code if doel.scope == "regio" else None, jaar=doel.jaar,
        normenset_naam=n.naam, normenset_versie=n.versie, uren=uren, organisatie=organisatie,
        toelichting=f"Uit Excel-werkboek {p['bestand']}")
    try:
        normen = _bewaar_normen(groep, basis_rij) if len(groepen) == 1 else None
    except NormensetBestaat:
        upload = db.session.get(WerkboekUploadRij, upload.id)
        return _toon_voorbeeld(doel, upload, status=409, naam=naam, problemen=[
            "Tegelijk is een normenset met dezelfde naam en versie opgeslagen. Er is niets "
            "opgeslagen; probeer het opnieuw."])
    basis = ({k: v for k, v in delen[0].items() if k != "normenset_id"} if len(delen) == 1
             else {"groepen": delen})
    rij = bewaar_scenario(
        scenario, current_user, gemeente_code=doel.code if doel.scope == "gemeente" else None,
        regio_code=doel.code if doel.scope == "regio" else None, jaar=doel.jaar,
        normenset_id=basis_rij.id, basis=basis, overrides=overrides,
        werkboek_normenset_id=normen.id if normen else None, commit=False)
    db.session.delete(upload)
    db.session.commit()
    flash(f"Scenario '{naam}' is opgeslagen; de opgeslagen cijfers zijn niet gewijzigd.",
          "succes")
    return redirect(url_for("scenario.detail", scenario_id=rij.id))


# The URL segment is the upload's random token (named upload_id for the route matrices).
@bp.route("/gemeente/<code>/<int:jaar>/upload/<upload_id>/bevestig", methods=["POST"])
@login_required
def bevestig_gemeente(code: str, jaar: int, upload_id: str):
    return _bevestig("gemeente", code, jaar, upload_id)


@bp.route("/regio/<code>/<int:jaar>/upload/<upload_id>/bevestig", methods=["POST"])
@login_required
def bevestig_regio(code: str, jaar: int, upload_id: str):
    return _bevestig("regio", code, jaar, upload_id)
