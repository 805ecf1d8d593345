"""Bad input through the web, property-based (hypothesis) and generated.

The invoer form, the Excel scenario upload (malformed XLSX: truncated zips, random bytes, a zip
without the sheets, text/huge/negative/NaN numbers in input cells, wrong content types, zip
bombs, oversized bodies), the calibration CSV upload and the normenset (TOML) upload. For every
case: never a server error (TESTING propagates exceptions, so one would fail the test), every
rejection carries Dutch messages, and a rejection leaves the database exactly as it was.

Hypothesis runs on SQLite (each example is a request); the fixed malicious list runs on every
backend. Full example counts are in ``VOORBEELDEN`` (docs/kwaliteit.md); the ``dev`` hypothesis
profile (make test-snel) caps them, see tests/profielen.py.
"""

from __future__ import annotations

import gc
import io
import re
import shutil
import string
import warnings
import zipfile
from html.parser import HTMLParser

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError
from profielen import steekproef, voorbeelden
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, InvoerRij, NormensetRij, WerkboekUploadRij
from formatie.getallen import GetalFout, parse_getal
from formatie.normenset_toml import standaard_normenset
from formatie.regio import REGIONALE_FUNCTIES

from .conftest import EIGEN, JAAR, _maak_app, geschatte_waarden

VOORBEELDEN = {"formulier": 1500, "werkboek_bytes": 300, "werkboek_cellen": 120,
               "werkboek_loader": 1500,
               "kalibratie_csv": 300, "normenset_toml": 300}
HYP = dict(deadline=None, derandomize=True, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])

NORMENSET = standaard_normenset()
#: The gemeente's own bezetting fields (the Doorstroompunt's is entered per region).
EIGEN_FUNCTIES = [f for f in NORMENSET.functie_sleutels if f not in REGIONALE_FUNCTIES]
VELDEN = [*NORMENSET.invoer_sleutels, *(f"bezetting_{f}" for f in EIGEN_FUNCTIES)]
KWAADAARDIG = [
    "", " ", "\t\n", "-1", "-0,5", "1e308", "1E308", "NaN", "nan", "inf", "-Infinity",
    "1.234,5", "1,234.5", "1.234.567,89", "12,3,4", "١٢٣", "１２", "²", "٣", "<script>alert(1)"
    "</script>", "\"><img src=x onerror=alert(1)>", "=1+1", "=HYPERLINK(\"http://x\")", "+1",
    "@SUM(A1)", "0x10", "1_000", "9" * 31, "9" * 400, "1" * 100_000, "12\x00", "€ 12",
    "12 fte", "--1", "1-", ",5", "5,", ".5", "'12'", "\u200b12", "12\u00a0000", "1 000",
    "DROP TABLE invoer;", "${jndi:ldap://x}", "{{7*7}}", "%s%s%s", "\ud7ff", "1/2", "½",
]
NEDERLANDS = {"de", "het", "een", "is", "niet", "geen", "van", "in", "op", "of", "getal", "vul",
              "kies", "bestand", "werkboek", "tekens", "gebruik", "regel", "kolom", "blad", "cel",
              "er", "te", "u", "dit", "moet", "ontbreekt", "hoogstens", "groter", "ongeldig",
              "verzoek", "pagina", "opnieuw", "probeer", "groot", "verlopen", "formulier"}
ENGELS = {"the", "invalid", "error", "must", "should", "not a valid", "traceback", "exception",
          "field is required", "bad request", "none"}


class _Meldingen(HTMLParser):
    """The texts of error summaries, field errors and error pages."""

    def __init__(self):
        super().__init__()
        self.diepte = 0
        self.stapel: list[bool] = []
        self.teksten: list[str] = []
        self.huidig: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "input", "img", "meta", "link"}:
            return
        klasse = dict(attrs).get("class") or ""
        fout = any(k in klasse.split() for k in (
            "foutsamenvatting", "utrecht-form-field-error-message", "utrecht-alert--error",
            "conflict"))
        self.stapel.append(fout)
        if fout:
            self.diepte += 1

    def handle_endtag(self, tag):
        if tag in {"br", "input", "img", "meta", "link"} or not self.stapel:
            return
        if self.stapel.pop():
            self.diepte -= 1
            if self.diepte == 0:
                self.teksten.append(" ".join("".join(self.huidig).split()))
                self.huidig = []

    def handle_data(self, data):
        if self.diepte:
            self.huidig.append(data)


def meldingen(html: str) -> list[str]:
    p = _Meldingen()
    p.feed(html)
    return [t for t in p.teksten if t]


def is_nederlands(tekst: str) -> bool:
    """Dutch words, and no English outside quotes or parentheses (a TOML parser's own detail
    such as "(Found invalid character …)" may follow a Dutch sentence)."""
    woorden = set(re.findall(r"[a-zà-ÿ]+", tekst.lower()))
    kaal = tekst.lower()
    for _ in range(5):  # nested parentheses, innermost first
        kaal = re.sub(r"\([^()]*\)|'[^'()]*'|\"[^\"()]*\"|‘[^’()]*’", " ", kaal)
    return bool(woorden & NEDERLANDS) and not any(e in kaal.split() or (
        " " in e and e in kaal) for e in ENGELS)


def afwijzing_in_het_nederlands(r) -> None:
    """A refusal: a 4xx page with at least one error message, all of them in Dutch."""
    assert 400 <= r.status_code < 500, r.status_code
    teksten = meldingen(r.text) or re.findall(r"<h1[^>]*>(.*?)</h1>", r.text)
    assert teksten, r.text[:800]
    for t in teksten:
        assert is_nederlands(t), t


def test_dutch_detector():
    assert is_nederlands("Vul een getal in, van 0 tot en met 2.000 vestigingen.")
    assert not is_nederlands("Not a valid float value.")
    assert not is_nederlands("The file is invalid")


@pytest.fixture
def sqlite_app(sqlite_template, tmp_path):
    pad = tmp_path / "formatie.db"
    shutil.copy(sqlite_template, pad)
    app = _maak_app(f"sqlite:///{pad}", tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _inloggen(client, app, rol_email: str) -> None:
    from app.models import User

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == rol_email))
        user_id = user.get_id()
    with client.session_transaction() as sessie:
        sessie["_user_id"] = user_id
        sessie["_fresh"] = True


def _stand(app) -> tuple:
    with app.app_context():
        inv = db.session.scalar(select(InvoerRij).where(InvoerRij.gemeente_code == EIGEN,
                                                     InvoerRij.jaar == JAAR))
        uit = (None if inv is None else (inv.version, dict(inv.waarden), dict(inv.bezetting),
                                         inv.status),
               db.session.scalar(select(func.count()).select_from(AuditEntry)),
               db.session.scalar(select(func.count()).select_from(NormensetRij)),
               db.session.scalar(select(func.count()).select_from(WerkboekUploadRij)))
        db.session.remove()
    return uit


# ---------------------------------------------------------------------------------------------
# The invoer form
# ---------------------------------------------------------------------------------------------

def _verwacht(tekst: str) -> float | str | None:
    """What the form should make of a text: a float, None (empty) or 'fout'."""
    if len(tekst.strip()) > 30:
        return "fout"
    try:
        return parse_getal(tekst.strip(), ",")
    except GetalFout:
        return "fout"


getal_tekst = st.one_of(
    st.sampled_from(KWAADAARDIG),
    st.text(alphabet=string.digits + ".,- e+", max_size=14),
    st.text(max_size=40),
    st.integers(-10**6, 10**7).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda x: str(x).replace(".", ",")),
    st.floats(min_value=0, max_value=1e6).map(lambda x: f"{x:,.2f}".replace(",", "_")
                                               .replace(".", ",").replace("_", ".")),
)


def _temp_bestanden_opruimen() -> None:
    """A body refused as too large (413) leaves werkzeug's spooled temporary file to the
    garbage collector; collect it here, so its ResourceWarning does not land in another test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def _post_form(client, data: dict, indienen: bool):
    data = dict(data)
    data["indienen" if indienen else "concept"] = "1"
    return client.post(f"/gemeente/{EIGEN}/{JAAR}", data=data)


def _controleer_form(app, client, geldig, wijziging, indienen):
    voor = _stand(app)
    version = voor[0][0] if voor[0] else 0
    data = {k: v for k, v in geldig.items()}
    data.update(wijziging)
    data["version"] = str(version)
    r = _post_form(client, data, indienen)
    assert r.status_code in (302, 422), (r.status_code, wijziging)
    verwacht = {k: _verwacht(v) for k, v in wijziging.items()}
    if r.status_code == 422:
        afwijzing_in_het_nederlands(r)
        assert _stand(app) == voor, "a refused form changed the database"
        # what the user typed comes back escaped, never as markup
        assert "<script>alert(1)</script>" not in r.text
        assert "<img src=x onerror" not in r.text
        return
    assert "fout" not in verwacht.values(), wijziging
    na = _stand(app)
    waarden = {**na[0][1], **{f"bezetting_{k}": v for k, v in na[0][2].items()}}
    for k, v in verwacht.items():
        if v is None:
            assert k not in waarden
        else:
            assert waarden[k] == v


@pytest.fixture
def form_client(sqlite_app):
    client = sqlite_app.test_client()
    _inloggen(client, sqlite_app, "gemeente@test.nl")
    geldig = {k: str(int(v)) for k, v in geschatte_waarden(sqlite_app, EIGEN).items()}
    geldig.update({f"bezetting_{f}": "2,5" for f in EIGEN_FUNCTIES})
    return sqlite_app, client, geldig


@settings(max_examples=voorbeelden(VOORBEELDEN["formulier"]), **HYP)
@given(wijziging=st.dictionaries(st.sampled_from(VELDEN), getal_tekst, min_size=1, max_size=4),
       indienen=st.booleans())
def test_form_property(form_client, wijziging, indienen):
    app, client, geldig = form_client
    _controleer_form(app, client, geldig, wijziging, indienen)


@pytest.mark.parametrize("waarde", steekproef(KWAADAARDIG))
def test_form_malicious_value_every_field(app, client, auth, waarde):
    """Every malicious value in every field at once, on every backend."""
    auth.als("gemeente")
    geldig = {k: waarde for k in VELDEN}
    _controleer_form(app, client, {}, geldig, indienen=False)


def test_form_oversized_body(app, client, auth):
    auth.als("gemeente")
    voor = _stand(app)
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}", data={"leerplichtigen": "1" * (6 * 2**20),
                                                       "version": "0", "concept": "1"})
    assert r.status_code == 413
    afwijzing_in_het_nederlands(r)
    assert _stand(app) == voor
    del r
    _temp_bestanden_opruimen()


@pytest.mark.parametrize("version", ["", "abc", "-1", "99999999999999999999999", "1.5", "٣"])
def test_form_bad_version(app, client, auth, version):
    auth.als("gemeente")
    voor = _stand(app)
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}", data={"leerplichtigen": "5", "concept": "1",
                                                       "version": version})
    assert r.status_code in (302, 400, 409), r.status_code
    if r.status_code != 302:
        afwijzing_in_het_nederlands(r)
        assert _stand(app) == voor


# ---------------------------------------------------------------------------------------------
# Excel scenario uploads
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def werkboek_client(sqlite_app, vul_invoer_sqlite):
    client = sqlite_app.test_client()
    _inloggen(client, sqlite_app, "gemeente@test.nl")
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx")
    assert r.status_code == 200
    return _Kort((sqlite_app, client, r.data))


class _Kort(tuple):
    """A fixture value with a short repr (hypothesis prints it with a failing example)."""

    def __repr__(self) -> str:
        return "<app, client, werkboek>"


@pytest.fixture
def vul_invoer_sqlite(sqlite_app):
    waarden = geschatte_waarden(sqlite_app, EIGEN)
    from app.services.normensets import actieve_rij

    with sqlite_app.app_context():
        db.session.add(InvoerRij(gemeente_code=EIGEN, jaar=JAAR, status="ingediend",
                              waarden=waarden, bezetting={}, normenset_id=actieve_rij().id))
        db.session.commit()


def _upload(client, data: bytes, naam="scenario.xlsx", content_type=None):
    bestand = (io.BytesIO(data), naam, content_type) if content_type else (io.BytesIO(data),
                                                                            naam)
    return client.post(f"/gemeente/{EIGEN}/{JAAR}/upload", data={"werkboek": bestand},
                       content_type="multipart/form-data")


def _controleer_upload(app, client, data: bytes, **kw):
    voor = _stand(app)
    r = _upload(client, data, **kw)
    assert r.status_code in (200, 413, 422), r.status_code
    if r.status_code != 200:
        afwijzing_in_het_nederlands(r)
        assert _stand(app) == voor
    else:  # a preview: still nothing saved but the pending upload
        assert _stand(app)[:3] == voor[:3]
    return r


def _zip(bestanden: dict[str, bytes], methode=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", methode) as z:
        for naam, inhoud in bestanden.items():
            z.writestr(naam, inhoud)
    return buf.getvalue()


@settings(max_examples=voorbeelden(VOORBEELDEN["werkboek_bytes"]), **HYP)
@given(soort=st.sampled_from(["afgekapt", "willekeurig", "bitflip", "zip-zonder-bladen",
                              "zip-met-rommel", "inhoud-vervangen"]),
       getal=st.integers(0, 10**9), rommel=st.binary(max_size=2000))
def test_malformed_xlsx_property(werkboek_client, soort, getal, rommel):
    app, client, goed = werkboek_client
    if soort == "afgekapt":
        data = goed[: getal % len(goed)]
    elif soort == "willekeurig":
        data = rommel
    elif soort == "bitflip":
        b = bytearray(goed)
        for i in range(1 + getal % 8):
            b[(getal * (i + 7919)) % len(b)] ^= 1 << (i % 8)
        data = bytes(b)
    elif soort == "zip-zonder-bladen":
        data = _zip({"[Content_Types].xml": b"<Types/>", "docProps/app.xml": rommel})
    elif soort == "zip-met-rommel":
        data = _zip({"xl/workbook.xml": rommel, "xl/worksheets/sheet1.xml": rommel,
                     "[Content_Types].xml": rommel})
    else:  # a real workbook with one part replaced by rubbish
        with zipfile.ZipFile(io.BytesIO(goed)) as z:
            delen = {n: z.read(n) for n in z.namelist()}
        naam = sorted(delen)[getal % len(delen)]
        delen[naam] = rommel
        data = _zip(delen)
    _controleer_upload(app, client, data)


@pytest.fixture(scope="session")
def werkboek_mc11() -> bytes:
    """An exported region workbook (7 gemeenten, estimated figures), for loader-level cases."""
    from formatie.invoer_csv import InvoerTabel
    from formatie.referentie import load_referentie
    from formatie.schatting import geschatte_invoer
    from formatie.werkboek.schrijven import exporteer_werkboek

    ref = load_referentie()
    codes = tuple(ref.leden("MC11"))
    volume = geschatte_invoer(NORMENSET, ref)[[ref.index[c] for c in codes]].round()
    return _KortBytes(
        exporteer_werkboek(NORMENSET, InvoerTabel(codes, (JAAR,) * len(codes), volume), ref))


class _KortBytes(bytes):
    """A workbook's bytes with a short repr: Hypothesis prints a failing example's arguments,
    and 300 KB of bytes drown the failure in a HypothesisWarning."""

    def __repr__(self) -> str:
        return f"<werkboek van {len(self)} bytes>"


@settings(max_examples=voorbeelden(VOORBEELDEN["werkboek_loader"]), **HYP)
@given(soort=st.sampled_from(["bitflip", "afgekapt", "blok"]), posities=st.lists(
    st.integers(0, 2**31), min_size=1, max_size=8), rommel=st.binary(min_size=1, max_size=64))
def test_workbook_reader_total_on_damaged_files(werkboek_mc11, soort, posities, rommel):
    """The workbook reader itself (what every upload goes through): any damage → InvoerFout
    with Dutch problems, never another exception. Fast, so many cases."""
    from formatie.problemen import InvoerFout
    from formatie.werkboek.lezen import lees_werkboek

    b = bytearray(werkboek_mc11)
    if soort == "bitflip":
        for p in posities:
            b[p % len(b)] ^= 1 << (p % 8)
    elif soort == "afgekapt":
        del b[posities[0] % len(b):]
    else:
        p = posities[0] % len(b)
        b[p:p + len(rommel)] = rommel
    try:
        lees_werkboek(bytes(b), NORMENSET)
    except InvoerFout as fout:
        assert fout.problemen
        for p in fout.problemen:
            assert is_nederlands(p.tekst("scenario.xlsx")), p.tekst("scenario.xlsx")


def _werkboek_met(goed: bytes, waarden: dict[str, object]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(goed))
    ws = wb["Invoer"]
    rijen = list(ws.iter_rows())
    kop = next(r for r in rijen if any(c.value == "gemeentecode" for c in r))
    kolommen = {c.value: c.column for c in kop if isinstance(c.value, str)}
    for sleutel, waarde in waarden.items():  # Invoer (format 2): one row per gemeente × invoer
        rij = next(r[0].row for r in rijen
                   if ws.cell(r[0].row, kolommen["gemeentecode"]).value == EIGEN
                   and ws.cell(r[0].row, kolommen["invoer"]).value == sleutel)
        ws.cell(rij, kolommen["waarde"]).value = waarde
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


celwaarde = st.one_of(
    st.sampled_from(KWAADAARDIG[:40]),
    st.sampled_from([1e308, -1e308, -1.0, -0.5, 1e15, 2**63, float("nan"), float("inf"), 0.0,
                     12.5, True, None]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=50),
)


@settings(max_examples=voorbeelden(VOORBEELDEN["werkboek_cellen"]), **HYP)
@given(waarden=st.dictionaries(st.sampled_from(list(NORMENSET.invoer_sleutels)), celwaarde,
                               min_size=1, max_size=3))
def test_workbook_bad_cells_property(werkboek_client, waarden):
    app, client, goed = werkboek_client
    try:
        data = _werkboek_met(goed, waarden)
    except (ValueError, TypeError, IllegalCharacterError):  # openpyxl refuses the value itself
        return
    _controleer_upload(app, client, data)


@pytest.mark.parametrize(("naam", "content_type"), [
    ("scenario.txt", "text/plain"), ("scenario.xlsx", "application/pdf"),
    ("scenario.csv", "text/csv"), ("../../etc/passwd", "application/octet-stream"),
    ("<script>.xlsx", "text/html"), ("", None),
])
def test_upload_wrong_name_or_content_type(werkboek_client, naam, content_type):
    app, client, goed = werkboek_client
    for data in (b"dit is geen werkboek", goed[:100]):
        voor = _stand(app)
        r = _upload(client, data, naam=naam or "x", content_type=content_type)
        assert r.status_code in (413, 422), r.status_code
        afwijzing_in_het_nederlands(r)
        assert "<script>.xlsx" not in r.text
        assert _stand(app) == voor


def test_upload_zip_bomb_and_oversized(werkboek_client):
    app, client, goed = werkboek_client
    bom = _zip({"[Content_Types].xml": b"<Types/>",
                "xl/worksheets/sheet1.xml": b"0" * (200 * 2**20)})
    assert len(bom) < 1_000_000
    r = _controleer_upload(app, client, bom)
    assert r.status_code == 422
    r = _controleer_upload(app, client, goed + b"\0" * (6 * 2**20))
    assert r.status_code == 413
    del r
    _temp_bestanden_opruimen()
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}/upload", data={})
    assert r.status_code == 422
    afwijzing_in_het_nederlands(r)


# ---------------------------------------------------------------------------------------------
# Calibration CSV (regio, beheerder) and normenset TOML (beheerder)
# ---------------------------------------------------------------------------------------------

CSV_KOP = ["gemeentecode", "jaar", *NORMENSET.invoer_sleutels,
           *(f"fte_{f}" for f in NORMENSET.functie_sleutels)]
csv_cel = st.one_of(st.sampled_from(KWAADAARDIG[:45]), st.integers(-5, 10**6).map(str),
                    st.text(alphabet=string.printable, max_size=12))


@pytest.fixture
def beheerder_client(sqlite_app):
    client = sqlite_app.test_client()
    _inloggen(client, sqlite_app, "beheerder@test.nl")
    return sqlite_app, client


@settings(max_examples=voorbeelden(VOORBEELDEN["kalibratie_csv"]), **HYP)
@given(rijen=st.lists(st.lists(csv_cel, min_size=0, max_size=len(CSV_KOP) + 2), max_size=6),
       scheiding=st.sampled_from([",", ";", "\t"]), kop=st.booleans(),
       rauw=st.one_of(st.none(), st.binary(max_size=300)))
def test_calibration_csv_property(beheerder_client, rijen, scheiding, kop, rauw):
    app, client = beheerder_client
    if rauw is not None:
        data = rauw
    else:
        regels = ([scheiding.join(CSV_KOP)] if kop else []) + [
            scheiding.join(["0200", str(JAAR), *r]) for r in rijen]
        data = "\n".join(regels).encode("utf-8", "surrogatepass")
    voor = _stand(app)
    r = client.post("/kalibratie", data={"bron": "bestand", "begrenzing": "positief",
                                         "bestand": (io.BytesIO(data), "bezetting.csv")},
                    content_type="multipart/form-data")
    assert r.status_code in (200, 422), r.status_code
    if r.status_code == 422:
        afwijzing_in_het_nederlands(r)
    assert _stand(app) == voor  # calibrating shows a proposal; saving is a separate step


toml_mutatie = st.tuples(st.integers(0, 20_000), st.integers(0, 40),
                         st.text(alphabet=string.printable, max_size=30))


@settings(max_examples=voorbeelden(VOORBEELDEN["normenset_toml"]), **HYP)
@given(mutaties=st.lists(toml_mutatie, min_size=1, max_size=3),
       rauw=st.one_of(st.none(), st.binary(max_size=200)))
def test_normenset_upload_property(beheerder_client, mutaties, rauw):
    app, client = beheerder_client
    tekst = NORMENSET.bron_tekst.replace('versie = "2026.3"', 'versie = "hyp"')
    for positie, lengte, invoeging in mutaties:
        p = positie % (len(tekst) + 1)
        tekst = tekst[:p] + invoeging + tekst[p + lengte:]
    data = rauw if rauw is not None else tekst.encode()
    voor = _stand(app)
    r = client.post("/normen/upload", data={"bestand": (io.BytesIO(data), "n.toml")},
                    content_type="multipart/form-data")
    assert r.status_code in (302, 422), r.status_code
    if r.status_code == 422:
        afwijzing_in_het_nederlands(r)
        assert _stand(app) == voor
    else:  # stored: then it is a complete, valid normenset (and removed for the next example)
        with app.app_context():
            rij = db.session.scalar(select(NormensetRij).order_by(NormensetRij.id.desc()))
            from formatie.normenset_toml import parse_normenset

            parse_normenset(rij.toml, "terug")
            db.session.delete(rij)
            db.session.commit()
