"""The reading budget of an uploaded workbook (formatie.werkboek.xlsx_budget), issue 12 points 1
and 3."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
import vijandig
from test_excel import regio_invoer

from formatie.normenset_toml import standaard_normenset
from formatie.problemen import InvoerFout
from formatie.werkboek.lezen import lees_werkboek
from formatie.werkboek.schrijven import exporteer_werkboek
from formatie.werkboek.xlsx_budget import BUDGET, XlsxBudget, controleer_budget


@pytest.fixture(scope="module")
def standaard_regio_werkboek():
    n = standaard_normenset()
    invoer = regio_invoer(n)
    return n, invoer, exporteer_werkboek(n, invoer)


def test_the_national_workbook_stays_far_inside_every_cap(landelijk_werkboek):
    tellingen = controleer_budget(landelijk_werkboek)
    assert max(t.hoogste_rij for t in tellingen.values()) * 4 < BUDGET.max_rijen
    assert max(t.hoogste_kolom for t in tellingen.values()) * 10 < BUDGET.max_kolommen
    assert sum(t.cellen for t in tellingen.values()) * 4 < BUDGET.max_cellen


def test_a_dimension_bomb_is_refused_before_openpyxl_naming_the_sheet(dimensiebom):
    """The declaration A1:XFD1048576 is ignored; the one real cell in row 1,048,576 is not."""
    with pytest.raises(InvoerFout) as fout:
        lees_werkboek(dimensiebom, standaard_normenset(), bestand="bom.xlsx")
    tekst = fout.value.problemen[0].tekst("bom.xlsx")
    assert "'Toelichting' is te groot om te lezen (een cel voorbij rij 50.000)" in tekst


def test_a_declared_dimension_far_beyond_the_real_cells_is_ignored(landelijk_werkboek):
    tellingen = controleer_budget(vijandig.alleen_dimensie(landelijk_werkboek))
    assert tellingen == controleer_budget(landelijk_werkboek)


def test_a_workbook_as_libreoffice_saves_it_after_a_row_deletion_reads_back(
        standaard_regio_werkboek):
    """Every sheet claims A1:…1048576 and ends with an empty row 1,048,576 (issue 18): the
    reader walks the real rows only, and the workbook reads back unchanged and checked."""
    n, invoer, data = standaard_regio_werkboek
    zo = vijandig.zoals_libreoffice(data)
    with zipfile.ZipFile(io.BytesIO(zo)) as zf:
        invoer_xml = zf.read(vijandig.blad_deel(zo, "Invoer"))
    assert b'<dimension ref="A1:M1048576"/>' in invoer_xml and b'<row r="1048576"' in invoer_xml
    tellingen = controleer_budget(zo)
    assert max(t.hoogste_rij for t in tellingen.values()) < 1000
    w = lees_werkboek(zo, n)
    assert w.gecontroleerd and w.invoer.gemeentecodes == invoer.gemeentecodes
    np.testing.assert_allclose(w.invoer.volume, invoer.volume, rtol=1e-15)


def test_rows_padded_far_to_the_right_are_refused_by_their_area(landelijk_werkboek):
    """45,000 rows of one cell in column ALL: few cells, but 45 million for openpyxl to pad."""
    with pytest.raises(InvoerFout, match=r"'Invoer' is te groot om te lezen \(.* meer dan "
                                         r"4\.000\.000 cellen in rijen × kolommen\)"):
        controleer_budget(vijandig.brede_rijen(landelijk_werkboek))


def test_a_million_real_rows_within_the_byte_limit_are_refused(miljoen_rijen):
    assert len(miljoen_rijen) < 5 * 1024 * 1024  # within the web's upload limit
    with pytest.raises(InvoerFout) as fout:
        lees_werkboek(miljoen_rijen, standaard_normenset())
    assert "het blad 'Invoer' is te groot om te lezen (meer dan 50.000 rijen)" in str(
        fout.value.problemen[0].tekst("x"))


def test_too_many_columns_and_cells_are_counted_from_the_cells_themselves(landelijk_werkboek):
    with pytest.raises(InvoerFout, match=r"'Toelichting' is te groot .*meer dan 1\.000 kolommen"):
        controleer_budget(vijandig.verre_kolom(landelijk_werkboek, "XFD1"))
    with pytest.raises(InvoerFout, match="te veel cellen"):
        controleer_budget(landelijk_werkboek, budget=XlsxBudget(max_cellen=100))


def test_the_time_budget_stops_the_count(landelijk_werkboek):
    with pytest.raises(InvoerFout, match="het tellen duurde te lang"):
        controleer_budget(landelijk_werkboek, budget=XlsxBudget(max_seconden=0))


def test_a_doctype_in_any_part_is_refused(landelijk_werkboek):
    bom = vijandig._herschrijf(landelijk_werkboek, "xl/workbook.xml", lambda xml: xml.replace(
        b"<workbook", b'<!DOCTYPE x [<!ENTITY a "b">]><workbook', 1))
    with pytest.raises(InvoerFout, match="DOCTYPE"):
        controleer_budget(bom)


def test_rows_with_references_are_counted_on_the_fast_path_and_refused_too(landelijk_werkboek):
    bom = vijandig.veel_rijen(landelijk_werkboek, 60_000, met_ref=True)
    with pytest.raises(InvoerFout, match=r"'Invoer' is te groot .*meer dan 50\.000 rijen"):
        controleer_budget(bom)


def test_a_zip_entry_without_a_name_is_skipped_not_a_crash(standaard_regio_werkboek):
    """A damaged central directory can hold an entry whose name is empty; ZipInfo.is_dir()
    raised IndexError on it (found by the damaged-workbook property test in a full run)."""
    n, invoer, data = standaard_regio_werkboek
    uit = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zi, zipfile.ZipFile(uit, "w",
                                                                  zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            zo.writestr(info, zi.read(info))
        zo.writestr(zipfile.ZipInfo(""), b"<x/>")
    w = lees_werkboek(uit.getvalue(), n)
    assert w.gecontroleerd and w.invoer.gemeentecodes == invoer.gemeentecodes
