"""The ``formatie`` command line: calculate, template, norms, regios, export, import, calibrate.

Bad input ends with exit code 2 and Dutch messages naming file, line and column; never a
traceback and never a partial result. The help is Dutch throughout, argparse's own headings
and common error messages included (:class:`Parser`). The invoer a subcommand reads, files
written atomically and the workbook subcommands live in :mod:`formatie.cli_bestanden`.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from . import __version__
from . import herkomst as hk
from .cli_bestanden import (
    GebruikFout,
    cmd_export,
    cmd_import,
    herkomst_van_invoer,
    lees_invoer,
    meerjarenbegroting_van,
    schrijf_bestand,
)
from .getallen import format_fte, format_getal, format_procent, format_telling, format_uren
from .invoer_csv import InvoerTabel, read_invoer_csv, read_regio_bezetting_csv
from .model import bereken
from .normenset import ORGANISATIE_PARAMETERS, Normenset, normenset_als_toml
from .normenset_toml import load_normenset
from .problemen import InvoerFout
from .referentie import BRONVERMELDING, load_referentie
from .schatting import METHODE
from .taal import aantal_woord, per_eenheid
from .uitvoer import (
    als_json,
    meerjaren_als_tabel,
    resultaat_als_csv,
    resultaat_als_dict,
    resultaat_als_tabel,
    team_meerjaren_als_tabel,
    teams_als_tabel,
)

if TYPE_CHECKING:  # the teams load when --teams asks for them (start-up, issue 23)
    from .teams import Team

EXIT_FOUT = 2


def schrijf_bytes(data: bytes) -> None:
    """UTF-8 ``data`` to standard output as they are (no newline translation), also where
    standard output is a text stream without bytes underneath (a caller's StringIO)."""
    sys.stdout.flush()
    if hasattr(sys.stdout, "buffer"):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(data.decode("utf-8"))


def cmd_calculate(args: argparse.Namespace) -> int:
    normenset = load_normenset(args.normen)
    invoer = lees_invoer(args, normenset)
    referentie = load_referentie()
    meerjaren = reeksen = None
    if args.jaren is not None:
        if args.format == "csv":
            raise GebruikFout("--jaren werkt met --formaat tabel of json.")
        invoer, meerjaren, reeksen = meerjarenbegroting_van(args, normenset, invoer)
    resultaat = bereken(normenset, invoer.volume, invoer.gemeentecodes)
    teams = (_lees_teams(args.teams, normenset, invoer, referentie)
             if getattr(args, "teams", None) else None)
    team_begrotingen = (_team_begrotingen(normenset, invoer, teams, meerjaren, reeksen,
                                          referentie)
                        if teams is not None and meerjaren is not None else None)
    if args.format == "json":
        uit = resultaat_als_dict(resultaat, referentie, invoer.jaren)
        herkomst = herkomst_van_invoer(args, normenset)
        hk.voeg_herkomst_toe(uit["gemeenten"], [resultaat], dict.fromkeys(
            invoer.gemeentecodes, dict.fromkeys(normenset.invoer_sleutels, herkomst)))
        if args.landelijk:
            uit["invoer"] = {"schatting": METHODE}
        if args.onzekerheid:
            _voeg_bereik_toe(uit, normenset, invoer, args)
        if teams is not None:
            _voeg_teams_toe(uit, normenset, invoer, teams, args.onzekerheid)
        if meerjaren is not None:
            uit["begroting"] = meerjaren.als_dict()
        if team_begrotingen is not None:
            per_team = {(tb.team.naam, tb.team.functie): tb for tb in team_begrotingen}
            for rij in uit["teams"]:
                tb = per_team[rij["naam"], rij["functie"]]
                rij["begroting"] = tb.jaren_als_dicts()
                rij["begroting_aannames"] = list(tb.begroting.aannames)
        # Indented for a person at a terminal, compact in a pipe.
        indent = 2 if sys.stdout.isatty() else None
        schrijf_bytes(als_json(uit, indent=indent) + b"\n")
    elif args.format == "csv":
        sys.stdout.write(resultaat_als_csv(resultaat, referentie))
    else:
        keten = args.keten or len(invoer.gemeentecodes) <= 3
        print(resultaat_als_tabel(resultaat, referentie, keten=keten,
                                  regio_totalen=len(invoer.gemeentecodes) > 3))
        if teams is not None:
            from .teams import bereken_teams, vergelijk_teams

            uitkomsten = bereken_teams(normenset, invoer.volume, invoer.gemeentecodes, teams,
                                       referentie)
            print(teams_als_tabel(uitkomsten, normenset, referentie, vergelijk_teams(
                normenset, invoer.volume, invoer.gemeentecodes, uitkomsten, referentie)))
        if meerjaren is not None:
            print(meerjaren_als_tabel(meerjaren, referentie))
        for tb in team_begrotingen or ():
            print(team_meerjaren_als_tabel(tb, referentie))
        if args.landelijk:
            print("\nInvoer: " + METHODE)
            print("Let op: de normuren zijn aannames (bron = 'aanname'), "
                  "geen gepubliceerde normen.")
        print(BRONVERMELDING)
    return 0


def _lees_teams(pad: str, normenset: Normenset, invoer: InvoerTabel,
                referentie) -> list[Team]:
    """The teams of a teams CSV as they stand in the invoer's year (every membership when the
    invoer has no single year)."""
    from .teams import lees_teams_csv, voor_jaar

    jaren = {j for j in invoer.jaren if j is not None}
    return voor_jaar(lees_teams_csv(pad, normenset.functie_sleutels, referentie),
                     jaren.pop() if len(jaren) == 1 else None)


def _team_begrotingen(normenset: Normenset, invoer: InvoerTabel, teams: list[Team],
                      meerjaren, reeksen, referentie) -> list:
    """Per team with members in the invoer its begroting for the years of ``meerjaren``
    (:func:`formatie.meerjaren.team_meerjarenbegroting` on this year's rows and their
    forecast ``reeksen``), in the order of :func:`formatie.teams.bereken_teams`."""
    from .meerjaren import team_meerjarenbegroting
    from .teams import bereken_teams

    uitkomsten = bereken_teams(normenset, invoer.volume, invoer.gemeentecodes, teams,
                               referentie)
    return [team_meerjarenbegroting(normenset, invoer.volume, invoer.gemeentecodes, u.team,
                                    meerjaren.jaren[0], len(meerjaren.jaren), reeksen,
                                    referentie)
            for u in uitkomsten]


def _voeg_teams_toe(uit: dict, normenset: Normenset, invoer: InvoerTabel, teams: list[Team],
                    met_bereik: bool) -> None:
    """The teams into the JSON (:func:`formatie.teams.voeg_teams_toe`, the web's too), each
    with its ``"vergelijking"`` (:func:`formatie.teams.vergelijk_teams`)."""
    from .teams import bereken_teams, vergelijk_teams, voeg_teams_toe

    referentie = load_referentie()
    uitkomsten = bereken_teams(normenset, invoer.volume, invoer.gemeentecodes, teams,
                               referentie)
    if met_bereik:
        voeg_teams_toe(uit, normenset, uitkomsten, invoer.volume, invoer.gemeentecodes)
    else:
        voeg_teams_toe(uit, normenset, uitkomsten)
    vergelijkingen = vergelijk_teams(normenset, invoer.volume, invoer.gemeentecodes,
                                     uitkomsten, referentie)
    for rij, v in zip(uit["teams"], vergelijkingen, strict=True):
        rij["vergelijking"] = v.als_dict() if v is not None else None


def _voeg_bereik_toe(uit: dict, normenset: Normenset, invoer: InvoerTabel, args) -> None:
    """Hook for the uncertainty model (formatie.onzekerheid), when it is installed."""
    from .budget import voeg_budget_toe
    from .onzekerheid import voeg_bereik_toe

    voeg_budget_toe(uit, voeg_bereik_toe(uit, normenset, invoer.volume))


def cmd_template(args: argparse.Namespace) -> int:
    normenset = load_normenset(args.normen)
    referentie = load_referentie()
    codes = referentie.gemeentecodes
    if args.regio:
        regio = args.regio.upper()
        if regio not in referentie.regionamen:
            raise GebruikFout(f"onbekende regio '{args.regio}' (verwacht MC01 … MC41, zie "
                              "'formatie regios').")
        codes = tuple(referentie.leden(regio))
    buffer = io.StringIO()
    if args.excel_nl:
        # What Dutch Excel opens in columns: ';' between cells, decimal commas, CRLF, and a
        # UTF-8 BOM so names such as Súdwest-Fryslân survive. read_invoer_csv reads it back.
        schrijver = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        buffer.write("\ufeff")
    else:
        schrijver = csv.writer(buffer, lineterminator="\n")
    schrijver.writerow(["gemeentecode", "gemeentenaam", "jaar", *normenset.invoer_sleutels])
    for code in codes:
        schrijver.writerow([code, referentie.naam(code), args.jaar or "",
                            *[""] * len(normenset.invoer)])
    schrijf_bytes(buffer.getvalue().encode("utf-8"))  # bytes: CRLF stays CRLF
    return 0


def cmd_norms(args: argparse.Namespace) -> int:
    n = load_normenset(args.normen)
    print(f"Normenset {n.naam}, versie {n.versie}: geldig.")
    print(f"{aantal_woord(len(n.functies), 'functie')}, "
          f"{aantal_woord(len(n.invoer), 'invoerveld')}, {aantal_woord(len(n.taken), 'taak')}, "
          f"{aantal_woord(len(n.controles), 'controle')}.")
    if n.geldig_vanaf or n.geldig_tot:
        # worded as on /normen/<id>: an open end is left out, not shown as "…"
        delen = ([f"vanaf schooljaar {n.geldig_vanaf}"] if n.geldig_vanaf else []) + (
            [f"tot en met schooljaar {n.geldig_tot}"] if n.geldig_tot else [])
        print(f"Geldig: {' '.join(delen)}.")
    if n.afgeleid_van:
        print(f"Afgeleid van: {n.afgeleid_van}.")
    print()
    for functie in n.functies:
        print(f"{functie.naam} ({functie.sleutel}): {format_telling(functie.contracturen_per_fte)} "
              f"contracturen, afwezigheid {format_procent(functie.afwezigheid)}, indirect "
              f"{format_procent(functie.indirect)} → "
              f"{format_telling(functie.casus_uren_per_fte)} casusuren per fte; leiding "
              f"{format_fte(functie.leiding)} fte per fte, vaste basis "
              f"{format_fte(functie.vast_fte)} fte")
        for p in ORGANISATIE_PARAMETERS:
            if bron := functie.bron_van(p):
                print(f"  {p}: bron: {bron}")
            if toelichting := functie.toelichting_van(p):
                print(f"  {p}: {toelichting}")
        for t in n.taken_van(functie.sleutel):
            print(f"  {t.sleutel:<34} {format_uren(t.uren):>7} uur "
                  f"{per_eenheid(n.invoer_by_sleutel(t.invoer).eenheid)} ({t.invoer}), 80 %: "
                  f"{format_uren(t.uren_laag)}–{format_uren(t.uren_hoog)}, bron: {t.bron}")
        print()
    return 0


def cmd_valideer(args: argparse.Namespace) -> int:
    from .validatie import als_tabel, valideer

    normenset = load_normenset(args.normen)
    if "leerplicht" not in normenset.functie_sleutels:
        raise GebruikFout("de normenset heeft geen functie 'leerplicht'; de gepubliceerde "
                          "punten gaan over leerplicht.")
    uitslag = valideer(normenset, load_referentie())
    if args.format == "json":
        json.dump(uitslag.als_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(als_tabel(uitslag))
    return 0


def cmd_herfit(args: argparse.Namespace) -> int:
    # Late: the refit loads statsmodels; no other command may (start-up stays fast).
    from pathlib import Path

    from .fit import als_toml, herfit, totaal_loo
    from .schatting import DATA, FIT_BESTAND

    fits = herfit(load_referentie())
    tekst = als_toml(fits)
    doel = Path(args.uitvoer) if args.uitvoer else Path(str(DATA / FIT_BESTAND))
    if str(doel) == "-":
        sys.stdout.write(tekst)
        return 0
    doel.write_text(tekst, encoding="utf-8")
    for s in fits:
        covs = ", ".join(f"{k} {format_getal(b, 2)} ± {format_getal(se, 2)}" for k, b, se in
                         zip(s.covariaten, s.model.coef[1:], s.model.se[1:], strict=True))
        print(f"{s.soort}: {len(s.punten)} punten, {covs or 'geen kenmerken (vlak tarief)'}; "
              f"leave-one-out mediane abs. log-fout {format_getal(s.loo_mediaan, 2)}",
              file=sys.stderr)
    print(f"Totaal: leave-one-out mediane abs. log-fout {format_getal(totaal_loo(fits), 2)}; "
          f"geschreven: {doel}", file=sys.stderr)
    return 0


def cmd_regios(args: argparse.Namespace) -> int:
    referentie = load_referentie()
    for code, naam in referentie.regionamen.items():
        print(f"{code}  {naam} ({aantal_woord(len(referentie.leden(code)), 'gemeente')})")
    return 0


# ----- Calibration (formatie.kalibratie) ---------------------------------------------------


def cmd_calibrate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .kalibratie import gekalibreerde_normenset, kalibreer, regio_sommen, te_weinig_waarnemingen

    normenset = load_normenset(args.normen)
    kolommen = tuple(f"fte_{f}" for f in normenset.functie_sleutels)
    # a regional functie's (the Doorstroompunt's) bezetting is the region's: per gemeente it
    # may be left out, and comes per region and year from --regio-bezetting
    from .regio import REGIONALE_FUNCTIES

    regionaal = tuple(f"fte_{f}" for f in normenset.functie_sleutels if f in REGIONALE_FUNCTIES)
    data = read_invoer_csv(args.data, normenset, ontbrekend_is_nul=args.ontbrekend_is_nul,
                           extra_kolommen=kolommen, extra_optioneel=regionaal)
    fte = np.column_stack([data.extra[k] for k in kolommen])
    sommen = ()
    if args.regio_bezetting:
        per_regio = read_regio_bezetting_csv(args.regio_bezetting, regionaal)
        referentie = load_referentie()
        sommen, weggelaten = regio_sommen(
            list(data.gemeentecodes), list(data.jaren),
            {sleutel: {k.removeprefix("fte_"): v for k, v in w.items()}
             for sleutel, w in per_regio.items()},
            {r: tuple(referentie.leden(r)) for r in {r for r, _ in per_regio}})
        for reden in weggelaten:
            print(f"Niet meegeteld: {reden}", file=sys.stderr)
    n_obs = len(data.gemeentecodes)
    if reden := te_weinig_waarnemingen(normenset, fte, sommen, n_obs):
        raise GebruikFout(f"{reden} Geef meer gemeenten of jaren.")
    if args.bootstrap < 0:
        raise GebruikFout("--bootstrap moet 0 of meer zijn.")
    resultaat = kalibreer(normenset, data.volume, fte, begrenzing=args.begrenzing,
                          bootstrap=args.bootstrap, rng=np.random.default_rng(args.seed),
                          clusters=np.array(data.gemeentecodes), sommen=sommen)
    if args.uitvoer:
        bron = f"gekalibreerd op {Path(args.data).name} ({n_obs} waarnemingen)"
        nieuw = gekalibreerde_normenset(resultaat, bron)
        schrijf_bestand(args.uitvoer, normenset_als_toml(nieuw).encode("utf-8"))
    if args.format == "json":
        json.dump(resultaat.als_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(_kalibratie_tabel(resultaat))
        if args.uitvoer:
            print(f"\nNieuwe normenset geschreven naar {args.uitvoer}.")
    return 0


def _kalibratie_tabel(k) -> str:
    def g(x, d=2):
        return "" if x is None else format_getal(x, d)

    regels = [f"Kalibratie op {k.n_waarnemingen} waarnemingen, normenset {k.normenset.label}, "
              f"begrenzing: {k.begrenzing}, interval: {k.interval} (80 %)",
              f"R² = {g(k.r2, 3)}, RMSE = {g(k.rmse_fte, 3)} fte, {k.n_parameters} parameters",
              "",
              f"{'taak':<44} {'norm':>7} {'geschat':>8} {'80%-interval':>17}  opmerking"]
    for t in k.taken:
        interval = f"{g(t.laag)}–{g(t.hoog)}" if t.laag is not None else ""
        opmerking = ("niet identificeerbaar: " + (t.reden or "") if not t.identificeerbaar
                     else "op de grens" if t.begrensd else "")
        regels.append(f"{t.sleutel:<44} {g(t.normenset_uren):>7} {g(t.uren):>8} "
                      f"{interval:>17}  {opmerking}".rstrip())
    for gr in k.groepen:
        interval = f"{g(gr.laag)}–{g(gr.hoog)}" if gr.laag is not None else ""
        regels.append(f"{'som ' + ' + '.join(gr.taken):<44} "
                      f"{g(sum(k.normenset.taak(s).uren for s in gr.taken)):>7} "
                      f"{g(gr.uren_som):>8} {interval:>17}  alleen de som is te schatten")
    return "\n".join(regels)


# ----- The parser, in Dutch ---------------------------------------------------------------

#: argparse's own error messages (Python 3.11–3.13) → Dutch; anything else passes unchanged.
_ARGPARSE_NL = (
    (r"the following arguments are required: ", "verplicht maar niet gegeven: "),
    (r"unrecognized arguments: ", "onbekende argumenten: "),
    (r"invalid choice: (.*) \(choose from (.*)\)", r"ongeldige keuze: \1 (kies uit \2)"),
    (r"invalid int value: ", "geen geheel getal: "),
    (r"invalid float value: ", "geen getal: "),
    (r"expected one argument", "verwacht één waarde"),
    (r"not allowed with argument ", "niet samen met argument "),
    (r"ignored explicit argument ", "overbodige waarde voor deze optie: "),
    (r"ambiguous option: (.*) could match (.*)", r"dubbelzinnige optie: \1 kan zijn: \2"),
)


def _vertaal(bericht: str) -> str:
    for engels, nederlands in _ARGPARSE_NL:
        bericht = re.sub(engels, nederlands, bericht)
    return bericht


class _Opmaak(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "Gebruik: " if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """argparse with Dutch headings ("Gebruik", "argumenten", "opties"), a Dutch ``-h`` and
    Dutch error messages. Subcommand parsers are of this class too (``add_subparsers``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Opmaak)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumenten"
        self._optionals.title = "opties"
        self.add_argument("-h", "--help", action="help", help="toon deze hulp en stop")

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_FOUT, f"{self.prog}: fout: {_vertaal(message)}\n")


def _parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="formatie",
        description="Formatietool leerplicht en Doorstroompunt: benodigde fte per gemeente.",
        epilog="Hulp bij een opdracht: formatie OPDRACHT --help. Voorbeeld: "
               "formatie bereken --landelijk",
    )
    p.add_argument("--version", action="version", version=f"formatie {__version__}",
                   help="toon het versienummer en stop")
    sub = p.add_subparsers(dest="opdracht", required=True, metavar="OPDRACHT",
                           title="opdrachten")

    def opdracht(naam: str, engels: str | None, uitleg: str) -> argparse.ArgumentParser:
        """A subcommand with its Dutch name; the English name of earlier versions stays an
        alias, so existing scripts keep working."""
        return sub.add_parser(naam, aliases=[engels] if engels else [], help=uitleg,
                              description=uitleg[:1].upper() + uitleg[1:] + ".")

    def normen(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--normen", metavar="BESTAND.toml",
                        help="normenset (standaard: de meegeleverde standaardnormenset)")

    def invoer(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("invoer", nargs="?", metavar="INVOER.csv",
                        help="invoerbestand: gemeentecode, jaar (optioneel) en een kolom per "
                             "invoer; ',' met decimale punt of ';' met decimale komma")

    c = opdracht("bereken", "calculate", "bereken fte uit een invoerbestand (CSV)")
    invoer(c)
    normen(c)
    c.add_argument("--formaat", "--format", dest="format",
                   choices=("tabel", "table", "json", "csv"), default="tabel",
                   help="uitvoer als tabel (standaard), JSON of CSV")
    c.add_argument("--ontbrekend-is-nul", action="store_true",
                   help="ontbrekende invoerkolommen en lege cellen tellen als 0")
    c.add_argument("--landelijk", action="store_true",
                   help="alle 342 gemeenten met geschatte invoer uit CBS/DUO-gegevens")
    c.add_argument("--keten", action="store_true", help="toon de keten per taak per gemeente")
    c.add_argument("--teams", metavar="TEAMS.csv",
                   help="teams van gemeenten die een uitvoeringsorganisatie delen (kolommen "
                   "team, functie, gemeentecode, optioneel vanaf_jaar, soort, verdeelsleutel): "
                   "vaste basis, leiding en minimumformatie tellen eenmaal per team, elke "
                   "gemeente krijgt een aandeel")
    c.add_argument("--onzekerheid", action="store_true",
                   help="voeg P10/P50/P80/P90 toe (Monte Carlo, 10.000 trekkingen die uit de "
                   "invoer volgen: dezelfde cijfers als de webpagina's; alleen met --formaat json)")
    c.add_argument("--jaren", type=int, metavar="N",
                   help="meerjarenbegroting: dit jaar en de N − 1 jaren erna (N hoogstens 4) "
                   "in fte en euro's, centraal en begroot (P80), uit de prognose van de "
                   "volumes (regels van eerdere jaren in de invoer) en de indexatie van de "
                   "normenset; dit jaar is het laatste jaar in de kolom jaar; met --teams "
                   "ook per team (elk jaar als één organisatie) met de bijdrage per gemeente")
    c.set_defaults(func=cmd_calculate)

    t = opdracht("sjabloon", "template", "leeg invoerbestand (CSV) met een rij per gemeente")
    normen(t)
    t.add_argument("--regio", metavar="MCxx", help="alleen de gemeenten van deze regio")
    t.add_argument("--jaar", type=int, help="vul de kolom jaar alvast in")
    t.add_argument("--excel-nl", action="store_true",
                   help="voor Nederlandse Excel: puntkomma's, decimale komma's, UTF-8 met BOM "
                        "(zo opent Excel het in kolommen)")
    t.set_defaults(func=cmd_template)

    nm = opdracht("normen", "norms", "controleer en toon een normenset")
    normen(nm)
    nm.set_defaults(func=cmd_norms)

    va = opdracht("valideer", None, "houd de normenset tegen gepubliceerde bezetting en normen "
                  "(formatie/data/referentiepunten.csv)")
    normen(va)
    va.add_argument("--formaat", "--format", dest="format", choices=("tabel", "table", "json"),
                    default="tabel",
                    help="uitvoer als tabel (standaard) of JSON")
    va.set_defaults(func=cmd_valideer)

    hf = opdracht("herfit", None, "schat de covariaten van de schattingen opnieuw op de "
                  "gepubliceerde punten (formatie/data/referentiepunten.csv) en schrijf "
                  "formatie/data/schatting_fit.toml")
    hf.add_argument("-o", "--uitvoer", metavar="BESTAND.toml",
                    help="schrijf hierheen in plaats van het meegeleverde bestand ('-' = "
                         "standaarduitvoer)")
    hf.set_defaults(func=cmd_herfit)

    r = opdracht("regios", None, "toon de 40 Doorstroompuntregio's")
    r.set_defaults(func=cmd_regios)

    ex = opdracht("exporteer", "export",
                  "scenariowerkboek (Excel, .xlsx) met rekenende formules")
    invoer(ex)
    normen(ex)
    ex.add_argument("-o", "--uitvoer", required=True, metavar="SCENARIO.xlsx",
                    help="het werkboek dat geschreven wordt ('-' = standaarduitvoer)")
    ex.add_argument("--landelijk", action="store_true",
                    help="alle 342 gemeenten met geschatte invoer uit CBS/DUO-gegevens")
    ex.add_argument("--regio", metavar="MCxx", help="alleen de gemeenten van deze regio")
    ex.add_argument("--ontbrekend-is-nul", action="store_true",
                    help="ontbrekende invoerkolommen en lege cellen tellen als 0")
    ex.add_argument("--titel", help="titel op het blad Toelichting")
    ex.add_argument("--bezetting", metavar="BEZETTING.csv",
                    help="huidige formatie: CSV met gemeentecode en fte_<functie> per functie "
                         "(lege cel = onbekend); geeft bezetting en verschil in het werkboek")
    ex.add_argument("--onzekerheid", dest="met_onzekerheid", action="store_true",
                    help="voeg de bladen Onzekerheid (P10/P50/P80/P90, Monte Carlo) en "
                    "Gevoeligheid (tornado) toe")
    ex.add_argument("--jaren", type=int, metavar="N",
                    help="voeg het blad Begroting toe: dit jaar en de N − 1 jaren erna (N "
                    "hoogstens 4), als 'formatie bereken --jaren'; het laatste jaar in de kolom "
                    "jaar is dit jaar, regels van eerdere jaren dienen voor de prognose; met "
                    "--teams de begroting van het team met de bijdrage per gemeente per jaar")
    ex.add_argument("--teams", metavar="TEAMS.csv",
                    help="een teamwerkboek: de gemeenten van één team uit dit bestand (de "
                         "kolommen van 'bereken --teams') met het blad Team, waarin de vaste "
                         "basis en leiding eenmaal tellen en de bijdragen per gemeente staan")
    ex.add_argument("--team", metavar="NAAM",
                    help="welk team van --teams (nodig als het bestand meer teams heeft)")
    ex.add_argument("--team-bezetting", metavar="FTE",
                    help="de bezetting van het team in fte, bijvoorbeeld 2,5 (de gele cel op "
                         "het blad Team)")
    ex.set_defaults(func=cmd_export)

    im = opdracht("importeer", "import",
                  "lees een bewerkt scenariowerkboek terug naar invoer (CSV)")
    im.add_argument("werkboek", metavar="SCENARIO.xlsx",
                    help="het werkboek van 'formatie exporteer' of de webapp, bewerkt in Excel")
    im.add_argument("--normen", metavar="BESTAND.toml", action="append",
                    help="een normenset waarmee het werkboek rekent (meer keren mogelijk); "
                         "standaard: de meegeleverde normensets en anders die uit het werkboek "
                         "zelf. Eén bestand voor een werkboek met één andere, onbekende "
                         "normenset: daarmee vergelijken")
    im.add_argument("-o", "--uitvoer", required=True, metavar="INVOER.csv",
                    help="het invoerbestand dat geschreven wordt; rekent het werkboek met meer "
                         "normensets, dan één per normenset: INVOER.1.csv, INVOER.2.csv …")
    im.add_argument("--normen-uit", metavar="NIEUW.toml",
                    help="waar gewijzigde normen als nieuwe normenset komen (standaard: "
                         "INVOER.normen.toml)")
    im.set_defaults(func=cmd_import)

    ka = opdracht("kalibreer", "calibrate", "schat normuren uit werkelijke bezetting (CSV)")
    ka.add_argument("data", metavar="DATA.csv",
                    help="gemeentecode, jaar, de invoerkolommen en fte_<functie> per rij")
    normen(ka)
    ka.add_argument("--formaat", "--format", dest="format", choices=("tabel", "table", "json"),
                    default="tabel",
                    help="uitvoer als tabel (standaard) of JSON")
    ka.add_argument("-o", "--uitvoer", metavar="NIEUW.toml",
                    help="schrijf de gekalibreerde normenset naar dit bestand")
    ka.add_argument("--begrenzing", choices=("positief", "normenset"), default="positief",
                    help="uren alleen ≥ 0 (standaard) of binnen het 80%%-interval van de "
                         "normenset")
    ka.add_argument("--bootstrap", type=int, default=0, metavar="B",
                    help="bootstrap-intervallen met B trekkingen (standaard: uit de Jacobiaan)")
    ka.add_argument("--seed", type=int, default=20260101, metavar="S",
                    help="startwaarde van de toevalsgenerator: dezelfde S, dezelfde uitkomst")
    ka.add_argument("--ontbrekend-is-nul", action="store_true",
                    help="ontbrekende invoerkolommen en lege cellen tellen als 0")
    ka.add_argument("--regio-bezetting", metavar="REGIO.csv",
                    help="de bezetting van het Doorstroompunt per regio: kolommen regio, jaar "
                         "en fte_doorstroompunt (telt als alle gemeenten van de regio een rij "
                         "in DATA.csv hebben; fte_doorstroompunt mag daar dan leeg blijven)")
    ka.set_defaults(func=cmd_calibrate)

    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if getattr(args, "onzekerheid", False) and args.format != "json":
        parser.error("--onzekerheid werkt met --formaat json")
    try:
        return args.func(args)
    except InvoerFout as fout:
        for probleem in fout.problemen:
            print("Fout: " + probleem.tekst(fout.bestand), file=sys.stderr)
        return EXIT_FOUT
    except GebruikFout as fout:
        print(f"Fout: {fout}", file=sys.stderr)
        return EXIT_FOUT
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
