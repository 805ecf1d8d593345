"""Property-based tests (hypothesis) over the parsers a user can feed: numbers, invoer CSV and
normenset TOML. Whatever comes in, the answer is a value or a Dutch InvoerFout/GetalFout with
a place: never another exception, never a partial result."""

import io
import json
import math
import re
import string
import tempfile
import warnings
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import numpy as np
import openpyxl
import vijandig
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from profielen import voorbeelden

from formatie.cli import main
from formatie.getallen import GetalFout, format_invoer, parse_getal
from formatie.gevoeligheid import tornado
from formatie.invoer_csv import read_invoer_csv
from formatie.model import RekenFout, bereken
from formatie.normenset import ORGANISATIE_PARAMETERS, normenset_als_toml
from formatie.normenset_toml import parse_normenset
from formatie.onzekerheid import bereik
from formatie.parameters import parameter
from formatie.problemen import InvoerFout
from formatie.scenario import Scenario, ScenarioFout, vergelijk
from formatie.werkboek.schrijven import exporteer_werkboek

VEEL = settings(max_examples=voorbeelden(1500), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

# Text that looks like what people type into a number field, plus anything at all.
getalachtig = st.one_of(
    st.text(alphabet="0123456789.,-+ eE\u00a0", max_size=20),
    st.text(max_size=30),
    st.sampled_from(["1.234,5", "1,234.5", "NaN", "inf", "-inf", "1e308", "١٢٣", "<script>",
                     "=HYPERLINK(\"x\")", " ", "", "9" * 400, "0,0001", "1.000.000"]),
)


@VEEL
@given(getalachtig, st.sampled_from([",", "."]))
def test_parse_getal_returns_finite_number_or_dutch_error(tekst, decimaal):
    try:
        waarde = parse_getal(tekst, decimaal)
    except GetalFout as exc:
        assert str(exc) and "'" in str(exc)  # names the value
        return
    assert waarde is None or math.isfinite(waarde)


@VEEL
@given(st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_format_invoer_roundtrips(waarde):
    terug = parse_getal(format_invoer(waarde), ",")
    assert terug is not None and abs(terug - waarde) <= 1e-6 * max(1, waarde)


cel = st.one_of(getalachtig, st.integers(0, 2000).map(str), st.just(""))


@VEEL
@given(
    st.lists(st.tuples(st.sampled_from(["0363", "GM0014", "9999", "abc", "", "363"]), cel, cel),
             max_size=6),
    st.sampled_from([",", ";"]),
    st.booleans(),
)
def test_csv_reader_total(klein_normenset, rijen, scheiding, ontbrekend):
    tekst = f"gemeentecode{scheiding}x{scheiding}y\n" + "".join(
        scheiding.join(c.replace(scheiding, "").replace("\n", "").replace('"', "") for c in r)
        + "\n" for r in rijen)
    try:
        tabel = read_invoer_csv(tekst.encode(), klein_normenset, ontbrekend_is_nul=ontbrekend)
    except InvoerFout as fout:
        assert fout.problemen and all(p.bericht for p in fout.problemen)
        return
    assert tabel.volume.shape == (len(tabel.gemeentecodes), 2)
    assert np.isfinite(tabel.volume).all() and (tabel.volume >= 0).all()
    assert (tabel.volume[:, 0] <= 1000).all() and (tabel.volume[:, 1] <= 500).all()


@VEEL
@given(st.binary(max_size=200))
def test_csv_reader_on_arbitrary_bytes(klein_normenset, data):
    try:
        read_invoer_csv(data, klein_normenset)
    except InvoerFout as fout:
        assert fout.problemen


def _mutaties():
    sleutels = ["uren", "uren_laag", "uren_hoog", "afwezigheid", "indirect", "leiding", "min",
                "max", "invoer", "functie", "sleutel", "contracturen_per_fte", "vast_fte"]
    waarden = ["-1", "1.5", "0", "1e400", '"x"', "true", "[]", "{}", '"a1"', '"y"', "nan", "",
               "99999"]
    return st.lists(st.tuples(st.sampled_from(sleutels), st.sampled_from(waarden)), max_size=4)


@VEEL
@given(_mutaties(), st.integers(0, 10_000))
def test_normenset_loader_total(klein_tekst, mutaties, positie):
    tekst = klein_tekst
    for sleutel, waarde in mutaties:
        regels = tekst.splitlines()
        kandidaten = [i for i, r in enumerate(regels) if r.startswith(sleutel + " =")]
        if kandidaten:
            i = kandidaten[positie % len(kandidaten)]
            regels[i] = f"{sleutel} = {waarde}"
            tekst = "\n".join(regels)
    try:
        n = parse_normenset(tekst, "x.toml")
    except InvoerFout as fout:
        assert fout.problemen
        regels = len(tekst.splitlines())
        assert all(p.regel is None or 1 <= p.regel <= regels for p in fout.problemen)
        return
    for t in n.taken:
        assert 0 <= t.uren_laag <= t.uren <= t.uren_hoog
    for f in n.functies:
        assert 0 <= f.afwezigheid < 1 and 0 <= f.indirect < 1


@VEEL
@given(st.text(alphabet=string.printable, max_size=300))
def test_normenset_loader_on_arbitrary_text(tekst):
    try:
        parse_normenset(tekst)
    except InvoerFout as fout:
        assert fout.problemen


#: Any text a normenset may hold: every character but the control characters, which the reader
#: refuses (tests/test_normenset_toml.py), with tab and line breaks.
_HERKOMST_TEKST = st.text(st.one_of(st.characters(exclude_categories=("Cc", "Cs")),
                                    st.sampled_from("\t\n\r")),
                          min_size=1, max_size=40).map(str.strip).filter(bool)


@settings(max_examples=voorbeelden(300), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(bron=_HERKOMST_TEKST, toelichting=_HERKOMST_TEKST,
       parameters=st.lists(st.sampled_from(ORGANISATIE_PARAMETERS), min_size=1, unique=True),
       jaar=st.integers(1990, 2100), afgeleid=_HERKOMST_TEKST)
def test_provenance_of_any_text_is_written_and_read_back_equal(klein_normenset, bron, toelichting,
                                                               parameters, jaar, afgeleid):
    """Quotes, backslashes, newlines, any script: whatever a bron says survives the writer and
    the reader (the reader trims, so the texts here are trimmed)."""
    volgorde = [p for p in ORGANISATIE_PARAMETERS if p in parameters]  # the reader's order
    a = replace(klein_normenset.functie("a"), bronnen=tuple((p, bron) for p in volgorde),
                toelichtingen=((volgorde[0], toelichting),))
    taken = tuple(replace(t, bron=bron, toelichting=toelichting) for t in klein_normenset.taken)
    n = replace(klein_normenset, functies=(a, *klein_normenset.functies[1:]), taken=taken,
                geldig_vanaf=f"{jaar}/{jaar + 1}", geldig_tot=f"{jaar + 1}/{jaar + 2}",
                afgeleid_van=afgeleid, bron_tekst=None)
    assert parse_normenset(normenset_als_toml(n)) == n


# ----- issue 19: every parameter at and near its bounds ---------------------------------------

#: (where, parameter row) of every number a normenset, an invoer file or a scenario sets.
PLEKKEN = ([(("functie", "a", p), p) for p in ORGANISATIE_PARAMETERS]
           + [(("taak", "a1", v), v) for v in ("uren", "uren_laag", "uren_hoog")]
           + [(("invoer", "x", v), "invoer") for v in ("min", "max")]
           + [(("invoer", "x", "schatting_per_1000"), "schatting_per_1000"),
              (("volume", "x"), "invoer"), (("groei", "x"), "groei"),
              (("scenario_uren", "a1"), "uren")]
           + [(("scenario_organisatie", "a", p), p) for p in ORGANISATIE_PARAMETERS])


@st.composite
def plek_en_waarde(draw):
    plek, sleutel = draw(st.sampled_from(PLEKKEN))
    p = parameter(sleutel)
    waarde = draw(st.one_of(st.sampled_from(vijandig.randen(p)),
                            st.floats(p.min, p.max, allow_nan=False, allow_infinity=False)))
    return plek, waarde


def _eindige_getallen(obj, pad="") -> list[str]:
    """Keys of a JSON answer that must hold a finite number but hold null (``eindig`` turns
    NaN into null, which would hide a non-finite figure)."""
    moet = {"fte", "fte_uitvoering", "fte_totaal", "uren", "volume", "centraal", "p10", "p50",
            "p80", "p90", "netto_uren_per_fte", "casus_uren_per_fte"}
    if isinstance(obj, dict):
        return [f for k, v in obj.items() for f in (
            [f"{pad}/{k}"] if k in moet and not isinstance(v, dict | list)
            and not (isinstance(v, int | float) and math.isfinite(v))
            else _eindige_getallen(v, f"{pad}/{k}"))]
    if isinstance(obj, list):
        return [f for i, v in enumerate(obj) for f in _eindige_getallen(v, f"{pad}/{i}")]
    return []


def _decimaal(x: float) -> str:
    """``x`` with every digit and no exponent, as an invoer file may hold it."""
    return format(Decimal(repr(float(x))), "f")


NIET_EINDIG_TEKST = re.compile(r"\bnan\b|\binf\b|infinity|∞", re.IGNORECASE)


def is_nederlands(tekst: str) -> bool:
    """A Dutch sentence, not an English exception text (see also tests/web's detector)."""
    woorden = set(re.findall(r"[a-zà-ÿ]+", tekst.lower()))
    return bool(woorden & {"moet", "geeft", "de", "het", "een", "van", "is", "mag", "niet",
                           "geen", "zijn", "te", "op", "in"}) and not (
        woorden & {"must", "error", "invalid", "the", "traceback"})


@settings(max_examples=voorbeelden(250), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(plek_en_waarde())
def test_no_value_the_table_accepts_gives_nan_or_infinity_in_any_output(
        klein_normenset, capsys, plek_waarde):
    """Every number a normenset, an invoer file or a scenario sets, at and near its bounds and
    at the values of issue 19 (5e-324, 1e-300, 1e308): the reader refuses it in Dutch, or every
    output (model arrays, ranges, tornado, scenario, JSON, CSV, table, workbook, the CLI) is
    finite, or the model refuses the result in Dutch (exit 2). Never NaN, never Infinity."""
    plek, waarde = plek_waarde
    n = klein_normenset
    volume = np.array([[1000.0, 500.0], [10.0, 5.0]])  # invoer x and y at their max; small
    scenario = Scenario("s")
    if plek[0] == "functie":
        f = replace(n.functie(plek[1]), **{plek[2]: waarde})
        n = replace(n, functies=(f, *n.functies[1:]), bron_tekst=None)
    elif plek[0] == "taak":
        t = replace(n.taak(plek[1]), **{plek[2]: waarde})
        n = replace(n, taken=(t, *n.taken[1:]), bron_tekst=None)
    elif plek[0] == "invoer":
        i = replace(n.invoer_by_sleutel(plek[1]), **{plek[2]: waarde})
        n = replace(n, invoer=(i, *n.invoer[1:]), bron_tekst=None)
    elif plek[0] == "volume":
        volume[0, 0] = waarde
    elif plek[0] == "groei":
        scenario = Scenario("s", groei={plek[1]: waarde})
    elif plek[0] == "scenario_uren":
        scenario = Scenario("s", uren={plek[1]: waarde})
    else:
        scenario = Scenario("s", organisatie={plek[1]: {plek[2]: waarde}})
    with tempfile.TemporaryDirectory() as map_:
        toml, csv = Path(map_) / "n.toml", Path(map_) / "in.csv"
        toml.write_text(normenset_als_toml(n), encoding="utf-8")
        csv.write_text("gemeentecode,x,y\n" + "".join(  # every digit, no exponent
            f"{code},{_decimaal(v[0])},{_decimaal(v[1])}\n"
            for code, v in zip(("0363", "0014"), volume, strict=True)), encoding="utf-8")
        try:
            n = parse_normenset(toml.read_text(encoding="utf-8"), "n.toml")
            tabel = read_invoer_csv(csv.read_bytes(), n)
        except InvoerFout as fout:  # refused at the boundary: in Dutch, with the bounds
            event("geweigerd door de lezer")
            assert fout.problemen and all(is_nederlands(p.bericht) for p in fout.problemen)
            assert main(["bereken", str(csv), "--normen", str(toml)]) == 2
            assert capsys.readouterr().out == ""
            return
        try:
            res = bereken(n, tabel.volume, tabel.gemeentecodes)
            v = vergelijk([Scenario("Basis"), scenario], n, tabel.volume, tabel.gemeentecodes)
        except (RekenFout, ScenarioFout) as fout:  # the result refused: in Dutch
            event(f"uitkomst geweigerd ({type(fout).__name__})")
            tekst = str(fout)
            assert is_nederlands(tekst) and not NIET_EINDIG_TEKST.search(tekst), tekst
            if isinstance(fout, RekenFout):
                assert main(["bereken", str(csv), "--normen", str(toml)]) == 2
                assert capsys.readouterr().out == ""
            return
        event("alles berekend")
        for x in (res.fte, res.fte_taak, res.uren, res.fte_totaal, v.fte, v.som_totaal):
            assert np.isfinite(x).all()
        b = bereik(n, tabel.volume, gemeentecodes=tabel.gemeentecodes)
        assert np.isfinite(b.fte).all() and np.isfinite(b.totaal_totaal).all()
        t = tornado(n, tabel.volume, gemeentecodes=tabel.gemeentecodes)
        assert all(np.isfinite([r.fte_laag, r.fte_hoog]).all() for r in t.rijen)
        werkboek = exporteer_werkboek(n, tabel)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(werkboek), read_only=True)
        assert not [c for ws in wb for rij in ws.iter_rows(values_only=True) for c in rij
                    if (isinstance(c, float) and not math.isfinite(c))
                    or (isinstance(c, str) and NIET_EINDIG_TEKST.search(c))]
        capsys.readouterr()
        for formaat in ("tabel", "csv", "json"):
            assert main(["bereken", str(csv), "--normen", str(toml), "--formaat", formaat]) == 0
            uit = capsys.readouterr().out
            assert not NIET_EINDIG_TEKST.search(uit), (formaat, uit[:500])
            if formaat == "json":
                assert _eindige_getallen(json.loads(uit)) == []
        assert main(["bereken", str(csv), "--normen", str(toml), "--formaat", "json",
                     "--onzekerheid"]) == 0
        assert _eindige_getallen(json.loads(capsys.readouterr().out)) == []
        assert main(["normen", "--normen", str(toml)]) == 0
        assert not NIET_EINDIG_TEKST.search(capsys.readouterr().out)
