"""A worksheet's cells read at C speed: the formulas and the stored results in one pass.

openpyxl's read-only reader builds an ElementTree element for every ``<row>``, ``<c>``, ``<f>``
and ``<v>`` and was read twice (formulas, then the stored results for the self-check): 13 s of
CPU for the national workbook's 300.000 cells on this machine. :func:`lees_blad` finds the cells
with one regular expression over the sheet's XML and gives exactly what
:func:`formatie.werkboek.openen._blad_cellen` and the stored-results reader make of the same
sheet through openpyxl (the same value types and conversions, openpyxl's own helpers for numbers,
dates and shared formulas), or None when the sheet uses a form it does not read: then the caller
reads that sheet through openpyxl. Recognised: cells with an ``r`` reference in row and column
order, types n, s, str, b, e and d, plain and shared formulas, with or without a namespace
prefix. Anything else (inline strings, array or data-table formulas, cells without a reference
or out of order, comments, CDATA, another encoding) is left to openpyxl.
"""

from __future__ import annotations

import html
import re
import warnings

_HOOFD = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_P = r"(?:[A-Za-z_][\w.\-]*:)?"  # an optional namespace prefix
# One pass of findall gives a tuple per <row> and per <c>:
#   ("row", row attributes, …)                                    a row
#   ("", "", letters, row, s, t, "<f" | "", f attributes, f text, v, "", "")  a cell in the
#       usual form: r, s, t in that order; <f> and <v> without a prefix (every writer we know);
#       "<f" marks a formula (its attributes and text may both be empty)
#   ("", "", "", …, cell attributes, cell content)                any other cell
# written out ([^<]* runs, no lazy .*?) so that the regex engine scans rather than backtracks
_CEL = re.compile(
    rf"<{_P}(row)(?=[\s/>])([^>]*)>"
    r'|<c r="([A-Z]{1,3})([1-9]\d{0,6})"(?: s="(\d+)")?(?: t="(\w+)")?'
    r"(?:/>|>(?:(<f)((?: [^>]*)?)(?:/>|>([^<]*)</f>))?(?:<v>([^<]*)</v>)?</c>)"
    rf"|<{_P}c(?=[\s/>])([^>/]*(?:/(?!>)[^>/]*)*)(?:/>|>([^<]*(?:<(?!/{_P}c>)[^<]*)*)</{_P}c>)",
    re.S)
_SOORTEN = frozenset(("n", "s", "str", "b", "e", "d"))
_REF = re.compile(r'\sr="([A-Z]{1,3})([1-9]\d{0,6})"')
_RIJNUMMER = re.compile(r'\sr="([^"]*)"')
_TYPE = re.compile(r'\st="([^"]*)"')
_STIJL = re.compile(r'\ss="(\d+)"')
_WAARDE = re.compile(rf"<{_P}v(?:\s[^>]*)?>(.*?)</{_P}v>", re.S)
_FORMULE = re.compile(rf"<{_P}f(?=[\s/>])([^>]*?)(?:/>|>(.*?)</{_P}f>)", re.S)
_ATTR = re.compile(r'\s([\w:]+)="([^"]*)"')
_INLINE = re.compile(rf"<{_P}is[\s/>]")  # an inline string's element
_IS = re.compile(r"is[\s/>]")  # where one may end: found by its literal, then checked
_DECLARATIE = re.compile(r'<\?xml[^>]*encoding="([^"]*)"')

_KOLOMMEN: dict[str, int] = {}


def _kolom(letters: str) -> int:
    kolom = _KOLOMMEN.get(letters)
    if kolom is None:
        kolom = 0
        for letter in letters:
            kolom = kolom * 26 + ord(letter) - 64
        _KOLOMMEN[letters] = kolom
    return kolom


def _tekst(ruw: str) -> str:
    """XML character data as a parser gives it: line ends normalised, references resolved
    (an XML part has no DTD, so only the five predefined entities and character references
    occur; html.unescape resolves those the same way)."""
    if "\r" in ruw:
        ruw = ruw.replace("\r\n", "\n").replace("\r", "\n")
    if "&" not in ruw:
        return ruw
    if ruw.count("&") == ruw.count("&amp;"):  # the common case: a formula joining texts
        return ruw.replace("&amp;", "&")
    if "&#" in ruw:
        return html.unescape(ruw)
    return (ruw.replace("&quot;", '"').replace("&apos;", "'").replace("&lt;", "<")
            .replace("&gt;", ">").replace("&amp;", "&"))


def _onbekende_vorm(tekst: str) -> bool:
    """Does the sheet hold a comment, CDATA or an inline string? Searched as literals (the
    regular expression ``<!--|<!\\[CDATA\\[|<(prefix:)?is[\\s/>]`` tried every ``<`` of the
    national workbook's 25 MB: 0,14 s)."""
    if "<!--" in tekst or "<![CDATA[" in tekst:
        return True
    for gevonden in _IS.finditer(tekst):
        eind = gevonden.start()
        begin = tekst.rfind("<", max(0, eind - 256), eind)
        if begin >= 0 and _INLINE.fullmatch(tekst, begin, gevonden.end()):
            return True
        if begin < 0 and tekst[eind - 1:eind] == ":":
            return True  # perhaps a prefix of 256 characters or more: left to openpyxl
    return False


class _AndereVorm(Exception):
    """The sheet uses a form this reader leaves to openpyxl."""


def lees_blad(ws, max_rij: int, formule_type: type[str] = str) -> tuple[dict, dict] | None:
    """(formulas, stored) of the read-only openpyxl worksheet ``ws``: (row, column) → value
    of every cell up to row ``max_rij`` whose value is neither None nor "", the formula
    cells in the first as their text (``"=…"``, as ``formule_type``) and in the second as
    their stored result. None when the sheet has a form this reader leaves to openpyxl (see
    the module text)."""
    from openpyxl.formula.translate import Translator
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    boek = ws.parent
    try:
        xml = boek._archive.read(ws._worksheet_path)
    except (AttributeError, KeyError):
        return None
    kop = xml[:200].decode("ascii", "replace")
    codering = _DECLARATIE.search(kop)
    if xml[:2] in (b"\xff\xfe", b"\xfe\xff") or (
            codering and codering.group(1).lower().replace("-", "") != "utf8"):
        return None
    tekst = xml.decode("utf-8")
    if _HOOFD not in tekst[:2000] or _onbekende_vorm(tekst):
        return None
    strings = ws._shared_strings
    datums, duren, epoch = boek._date_formats, boek._timedelta_formats, boek.epoch
    formules: dict = {}
    opgeslagen: dict = {}
    gedeeld: dict[str, Translator] = {}
    stijl_is_datum: dict[str, bool] = {}
    rij_element, rij_element_tekst, vorige_kolom = 0, "0", 0

    def waarde_van(soort: str, v: str | None, stijl: int, ref: str):
        if v is None:
            return None
        if soort == "n":
            getal = float(v) if "." in v or "E" in v or "e" in v else int(v)  # _cast_number
            if stijl in datums:
                try:
                    return from_excel(getal, epoch, timedelta=stijl in duren)
                except (OverflowError, ValueError):
                    warnings.warn(f"Cell {ref} is marked as a date but the serial value "
                                  f"{getal} is outside the limits for dates.", stacklevel=2)
                    return "#VALUE!"
            return getal
        if soort == "s":
            return strings[int(v)]
        if soort == "b":
            return bool(int(v))
        if soort == "d":
            return from_ISO8601(v)
        return v  # str, e

    def cel_algemeen(attributen: str, binnen: str) -> tuple:
        """(letters, row, s, t, f attributes, f text, v) of a cell in any attribute order;
        f attributes None when the cell has no formula."""
        ref = _REF.search(attributen)
        if ref is None:
            raise _AndereVorm
        t, st = _TYPE.search(attributen), _STIJL.search(attributen)
        v = _WAARDE.search(binnen) if "v" in binnen else None
        f = _FORMULE.search(binnen) if "f" in binnen else None
        return (ref.group(1), ref.group(2), st.group(1) if st else "", t.group(1) if t else "",
                f.group(1) if f else None, f.group(2) if f else None, v.group(1) if v else None)

    try:
        for (is_rij, rij_attributen, letters, rijtekst, stijltekst, soort, is_f, f_attr, ftekst,
             v, attributen, binnen) in _CEL.findall(tekst):
            if is_rij:  # a <row>: numbered, or the next one
                eind = rij_attributen.find('"', 4) if rij_attributen.startswith(' r="') else -1
                if eind > 0:  # the usual form, without a search
                    nummer = rij_attributen[4:eind]
                else:
                    gevonden = _RIJNUMMER.search(rij_attributen)
                    nummer = gevonden.group(1) if gevonden else None
                if nummer is not None and not nummer.isdigit():
                    raise _AndereVorm
                volgende = int(nummer) if nummer is not None else rij_element + 1
                if volgende <= rij_element:
                    raise _AndereVorm  # openpyxl skips a row that is not further down
                if volgende > max_rij:
                    break
                rij_element, rij_element_tekst, vorige_kolom = volgende, str(volgende), 0
                continue
            if letters:  # the usual form
                if not is_f:
                    f_attr = ftekst = None
            else:
                letters, rijtekst, stijltekst, soort, f_attr, ftekst, v = cel_algemeen(
                    attributen, binnen)
            # a reference has no leading zero: the same row is the same text
            if rijtekst != rij_element_tekst:
                raise _AndereVorm  # openpyxl drops or moves such cells
            kolom = _KOLOMMEN.get(letters) or _kolom(letters)
            if kolom <= vorige_kolom:
                raise _AndereVorm
            vorige_kolom = kolom
            plek = (rij_element, kolom)
            waarde = None
            if v and ("&" in v or "\r" in v):
                v = _tekst(v)
            if not v:
                if soort and soort not in _SOORTEN:
                    raise _AndereVorm
            elif soort == "s":
                waarde = strings[int(v)]
            elif not soort or soort == "n":
                datum = stijl_is_datum.get(stijltekst)
                if datum is None:  # once per style: is it a date format?
                    datum = stijl_is_datum[stijltekst] = (
                        int(stijltekst) if stijltekst else 0) in datums
                if datum:
                    waarde = waarde_van("n", v, int(stijltekst) if stijltekst else 0,
                                        letters + rijtekst)
                else:  # openpyxl's _cast_number, inline: the common case
                    waarde = float(v) if "." in v or "E" in v or "e" in v else int(v)
            elif soort in _SOORTEN:
                waarde = waarde_van(soort, v, 0, letters + rijtekst)
            else:
                raise _AndereVorm
            if waarde is not None and waarde != "":
                opgeslagen[plek] = waarde
            if f_attr is None:  # no formula
                if waarde is not None and waarde != "":
                    formules[plek] = waarde
                continue
            if ftekst and ("&" in ftekst or "\r" in ftekst):
                ftekst = _tekst(ftekst)
            if not f_attr:  # <f>…</f>: a plain formula, as most writers write every one
                formules[plek] = formule_type("=" + ftekst if ftekst else "=")
                continue
            formule = "=" + ftekst if ftekst else "="
            eigenschappen = dict(_ATTR.findall(f_attr)) if f_attr.strip() else {}
            vorm = eigenschappen.get("t")
            if vorm == "shared":
                si = eigenschappen.get("si")
                if si in gedeeld:
                    formule = gedeeld[si].translate_formula(letters + rijtekst)
                elif formule != "=":
                    gedeeld[si] = Translator(formule, letters + rijtekst)
            elif vorm not in (None, "normal"):
                raise _AndereVorm  # array and data-table formulas
            formules[plek] = formule_type(formule)
    except (_AndereVorm, ValueError, IndexError):
        return None
    return formules, opgeslagen
