"""Loader: normenset validation with line numbers, invoer CSV, the shipped data."""

import numpy as np
import pytest

from formatie.invoer_csv import normaliseer_gemeentecode, read_invoer_csv
from formatie.normenset import (
    MAX_NORMENSET_VERSIE,
    STANDAARD_BRON,
    afgeleide_versie,
    normenset_als_toml,
)
from formatie.normenset_toml import parse_normenset, standaard_normenset
from formatie.parameters import KOSTEN_PARAMETERS
from formatie.problemen import InvoerFout
from formatie.referentie import load_referentie


def fouten(tekst):
    with pytest.raises(InvoerFout) as exc:
        parse_normenset(tekst, "x.toml")
    return exc.value.problemen


def test_klein_parses(klein):
    assert klein.functie_sleutels == ("a", "b")
    assert klein.taak_invoer_index.tolist() == [0, 1, 0]
    assert klein.taak("a2").uren_laag == 6.0  # range defaults to the central value
    assert klein.invoer_by_sleutel("y").spreiding == "geen"


def test_every_problem_reported_with_its_line(data_dir):
    tekst = (data_dir / "klein.toml").read_text()
    tekst = tekst.replace('invoer = "y"', 'invoer = "onbekend"')
    tekst = tekst.replace("uren = 10", "uren = -1")
    tekst = tekst.replace("afwezigheid = 0.2\n", "afwezigheid = 1.2\n")
    tekst = tekst.replace('sleutel = "b1"', 'sleutel = "a1"')
    problemen = fouten(tekst)
    regels = tekst.splitlines()
    berichten = {p.bericht: p.regel for p in problemen}

    def regel_van(fragment):
        return next(i for i, r in enumerate(regels, 1) if fragment in r)

    assert berichten["taak 'a2': onbekende invoer 'onbekend'."] == regel_van('"onbekend"')
    assert berichten["functie 'a': afwezigheid moet van 0 tot en met 50 % zijn."] == (
        regel_van("afwezigheid = 1.2"))
    assert any("uren moet van 0 tot en met 2.000 uur per eenheid zijn" in b for b in berichten)
    dubbel = [p for p in problemen if "komt dubbel voor" in p.bericht]
    laatste_a1 = max(i for i, r in enumerate(regels, 1) if r == 'sleutel = "a1"')
    assert dubbel and dubbel[0].regel == laatste_a1
    # problems come sorted by line
    assert [p.regel for p in problemen] == sorted(p.regel for p in problemen)


def test_functie_without_taken_and_unknown_keys(data_dir):
    tekst = (data_dir / "klein.toml").read_text().replace('functie = "b"', 'functie = "a"')
    tekst = tekst.replace("naam = \"Klein\"", "naam = \"Klein\"\nnaam_typo = 1")
    berichten = [p.bericht for p in fouten(tekst)]
    assert "functie 'b' heeft geen taken." in berichten
    assert any("onbekende sleutel 'naam_typo'" in b for b in berichten)


def test_invalid_toml_gives_line():
    problemen = fouten('naam = "x"\nversie = \n')
    assert problemen[0].regel == 2
    assert "geen geldige TOML" in problemen[0].bericht


def test_duplicate_key_in_one_table_is_a_toml_error(data_dir):
    tekst = (data_dir / "klein.toml").read_text().replace("uren = 6\n", "uren = 6\nuren = 7\n")
    assert "geen geldige TOML" in fouten(tekst)[0].bericht


def test_range_order_and_shares(data_dir):
    tekst = (data_dir / "klein.toml").read_text().replace("uren_hoog = 4", "uren_hoog = 2.5")
    assert any("uren_laag ≤ uren ≤ uren_hoog" in p.bericht for p in fouten(tekst))
    tekst = (data_dir / "klein.toml").read_text().replace("indirect = 0.5", "indirect = 1")
    assert any("indirect moet van 0 tot en met 60 % zijn" in p.bericht for p in fouten(tekst))
    tekst = (data_dir / "klein.toml").read_text().replace("leiding = 0.5", 'leiding = "veel"')
    assert any("'leiding' moet een getal zijn" in p.bericht for p in fouten(tekst))


def test_empty_normenset():
    berichten = [p.bericht for p in fouten("")]
    assert "normenset: 'naam' ontbreekt." in berichten
    assert "de normenset heeft geen [[taak]]." in berichten


def test_referentie_has_342_gemeenten_and_40_regions():
    r = load_referentie()
    assert len(r.gemeentecodes) == 342
    assert len(set(r.regio_per_gemeente)) == 40 == len(r.regionamen)
    assert r.inwoners.sum() == 17_942_942
    assert r.naam("0363") == "Amsterdam"
    assert len(r.leden("MC21")) == 14
    assert (r.vestigingen_po > 0).all()


@pytest.mark.parametrize(("tekst", "code"),
                         [("0363", "0363"), ("363", "0363"), ("GM0363", "0363"),
                          ("gm0014", "0014"), ("03631", None), ("Amsterdam", None)])
def test_gemeentecode(tekst, code):
    assert normaliseer_gemeentecode(tekst) == code


def test_csv_comma_and_semicolon_forms(klein, tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("gemeentecode,x,y\n0363,100.5,50\nGM0014,1,0\n")
    b = tmp_path / "b.csv"
    b.write_bytes("\ufeffgemeentecode;jaar;x;y\r\n0363;2025;100,5;50\r\n14;2025;1;0\r\n".encode())
    ta, tb = read_invoer_csv(a, klein), read_invoer_csv(b, klein)
    assert ta.gemeentecodes == tb.gemeentecodes == ("0363", "0014")
    np.testing.assert_array_equal(ta.volume, tb.volume)
    assert ta.volume[0].tolist() == [100.5, 50.0]
    assert tb.jaren == (2025, 2025)


def test_csv_cp1252_from_dutch_excel(klein):
    data = "gemeentecode;gemeentenaam;x;y\n0363;Súdwest-Fryslân;2;1\n".encode("cp1252")
    assert read_invoer_csv(data, klein).volume.tolist() == [[2.0, 1.0]]


def test_unfilled_template_rows_are_skipped(klein):
    data = b"gemeentecode,gemeentenaam,jaar,x,y\n0363,Amsterdam,,5,1\n0014,Groningen,,,\n"
    assert read_invoer_csv(data, klein).gemeentecodes == ("0363",)


@pytest.mark.parametrize(
    ("inhoud", "verwacht"),
    [
        (b"", "het bestand is leeg"),
        (b"gemeentecode,x,y\n", "geen gemeenten met gegevens"),
        (b"gemeentecode,x,y\n9999,1,1\n", "regel 2, kolom 'gemeentecode': onbekende gemeentecode"),
        (b"gemeentecode,x,y\n0363,abc,1\n", "regel 2, kolom 'x': 'abc' is geen getal"),
        (b"gemeentecode,x,y\n0363,-1,1\n",
         "regel 2, kolom 'x': '-1' moet van 0 tot en met 1.000 stuks zijn"),
        (b"gemeentecode,x,y\n0363,1001,1\n",
         "regel 2, kolom 'x': '1001' moet van 0 tot en met 1.000 stuks zijn"),
        (b"gemeentecode,x,y\n0363,1,1\n363,2,2\n", "regel 3, kolom 'gemeentecode': gemeente 0363"),
        (b"gemeentecode,x\n0363,1\n", "ontbrekende invoerkolommen: y"),
        (b"gemeentecode,x,y,z\n0363,1,1,1\n", "onbekende kolom 'z'"),
        (b"gemeentecode,x,y\n0363,1\n", "regel 2: 2 cellen"),
        (b"gemeentecode,x,y\n0363,,1\n", "regel 2, kolom 'x': lege cel"),
    ],
)
def test_csv_errors_name_file_line_and_column(klein, inhoud, verwacht):
    with pytest.raises(InvoerFout) as exc:
        read_invoer_csv(inhoud, klein, bestand="in.csv")
    assert verwacht in str(exc.value)
    assert str(exc.value).startswith("in.csv")


def test_all_problems_reported_at_once(klein):
    with pytest.raises(InvoerFout) as exc:
        read_invoer_csv(b"gemeentecode,x,y\n0363,abc,1\n9999,1,1\n0014,1,-5\n", klein)
    assert [p.regel for p in exc.value.problemen] == [2, 3, 4]


def test_ontbrekend_is_nul(klein):
    t = read_invoer_csv(b"gemeentecode,x\n0363,4\n0014,\n", klein, ontbrekend_is_nul=True)
    assert t.volume.tolist() == [[4.0, 0.0]]  # 0014 has only empty cells: a blank row
    t = read_invoer_csv(b"gemeentecode,x,y\n0363,4,\n", klein, ontbrekend_is_nul=True)
    assert t.volume.tolist() == [[4.0, 0.0]]


def test_malformed_csv_is_a_dutch_error_not_a_traceback(klein):
    with pytest.raises(InvoerFout, match="geen tekstbestand"):
        read_invoer_csv(b"gemeentecode,x,y\n0363,\x00,1\n", klein)
    with pytest.raises(InvoerFout, match="regel 3, kolom 'x'"):
        read_invoer_csv(b'gemeentecode,x,y\n"0363","1\n2",1\n', klein)


def test_csv_applies_the_normenset_controles(klein):
    # klein.toml: controle y ≤ x
    with pytest.raises(InvoerFout) as exc:
        read_invoer_csv(b"gemeentecode,x,y\n0363,5,6\n", klein, bestand="in.csv")
    assert str(exc.value) == "in.csv, regel 2, kolom 'y': Y mag niet groter zijn dan X."
    assert read_invoer_csv(b"gemeentecode,x,y\n0363,6,6\n", klein).volume.tolist() == [[6, 6]]


@pytest.mark.parametrize(
    ("tekst", "regel", "uitleg"),
    [('naam = "x"\nversie = \n', 2, "ongeldige waarde"),
     ('naam = "x"\nnaam = "y"\n', 2, "een sleutel staat twee keer in dezelfde tabel"),
     ('naam "x"\n', 1, "bij teken 6: na een sleutel hoort '='"),
     ('naam = "x\n', 1, "niet afgesloten")],
)
def test_toml_syntax_errors_are_dutch_with_their_line(tekst, regel, uitleg):
    (probleem,) = fouten(tekst)
    assert probleem.regel == regel
    assert uitleg in probleem.bericht
    assert not any(woord in probleem.bericht for woord in ("Invalid", "Expected", "Cannot"))


def test_naam_and_versie_longer_than_the_database_columns_are_refused(data_dir):
    """naam is String(200) and versie String(50) in the database: longer ones were a 500 on
    PostgreSQL; now they are a Dutch message on their own line."""
    tekst = (data_dir / "klein.toml").read_text()
    regels = tekst.splitlines()
    regel_naam = next(i for i, r in enumerate(regels, 1) if r.startswith("naam ="))
    regel_versie = next(i for i, r in enumerate(regels, 1) if r.startswith("versie ="))
    lang = tekst.replace('naam = "Klein"', f'naam = "{"n" * 201}"', 1)
    lang = "\n".join(f'versie = "{"v" * 51}"' if r.startswith("versie =") else r
                     for r in lang.splitlines()) + "\n"
    berichten = {p.bericht: p.regel for p in fouten(lang)}
    assert berichten == {
        "normenset: de naam is 201 tekens lang; maximaal 200.": regel_naam,
        "normenset: de versie is 51 tekens lang; maximaal 50.": regel_versie,
    }
    precies = tekst.replace('naam = "Klein"', f'naam = "{"n" * 200}"', 1)
    precies = "\n".join(f'versie = "{"v" * 50}"' if r.startswith("versie =") else r
                        for r in precies.splitlines()) + "\n"
    n = parse_normenset(precies)
    assert (len(n.naam), len(n.versie)) == (200, 50)


def test_afgeleide_versie_keeps_the_suffix_and_the_limit():
    assert afgeleide_versie("2026.1", "-excel") == "2026.1-excel"
    lang = afgeleide_versie("v" * 50, "-gekalibreerd-20261129054500")
    assert len(lang) == MAX_NORMENSET_VERSIE and lang.endswith("-gekalibreerd-20261129054500")
    assert lang.startswith("v" * (MAX_NORMENSET_VERSIE - 28))



def test_afgeleide_versie_of_a_set_edited_again_does_not_repeat_the_suffix():
    """A gemeente saved under "2026.1-excel" edits its norms again: the store numbers it."""
    for versie in ("2026.1-excel", "2026.1-excel-3"):
        assert afgeleide_versie(versie, "-excel") == "2026.1-excel"
    assert afgeleide_versie("2026.1-kalibratie", "-excel") == "2026.1-kalibratie-excel"

HERKOMST = '''geldig_vanaf = "2026/2027"
geldig_tot = "2027/2028"
afgeleid_van = "Klein (t0)"
'''


def _met_herkomst(tekst: str, kop: str = HERKOMST, functie: str = "") -> str:
    """The klein normenset with top-level provenance and sub-tables after [functie.a]."""
    tekst = tekst.replace('per_duizend = "x"\n', 'per_duizend = "x"\n' + kop)
    return tekst.replace("[functie.b]", functie + "\n[functie.b]")


def test_provenance_is_read_and_written_back_equal(data_dir):
    tekst = _met_herkomst((data_dir / "klein.toml").read_text(encoding="utf-8"), functie='''
[functie.a.bron]
leiding = "aanname: één teamleider op twee"
afwezigheid = "cao"

[functie.a.toelichting]
vast_fte = "Ambtsinstructie."
''')
    n = parse_normenset(tekst)
    assert (n.geldig_vanaf, n.geldig_tot, n.afgeleid_van) == ("2026/2027", "2027/2028",
                                                              "Klein (t0)")
    a = n.functie("a")
    assert a.bron_van("leiding") == "aanname: één teamleider op twee"
    assert a.bron_van("afwezigheid") == "cao" and a.bron_van("indirect") == ""
    assert a.toelichting_van("vast_fte") == "Ambtsinstructie."
    # without costs the set takes the tool's price per fte, and says so (issue 22)
    assert dict(n.functie("b").bronnen) == {p: STANDAARD_BRON for p in KOSTEN_PARAMETERS}
    assert parse_normenset(normenset_als_toml(n)) == n


def test_the_default_with_all_its_provenance_is_written_back_equal():
    n = standaard_normenset()
    terug = parse_normenset(normenset_als_toml(n))
    assert terug == n and terug.functie("leerplicht").bronnen == n.functie("leerplicht").bronnen


def test_bad_provenance_is_reported_at_its_line(data_dir):
    tekst = _met_herkomst((data_dir / "klein.toml").read_text(encoding="utf-8"),
                          kop='geldig_vanaf = "2027/2026"\ngeldig_tot = "2025/2026"\n'
                              'afgeleid_van = 3\n',
                          functie='\n[functie.a.bron]\nleidng = "tikfout"\nleiding = 4\n')
    regels = tekst.splitlines()
    with pytest.raises(InvoerFout) as e:
        parse_normenset(tekst)
    gevonden = {(p.regel, p.bericht.split(":")[0]) for p in e.value.problemen}

    def regel(begin):
        return next(i for i, r in enumerate(regels, 1) if r.startswith(begin))

    berichten = " | ".join(p.bericht for p in e.value.problemen)
    assert "geldig_vanaf moet een schooljaar zijn" in berichten
    assert "onbekende sleutel 'leidng'" in berichten
    assert (regel("geldig_vanaf"), "normenset") in gevonden
    assert (regel("afgeleid_van"), "normenset") in gevonden
    assert any(p.regel == regel("leidng") for p in e.value.problemen)
    assert any(p.regel == regel("leiding = 4") and "tekst" in p.bericht
               for p in e.value.problemen)


def test_geldig_tot_before_geldig_vanaf_is_refused(data_dir):
    tekst = _met_herkomst((data_dir / "klein.toml").read_text(encoding="utf-8"),
                          kop='geldig_vanaf = "2027/2028"\ngeldig_tot = "2026/2027"\n')
    with pytest.raises(InvoerFout, match=r"geldig_tot .2026/2027. ligt vóór"):
        parse_normenset(tekst)


def test_a_bron_that_is_not_a_table_is_refused(data_dir):
    tekst = (data_dir / "klein.toml").read_text(encoding="utf-8").replace(
        "vast_fte = 0.1\n", 'vast_fte = 0.1\nbron = "cao"\n', 1)
    with pytest.raises(InvoerFout, match=r"'bron' moet een tabel \[functie.<sleutel>.bron\]"):
        parse_normenset(tekst)
