"""The invoer form, generated from a normenset: one text field per ``[[invoer]]``, grouped by
``groep``, plus the bezetting (fte in post) per functie. Numbers are parsed by the model's
:func:`formatie.getallen.parse_getal` (decimal comma)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from flask import abort
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, StringField, SubmitField
from wtforms.validators import ValidationError

from formatie.getallen import GetalFout, format_invoer, parse_getal
from formatie.model import RekenFout, bereken
from formatie.normenset import Functie, Normenset
from formatie.parameters import BEZETTING as BEZETTING_PARAMETER
from formatie.parameters import Parameter
from formatie.regio import REGIONALE_FUNCTIES

from .models import MAX_INT

BEZETTING = "bezetting_"  # prefix of bezetting fields; the normenset reader reserves it
HERKOMST = "herkomst_"  # prefix of the audit trail's herkomst fields; reserved likewise
MAX_LENGTE = 30


def eigen_functies(normenset: Normenset,
                   team_functies: frozenset[str] = frozenset()) -> tuple[Functie, ...]:
    """The functies a gemeente employs staff for itself: not the regional ones (the
    Doorstroompunt's bezetting is entered once per region) nor those of a shared team it
    belongs to (``team_functies``: the team enters its bezetting once, on the team page)."""
    return tuple(f for f in normenset.functies
                 if f.sleutel not in REGIONALE_FUNCTIES and f.sleutel not in team_functies)


class GetalField(StringField):
    """A text input (``inputmode="decimal"``) holding a Dutch number; ``.waarde`` is the float
    as typed (a percentage for a share), ``.opgeslagen`` the value in the stored unit.

    With ``parameter`` (a row of :mod:`formatie.parameters`) the bounds, unit and message come
    from that table; ``minimum``/``maximum`` are for invoer, whose bounds the normenset gives.
    """

    def __init__(self, label, *, minimum: float | None = None, maximum: float | None = None,
                 eenheid: str = "", parameter: Parameter | None = None, **kwargs):
        render_kw = {"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}
        super().__init__(label, render_kw=render_kw, **kwargs)
        self.parameter = parameter
        factor = parameter.weergave_factor if parameter else 1.0
        self.eenheid = parameter.weergave_eenheid if parameter else eenheid
        #: The bounds in the unit people type (a share as a percentage), one Parameter either
        #: way, so the message is the one table's sentence.
        self.grenzen = (Parameter(parameter.sleutel, parameter.label, self.eenheid,
                                  parameter.min * factor, parameter.max * factor,
                                  parameter.min_open, parameter.max_open)
                        if parameter else Parameter("", str(label), eenheid, minimum, maximum))
        self.minimum, self.maximum = self.grenzen.min, self.grenzen.max
        self.waarde: float | None = None

    @property
    def opgeslagen(self) -> float | None:
        """The value in the stored unit (a fraction for a share shown as a percentage)."""
        if self.waarde is None or self.parameter is None:
            return self.waarde
        return self.waarde / self.parameter.weergave_factor

    def toon(self, opgeslagen: float) -> None:
        """Fill the field from a stored value (a fraction is shown as a percentage)."""
        factor = self.parameter.weergave_factor if self.parameter else 1.0
        self.data = format_invoer(opgeslagen * factor)

    def process_formdata(self, valuelist):
        self.data = valuelist[0] if valuelist else ""

    def pre_validate(self, form):
        self.waarde = None
        tekst = (self.data or "").strip()
        if len(tekst) > MAX_LENGTE:
            raise ValidationError("Dit is geen getal: gebruik hoogstens 30 tekens.")
        try:
            waarde = parse_getal(tekst, ",")
        except GetalFout as exc:
            raise ValidationError(str(exc)[:1].upper() + str(exc)[1:]) from None
        if waarde is None:
            return
        if not self.grenzen.toegestaan(waarde):
            raise ValidationError(f"Vul een getal in, {self.grenzen.bereik_tekst()}.")
        self.waarde = waarde


class InvoerFormBase(FlaskForm):
    version = HiddenField()
    #: The invoer sleutels "Gebruik schattingen voor lege velden" filled (comma-separated), so
    #: a save can keep an unchanged estimate an estimate (see geschatte_sleutels).
    geschat = HiddenField()
    concept = SubmitField("Opslaan als concept")
    indienen = SubmitField("Indienen")

    normenset: Normenset  # set on the generated subclass
    #: functies whose bezetting a shared team enters (not in this form); set likewise
    team_functies: frozenset[str] = frozenset()
    #: The model's refusal of these figures (a result that is not finite or absurd), if any.
    rekenfout: str | None = None

    def getalvelden(self) -> list[GetalField]:
        return [f for f in self if isinstance(f, GetalField)]

    def invoervelden(self) -> list[GetalField]:
        return [self[s] for s in self.normenset.invoer_sleutels]

    def bezettingvelden(self) -> list[GetalField]:
        return [self[BEZETTING + f.sleutel]
                for f in eigen_functies(self.normenset, self.team_functies)]

    def groepen(self) -> list[tuple[str, list[tuple[GetalField, str]]]]:
        """(groep, [(field, toelichting)]) in the normenset's order."""
        uit: dict[str, list] = {}
        for invoer in self.normenset.invoer:
            uit.setdefault(invoer.groep, []).append((self[invoer.sleutel], invoer.toelichting))
        return list(uit.items())

    def validate_invoer(self, indienen: bool) -> bool:
        """Field checks, then (on indienen) completeness, then the normenset's controles."""
        ok = self.validate()
        if indienen:
            for veld in self.getalvelden():
                if not veld.errors and veld.waarde is None:
                    veld.errors.append("Vul dit veld in om in te dienen (0 als er niets was).")
                    ok = False
        geldig = {s: self[s].waarde for s in self.normenset.invoer_sleutels if not self[s].errors}
        for controle in self.normenset.geschonden_controles(geldig):
            self[controle.links].errors.append(controle.melding)
            ok = False
        waarden = self.invoer_waarden()
        if ok and None not in waarden.values():
            # complete figures: would the model stand behind their result? (formatie.model)
            try:
                bereken(self.normenset, np.array([list(waarden.values())], dtype=float))
            except RekenFout as fout:
                self.rekenfout = " ".join(p.bericht for p in fout.problemen)
                ok = False
        return ok

    def fouten(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for the error summary, in form order; the model's
        refusal of the whole result first, linked to the first field."""
        uit = [(veld.id, veld.label.text, fout) for veld in self.getalvelden()
               for fout in veld.errors]
        if self.rekenfout:
            uit.insert(0, (self.invoervelden()[0].id, "Berekening", self.rekenfout))
        return uit

    def invoer_waarden(self) -> dict[str, float | None]:
        return {s: self[s].waarde for s in self.normenset.invoer_sleutels}

    def bezetting_waarden(self) -> dict[str, float | None]:
        """The gemeente's own bezetting; a regional or team functie's old stored value is
        kept as it is (it is not in the form)."""
        return {f.sleutel: self[BEZETTING + f.sleutel].waarde
                for f in eigen_functies(self.normenset, self.team_functies)}

    def vul(self, waarden: dict, bezetting: dict) -> None:
        """Show stored values (GET)."""
        for s in self.normenset.invoer_sleutels:
            self[s].data = format_invoer(waarden.get(s))
        for f in eigen_functies(self.normenset, self.team_functies):
            self[BEZETTING + f.sleutel].data = format_invoer(bezetting.get(f.sleutel))


def geschatte_sleutels(form: InvoerFormBase) -> list[str]:
    """The invoer sleutels the form says were prefilled with an estimate (unknown names and
    duplicates dropped: the field comes back from the browser)."""
    gemeld = set((form.geschat.data or "").split(","))
    return [s for s in form.normenset.invoer_sleutels if s in gemeld]


def invoer_form(normenset: Normenset, team_functies: frozenset[str] = frozenset(),
                **kwargs) -> InvoerFormBase:
    """A form instance for ``normenset`` (a new class per normenset: fields are dynamic),
    without a bezetting field for ``team_functies`` (the gemeente's shared teams)."""
    velden: dict[str, Field] = {"normenset": normenset, "team_functies": team_functies}
    for invoer in normenset.invoer:
        velden[invoer.sleutel] = GetalField(invoer.naam, minimum=invoer.min, maximum=invoer.max,
                                            eenheid=invoer.eenheid, description=invoer.eenheid)
        # (the same bounds as invoer.parameter, which the CSV and workbook readers check)
    for functie in eigen_functies(normenset, team_functies):
        velden[BEZETTING + functie.sleutel] = GetalField(
            f"{functie.naam}: fte in dienst", parameter=BEZETTING_PARAMETER, description="fte")
    klasse = type("InvoerForm", (InvoerFormBase,), velden)
    return klasse(**kwargs)


@dataclass(frozen=True)
class Veldlabel:
    """Labels for the audit trail and the conflict table."""

    labels: dict[str, str]

    @classmethod
    def voor(cls, normenset: Normenset) -> Veldlabel:
        labels = {}
        for i in normenset.invoer:  # a value, then its herkomst (formatie.herkomst)
            labels[i.sleutel] = i.naam
            labels[HERKOMST + i.sleutel] = f"{i.naam}: herkomst"
        labels.update({BEZETTING + f.sleutel: f"{f.naam}: fte in dienst"
                       for f in normenset.functies})
        labels["status"] = "Status"
        labels["normenset"] = "Normenset"
        return cls(labels)

    def __call__(self, veld: str) -> str:
        return self.labels.get(veld, veld)

    def volgorde(self, veld: str) -> int:
        """The field's place in the form (invoer, bezetting, status); unknown fields last."""
        return list(self.labels).index(veld) if veld in self.labels else len(self.labels)


class RegioBezettingFormBase(FlaskForm):
    """The region's bezetting of its regional functies (the Doorstroompunt): one field each."""

    version = HiddenField()
    functies: tuple[Functie, ...]

    def bezettingvelden(self) -> list[GetalField]:
        return [self[BEZETTING + f.sleutel] for f in self.functies]

    def fouten(self) -> list[tuple[str, str, str]]:
        return [(v.id, v.label.text, f) for v in self.bezettingvelden() for f in v.errors]

    def bezetting_waarden(self) -> dict[str, float | None]:
        return {f.sleutel: self[BEZETTING + f.sleutel].waarde for f in self.functies}

    def vul(self, bezetting: dict) -> None:
        for f in self.functies:
            self[BEZETTING + f.sleutel].data = format_invoer(bezetting.get(f.sleutel))


def regio_bezetting_form(functies: tuple[Functie, ...], waar: str = "in de regio",
                         **kwargs) -> RegioBezettingFormBase:
    """A form for the regional functies among ``functies`` (bounds: the bezetting parameter);
    a team's bezetting (one functie, ``waar`` "in het team") uses the same form."""
    velden: dict[str, object] = {"functies": functies}
    for functie in functies:
        velden[BEZETTING + functie.sleutel] = GetalField(
            f"{functie.naam}: fte in dienst {waar}", parameter=BEZETTING_PARAMETER,
            description="fte")
    klasse = type("RegioBezettingForm", (RegioBezettingFormBase,), velden)
    return klasse(**kwargs)


def geladen_versie(form: FlaskForm) -> int:
    """The optimistic lock's version the form was loaded with (its hidden ``version`` field):
    400 for anything but a whole number from 0 to :data:`app.models.MAX_INT` (a larger one
    would overflow the database driver on a conflict)."""
    try:
        geladen = int(form.version.data or "0")
    except ValueError:
        abort(400)
    if not 0 <= geladen <= MAX_INT:
        abort(400)
    return geladen
