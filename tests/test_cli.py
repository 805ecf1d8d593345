"""The `formatie` command line, run in-process and as a real console script."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import vijandig

from formatie.cli import main
from formatie.herkomst import schattingsversie
from formatie.invoer_csv import read_invoer_csv
from formatie.model import bereken
from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie

FORMATIE = Path(sys.executable).parent / "formatie"


def run(capsys, *args):
    code = main(list(args))
    uit = capsys.readouterr()
    return code, uit.out, uit.err


def test_calculate_json_has_the_chain(capsys, data_dir, tmp_path):
    invoer = tmp_path / "in.csv"
    invoer.write_text("gemeentecode;jaar;x;y\nGM0363;2026;100;50\n0014;2026;0;0\n")
    code, out, err = run(capsys, "calculate", str(invoer), "--normen",
                         str(data_dir / "klein.toml"), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["normenset"] == {"naam": "Klein", "versie": "t1"}
    ams = doc["gemeenten"][0]
    assert ams["gemeentecode"] == "0363" and ams["gemeentenaam"] == "Amsterdam"
    assert ams["jaar"] == 2026
    a = ams["functies"]["a"]
    assert a["fte"] == pytest.approx(1.65)
    assert a["fte_uitvoering"] == pytest.approx(1.1)
    assert a["taken"]["a1"] == {"volume": 100.0, "uren": 300.0, "fte": pytest.approx(0.5)}
    assert ams["fte_totaal"] == pytest.approx(2.65)
    assert doc["totaal"]["fte_totaal"] == pytest.approx(2.65 + 0.15)


def test_calculate_table_and_csv(capsys, data_dir, tmp_path):
    invoer = tmp_path / "in.csv"
    invoer.write_text("gemeentecode,x,y\n0363,100,50\n")
    code, out, _ = run(capsys, "calculate", str(invoer), "--normen", str(data_dir / "klein.toml"))
    assert code == 0
    assert "0363 Amsterdam" in out and "1,65" in out and "2,65" in out  # decimal comma
    assert "Taak A1" in out  # chain shown for a single gemeente
    code, out, _ = run(capsys, "calculate", str(invoer), "--normen",
                       str(data_dir / "klein.toml"), "--format", "csv")
    regels = out.splitlines()
    assert regels[0] == "gemeentecode,gemeentenaam,fte_a,fte_b,fte_totaal"
    assert regels[1].startswith("0363,Amsterdam,1.65")


@pytest.mark.parametrize(
    ("inhoud", "melding"),
    [
        ("gemeentecode,x,y\n0363,abc,1\n", "in.csv, regel 2, kolom 'x': 'abc' is geen getal."),
        ("", "in.csv: het bestand is leeg."),
        ("gemeentecode,x,y\n1234,1,1\n", "regel 2, kolom 'gemeentecode': onbekende gemeentecode"),
    ],
)
def test_bad_input_exit_2_dutch_message_no_output(capsys, data_dir, tmp_path, inhoud, melding):
    invoer = tmp_path / "in.csv"
    invoer.write_text(inhoud)
    code, out, err = run(capsys, "calculate", str(invoer), "--normen",
                         str(data_dir / "klein.toml"), "--format", "json")
    assert code == 2
    assert out == ""  # never a partial result
    assert melding in err
    assert "Traceback" not in err


def test_bad_normenset_lists_problems(capsys, tmp_path):
    normen = tmp_path / "n.toml"
    normen.write_text('naam = "x"\nversie = "1"\n[functie.a]\nnaam = "A"\n')
    code, _, err = run(capsys, "norms", "--normen", str(normen))
    assert code == 2
    assert "n.toml, regel 3: functie 'a': 'contracturen_per_fte' ontbreekt." in err
    assert "de normenset heeft geen [[taak]]" in err


def test_missing_file(capsys):
    code, _, err = run(capsys, "calculate", "bestaat-niet.csv")
    assert code == 2 and "bestand niet gevonden" in err


def test_template_roundtrip_with_regio(capsys):
    code, out, _ = run(capsys, "template", "--regio", "mc21", "--jaar", "2026")
    assert code == 0
    regels = out.splitlines()
    n = standaard_normenset()
    assert regels[0].split(",") == ["gemeentecode", "gemeentenaam", "jaar", *n.invoer_sleutels]
    assert len(regels) == 1 + 14
    code, _, err = run(capsys, "template", "--regio", "MC99")
    assert code == 2 and "onbekende regio" in err


def test_user_normenset_works_without_code_change(capsys, data_dir, tmp_path):
    """A new invoer and taak in a user's own file flow through to the output."""
    tekst = (data_dir / "klein.toml").read_text() + (
        '\n[[invoer]]\nsleutel = "nieuw"\nnaam = "Nieuw"\neenheid = "stuks"\nmin = 0\nmax = 10\n'
        '\n[[taak]]\nsleutel = "n1"\nfunctie = "b"\nnaam = "Nieuwe taak"\ninvoer = "nieuw"\n'
        "uren = 1000\n")
    normen = tmp_path / "eigen.toml"
    normen.write_text(tekst)
    invoer = tmp_path / "in.csv"
    invoer.write_text("gemeentecode,x,y,nieuw\n0363,0,0,2\n")
    code, out, err = run(capsys, "calculate", str(invoer), "--normen", str(normen),
                         "--format", "json")
    assert code == 0, err
    b = json.loads(out)["gemeenten"][0]["functies"]["b"]
    assert b["taken"]["n1"]["fte"] == pytest.approx(2.0)  # 2 × 1000 h / 1000 h per fte


def test_national_estimate_covers_342(capsys):
    code, out, _ = run(capsys, "calculate", "--landelijk", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and len(doc["gemeenten"]) == 342
    som = sum(g["fte_totaal"] for g in doc["gemeenten"])
    assert doc["totaal"]["fte_totaal"] == pytest.approx(som)
    # every volume is an estimate, with the estimate's version, and all hours rest on them
    n = standaard_normenset()
    versie = schattingsversie(n.label)
    for g in doc["gemeenten"]:
        assert g["herkomst"] == dict.fromkeys(n.invoer_sleutels, "schatting")
        assert set(g["schattingsversie"].values()) == {versie}
        assert g["aandeel_uren"] == {"schatting": pytest.approx(1.0)}


def test_calculate_json_says_figures_from_a_csv_are_own_counts(capsys, data_dir, tmp_path):
    invoer = tmp_path / "in.csv"
    invoer.write_text("gemeentecode,jaar,x,y\n0363,2026,100,50\n0014,2026,0,0\n")
    code, out, err = run(capsys, "bereken", str(invoer), "--normen",
                         str(data_dir / "klein.toml"), "--formaat", "json")
    assert code == 0, err
    ams, groningen = json.loads(out)["gemeenten"]
    assert ams["herkomst"] == {"x": "eigen", "y": "eigen"} == groningen["herkomst"]
    assert "schattingsversie" not in ams
    assert ams["aandeel_uren"] == {"eigen": pytest.approx(1.0)}
    assert groningen["aandeel_uren"] == {}  # no hours: no share to speak of


@pytest.mark.slow  # seconds; make test-snel leaves it out
def test_console_script_national_csv_matches_model(tmp_path):
    """The installed console script on a filled national CSV equals the model called directly."""
    ref = load_referentie()
    n = standaard_normenset()
    rng = np.random.default_rng(7)
    volume = np.column_stack([rng.integers(0, int(min(i.max, 500)) + 1, len(ref.gemeentecodes))
                              for i in n.invoer]).astype(float)
    for c in n.controles:  # keep the cross-field checks (links ≤ rechts) satisfied
        links, rechts = n.invoer_sleutels.index(c.links), n.invoer_sleutels.index(c.rechts)
        volume[:, links] = np.minimum(volume[:, links], volume[:, rechts])
    invoer = tmp_path / "nationaal.csv"
    regels = ["gemeentecode;" + ";".join(n.invoer_sleutels)]
    regels += [code + ";" + ";".join(f"{v:g}" for v in rij)
               for code, rij in zip(ref.gemeentecodes, volume, strict=True)]
    invoer.write_text("\n".join(regels) + "\n")
    proces = subprocess.run([str(FORMATIE), "calculate", str(invoer), "--format", "json"],
                            capture_output=True, text=True, check=False)
    assert proces.returncode == 0, proces.stderr
    doc = json.loads(proces.stdout)
    verwacht = bereken(n, read_invoer_csv(invoer, n).volume)
    got = np.array([g["fte_totaal"] for g in doc["gemeenten"]])
    np.testing.assert_allclose(got, verwacht.fte_totaal, rtol=1e-12)
    assert len(doc["gemeenten"][0]["functies"]["leerplicht"]["taken"]) == len(
        n.taken_van("leerplicht"))


def test_json_has_the_fte_per_1000_kengetal(capsys, data_dir, tmp_path):
    invoer = tmp_path / "in.csv"
    invoer.write_text("gemeentecode,x,y\n0363,100,50\n0014,0,0\n")
    code, out, _ = run(capsys, "calculate", str(invoer), "--normen",
                       str(data_dir / "klein.toml"), "--format", "json")
    assert code == 0
    ams, gron = json.loads(out)["gemeenten"]
    # klein.toml: per_duizend = "x"; a = 1.65, b = 1.0 fte for 100 x
    assert ams["fte_per_1000_x"] == {"a": pytest.approx(16.5), "b": pytest.approx(10.0),
                                     "totaal": pytest.approx(26.5)}
    assert gron["fte_per_1000_x"] == {"a": None, "b": None, "totaal": None}


def test_norms_shows_the_provenance_of_the_set_its_parameters_and_its_taken(capsys):
    code, out, _ = run(capsys, "norms")
    n = standaard_normenset()
    assert code == 0
    assert f"Afgeleid van: {n.afgeleid_van}." in out
    # worded as /normen/<id>; an open end is left out ("tot en met …." before)
    assert n.geldig_vanaf and not n.geldig_tot
    assert f"Geldig: vanaf schooljaar {n.geldig_vanaf}.\n" in out and "…" not in out
    for f in n.functies:
        for p, bron in f.bronnen:
            assert f"  {p}: bron: {bron}" in out
        for p, tekst in f.toelichtingen:
            assert f"  {p}: {tekst}" in out
    assert all(f"bron: {t.bron}" in out for t in n.taken)


def test_norms_speaks_of_hours_per_one_unit_and_percentages_like_the_pages(capsys):
    from formatie.getallen import format_procent, format_uren
    from formatie.taal import per_eenheid

    code, out, _ = run(capsys, "norms")
    assert code == 0
    n = standaard_normenset()
    assert "invoervelden" in out and " invoer," not in out
    for t in n.taken:
        eenheid = n.invoer_by_sleutel(t.invoer).eenheid
        assert f"{format_uren(t.uren)} uur {per_eenheid(eenheid)} ({t.invoer})" in out
        assert f"uur per {eenheid}" not in out
    for f in n.functies:
        assert f"afwezigheid {format_procent(f.afwezigheid)}" in out


# ----- Dutch help, the Excel template, skipped rows ---------------------------------------------

ENGELSE_KOPPEN = ("usage:", "options:", "positional arguments", "show this help",
                  "show program's version")


def _alle_parsers(parser):
    """The main parser and every subcommand parser, as (name, parser)."""
    import argparse

    yield "formatie", parser
    for actie in parser._actions:
        if isinstance(actie, argparse._SubParsersAction):
            yield from actie.choices.items()


def test_every_command_and_option_has_a_dutch_help_text():
    from formatie.cli import _parser

    for naam, parser in _alle_parsers(_parser()):
        for actie in parser._actions:
            if actie.dest == "opdracht":
                continue
            assert actie.help, f"{naam} {actie.option_strings or actie.dest}: geen hulptekst"
            assert not any(k in actie.help.lower() for k in ENGELSE_KOPPEN), actie.help


@pytest.mark.parametrize("opdracht", ["", "calculate", "template", "norms", "valideer", "regios",
                                      "export", "import", "calibrate"])
def test_help_pages_have_dutch_headings(capsys, opdracht):
    with pytest.raises(SystemExit) as uit:
        main([*([opdracht] if opdracht else []), "--help"])
    assert uit.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("Gebruik: formatie") and "opties:" in out
    assert not any(k in out.lower() for k in ENGELSE_KOPPEN), out


def test_console_script_help_is_dutch():
    uit = subprocess.run([str(FORMATIE), "--help"], capture_output=True, text=True, check=True)
    assert uit.stdout.startswith("Gebruik: formatie") and "opdrachten:" in uit.stdout


@pytest.mark.parametrize(("args", "melding"), [
    (["calculate", "--format", "xml"], "ongeldige keuze: 'xml' (kies uit"),
    (["export", "--landelijk"], "verplicht maar niet gegeven: -o/--uitvoer"),
    (["calibrate", "data.csv", "--bootstrap", "veel"], "geen geheel getal: 'veel'"),
    (["regios", "--extra"], "onbekende argumenten: --extra"),
    (["opdracht-die-niet-bestaat"], "ongeldige keuze"),
])
def test_wrong_options_give_a_dutch_error_with_exit_code_2(capsys, args, melding):
    with pytest.raises(SystemExit) as uit:
        main(args)
    assert uit.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Gebruik: formatie") and ": fout: " in err and melding in err, err
    assert "error" not in err and "invalid" not in err


def test_template_for_dutch_excel_uses_semicolons_crlf_and_a_bom(capsysbinary):
    code = main(["template", "--regio", "MC21", "--excel-nl"])
    data = capsysbinary.readouterr().out
    assert code == 0
    assert data.startswith("\ufeff".encode())
    regels = data.decode("utf-8-sig").split("\r\n")
    n = standaard_normenset()
    assert regels[0].split(";") == ["gemeentecode", "gemeentenaam", "jaar", *n.invoer_sleutels]
    assert regels[-1] == "" and len(regels) == 1 + 14 + 1
    assert all(r.count(";") == 2 + len(n.invoer) for r in regels[:-1])


def test_excel_template_filled_with_decimal_commas_calculates_like_the_plain_csv(
        capsys, data_dir, tmp_path):
    """Fill two rows of the Dutch Excel template (decimal commas); the result equals a plain
    comma-separated file with decimal points, and the untouched rows are reported skipped."""
    klein = str(data_dir / "klein.toml")
    assert main(["template", "--normen", klein, "--regio", "MC21", "--excel-nl"]) == 0
    regels = capsys.readouterr().out.removeprefix("\ufeff").split("\r\n")
    ingevuld = {"0363": ("12,5", "3,25"), "0362": ("7", "0,5")}
    uit = [regels[0]]
    for regel in regels[1:-1]:
        code, naam, jaar, *_ = regel.split(";")
        x, y = ingevuld.get(code, ("", ""))
        uit.append(f"{code};{naam};{jaar};{x};{y}")
    excel = tmp_path / "excel.csv"
    excel.write_bytes(("\ufeff" + "\r\n".join(uit) + "\r\n").encode("utf-8"))
    gewoon = tmp_path / "gewoon.csv"
    gewoon.write_text("gemeentecode,x,y\n0362,7,0.5\n0363,12.5,3.25\n")

    code, uit_excel, err = run(capsys, "calculate", str(excel), "--normen", klein,
                               "--format", "json")
    assert code == 0, err
    assert err.startswith("12 lege rijen overgeslagen (regels ")
    code, uit_gewoon, _ = run(capsys, "calculate", str(gewoon), "--normen", klein,
                              "--format", "json")
    assert json.loads(uit_excel)["totaal"] == json.loads(uit_gewoon)["totaal"]


def test_calculate_names_the_skipped_empty_rows_on_stderr(capsys, data_dir, tmp_path):
    invoer = tmp_path / "in.csv"
    invoer.write_text("gemeentecode,x,y\n0363,100,50\n0014,,\n\n,,\n0344,1,1\n")
    code, out, err = run(capsys, "calculate", str(invoer), "--normen",
                         str(data_dir / "klein.toml"), "--format", "csv")
    assert code == 0
    assert err == "3 lege rijen overgeslagen (regels 3, 4, 5): geen invoer ingevuld.\n"
    assert len(out.splitlines()) == 1 + 2


def test_calculate_says_nothing_about_skipping_when_every_row_is_filled(capsys, data_dir,
                                                                         tmp_path):
    invoer = tmp_path / "in.csv"
    invoer.write_text("gemeentecode,x,y\n0363,100,50\n")
    code, _, err = run(capsys, "calculate", str(invoer), "--normen", str(data_dir / "klein.toml"),
                       "--format", "csv")
    assert code == 0 and err == ""


def test_the_subcommands_speak_dutch_and_the_english_names_of_earlier_versions_still_work(
        capsys, tmp_path):
    assert main(["bereken", "--landelijk", "--formaat", "json"]) == 0
    nederlands = json.loads(capsys.readouterr().out)
    assert main(["calculate", "--landelijk", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == nederlands
    with pytest.raises(SystemExit):
        main(["--help"])
    hulp = capsys.readouterr().out
    for naam in ("bereken", "sjabloon", "normen", "valideer", "regios", "exporteer",
                 "importeer", "kalibreer"):
        assert naam in hulp


# ----- hostile files (issue 12): exit 2, a Dutch message, no traceback ------------------------


@pytest.mark.parametrize("bestand", ["dimensiebom", "miljoen_rijen"])
def test_importeer_refuses_a_workbook_beyond_the_reading_budget(capsys, tmp_path, request, bestand):
    pad = tmp_path / "aanval.xlsx"
    pad.write_bytes(request.getfixturevalue(bestand))
    code, out, err = run(capsys, "importeer", str(pad), "-o", str(tmp_path / "uit.csv"))
    assert code == 2 and out == ""
    assert "is te groot om te lezen" in err and "Traceback" not in err
    assert not (tmp_path / "uit.csv").exists()


@pytest.mark.parametrize(("maak", "melding"), [
    (vijandig.diepe_toml, "lagen diep genest"),
    (vijandig.reuzengetal_toml, "een getal heeft te veel cijfers"),
])
@pytest.mark.parametrize("opdracht", [["normen"], ["bereken", "--landelijk"]])
def test_normen_and_bereken_refuse_hostile_toml(capsys, tmp_path, maak, melding, opdracht):
    pad = tmp_path / "aanval.toml"
    pad.write_text(maak())
    code, out, err = run(capsys, *opdracht, "--normen", str(pad))
    assert code == 2 and out == ""
    assert err.startswith(f"Fout: {pad}") and melding in err


def test_kalibreer_refuses_a_csv_with_100000_columns(capsys, tmp_path):
    pad = tmp_path / "breed.csv"
    pad.write_bytes(vijandig.brede_csv())
    code, out, err = run(capsys, "kalibreer", str(pad))
    assert code == 2 and out == ""
    assert err == f"Fout: {pad}, regel 1: de kopregel heeft 100.000 kolommen; maximaal 1.000.\n"


def test_the_console_script_refuses_a_dimension_bomb_without_a_traceback(tmp_path, dimensiebom):
    pad = tmp_path / "bom.xlsx"
    pad.write_bytes(dimensiebom)
    uit = subprocess.run([str(FORMATIE), "importeer", str(pad), "-o", str(tmp_path / "uit.csv")],
                         capture_output=True, text=True, timeout=60)
    assert uit.returncode == 2
    assert "het blad 'Toelichting' is te groot om te lezen" in uit.stderr
    assert "Traceback" not in uit.stderr


def test_one_gemeente_is_counted_in_the_singular_and_its_total_matches_its_row(
        capsys, data_dir, tmp_path):
    """"1 gemeenten" (issue 14) in calculate's total row and export's and import's messages;
    the total row of one gemeente shows its fte with the row's two decimals ("1,65", not
    "1,6" under "1,65")."""
    invoer = tmp_path / "in.csv"
    invoer.write_text("gemeentecode,x,y\n0363,100,50\n")
    normen = str(data_dir / "klein.toml")
    code, out, err = run(capsys, "bereken", str(invoer), "--normen", normen)
    assert code == 0, err
    totaal = next(r for r in out.splitlines() if r.startswith("Totaal"))
    # the last column is the euros (a normenset without costs: the default price per fte)
    assert totaal.startswith("Totaal (1 gemeente)") and totaal.split()[-3] == "2,65"
    assert totaal.endswith("€\u00a0272.282")
    werkboek = tmp_path / "w.xlsx"
    code, _, err = run(capsys, "exporteer", str(invoer), "--normen", normen, "-o", str(werkboek))
    assert code == 0 and "(1 gemeente," in err, err
    code, _, err = run(capsys, "importeer", str(werkboek), "--normen", normen,
                       "-o", str(tmp_path / "terug.csv"))
    assert code == 0 and "Invoer van 1 gemeente (" in err, err
    for tekst in (out, err):
        assert "1 gemeenten" not in tekst



def test_norms_refuses_a_control_character_and_never_prints_it(capsys, klein_tekst, tmp_path):
    """Issue 19: ESC and BEL in a bron reached the terminal raw through `formatie normen`."""
    pad = tmp_path / "n.toml"
    pad.write_text(klein_tekst.replace('naam = "Taak A1"',
                                       'naam = "Taak A1"\nbron = "rood \\u001b[31m bel \\u0007"'))
    code, out, err = run(capsys, "normen", "--normen", str(pad))
    assert code == 2 and out == ""
    assert "taak 'a1': 'bron' bevat een onzichtbaar stuurteken" in err
    assert "\x1b" not in err and "\x07" not in err


@pytest.mark.parametrize("waarde", ["5e-324", "1e-300", "0.0"])
def test_calculate_refuses_contract_hours_near_zero_instead_of_printing_inf(
        capsys, klein_tekst, tmp_path, waarde):
    """Issue 19: 5e-324 contract hours printed `inf,nan` with exit 0."""
    pad = tmp_path / "n.toml"
    pad.write_text(klein_tekst.replace("contracturen_per_fte = 1000",
                                       f"contracturen_per_fte = {waarde}"))
    invoer = tmp_path / "in.csv"
    invoer.write_text("gemeentecode,x,y\n0363,10,5\n")
    for formaat in ("csv", "json", "tabel"):
        code, out, err = run(capsys, "bereken", str(invoer), "--normen", str(pad),
                             "--formaat", formaat)
        assert code == 2 and out == ""
        assert "contracturen_per_fte moet van 100 tot en met 2.920 uur zijn" in err


def test_calculate_refuses_an_absurd_result_with_exit_2(capsys, klein_tekst, tmp_path):
    """Within every bound (invoer max 10⁸, 2.000 hours, 20 casusuren per fte) a result can
    still be absurd: the model refuses it naming gemeente and functie."""
    pad = tmp_path / "n.toml"
    tekst = klein_tekst.replace("max = 1000\n", "max = 100000000\n", 1)
    pad.write_text(tekst.replace("uren = 3\nuren_laag = 2\nuren_hoog = 4",
                                 "uren = 2000\nuren_laag = 2000\nuren_hoog = 2000", 1))
    invoer = tmp_path / "in.csv"
    invoer.write_text("gemeentecode,x,y\n0363,100000000,5\n")
    code, out, err = run(capsys, "bereken", str(invoer), "--normen", str(pad))
    assert code == 2 and out == ""
    assert "Fout: De berekening geeft voor gemeente 0363, functie 'Functie A'" in err
    assert "meer dan 1.000.000 fte is geen bruikbare uitkomst" in err


def test_a_national_calculation_loads_no_scipy():
    """Start-up: ``formatie bereken`` imports what it needs, and the estimate needs no
    ``scipy.optimize`` (it cost 290 ms of every run); ranges and calibration load scipy
    themselves when asked."""
    code = ("import sys; from formatie.cli import main; "
            "main(['bereken', '--landelijk', '--formaat', 'json']); "
            "sys.stderr.write(' '.join(sorted(m for m in sys.modules if m.startswith('scipy'))))")
    uit = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert json.loads(uit.stdout)["totaal"]["gemeenten"] == 342
    assert uit.stderr == ""


#: What a plain national run does without, once the shipped data are kept (gegevenscache):
#: parsers, Babel, time zones, hashing, the teams and the uncertainty model (issue 23).
NIET_BIJ_START = ("tomllib", "babel", "zoneinfo", "hashlib", "tempfile", "scipy",
                  "formatie.teams", "formatie.onzekerheid", "formatie.regio", "formatie.werkboek",
                  "formatie.meerjaren", "formatie.prognose")


def test_a_national_calculation_reads_the_kept_data_and_loads_only_the_model(tmp_path):
    """The second run of a fresh package copy reads its parsed data back (gegevenscache) and
    loads none of :data:`NIET_BIJ_START`; its answer is the first run's, byte for byte."""
    import shutil

    import formatie

    kopie = tmp_path / "formatie"
    shutil.copytree(Path(formatie.__file__).parent, kopie,
                    ignore=shutil.ignore_patterns("__pycache__"))
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from formatie.cli import main; "
            "main(['bereken', '--landelijk', '--formaat', 'json']); "
            "sys.stderr.write(' '.join(sorted(sys.modules)))")
    omgeving = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    runs = [subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                           check=True, env=omgeving) for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout
    assert json.loads(runs[1].stdout)["totaal"]["gemeenten"] == 342
    geladen = runs[1].stderr.decode().split()
    assert "formatie.model" in geladen and "numpy" in geladen
    assert [m for m in geladen if m.startswith(NIET_BIJ_START)] == []
    assert sorted(p.name for p in (kopie / "__pycache__").glob("*.gegevens.pickle")) == [
        "doelgroepen.gegevens.pickle", "gegevensversie.gegevens.pickle",
        "landelijke_schatting.gegevens.pickle", "referentie.gegevens.pickle",
        "schattingsmodel.gegevens.pickle", "standaard_normenset.gegevens.pickle"]


def _meerjaren_csv(pad, codes=("0200",), jaren=(2023, 2024, 2025, 2026), groei=0.05):
    """An invoer CSV with the estimated volumes of ``codes``, growing ``groei`` a year up to
    the last of ``jaren``."""
    n = standaard_normenset()
    ref = load_referentie()
    from formatie.schatting import geschatte_invoer

    v = np.nan_to_num(geschatte_invoer(n, ref))
    regels = ["gemeentecode,jaar," + ",".join(n.invoer_sleutels)]
    for c in codes:
        for k, jaar in enumerate(jaren):
            factor = (1 + groei) ** (k - len(jaren) + 1)
            regels.append(f"{c},{jaar}," + ",".join(
                str(round(x * factor)) for x in v[ref.index[c]]))
    pad.write_text("\n".join(regels) + "\n")
    return pad


def test_bereken_jaren_gives_this_year_and_three_more_and_year_0_is_todays_json(capsys,
                                                                               tmp_path):
    invoer = _meerjaren_csv(tmp_path / "in.csv")
    code, out, err = run(capsys, "bereken", str(invoer), "--jaren", "4", "--formaat", "json",
                         "--onzekerheid")
    assert code == 0, err
    assert "dienen alleen voor de prognose" in err
    doc = json.loads(out)
    # today's figures are the rows of the last year; earlier rows only feed the forecast
    assert [g["jaar"] for g in doc["gemeenten"]] == [2026]
    jaren = doc["begroting"]["jaren"]
    assert [j["jaar"] for j in jaren] == [2026, 2027, 2028, 2029]
    assert [j["bron"] for j in jaren] == ["invoer", "prognose", "prognose", "prognose"]
    vandaag = doc["gemeenten"][0]
    assert jaren[0]["fte"] == pytest.approx(vandaag["fte_totaal"], rel=1e-12)
    assert jaren[0]["budget_fte"] == pytest.approx(vandaag["budget"]["fte_totaal"], rel=1e-6)
    assert abs(jaren[0]["kosten"] - vandaag["kosten_totaal"]) <= 0.5
    assert abs(jaren[0]["kosten_budget"] - vandaag["budget"]["kosten_totaal"]) <= 1
    for f, functie in vandaag["functies"].items():
        assert jaren[0]["functies"][f]["fte"] == pytest.approx(functie["fte"], rel=1e-12)
        assert abs(jaren[0]["functies"][f]["kosten"] - functie["kosten"]["totaal"]) < 1
    for j in jaren:
        assert sum(f["kosten"] for f in j["functies"].values()) == j["kosten"]
        assert sum(f["kosten_budget"] for f in j["functies"].values()) == j["kosten_budget"]
    assert jaren[3]["fte"] > jaren[0]["fte"]  # the history grew
    assert any("prognose" in zin for zin in doc["begroting"]["aannames"])
    assert any("indexatie" in zin.lower() for zin in doc["begroting"]["aannames"])


def test_bereken_jaren_table_shows_the_same_figures_as_the_json_and_says_what_it_rests_on(
        capsys, tmp_path):
    from formatie.getallen import format_euro

    invoer = _meerjaren_csv(tmp_path / "in.csv", codes=("0200", "0150"))
    code, out, _ = run(capsys, "bereken", str(invoer), "--jaren", "4", "--formaat", "json")
    assert code == 0
    jaren = json.loads(out)["begroting"]["jaren"]
    assert all(sum(g["kosten"] for g in j["gemeenten"].values()) == j["kosten"]
               for j in jaren)
    code, out, _ = run(capsys, "bereken", str(invoer), "--jaren", "4")
    assert code == 0
    assert "Begroting 2026–2029" in out and "Waarop dit rust:" in out
    for j in jaren:
        totaal = next(r for r in out.splitlines()
                      if r.startswith(f"{j['jaar']} (") and "Totaal" in r)
        assert format_euro(j["kosten"]) in totaal and format_euro(j["kosten_budget"]) in totaal
        for c, g in j["gemeenten"].items():
            regel = next(r for r in out.splitlines() if r.startswith(f"{j['jaar']}  {c} "))
            assert format_euro(g["kosten"]) in regel
    assert "grootste-restmethode" in out


@pytest.mark.parametrize(("extra", "inhoud", "melding"), [
    (["--jaren", "5"], None, "--jaren moet 1 tot en met 4 zijn"),
    (["--jaren", "4", "--formaat", "csv"], None, "--jaren werkt met --formaat tabel of json"),
    (["--jaren", "4"], "gemeentecode,jaar,leerplichtigen\n0200,2025,100\n0150,2026,100\n",
     "0200 heeft geen regel voor 2026"),
    (["--jaren", "4"], "gemeentecode,jaar,leerplichtigen\n0200,2025,100\n0150,,100\n",
     "vul de kolom jaar op elke regel in"),
])
def test_bereken_jaren_refuses_what_it_cannot_forecast_in_dutch(capsys, tmp_path, extra,
                                                                inhoud, melding):
    invoer = tmp_path / "in.csv"
    if inhoud is None:
        _meerjaren_csv(invoer)
    else:
        invoer.write_text(inhoud)
    code, out, err = run(capsys, "bereken", str(invoer), "--ontbrekend-is-nul", *extra)
    assert code == 2 and out == ""
    assert melding in err


def test_bereken_jaren_without_a_year_column_starts_at_the_peiljaar_and_only_indexes(capsys):
    code, out, err = run(capsys, "bereken", "--landelijk", "--jaren", "2", "--formaat", "json")
    assert code == 0, err
    doc = json.loads(out)
    eerste, tweede = doc["begroting"]["jaren"]
    assert (eerste["jaar"], tweede["jaar"]) == (2026, 2027)
    assert tweede["fte"] == pytest.approx(eerste["fte"], rel=1e-12)
    assert tweede["kosten"] == pytest.approx(eerste["kosten"] * 1.03, rel=1e-6)
    assert len(eerste["gemeenten"]) == 342
    assert sum(g["kosten"] for g in eerste["gemeenten"].values()) == eerste["kosten"]


def test_bereken_teams_and_jaren_gives_each_team_its_begroting_that_adds_up(capsys, tmp_path):
    from formatie.getallen import format_euro

    # 0798 is left out: its series 0, 0, 0, 1 makes the forecast explode (a known problem
    # of formatie.prognose, reported to the lead), which is not what this test is about
    klein = ("0744", "1723", "0785")
    invoer = _meerjaren_csv(tmp_path / "in.csv", codes=(*klein, "0200"))
    teams = tmp_path / "teams.csv"
    teams.write_text("team,functie,gemeentecode\n" + "".join(
        f"RBL Klein,leerplicht,{c}\n" for c in klein), encoding="utf-8")
    code, out, err = run(capsys, "bereken", str(invoer), "--teams", str(teams), "--jaren", "4",
                         "--formaat", "json", "--onzekerheid")
    assert code == 0, err
    doc = json.loads(out)
    (team,) = doc["teams"]
    jaren = team["begroting"]
    assert [j["jaar"] for j in jaren] == [2026, 2027, 2028, 2029]
    # year 0 is the team's figures of today, computed once as a team
    assert jaren[0]["fte"] == team["fte_totaal"]
    assert jaren[0]["budget_fte"] == pytest.approx(team["bereik_totaal"]["p80"], rel=1e-6)
    assert jaren[0]["kosten"] == round(team["kosten"]["totaal"])
    assert {c: g["bijdrage"] for c, g in jaren[0]["gemeenten"].items()} == team["bijdragen"]
    for j in jaren:
        assert set(j["gemeenten"]) == set(klein)
        assert sum(g["bijdrage"] for g in j["gemeenten"].values()) == j["kosten"]
        assert sum(g["bijdrage_budget"] for g in j["gemeenten"].values()) == j["kosten_budget"]
        assert sum(g["aandeel"] for g in j["gemeenten"].values()) == pytest.approx(j["fte"])
    # one team, not three: less than the members' own begrotingen of the same year summed
    eigen = doc["begroting"]["jaren"][0]["gemeenten"]
    assert jaren[0]["fte"] < sum(
        doc["gemeenten"][i]["functies"]["leerplicht"]["fte"]
        for i, g in enumerate(doc["gemeenten"]) if g["gemeentecode"] in klein)
    assert set(eigen) == {*klein, "0200"}
    assert any("één keer per team" in zin for zin in team["begroting_aannames"])

    code, out, err = run(capsys, "bereken", str(invoer), "--teams", str(teams), "--jaren", "4")
    assert code == 0, err
    assert "Begroting team RBL Klein 2026–2029" in out
    blok = out.split("Begroting team RBL Klein")[1]
    for j in jaren:
        totaal = next(r for r in blok.splitlines()
                      if r.startswith(f"{j['jaar']} (") and "Totaal" in r)
        assert format_euro(j["kosten"]) in totaal and format_euro(j["kosten_budget"]) in totaal
        for c, g in j["gemeenten"].items():
            regel = next(r for r in blok.splitlines() if r.startswith(f"{j['jaar']}  {c} "))
            assert format_euro(g["bijdrage"]) in regel
            assert format_euro(g["bijdrage_budget"]) in regel
