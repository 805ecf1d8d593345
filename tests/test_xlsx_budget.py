"""The reading budget of an uploaded workbook (formatie.xlsx_budget), issue 12 points 1 and 3."""

from __future__ import annotations

import pytest
import vijandig

from formatie.normenset_toml import standaard_normenset
from formatie.problemen import InvoerFout
from formatie.werkboek_lezen import lees_werkboek
from formatie.xlsx_budget import BUDGET, XlsxBudget, controleer_budget


def test_the_national_workbook_stays_far_inside_every_cap(landelijk_werkboek):
    tellingen = controleer_budget(landelijk_werkboek)
    assert max(t.hoogste_rij for t in tellingen.values()) * 4 < BUDGET.max_rijen
    assert max(t.hoogste_kolom for t in tellingen.values()) * 10 < BUDGET.max_kolommen
    assert sum(t.cellen for t in tellingen.values()) * 4 < BUDGET.max_cellen


def test_a_dimension_bomb_is_refused_before_openpyxl_naming_the_sheet(dimensiebom):
    with pytest.raises(InvoerFout) as fout:
        lees_werkboek(dimensiebom, standaard_normenset(), bestand="bom.xlsx")
    tekst = fout.value.problemen[0].tekst("bom.xlsx")
    assert "'Toelichting' is te groot" in tekst
    assert "A1:XFD1048576" in tekst


def test_a_declared_dimension_far_beyond_the_real_cells_is_refused_too(landelijk_werkboek):
    with pytest.raises(InvoerFout, match="opgegeven bereik van A1:XFD1048576"):
        controleer_budget(vijandig.alleen_dimensie(landelijk_werkboek))


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
