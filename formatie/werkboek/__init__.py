"""The scenario workbook's file formats: the contract both sides share
(:mod:`~formatie.werkboek.formaat`), the writer split by sheet family
(:mod:`~formatie.werkboek.schrijven` with :mod:`~formatie.werkboek.bladen_invoer`,
:mod:`~formatie.werkboek.bladen_berekening`, :mod:`~formatie.werkboek.analyse`; the scenario
comparison :mod:`~formatie.werkboek.vergelijking`), and the readers
(:mod:`~formatie.werkboek.lezen`: format 1 in :mod:`~formatie.werkboek.lezer_1`, format 2 in
:mod:`~formatie.werkboek.lezer_2`, the self-check in :mod:`~formatie.werkboek.zelfcontrole`, the
cell rules both readers share in :mod:`~formatie.werkboek.sleutelcellen`,
:mod:`~formatie.werkboek.getalcellen` and :mod:`~formatie.werkboek.normcellen`).

Nothing is imported here: reading a workbook needs no XlsxWriter, writing one no openpyxl.
"""
