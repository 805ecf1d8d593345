"""Property-based tests (hypothesis) over the parsers a user can feed: numbers, invoer CSV and
normenset TOML. Whatever comes in, the answer is a value or a Dutch InvoerFout/GetalFout with
a place: never another exception, never a partial result."""

import math
import string
from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profielen import voorbeelden

from formatie.getallen import GetalFout, format_invoer, parse_getal
from formatie.invoer_csv import read_invoer_csv
from formatie.normenset import ORGANISATIE_PARAMETERS, normenset_als_toml
from formatie.normenset_toml import parse_normenset
from formatie.problemen import InvoerFout

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
