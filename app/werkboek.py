"""Excel scenario workbooks on the web: download, upload with a preview, confirm.

``GET /gemeente/<code>/<jaar>/scenario.xlsx`` and ``GET /regio/<MCxx>/<jaar>/scenario.xlsx``
write the stored figures with :func:`formatie.werkboek.schrijven.exporteer_werkboek` (the CLI's
implementation). ``POST …/upload`` reads an edited workbook with
:func:`formatie.werkboek.lezen.lees_werkboek` (which applies the normenset's min/max and controles),
checks that every gemeente in it may be edited here, and shows a preview (old → new per field,
norm changes); the parsed upload waits in a :class:`~app.models.WerkboekUpload` row.
``POST …/upload/<token>/bevestig`` saves it through :func:`app.opslaan.sla_op` (one
transaction, optimistic locking against the versions seen at preview time, audit action
"excel-import") or as a scenario (:mod:`app.scenario`).
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
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

from formatie.invoer_csv import InvoerTabel
from formatie.model import bereken
from formatie.normenset import Normenset, normenset_als_toml
from formatie.problemen import InvoerFout
from formatie.referentie import load_referentie
from formatie.regio import REGIOBELEID, REGIONALE_FUNCTIES
from formatie.scenario import Scenario
from formatie.taal import aantal_woord
from formatie.tekst import heeft_stuurteken
from formatie.werkboek.analyse import werkboek_analyse
from formatie.werkboek.lezen import invoer_wijzigingen, lees_werkboek
from formatie.werkboek.schrijven import exporteer_werkboek

from .access import get_gemeente_jaar_or_404, get_regio_jaar_or_404, mag_gemeente, mag_regio
from .cijfers import Cijfers, cijfers_gemeente, cijfers_regio, regio_bezetting
from .downloads import stuur_xlsx
from .extensions import db
from .herkomst import cijfers_herkomst
from .models import (
    ACTIE_EXCEL,
    CONCEPT,
    INGEDIEND,
    Gemeente,
    Invoer,
    Regio,
    WerkboekUpload,
    utcnow,
)
from .models import Normenset as NormensetRij
from .models import Scenario as ScenarioRij
from .normensets import NormensetBestaat, actieve_rij, als_normenset, bewaar_normenset
from .opslaan import Conflict, huidige_invoer, sla_op, sla_regio_bezetting_op
from .zichtbaarheid import zichtbare_normenset

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
# Downloads (the stored figures come from app.cijfers, the ranges from app.bandbreedte)
# =============================================================================================


def _werkboek(cijfers: Cijfers, titel: str, notitie: str | None) -> bytes:
    """The workbook of the members with complete figures: one group per normenset, so a region
    whose members count with different normensets is one workbook with the page's totals.
    A region workbook carries the region's own bezetting of its regional functies (the
    Doorstroompunt, entered once on the region page) in one cell per functie."""
    bezetting = {lid.code: lid.bezetting for lid in cijfers.met_cijfers if lid.bezetting}
    analyse = werkboek_analyse(cijfers.groepen)
    return exporteer_werkboek(
        cijfers.groepen, None, load_referentie(),
        jaren={code: cijfers.jaar for code in cijfers.gemeentecodes}, bezetting=bezetting,
        regio_bezetting=cijfers.regionale_bezetting,
        titel=titel, notitie=notitie,
        invoer_bron=f"Opgeslagen cijfers {cijfers.jaar} in de Formatietool (normenset "
                    + ", ".join(rij.label for rij in cijfers.rijen) + ")",
        herkomst=cijfers_herkomst(cijfers), **analyse)


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


@dataclass
class Doel:
    """Where an upload goes: one gemeente or a region, with the URLs of its pages."""

    scope: str  # "gemeente" | "regio"
    code: str
    jaar: int
    naam: str
    gemeente: Gemeente | None = None
    regio: Regio | None = None

    @property
    def terug(self) -> str:
        if self.scope == "gemeente":
            return url_for("gemeente.resultaat", code=self.code, jaar=self.jaar)
        return url_for("regio.overzicht", code=self.code, jaar=self.jaar)

    @property
    def upload_url(self) -> str:
        return url_for(f"werkboek.upload_{self.scope}", code=self.code, jaar=self.jaar)

    def bevestig_url(self, token: str) -> str:
        return url_for(f"werkboek.bevestig_{self.scope}", code=self.code, jaar=self.jaar,
                       upload_id=token)

    def toegestaan(self, gemeente: Gemeente) -> bool:
        """May this upload change ``gemeente``'s figures?"""
        if self.scope == "gemeente":
            return gemeente.code == self.code
        return gemeente.regio_code == self.code and mag_gemeente(current_user, gemeente)


def _doel(scope: str, code: str, jaar: int) -> Doel:
    if scope == "gemeente":
        gemeente = get_gemeente_jaar_or_404(code, jaar)
        return Doel(scope, gemeente.code, jaar, gemeente.naam, gemeente=gemeente)
    regio = get_regio_jaar_or_404(code, jaar)
    return Doel(scope, regio.code, jaar, f"regio {regio.naam}", regio=regio)


def _fout_pagina(doel: Doel, problemen: list[str], status: int, bestand: str | None = None):
    return render_template("werkboek/upload.html", doel=doel, problemen=problemen,
                           bestand=bestand), status


def _getal(waarde: float | None) -> float | None:
    return None if waarde is None or (isinstance(waarde, float) and math.isnan(waarde)) \
        else float(waarde)


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


def _controleer_gemeenten(doel: Doel, werkboek) -> list[str]:
    """Dutch refusals for gemeenten or years this upload may not change."""
    problemen = []
    paren = [(code, jaar) for groep in werkboek.groepen
             for code, jaar in zip(groep.invoer.gemeentecodes, groep.invoer.jaren, strict=True)]
    for code, jaar in paren:
        gemeente = db.session.get(Gemeente, code)
        naam = gemeente.label if gemeente else code
        if gemeente is None or not doel.toegestaan(gemeente):
            if doel.scope == "gemeente":
                problemen.append(f"Het werkboek bevat cijfers van {naam}. Op deze pagina kunt u "
                                 f"alleen de cijfers van {doel.naam} bijwerken; er is niets "
                                 "opgeslagen.")
            else:
                problemen.append(f"Het werkboek bevat cijfers van {naam}, die u niet via "
                                 f"{doel.naam} kunt bijwerken; er is niets opgeslagen.")
        if jaar is not None and jaar != doel.jaar:
            problemen.append(f"Het werkboek bevat voor {naam} cijfers van {jaar}; deze pagina "
                             f"gaat over {doel.jaar}. Upload het op de pagina van {jaar}.")
    return problemen


def _fte_opgeslagen(invoer: list[Invoer]) -> dict[str, float]:
    """Gemeentecode → total fte of its stored figures, computed by the model in the normenset
    they were saved under (one :func:`formatie.model.bereken` per normenset); gemeenten whose
    stored figures are not complete are left out."""
    per_set: dict[int, tuple[NormensetRij, list[Invoer]]] = {}
    for rij in invoer:
        if rij.normenset is not None:
            per_set.setdefault(rij.normenset_id, (rij.normenset, []))[1].append(rij)
    uit: dict[str, float] = {}
    for normenset_rij, rijen in per_set.values():
        n = als_normenset(normenset_rij)
        compleet = [r for r in rijen if all(
            isinstance((r.waarden or {}).get(s), int | float)
            and math.isfinite(r.waarden[s]) for s in n.invoer_sleutels)]
        if not compleet:
            continue
        codes = tuple(r.gemeente_code for r in compleet)
        volume = np.array([[float(r.waarden[s]) for s in n.invoer_sleutels] for r in compleet],
                          dtype=float)
        uit.update(zip(codes, bereken(n, volume, codes).fte_totaal.tolist(), strict=True))
    return uit


def _groep_voorbeeld(doel: Doel, werkboek, groep, basis_rij: NormensetRij) -> dict:
    """One normenset group of a pending upload: per gemeente old → new (fields, bezetting,
    fte: the stored figures in their own normenset, the workbook's in the group's edited
    normenset), and the group's norm changes (``normen_toml``: the edited normenset to store,
    None when its norms were not changed)."""
    n: Normenset = groep.basis
    tabel = groep.invoer
    sleutels = n.invoer_sleutels
    huidig = {i.gemeente_code: i for i in db.session.scalars(
        select(Invoer).where(Invoer.jaar == doel.jaar,
                             Invoer.gemeente_code.in_(list(tabel.gemeentecodes))))}
    oud_volume = np.array([[float((huidig[c].waarden or {}).get(s, math.nan)) if c in huidig
                            else math.nan for s in sleutels] for c in tabel.gemeentecodes],
                          dtype=float).reshape(len(tabel.gemeentecodes), len(sleutels))
    oud = InvoerTabel(gemeentecodes=tabel.gemeentecodes, jaren=tabel.jaren, volume=oud_volume)
    per_code: dict[str, list[dict]] = {}
    for w in invoer_wijzigingen(oud, tabel, n):
        per_code.setdefault(w.sleutel, []).append(
            {"veld": w.veld, "naam": n.invoer_by_sleutel(w.veld).naam,
             "oud": _getal(w.oud), "nieuw": _getal(w.nieuw)})
    nieuw_res = bereken(groep.normenset, tabel.volume, tabel.gemeentecodes)
    fte_oud = _fte_opgeslagen(list(huidig.values()))
    normen_gewijzigd = bool(groep.normwijzigingen)
    gemeenten = []
    for g, code in enumerate(tabel.gemeentecodes):
        invoer = huidig.get(code)
        bezetting_oud = dict(invoer.bezetting or {}) if invoer else {}
        # the Doorstroompunt's bezetting is the region's (entered on the region page)
        bezetting_nieuw = {f: v for f, v in (werkboek.bezetting or {}).get(code, {}).items()
                           if f not in REGIONALE_FUNCTIES}
        bezetting = [{"veld": f, "naam": f"{n.functie(f).naam}: fte in dienst",
                      "oud": bezetting_oud.get(f), "nieuw": v}
                     for f, v in bezetting_nieuw.items()
                     if f in n.functie_sleutels and bezetting_oud.get(f) != v]
        # Saving as invoer turns submitted figures that change back into a concept (edited
        # norms move the gemeente to the new normenset: a change too).
        wordt_concept = invoer is not None and invoer.status == INGEDIEND and bool(
            per_code.get(code) or bezetting or normen_gewijzigd
            or invoer.normenset_id != basis_rij.id)
        gemeenten.append({
            "code": code, "naam": load_referentie().naam(code),
            "versie": invoer.version if invoer else 0,
            "status": invoer.status if invoer else None, "wordt_concept": wordt_concept,
            "waarden": dict(zip(sleutels, tabel.volume[g].tolist(), strict=True)),
            "bezetting": {f: v for f, v in bezetting_nieuw.items() if f in n.functie_sleutels},
            "wijzigingen": per_code.get(code, []), "bezetting_wijzigingen": bezetting,
            "fte_oud": fte_oud.get(code),
            "fte_nieuw": float(nieuw_res.fte_totaal[g]),
        })
    normen = []
    for w in groep.normwijzigingen:
        if w.sleutel in n.taak_sleutels:
            wat = f"{n.taak(w.sleutel).naam} ({w.veld})"
        else:
            wat = f"{n.functie(w.sleutel).naam}: {w.veld}"
        normen.append({"sleutel": w.sleutel, "veld": w.veld, "wat": wat, "cel": w.cel,
                       "oud": w.oud, "nieuw": w.nieuw})
    scenario = groep.scenario
    return {
        "normenset_id": basis_rij.id, "normenset_label": basis_rij.label,
        "scenario": {"uren": dict(scenario.uren) if scenario else {},
                     "organisatie": {f: dict(p) for f, p in scenario.organisatie.items()}
                     if scenario else {},
                     "volume": groep.scenario_volume},
        "gemeenten": gemeenten, "normwijzigingen": normen,
        "normen_toml": normenset_als_toml(groep.normenset) if normen_gewijzigd else None,
    }


def _voorbeeld(doel: Doel, werkboek, rijen: list[NormensetRij]) -> dict:
    """The JSON payload of a pending upload: ``{"gecontroleerd", "groepen": [one
    :func:`_groep_voorbeeld` per normenset group]}``."""
    return {"gecontroleerd": werkboek.gecontroleerd,
            "groepen": [_groep_voorbeeld(doel, werkboek, groep, rij)
                        for groep, rij in zip(werkboek.groepen, rijen, strict=True)]}


#: Said when a workbook's region bezetting cannot be saved where it was uploaded.
NIET_REGIONAAL = ("De bezetting van de regio (Doorstroompunt) in dit werkboek wordt hier niet "
                  "opgeslagen: die vult de regio in, op de regiopagina of met het werkboek van "
                  "de regio.")


def _regio_voorbeeld(doel: Doel, werkboek, opmerkingen: list[str]) -> dict | None:
    """The workbook's region bezetting (one cell per regional functie) against the stored one:
    ``{"versie": stored row version (0: none), "wijzigingen": [{"veld", "naam", "oud",
    "nieuw"}]}`` (fte; None = empty). Only a region upload by someone who may enter it
    (:func:`app.access.mag_regio`) can change it; elsewhere a notice says it is not saved."""
    gelezen = werkboek.regio_bezetting
    if gelezen is None:
        return None
    if doel.scope != "regio" or not mag_regio(current_user, doel.regio):
        if any(v is not None for v in gelezen.values()):
            opmerkingen.append(NIET_REGIONAAL)
        return None
    rij = regio_bezetting(doel.regio, doel.jaar)
    opgeslagen = (rij.waarden or {}) if rij is not None else {}
    n = werkboek.groepen[0].basis
    wijzigingen = [{"veld": f, "naam": f"{n.functie(f).naam}: fte in dienst (regio)",
                    "oud": _getal(opgeslagen.get(f)), "nieuw": nieuw}
                   for f, nieuw in gelezen.items()
                   if f in n.functie_sleutels and _getal(opgeslagen.get(f)) != nieuw]
    return {"versie": rij.version if rij is not None else 0, "wijzigingen": wijzigingen}


def _upload(scope: str, code: str, jaar: int):
    doel = _doel(scope, code, jaar)
    gelezen, fout = _lees(doel)
    if fout is not None:
        return fout
    werkboek, rijen, bestand, opmerkingen = gelezen
    problemen = _controleer_gemeenten(doel, werkboek)
    if problemen:
        return _fout_pagina(doel, problemen, 422, bestand)
    if not _ruimte_voor_voorbeeld():
        return _fout_pagina(doel, ["Er wachten nu te veel voorbeelden van uploads op "
                                   "bevestiging. Probeer het over enkele minuten opnieuw; er is "
                                   "niets opgeslagen."], 429, bestand)
    payload = _voorbeeld(doel, werkboek, rijen)
    payload.update(bestand=bestand, opmerkingen=opmerkingen,
                   regio_bezetting=_regio_voorbeeld(doel, werkboek, opmerkingen))
    nu = utcnow()
    upload = WerkboekUpload(token=secrets.token_urlsafe(32), user_id=current_user.id,
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
    db.session.execute(delete(WerkboekUpload).where(WerkboekUpload.expires_at < utcnow()))
    eigen = list(db.session.scalars(
        select(WerkboekUpload.id).where(WerkboekUpload.user_id == current_user.id)
        .order_by(WerkboekUpload.created_at.desc(), WerkboekUpload.id.desc())))
    if len(eigen) >= per_gebruiker:
        db.session.execute(delete(WerkboekUpload).where(
            WerkboekUpload.id.in_(eigen[per_gebruiker - 1:])))
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(WerkboekUpload)) < totaal


def _toon_voorbeeld(doel: Doel, upload: WerkboekUpload, *, status: int = 200,
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
    upload = db.session.scalar(select(WerkboekUpload).where(WerkboekUpload.token == token))
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
    (``<versie>-excel``, numbered when taken; :func:`app.normensets.bewaar_normenset`)."""
    if not groep["normen_toml"]:
        return None
    return bewaar_normenset(groep["normen_toml"], "normen uit het werkboek", current_user,
                            afgeleid_van=basis_rij)


def _gemeenten_toegestaan(doel: Doel, groep: dict) -> list[Gemeente]:
    """The group's gemeenten, checked again at confirm time (a role or region may have
    changed since the preview): 404 for any this user may no longer change here."""
    gemeenten = []
    for g in groep["gemeenten"]:
        gemeente = db.session.get(Gemeente, g["code"])
        if gemeente is None or not doel.toegestaan(gemeente):
            abort(404)
        gemeenten.append(gemeente)
    return gemeenten


def _als_invoer(doel: Doel, upload: WerkboekUpload):
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
        upload = db.session.get(WerkboekUpload, upload.id)
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


def _als_scenario(doel: Doel, upload: WerkboekUpload):
    """Save the workbook as a scenario (the stored figures stay as they are). One group: its
    norm changes (edited base and scenario columns) are the scenario's; several groups (a
    region of mixed normensets): a base per group (:func:`app.cijfers.basis_als_json`'s
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
        upload = db.session.get(WerkboekUpload, upload.id)
        return _toon_voorbeeld(doel, upload, status=409, naam=naam, problemen=[
            "Tegelijk is een normenset met dezelfde naam en versie opgeslagen. Er is niets "
            "opgeslagen; probeer het opnieuw."])
    basis = ({k: v for k, v in delen[0].items() if k != "normenset_id"} if len(delen) == 1
             else {"groepen": delen})
    nu = utcnow()
    rij = ScenarioRij(
        naam=naam, owner_id=current_user.id,
        gemeente_code=doel.code if doel.scope == "gemeente" else None,
        regio_code=doel.code if doel.scope == "regio" else None, jaar=doel.jaar,
        normenset_id=basis_rij.id, werkboek_normenset_id=normen.id if normen else None,
        parameters=scenario.to_dict(), basis=basis, overrides=overrides,
        created_at=nu, updated_at=nu)
    db.session.add(rij)
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
