"""Bounds: ids too large for an INTEGER column are 404 (never an overflow in the database
driver), the history form only offers years the tool accepts, and (issue 19) no parameter value
the one table accepts gives NaN, Infinity or a 500 anywhere: values it refuses are refused on
every path, data stored before the bounds gives Dutch 422 pages and `flask check` names it."""

from __future__ import annotations

import io
import math
import re
import warnings
from dataclasses import replace

import openpyxl
import pytest
import vijandig
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profielen import voorbeelden
from sqlalchemy import delete, func, select

from app.access import EERSTE_JAAR
from app.extensions import db
from app.models import AuditEntry, InvoerRij, NormensetRij, ScenarioRij, WerkboekUploadRij
from app.services.normensets import actieve_rij, activeer, als_normenset
from formatie.getallen import format_invoer
from formatie.normenset import ORGANISATIE_PARAMETERS, normenset_als_toml
from formatie.normenset_toml import standaard_normenset
from formatie.parameters import parameter

from .conftest import (
    BUUR,
    EIGEN,
    EIGEN_REGIO,
    JAAR,
    AuthActions,
    bewaar_invoer,
    geschatte_waarden,
)
from .test_eigenschappen_web import afwijzing_in_het_nederlands

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

GROOT = "99999999999999999999"  # > 2**63: OverflowError (SQLite), DataError (PostgreSQL)
TE_GROOT = str(2**31)  # just over INTEGER
GRENS = str(2**31 - 1)  # the largest INTEGER: a valid id that does not exist


@pytest.fixture(scope="module")
def met_basis(gedeelde_app):
    """An invoer of EIGEN in the shared app, so /scenarios/nieuw gets as far as ?van=."""
    bewaar_invoer(gedeelde_app, EIGEN)


@pytest.mark.parametrize("rol, methode, pad", [
    ("beheerder", "GET", "/scenarios/{id}"),
    ("beheerder", "POST", "/scenarios/{id}/kopie"),
    ("beheerder", "POST", "/scenarios/{id}/verwijder"),
    ("beheerder", "GET", "/scenarios/vergelijk?ids={id}"),
    ("beheerder", "GET", "/scenarios/vergelijk.xlsx?ids={id}"),
    ("gemeente", "GET", "/scenarios/vergelijk?ids=1&ids={id}"),
    ("gemeente", "GET", f"/scenarios/nieuw?gemeente={EIGEN}&jaar={JAAR}&van={{id}}"),
    ("gemeente", "GET", "/normen/{id}"),
    ("beheerder", "POST", "/normen/{id}/activeer"),
    ("beheerder", "POST", "/gebruikers/{id}/actief"),
    ("gemeente", "GET", f"/gemeente/{EIGEN}/{{id}}"),
    ("gemeente", "GET", f"/gemeente/{EIGEN}/{{id}}/resultaat"),
    ("gemeente", "GET", f"/gemeente/{EIGEN}/{{id}}/historie-invoer"),
    ("gemeente", "GET", f"/gemeente/{EIGEN}/{{id}}/prognose"),
    ("regio", "GET", "/regio/MC11/{id}"),
])
@pytest.mark.parametrize("waarde", [GROOT, TE_GROOT, GRENS, "-1", "0"])
def test_huge_ids_are_404(gedeelde_client, gedeelde_auth, met_basis, rol, methode, pad, waarde):
    """Read-only (every case is refused with 404), so all cases share one app."""
    gedeelde_auth.als(rol)
    r = gedeelde_client.open(pad.format(id=waarde), method=methode)
    assert r.status_code == 404, (pad, waarde, r.status_code)


def test_history_form_offers_no_years_before_the_first(client, auth, app):
    auth.als("gemeente")
    pad = f"/gemeente/{EIGEN}/{EERSTE_JAAR}/historie-invoer"
    for methode in ("GET", "POST"):
        r = client.open(pad, method=methode, data={f"h-{EERSTE_JAAR - 1}-scholen": "3"})
        assert r.status_code == 303
        assert r.headers["Location"].endswith(f"/gemeente/{EIGEN}/{EERSTE_JAAR}/prognose")
    r = client.get(pad, follow_redirects=True)
    assert r.status_code == 200
    assert f"Voor {EERSTE_JAAR} zijn er geen eerdere jaren in te vullen" in r.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InvoerRij)) == 0


def test_history_form_saves_only_accepted_years(client, auth, app):
    auth.als("gemeente")
    jaar = EERSTE_JAAR + 1
    pad = f"/gemeente/{EIGEN}/{jaar}/historie-invoer"
    r = client.get(pad)
    assert r.status_code == 200
    assert f'name="h-{EERSTE_JAAR}-scholen"' in r.text
    assert f"h-{EERSTE_JAAR - 1}-" not in r.text
    versies = re.search(r'name="versies"[^>]*value="([^"]*)"', r.text).group(1)
    assert versies == f"{EERSTE_JAAR}:0"
    r = client.post(pad, data={"versies": versies, f"h-{EERSTE_JAAR}-scholen": "3",
                               f"h-{EERSTE_JAAR - 1}-scholen": "4",
                               f"h-{EERSTE_JAAR - 5}-scholen": "5"})
    assert r.status_code == 302
    with app.app_context():
        assert list(db.session.scalars(select(InvoerRij.jaar))) == [EERSTE_JAAR]
        # one figure and no status: entering history starts no year
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 1
    # every saved year can be opened
    assert client.get(f"/gemeente/{EIGEN}/{EERSTE_JAAR}").status_code == 200


@pytest.mark.parametrize("jaar, tekst", [
    (EERSTE_JAAR, None),
    (EERSTE_JAAR + 1, f"Cijfers van eerdere jaren ({EERSTE_JAAR}) voor de prognose"),
    (JAAR, f"Cijfers van eerdere jaren ({max(JAAR - 5, EERSTE_JAAR)}–{JAAR - 1}) voor de"),
])
def test_invoer_page_offers_only_accepted_earlier_years(client, auth, jaar, tekst):
    auth.als("gemeente")
    r = client.get(f"/gemeente/{EIGEN}/{jaar}")
    assert r.status_code == 200
    if tekst is None:
        assert "eerdere jaren invullen" not in r.text and "Cijfers van eerdere jaren" not in r.text
    else:
        assert tekst in r.text and "eerdere jaren invullen" in r.text


# ----- issue 19: bounds that mean something ---------------------------------------------------

#: Every page, JSON answer and workbook a gemeente's or region's figures reach.
PAGINAS = [
    f"/gemeente/{EIGEN}/{JAAR}", f"/gemeente/{EIGEN}/{JAAR}/resultaat",
    f"/gemeente/{EIGEN}/{JAAR}/resultaat.json", f"/gemeente/{EIGEN}/{JAAR}/resultaat.json"
    "?onzekerheid=1", f"/gemeente/{EIGEN}/{JAAR}/gevoeligheid",
    f"/gemeente/{EIGEN}/{JAAR}/prognose", f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx",
    f"/regio/{EIGEN_REGIO}/{JAAR}", f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json",
    f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json?onzekerheid=1",
    f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx", "/", "/normen",
]
#: NaN or an infinity as any output might spell it (numpy, Python, JSON, Babel, Excel).
NIET_EINDIG = re.compile(r"\bnan\b|\binf\b|infinity|∞|#num!|#div/0!", re.IGNORECASE)


def niet_eindig(r) -> list[str]:
    """What in an answer is NaN or infinite: its text, or a workbook's cells (cached values)."""
    if r.mimetype == XLSX:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(r.data), data_only=True, read_only=True)
        return [f"{ws.title}: {v!r}" for ws in wb for rij in ws.iter_rows(values_only=True)
                for v in rij if (isinstance(v, float) and not math.isfinite(v))
                or (isinstance(v, str) and NIET_EINDIG.search(v))]
    return NIET_EINDIG.findall(r.get_data(as_text=True))


def veeg(client, auth, paden=PAGINAS, rollen=("gemeente", "regio", "beheerder")) -> dict:
    """Every page for every role: no 500 (TESTING raises it), no NaN or infinity anywhere.
    Returns the status per (role, path)."""
    uit = {}
    for rol in rollen:
        auth.als(rol)
        for pad in paden:
            r = client.get(pad)
            if rol == "gemeente" and pad.startswith("/regio/"):
                assert r.status_code == 404  # not hers to see
                continue
            assert r.status_code in (200, 302, 409, 422), (rol, pad, r.status_code)
            assert niet_eindig(r) == [], (rol, pad, niet_eindig(r)[:5])
            uit[rol, pad] = r.status_code
    return uit


def _standaard_toml(**vervang) -> str:
    """The active default normenset's TOML with ``oud → nieuw`` replaced once each."""
    tekst = standaard_normenset().bron_tekst
    for oud, nieuw in vervang.values():
        assert oud in tekst, oud
        tekst = tekst.replace(oud, nieuw, 1)
    return tekst


def _sla_normenset_op(app, tekst: str, versie: str, actief: bool = True) -> int:
    """Store a normenset as it was stored before today's bounds (no reader in between)."""
    with app.app_context():
        tekst = tekst.replace(f'versie = "{standaard_normenset().versie}"', f'versie = "{versie}"')
        rij = NormensetRij(naam="Oud", versie=versie, toml=tekst)
        db.session.add(rij)
        db.session.flush()
        if actief:
            activeer(rij)
        db.session.commit()
        return rij.id


def test_a_normenset_stored_before_the_bounds_gives_422_pages_and_check_names_it(
        app, client, auth, runner):
    """Issue 19: 5e-324 contract hours, once active, gave NaN on the region page and 500 on
    six pages and both scenario.xlsx. Now every page says why, in Dutch, and `flask check`
    names the set."""
    waarden = geschatte_waarden(app, EIGEN)
    _sla_normenset_op(app, _standaard_toml(c=("contracturen_per_fte = 1836",
                                              "contracturen_per_fte = 5e-324")), "oud-1")
    bewaar_invoer(app, EIGEN, waarden=waarden)
    statussen = veeg(client, auth)
    for (rol, pad), status in statussen.items():
        if pad not in ("/", "/normen"):
            assert status == 422, (rol, pad, status)
    auth.als("gemeente")
    tekst = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat").text
    assert "Geen bruikbare uitkomst" in tekst
    assert "contracturen_per_fte moet van 100 tot en met 2.920 uur zijn" in tekst
    uit = runner.invoke(args=["check"])
    assert uit.exit_code == 1
    assert "fout    normenset Oud (oud-1): voldoet niet aan de grenzen" in uit.output


def test_figures_whose_result_is_absurd_are_refused_on_the_form_and_named_by_check(
        app, client, auth, runner):
    """Within every bound a result can still be absurd (10⁸ leerplichtigen at 2.000 hours
    each): the form refuses it at the top, and figures stored before show 422 pages."""
    tekst = _standaard_toml(
        maximum=('max = 200000', 'max = 100000000'),
        uren=("uren = 0.03\nuren_laag = 0.01\nuren_hoog = 0.06",
              "uren = 2000\nuren_laag = 2000\nuren_hoog = 2000"))
    _sla_normenset_op(app, tekst, "absurd-1")
    waarden = geschatte_waarden(app, EIGEN) | {"leerplichtigen": 1e8}
    auth.als("gemeente")
    data = {s: str(int(v)) for s, v in waarden.items()} | {"version": "0", "concept": "1"}
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}", data=data)
    assert r.status_code == 422
    assert "meer dan 1.000.000 fte is geen bruikbare uitkomst" in r.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InvoerRij)) == 0
    bewaar_invoer(app, EIGEN, waarden=waarden)  # as stored before this check existed
    assert veeg(client, auth, PAGINAS[1:3])[("gemeente", PAGINAS[1])] == 422
    uit = runner.invoke(args=["check"])
    assert uit.exit_code == 1
    assert f"fout    cijfers: 1 opgeslagen cijfers geven geen bruikbare uitkomst: {EIGEN} " \
           f"{JAAR}" in uit.output


@pytest.mark.parametrize("waarde", ["1e-300", "5e-324", "99.99999999999999"])
def test_a_beheerders_normenset_with_contract_hours_near_zero_is_refused(
        client, auth, app, waarde):
    auth.als("beheerder")
    tekst = _standaard_toml(c=("contracturen_per_fte = 1836",
                               f"contracturen_per_fte = {waarde}"))
    tekst = tekst.replace(f'versie = "{standaard_normenset().versie}"', 'versie = "t"')
    r = client.post("/normen/upload", data={"bestand": (io.BytesIO(tekst.encode()), "n.toml")},
                    content_type="multipart/form-data")
    assert r.status_code == 422
    assert "contracturen_per_fte moet van 100 tot en met 2.920 uur zijn" in r.text
    with app.app_context():
        assert db.session.scalar(select(NormensetRij).where(NormensetRij.versie == "t")) is None


def test_a_stored_normenset_that_no_longer_reads_cannot_be_activated(client, auth, app):
    oud = _sla_normenset_op(app, _standaard_toml(c=("afwezigheid = 0.16", "afwezigheid = 0.9")),
                            "oud-2", actief=False)
    auth.als("beheerder")
    r = client.post(f"/normen/{oud}/activeer")
    assert r.status_code == 422 and "afwezigheid moet van 0 tot en met 50 % zijn" in r.text
    with app.app_context():
        assert actieve_rij().id != oud


@pytest.mark.parametrize("waarde", [5e-324, 1e-300])
def test_a_workbook_with_contract_hours_near_zero_is_refused_at_the_preview(
        client, auth, app, vul_invoer, waarde):
    """Issue 19: 5e-324 from a gemeente's workbook was saved; its pages then answered 500."""
    vul_invoer(EIGEN)
    auth.als("gemeente")
    data = client.get(f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx").data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Organisatie"]
    kop = {c.value: c.column for c in ws[3] if c.value}
    rij = next(r for r in range(4, ws.max_row + 1)
               if ws.cell(r, kop["functie"]).value == "leerplicht")
    ws.cell(rij, kop["contracturen_per_fte"]).value = waarde
    uit = io.BytesIO()
    wb.save(uit)
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}/upload",
                    data={"werkboek": (io.BytesIO(uit.getvalue()), "s.xlsx")},
                    content_type="multipart/form-data")
    assert r.status_code == 422
    assert "contracturen_per_fte moet van 100 tot en met 2.920 uur zijn" in r.text
    assert niet_eindig(r) == []


# ----- the property over every path: form, workbook, normenset upload, scenario ---------------

NORMENSET = standaard_normenset()
#: (path, where, parameter row) of every number a user sets on the web.
WEBPLEKKEN = (
    [("normenset", ("functie", f.sleutel, p), p) for f in NORMENSET.functies
     for p in ORGANISATIE_PARAMETERS]
    + [("normenset", ("taak", t.sleutel, v), v) for t in NORMENSET.taken[:3]
       for v in ("uren", "uren_laag", "uren_hoog")]
    + [("normenset", ("invoer", "leerplichtigen", "max"), "invoer")]
    + [("formulier", i, "invoer") for i in NORMENSET.invoer_sleutels[:4]]
    + [("formulier", "bezetting_leerplicht", "bezetting")]
    + [("werkboek", ("Organisatie", "leerplicht", p), p) for p in ORGANISATIE_PARAMETERS]
    + [("werkboek", ("Normen", NORMENSET.taken[0].sleutel, "uren"), "uren")]
    + [("scenario", "groei_leerplichtigen", "groei"),
       ("scenario", f"uren_{NORMENSET.taken[0].sleutel}", "uren")]
    + [("scenario", f"org_leerplicht__{p}", p) for p in ORGANISATIE_PARAMETERS])


@st.composite
def webplek_en_waarde(draw):
    pad, plek, sleutel = draw(st.sampled_from(WEBPLEKKEN))
    p = parameter(sleutel)
    waarde = draw(st.one_of(st.sampled_from(vijandig.randen(p)),
                            st.floats(p.min, p.max, allow_nan=False, allow_infinity=False)))
    return pad, plek, waarde


def _begin_opnieuw(app) -> None:
    """The default normenset active, no figures, scenarios or uploads (between examples)."""
    with app.app_context():
        for model in (AuditEntry, ScenarioRij, WerkboekUploadRij, InvoerRij):
            db.session.execute(delete(model))
        activeer(db.session.scalar(select(NormensetRij).where(
            NormensetRij.naam == NORMENSET.naam, NormensetRij.versie == NORMENSET.versie)))
        db.session.commit()


def _als_veld(waarde: float, procent: bool) -> str:
    """A number as typed into a form field (decimal comma, every digit, no exponent)."""
    return format_invoer(waarde * 100 if procent else waarde)


def _vul_cijfers(app) -> dict:
    """EIGEN with its estimates, BUUR with every invoer at the active normenset's max."""
    waarden = geschatte_waarden(app, EIGEN)
    bewaar_invoer(app, EIGEN, waarden=waarden)
    with app.app_context():
        n = als_normenset(actieve_rij())
    bewaar_invoer(app, BUUR, waarden={i.sleutel: i.max for i in n.invoer})
    return waarden


@pytest.mark.slow
@settings(max_examples=voorbeelden(40), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plek_waarde=webplek_en_waarde())
def test_no_value_the_table_accepts_gives_nan_infinity_or_500_on_any_page(
        sqlite_app, plek_waarde):
    """Issue 19, done when: no parameter value the one table accepts produces NaN, Infinity or
    a 500 anywhere. Each value (at and near its bounds, and 5e-324, 1e-300, 1e308) goes in
    through one path (a beheerder's normenset, the invoer form, a gemeente's workbook, a
    scenario); it is refused in Dutch with 422, or every page, JSON answer and workbook of the
    gemeente and its region is finite (or a Dutch 422 when the model refuses an absurd result)."""
    pad, plek, waarde = plek_waarde
    app = sqlite_app
    _begin_opnieuw(app)
    client = app.test_client()
    auth = AuthActions(client, app)
    extra_paden = []
    if pad == "normenset":
        n = NORMENSET
        if plek[0] == "functie":
            f = replace(n.functie(plek[1]), **{plek[2]: waarde})
            n = replace(n, functies=tuple(f if x.sleutel == f.sleutel else x
                                          for x in n.functies))
        elif plek[0] == "taak":
            t = replace(n.taak(plek[1]), **{plek[2]: waarde})
            n = replace(n, taken=tuple(t if x.sleutel == t.sleutel else x for x in n.taken))
        else:
            i = replace(n.invoer_by_sleutel(plek[1]), **{plek[2]: waarde})
            n = replace(n, invoer=tuple(i if x.sleutel == i.sleutel else x for x in n.invoer))
        with app.app_context():
            versie = f"grens-{db.session.scalar(select(func.count(NormensetRij.id)))}"
        tekst = normenset_als_toml(replace(n, versie=versie, bron_tekst=None))
        auth.als("beheerder")
        r = client.post("/normen/upload", content_type="multipart/form-data",
                        data={"bestand": (io.BytesIO(tekst.encode()), "n.toml")})
        if r.status_code == 422:
            afwijzing_in_het_nederlands(r)
            return
        assert r.status_code == 302, r.status_code
        nieuw = int(r.headers["Location"].rsplit("/", 1)[1])
        assert client.post(f"/normen/{nieuw}/activeer").status_code == 302
        _vul_cijfers(app)
    elif pad == "formulier":
        _vul_cijfers(app)
        auth.als("gemeente")
        data = {s: format_invoer(v) for s, v in geschatte_waarden(app, EIGEN).items()}
        data |= {plek: _als_veld(waarde, False), "version": "1", "concept": "1"}
        r = client.post(f"/gemeente/{EIGEN}/{JAAR}", data=data)
        if r.status_code == 422:
            afwijzing_in_het_nederlands(r)
        else:
            assert r.status_code == 302, r.status_code
    elif pad == "werkboek":
        _vul_cijfers(app)
        auth.als("gemeente")
        data = client.get(f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx").data
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data))
        blad, sleutel, kolom = plek
        ws = wb[blad]
        kop = {c.value: c.column for c in ws[3] if c.value}
        sleutelkolom = kop["functie" if blad == "Organisatie" else "taak"]
        rij = next(r for r in range(4, ws.max_row + 1)
                   if ws.cell(r, sleutelkolom).value == sleutel)
        ws.cell(rij, kop[kolom]).value = waarde
        uit = io.BytesIO()
        wb.save(uit)
        r = client.post(f"/gemeente/{EIGEN}/{JAAR}/upload", content_type="multipart/form-data",
                        data={"werkboek": (io.BytesIO(uit.getvalue()), "s.xlsx")})
        if r.status_code == 422:
            afwijzing_in_het_nederlands(r)
        else:
            assert r.status_code == 200 and niet_eindig(r) == [], r.status_code
            token = re.search(r"/upload/([A-Za-z0-9_-]+)/bevestig", r.text).group(1)
            r = client.post(f"/gemeente/{EIGEN}/{JAAR}/upload/{token}/bevestig",
                            data={"actie": "scenario", "naam": "Werkboek"})
            assert r.status_code in (302, 422), r.status_code
            assert niet_eindig(r) == []
    else:
        _vul_cijfers(app)
        auth.als("gemeente")
        procent = parameter(plek.split("__")[-1]).procent if "__" in plek else False
        r = client.post(f"/scenarios/nieuw?gemeente={EIGEN}&jaar={JAAR}",
                        data={"naam": "Grens", plek: _als_veld(waarde, procent)})
        if r.status_code == 422:
            afwijzing_in_het_nederlands(r)
        else:
            assert r.status_code == 302, r.status_code
    with app.app_context():
        ids = [str(i) for i in db.session.scalars(select(ScenarioRij.id))]
    for i in ids:
        extra_paden += [f"/scenarios/{i}", f"/scenarios/vergelijk?ids={i}",
                        f"/scenarios/vergelijk.xlsx?ids={i}"]
    veeg(client, auth, PAGINAS + extra_paden, rollen=("beheerder",))
