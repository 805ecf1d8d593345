"""The input sheets of the scenario workbook: Toelichting, Invoer, Normen, Organisatie
and the very hidden Normensets (format 2, :mod:`formatie.werkboek.formaat`)."""

from __future__ import annotations

from datetime import UTC

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from .. import __version__
from ..normenset import ORGANISATIE_PARAMETERS, normenset_als_toml
from ..onzekerheid import BUDGET_PERCENTIEL
from ..parameters import JAAR, parameter
from ..referentie import BRONVERMELDING
from ..regio import REGIOBELEID  # shared with the pages
from .blad import (
    _NAAM_BREED,
    _RIJNUMMER,
    _UITLEG_BREED,
    _afdruk,
    _bescherm,
    _breedte,
    _Formaten,
    _kopregels,
    _kort,
    _rijhoogte,
    _sluit_tabel,
    _sorteervolgorde,
    _Tabel,
    _tekst,
    _validatie,
    _Werkboek,
    _zoeksleutel,
    _zoeksleutel_formule,
)
from .formaat import (
    BLAD_INVOER,
    BLAD_NORMEN,
    BLAD_ORGANISATIE,
    BLAD_TOELICHTING,
    EERSTE_RIJ,
    INVOER_SLEUTELS,
    NAAM_EXPORT_TIJD,
    NAAM_FORMAAT,
    NAAM_GEMEENTEN,
    NAAM_NORMENSET,
    NAAM_NORMENSET_VERSIE,
    NAAM_SOORT,
    NAAM_VERSIE,
    NORMEN_SLEUTELS,
    NORMENSETS_SLEUTELS,
    ORGANISATIE_SLEUTELS,
    SLEUTELRIJ,
    TOML_DEEL,
    WERKBOEK_FORMAAT,
    WERKBOEK_SOORT,
    ZOEK_SCHEIDING,
    ZOEKSLEUTEL,
)

# ----------------------------------------------------------------------------------------------
# Toelichting
# ----------------------------------------------------------------------------------------------


def _schrijf_toelichting(wb, ws, f: _Formaten, w: _Werkboek, notitie, invoer_bron) -> None:
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 90)
    _tekst(ws, 0, 0, w.titel or f"Formatietool leerplicht en Doorstroompunt — {w.scope}",
           f.titel)
    uitleg = [
        "Dit werkboek is een levend rekenmodel: pas de gele cellen aan en de benodigde fte "
        "worden direct opnieuw berekend (in Excel, LibreOffice of Numbers).",
        "Samenvatting: één A4 met per functie de taken, de vaste basis en leiding en "
        "ondersteuning, basis en scenario naast elkaar, bezetting, verschil en bandbreedte.",
        "1. Invoer: per gemeente en invoer het aantal per jaar (kolom Waarde) en eventueel een "
        "ander aantal voor het scenario (kolom Scenario; leeg = gelijk aan de basis).",
        "2. Normen: per taak de uren per eenheid (en een scenariowaarde). Organisatie: per "
        "functie contracturen, afwezigheid, indirecte tijd, leiding en vaste basis.",
        "3. Berekening: per gemeente en taak volume × uren per eenheid = uren; uren ÷ "
        "casusuren per fte = fte. Niet te wijzigen.",
        "4. Resultaat: fte per functie = (som fte van de taken + vaste basis) × (1 + leiding); "
        "verschil = bezetting − benodigd (negatief is een tekort).",
        "Regio's: " + REGIOBELEID,
        "Sorteren en filteren mag op elk blad: elke formule zoekt haar rij op sleutel "
        "(gemeentecode, normenset, taak, functie). Verander de sleutelrijen (grijze cursieve rij "
        "3), de sleutelkolommen en de bladnamen niet.",
        "Terugzetten: lees het bewaarde werkboek in met 'formatie importeer' of upload het in de "
        "webapplicatie. Het werkboek wordt dan tegen zichzelf gecontroleerd: een overschreven "
        "formule wordt geweigerd.",
        "De bladen zijn beveiligd zonder wachtwoord, zodat alleen de invoercellen te wijzigen "
        "zijn. Opheffen kan via Controleren → Beveiliging blad opheffen.",
        "Typ in invoercellen een getal, geen formule: formules in invoercellen worden bij het "
        "terugzetten geweigerd.",
    ]
    if w.regio_bezetting:
        uitleg.append("Bezetting van de regio: het Doorstroompunt is van de regio. Vul de "
                      "bezetting één keer in, in de gele cel van de regel Regio onder de tabel "
                      "op Resultaat; Samenvatting toont daaruit het verschil.")
    if w.onzekerheid is not None:
        uitleg.append("Onzekerheid: P10–P90 uit het Monte-Carlomodel van de tool bij de "
                      f"export; begroot op {BUDGET_PERCENTIEL.upper()}. Deze waarden rekenen "
                      "niet mee met wijzigingen in dit werkboek.")
    rij = 2
    for regel in uitleg:
        ws.merge_range(rij, 0, rij, 1, "", f.tekst_wrap)
        _tekst(ws, rij, 0, regel, f.tekst_wrap)
        ws.set_row(rij, 30)
        rij += 1
    rij += 1
    _tekst(ws, rij, 0, "Kleuren", f.vet)
    rij += 1
    for fmt, wat, uitleg_kleur in (
        (f.legenda_invoer, "Geel", "invoer die een uitkomst verandert: hier mag u wijzigen"),
        (f.legenda_tekst, "Wit met rand", "mag u wijzigen, verandert geen uitkomst (bereik, "
                                          "bron, jaar)"),
        (f.legenda_formule, "Grijs", "formule: wordt berekend, beveiligd"),
    ):
        ws.write_string(rij, 0, wat, fmt)
        ws.write_string(rij, 1, uitleg_kleur)
        rij += 1
    rij += 1
    _tekst(ws, rij, 0, "Herkomst", f.vet)
    rij += 1
    eerste = w.groepen[0].normenset
    herkomst = [
        (NAAM_SOORT, "Soort bestand", WERKBOEK_SOORT),
        (NAAM_FORMAAT, "Werkboekformaat", str(WERKBOEK_FORMAAT)),
        (NAAM_VERSIE, "Versie formatietool", __version__),
        (NAAM_NORMENSET, "Normenset", eerste.naam),
        (NAAM_NORMENSET_VERSIE, "Versie normenset", eerste.versie),
        (NAAM_EXPORT_TIJD, "Gemaakt op (UTC)", w.export_tijd.astimezone(UTC).strftime(
            "%Y-%m-%d %H:%M:%S")),
        (NAAM_GEMEENTEN, "Gemeenten in dit werkboek", ",".join(w.codes)),
        (None, "Alle normensets", w.normensets),
        (None, "Aantal gemeenten", str(len(w.codes))),
        (None, "Invoer", invoer_bron or "ingevoerde aantallen"),
        (None, "Bronnen", BRONVERMELDING),
    ]
    for naam, label, waarde in herkomst:
        ws.write_string(rij, 0, label, f.tekst)
        _tekst(ws, rij, 1, waarde, f.tekst_wrap if naam == NAAM_GEMEENTEN else f.tekst)
        if naam:
            wb.define_name(naam, f"={BLAD_TOELICHTING}!${xl_col_to_name(1)}${rij + 1}")
        rij += 1
    for groep in w.groepen:
        if groep.normenset.toelichting:
            rij += 1
            _tekst(ws, rij, 0, f"Over normenset {groep.normenset.label}", f.vet)
            rij += 1
            ws.merge_range(rij, 0, rij, 1, "", f.tekst_wrap)
            _tekst(ws, rij, 0, groep.normenset.toelichting, f.tekst_wrap)
            ws.set_row(rij, 45)
            rij += 1
    if notitie:
        rij += 1
        _tekst(ws, rij, 0, "Notitie", f.vet)
        rij += 1
        ws.merge_range(rij, 0, rij, 1, "", f.tekst_wrap)
        _tekst(ws, rij, 0, notitie, f.tekst_wrap)
        ws.set_row(rij, 45)
    _afdruk(ws, staand=True)
    _bescherm(ws)


# ----------------------------------------------------------------------------------------------
# Invoer (long: one row per gemeente × invoer)
# ----------------------------------------------------------------------------------------------


def _schrijf_invoer(ws, f: _Formaten, w: _Werkboek) -> _Tabel:
    S = INVOER_SLEUTELS
    _tekst(ws, 0, 0, "Invoer per gemeente — wijzig de gele cellen", f.titel)
    labels = ("Gemeentecode", "Gemeente", "Normenset", "Jaar", "Invoer (sleutel)", "Invoer",
              "Eenheid", "Waarde", "Scenario (leeg = basis)", "Waarde in het scenario",
              "Herkomst van de waarde", "Zoeksleutel", "Toelichting")
    _kopregels(ws, f, labels, S, hoogte=45)
    # Printed: A–J on A4 landscape, fit to width (~70 %), every key whole (the name of the
    # invoer wraps); the toelichting, the same for every gemeente, is on screen only, on one
    # line running to the right (so the rows stay one line high).
    alle_invoer = [i for g in w.groepen for i in g.normenset.invoer]
    breedtes = {"gemeentecode": 13, "gemeentenaam": 16,
                "normenset": _breedte(g.normenset.label for g in w.groepen), "jaar": 6,
                "invoer": _breedte(i.sleutel for i in alle_invoer), "naam": _NAAM_BREED,
                "eenheid": _breedte(i.eenheid for i in alle_invoer), "waarde": 11,
                "scenario": 11, "scenario_waarde": 11, "herkomst": 14, "toelichting": 60}
    for k, sleutel in enumerate(S):
        if sleutel in breedtes:
            ws.set_column(k, k, breedtes[sleutel])
    waarde, scenario = S.index("waarde"), S.index("scenario")
    cellen: dict[tuple[str, str], list[str]] = {}  # (normenset, invoer) → cells to validate
    # Rows in the order of their zoeksleutel as a spreadsheet compares text, so that
    # Berekening finds each one by binary search (_Tabel.positie); per gemeente, in code order.
    rijen = sorted(((h, g, code, naam, n, i) for h, g, code, naam, n, _res in w.per_gemeente()
                    for i in range(len(n.invoer))),
                   key=lambda x: _sorteervolgorde(x[2] + ZOEK_SCHEIDING
                                                  + x[4].invoer[x[5]].sleutel))
    w.invoer_volgorde = rijen
    # The scenario value and the zoeksleutel refer to their own row only: made once with a
    # stand-in for the row number (the national workbook has 10.000 rows).
    if S != ("gemeentecode", "gemeentenaam", "normenset", "jaar", "invoer", "naam", "eenheid",
             "waarde", "scenario", "scenario_waarde", "herkomst", ZOEKSLEUTEL, "toelichting"):
        raise RuntimeError("Invoer's row below is written in another column order")
    rn = _RIJNUMMER
    scenario_formule = (f'=IF({xl_col_to_name(scenario)}{rn}="",'
                        f'{xl_col_to_name(waarde)}{rn},{xl_col_to_name(scenario)}{rn})')
    zoeksleutel_formule = _zoeksleutel_formule(S, BLAD_INVOER, rn)
    r = EERSTE_RIJ
    for h, g, code, naam, n, i in rijen:
        jaar = w.jaren.get(code)
        inv = n.invoer[i]
        v = float(w.groepen[h].volume[g, i])
        # Counts and estimates of 100 or more show whole (24.287, not 24286,6333…);
        # small fractional values keep two decimals.
        geheel = v.is_integer() or abs(v) >= 100
        bekend = w.herkomst.get(code, {}).get(inv.sleutel)
        R = str(r + 1)
        ws.rij(r, [
            ws.tekst(code, f.tekst), ws.tekst(naam, f.tekst), ws.tekst(n.label, f.tekst),
            ws.leeg(f.vrij_getal) if jaar is None else ws.getal(int(jaar), f.vrij_getal),
            ws.tekst(inv.sleutel, f.tekst), ws.tekst(inv.naam, f.tekst_rand_wrap),
            ws.tekst(inv.eenheid, f.tekst),
            ws.getal(v, f.invoer_aantal if geheel else f.invoer_decimaal),
            ws.leeg(f.invoer_aantal),
            ws.formule(scenario_formule.replace(rn, R),
                       f.formule_aantal if geheel else f.formule_decimaal, v),
            ws.tekst(bekend.label if bekend else "", f.tekst_wrap),
            ws.formule(zoeksleutel_formule.replace(rn, R), f.formule_tekst,
                       code + ZOEK_SCHEIDING + inv.sleutel),
            ws.tekst(inv.toelichting, f.uitleg_regel)])
        _rijhoogte(ws, r, inv.naam, _NAAM_BREED, grootte=11)
        cellen.setdefault((n.label, inv.sleutel), []).extend(
            [xl_rowcol_to_cell(r, waarde), xl_rowcol_to_cell(r, scenario)])
        r += 1
    laatste = r - 1
    ws.data_validation(EERSTE_RIJ, 3, laatste, 3, {
        "validate": "integer", "criteria": "between", "minimum": int(JAAR.min),
        "maximum": int(JAAR.max),
        "ignore_blank": True, "input_title": "Jaar",
        "input_message": "Het jaar waarop de aantallen betrekking hebben (mag leeg blijven).",
        "error_title": "Ongeldig jaar",
        "error_message": f"Vul een jaar in, {JAAR.bereik_tekst()}.",
    })
    for groep in w.groepen:
        n = groep.normenset
        for inv in n.invoer:
            lijst = cellen.get((n.label, inv.sleutel))
            if not lijst:
                continue
            bereik = inv.parameter.bereik_tekst()  # "van 0 tot en met 2.000 vestigingen"
            ws.data_validation(lijst[0], {
                "validate": "decimal", "criteria": "between", "minimum": float(inv.min),
                "maximum": float(inv.max), "ignore_blank": True,
                "multi_range": " ".join(lijst),
                "input_title": _kort(inv.naam, 32),
                "input_message": _kort(f"Toegestaan: {bereik}. De toelichting "
                                       "staat in de laatste kolom.", 255),
                "error_title": "Ongeldige waarde",
                "error_message": _kort(f"{inv.naam}: vul een getal in, {bereik}.", 255),
            })
    tabel = _sluit_tabel(ws, BLAD_INVOER, S, laatste)
    ws.print_area(0, 0, laatste, S.index("herkomst"))
    return tabel


# ----------------------------------------------------------------------------------------------
# Normen (one row per normenset × taak) and Organisatie (one row per normenset × functie)
# ----------------------------------------------------------------------------------------------


def _schrijf_normen(ws, f: _Formaten, w: _Werkboek) -> _Tabel:
    S = NORMEN_SLEUTELS
    _tekst(ws, 0, 0, "Normen per taak — normenset " + w.normensets, f.titel)
    labels = ("Normenset", "Taak (sleutel)", "Taak", "Functie", "Invoer", "Eenheid",
              "Uren per eenheid", "Scenario (leeg = basis)", "Uren in het scenario",
              "Uren laag (P10)", "Uren hoog (P90)", "Bron", "Toelichting", "Zoeksleutel")
    _kopregels(ws, f, labels, S, hoogte=45)
    sets = [g.normenset for g in w.groepen]
    for k, breedte in enumerate((
            _breedte(n.label for n in sets), _breedte(t.sleutel for n in sets for t in n.taken),
            40, _breedte(f.sleutel for n in sets for f in n.functies),
            _breedte(i.sleutel for n in sets for i in n.invoer),
            _breedte(i.eenheid for n in sets for i in n.invoer), 11, 11, 11, 10, 10, 30,
            _UITLEG_BREED)):
        ws.set_column(k, k, breedte)
    uren, scenario = S.index("uren"), S.index("scenario")
    r = EERSTE_RIJ
    for groep in w.groepen:
        n = groep.normenset
        for t in n.taken:
            _tekst(ws, r, 0, n.label, f.tekst)
            _tekst(ws, r, 1, t.sleutel, f.tekst)
            _tekst(ws, r, 2, t.naam, f.tekst)
            _tekst(ws, r, 3, t.functie, f.tekst)
            _tekst(ws, r, 4, t.invoer, f.tekst)
            _tekst(ws, r, 5, n.invoer_by_sleutel(t.invoer).eenheid, f.tekst)
            ws.write_number(r, uren, t.uren, f.invoer_uren)
            ws.write_blank(r, scenario, None, f.invoer_uren)
            s, b = xl_rowcol_to_cell(r, scenario), xl_rowcol_to_cell(r, uren)
            ws.write_formula(r, scenario + 1, f'=IF({s}="",{b},{s})', f.formule_uren_eenheid,
                             t.uren)
            ws.write_number(r, S.index("uren_laag"), t.uren_laag, f.vrij_uren)
            ws.write_number(r, S.index("uren_hoog"), t.uren_hoog, f.vrij_uren)
            _tekst(ws, r, S.index("bron"), t.bron, f.vrij_tekst)
            _tekst(ws, r, S.index("toelichting"), t.toelichting, f.uitleg)
            _zoeksleutel(ws, r, S, BLAD_NORMEN, f.formule_tekst, n.label, t.sleutel)
            _rijhoogte(ws, r, t.toelichting)
            r += 1
    laatste = r - 1
    ws.data_validation(EERSTE_RIJ, uren, laatste, scenario, _validatie(
        parameter("uren"), "Uren per eenheid volume.", leeg_mag=True))
    ws.data_validation(EERSTE_RIJ, S.index("uren_laag"), laatste, S.index("uren_hoog"),
                       _validatie(parameter("uren"), "Het 80 %-bereik van de uren."))
    return _sluit_tabel(ws, BLAD_NORMEN, S, laatste, w.match)


def _schrijf_organisatie(ws, f: _Formaten, w: _Werkboek) -> _Tabel:
    S = ORGANISATIE_SLEUTELS
    P = ORGANISATIE_PARAMETERS
    _tekst(ws, 0, 0, "Organisatie per functie — normenset " + w.normensets, f.titel)
    labels = ("Normenset", "Functie (sleutel)", "Functie",
              *[f"{parameter(p).label} ({parameter(p).weergave_eenheid})" for p in P],
              "Netto uren per fte", "Casusuren per fte", "Kosten per fte (euro per jaar)",
              *[f"Scenario: {parameter(p).label} (leeg = basis)" for p in P],
              "Casusuren per fte in het scenario", "Leiding in het scenario",
              "Vaste basis in het scenario", "Minimumformatie in het scenario",
              "Kosten per fte in het scenario", "Naam normenset", "Versie normenset",
              "Zoeksleutel")
    _kopregels(ws, f, labels, S, hoogte=75)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 2, 16)
    ws.set_column(3, len(S) - 4, 12)
    ws.set_column(len(S) - 3, len(S) - 2, 16)
    ws.set_column(len(S) - 1, len(S) - 1, 20, None, {"hidden": True})
    for k, p in enumerate(P):  # the full explanation of every parameter, on its label
        if parameter(p).uitleg:
            ws.write_comment(1, 3 + k, f"{parameter(p).label}: {parameter(p).uitleg} "
                                       f"Toegestaan: {parameter(p).bereik_tekst()}.",
                             {"x_scale": 2, "y_scale": 2})
    r = EERSTE_RIJ
    for groep in w.groepen:
        n = groep.normenset
        for fn in n.functies:
            _tekst(ws, r, 0, n.label, f.tekst)
            _tekst(ws, r, 1, fn.sleutel, f.tekst)
            _tekst(ws, r, 2, fn.naam, f.tekst)
            cel = {}
            for p in P:
                kolom = S.index(p)
                fmt = f.invoer_procent if parameter(p).procent else f.invoer_uren
                ws.write_number(r, kolom, getattr(fn, p), fmt)
                uitleg = " ".join(x for x in (fn.toelichting_van(p), fn.bron_van(p)
                                              and f"Bron: {fn.bron_van(p)}") if x)
                if uitleg:
                    ws.write_comment(r, kolom, uitleg, {"x_scale": 2, "y_scale": 2})
                ks = S.index(f"scenario_{p}")
                ws.write_blank(r, ks, None, fmt)
                b, s = xl_rowcol_to_cell(r, kolom), xl_rowcol_to_cell(r, ks)
                cel[p] = b
                cel[f"s_{p}"] = f'IF({s}="",{b},{s})'
            c, a, i = cel["contracturen_per_fte"], cel["afwezigheid"], cel["indirect"]
            ws.write_formula(r, S.index("netto_uren_per_fte"), f"={c}*(1-{a})", f.formule_uren,
                             fn.netto_uren_per_fte)
            casus = fn.casus_uren_per_fte  # the model's own figure, c × (1 − a) × (1 − i)
            ws.write_formula(r, S.index("casus_uren_per_fte"), f"={c}*(1-{a})*(1-{i})",
                             f.formule_uren, casus)
            ws.write_formula(r, S.index("scenario_casus_uren_per_fte"),
                             f"={cel['s_contracturen_per_fte']}*(1-{cel['s_afwezigheid']})"
                             f"*(1-{cel['s_indirect']})", f.formule_uren, casus)
            ws.write_formula(r, S.index("scenario_leiding_waarde"), "=" + cel["s_leiding"],
                             f.formule_fte, fn.leiding)
            ws.write_formula(r, S.index("scenario_vast_fte_waarde"), "=" + cel["s_vast_fte"],
                             f.formule_fte, fn.vast_fte)
            ws.write_formula(r, S.index("scenario_minimum_fte_waarde"),
                             "=" + cel["s_minimum_fte"], f.formule_fte, fn.minimum_fte)
            # formatie.normenset.Functie.kosten_per_fte, in its operation order
            for sleutel, voor in (("kosten_per_fte", ""), ("scenario_kosten_per_fte", "s_")):
                ws.write_formula(r, S.index(sleutel),
                                 f"={cel[voor + 'salaris_per_fte']}"
                                 f"*(1+{cel[voor + 'werkgeverslasten']})"
                                 f"*(1+{cel[voor + 'opslag']})", f.formule_euro,
                                 fn.kosten_per_fte)
            _tekst(ws, r, S.index(NAAM_NORMENSET), n.naam, f.tekst)
            _tekst(ws, r, S.index(NAAM_NORMENSET_VERSIE), n.versie, f.tekst)
            _zoeksleutel(ws, r, S, BLAD_ORGANISATIE, f.formule_tekst, n.label, fn.sleutel)
            r += 1
    laatste = r - 1
    for p in P:
        for kolom in (S.index(p), S.index(f"scenario_{p}")):
            ws.data_validation(EERSTE_RIJ, kolom, laatste, kolom,
                               _validatie(parameter(p), leeg_mag=kolom != S.index(p)))
    ws.freeze_panes(EERSTE_RIJ, 3)
    _afdruk(ws, herhaal_tot=SLEUTELRIJ)
    _bescherm(ws)
    return _Tabel(BLAD_ORGANISATIE, S, EERSTE_RIJ + 1, laatste + 1, w.match)



# ----------------------------------------------------------------------------------------------
# Normensets (very hidden): the workbook's normensets as TOML, for the command line
# ----------------------------------------------------------------------------------------------


def _schrijf_normensets(ws, f: _Formaten, w: _Werkboek) -> None:
    """Every normenset of the workbook as TOML, cut in parts of TOML_DEEL characters, one row
    per part (text cells). Very hidden and protected: not a sheet to read or edit."""
    _tekst(ws, 0, 0, "Normensets van dit werkboek (TOML), voor formatie importeer", f.titel)
    for k, sleutel in enumerate(NORMENSETS_SLEUTELS):
        _tekst(ws, SLEUTELRIJ, k, sleutel, f.sleutel)
    r = EERSTE_RIJ
    for groep in w.groepen:
        n = groep.normenset
        tekst = normenset_als_toml(n)
        for deel, begin in enumerate(range(0, len(tekst), TOML_DEEL), start=1):
            for k, waarde in enumerate((n.label, n.naam, n.versie, str(deel),
                                        tekst[begin:begin + TOML_DEEL])):
                _tekst(ws, r, k, waarde)
            r += 1
    ws.very_hidden()
    _bescherm(ws)


