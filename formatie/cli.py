"""The ``formatie`` command line: calculate, template, norms.

Bad input ends with exit code 2 and Dutch messages naming file, line and column; never a
traceback and never a partial result.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence

import numpy as np

from . import __version__
from .getallen import format_getal
from .loader import (
    BRONVERMELDING,
    InvoerFout,
    InvoerTabel,
    load_normenset,
    load_referentie,
    read_invoer_csv,
)
from .model import bereken
from .normenset import Normenset
from .schatting import METHODE, geschatte_invoer
from .uitvoer import resultaat_als_csv, resultaat_als_dict, resultaat_als_tabel

EXIT_FOUT = 2


class GebruikFout(Exception):
    """A wrong combination of options; the message is Dutch."""


def landelijke_invoer(normenset: Normenset) -> InvoerTabel:
    """All 342 gemeenten with volumes estimated from CBS/DUO data (see formatie.schatting)."""
    referentie = load_referentie()
    volume = geschatte_invoer(normenset, referentie)
    ontbrekend = [i.sleutel for j, i in enumerate(normenset.invoer)
                  if np.isnan(volume[:, j]).any()]
    if ontbrekend:
        raise GebruikFout("de normenset heeft geen schatting voor: " + ", ".join(ontbrekend)
                          + ". Geef een invoerbestand.")
    return InvoerTabel(referentie.gemeentecodes, (None,) * len(referentie.gemeentecodes), volume)


def _lees_invoer(args: argparse.Namespace, normenset: Normenset) -> InvoerTabel:
    if args.landelijk:
        if args.invoer:
            raise GebruikFout("geef een invoerbestand óf --landelijk, niet allebei.")
        return landelijke_invoer(normenset)
    if not args.invoer:
        raise GebruikFout("geef een invoerbestand (CSV), of --landelijk voor een schatting.")
    return read_invoer_csv(args.invoer, normenset, ontbrekend_is_nul=args.ontbrekend_is_nul)


def cmd_calculate(args: argparse.Namespace) -> int:
    normenset = load_normenset(args.normen)
    invoer = _lees_invoer(args, normenset)
    referentie = load_referentie()
    resultaat = bereken(normenset, invoer.volume, invoer.gemeentecodes)
    if args.format == "json":
        uit = resultaat_als_dict(resultaat, referentie, invoer.jaren)
        if args.landelijk:
            uit["invoer"] = {"schatting": METHODE}
        if args.onzekerheid:
            _voeg_bereik_toe(uit, normenset, invoer, args)
        # Indented for a person at a terminal; compact (and ~10× faster to encode) in a pipe.
        indent = 2 if sys.stdout.isatty() else None
        sys.stdout.write(json.dumps(uit, ensure_ascii=False, indent=indent) + "\n")
    elif args.format == "csv":
        sys.stdout.write(resultaat_als_csv(resultaat, referentie))
    else:
        keten = args.keten or len(invoer.gemeentecodes) <= 3
        print(resultaat_als_tabel(resultaat, referentie, keten=keten,
                                  regio_totalen=len(invoer.gemeentecodes) > 3))
        if args.landelijk:
            print("\nInvoer: " + METHODE)
            print("Let op: de normuren zijn aannames (bron = 'aanname'), "
                  "geen gepubliceerde normen.")
        print(BRONVERMELDING)
    return 0


def _voeg_bereik_toe(uit: dict, normenset: Normenset, invoer: InvoerTabel, args) -> None:
    """Hook for the uncertainty model (formatie.onzekerheid), when it is installed."""
    from .onzekerheid import voeg_bereik_toe

    voeg_bereik_toe(uit, normenset, invoer.volume, trekkingen=args.trekkingen, seed=args.seed)


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
    schrijver = csv.writer(buffer, lineterminator="\n")
    schrijver.writerow(["gemeentecode", "gemeentenaam", "jaar", *normenset.invoer_sleutels])
    for code in codes:
        schrijver.writerow([code, referentie.naam(code), args.jaar or "",
                            *[""] * len(normenset.invoer)])
    sys.stdout.write(buffer.getvalue())
    return 0


def cmd_norms(args: argparse.Namespace) -> int:
    n = load_normenset(args.normen)
    print(f"Normenset {n.naam}, versie {n.versie}: geldig.")
    print(f"{len(n.functies)} functies, {len(n.invoer)} invoer, {len(n.taken)} taken, "
          f"{len(n.controles)} controles.\n")
    for functie in n.functies:
        print(f"{functie.naam} ({functie.sleutel}): {format_getal(functie.contracturen_per_fte)} "
              f"contracturen, afwezigheid {format_getal(functie.afwezigheid * 100)} %, indirect "
              f"{format_getal(functie.indirect * 100)} % → "
              f"{format_getal(functie.casus_uren_per_fte)} casusuren per fte; leiding "
              f"{format_getal(functie.leiding, 2)} fte per fte, vaste basis "
              f"{format_getal(functie.vast_fte, 2)} fte")
        for t in n.taken_van(functie.sleutel):
            print(f"  {t.sleutel:<34} {format_getal(t.uren, 2):>7} uur per "
                  f"{n.invoer_by_sleutel(t.invoer).eenheid} ({t.invoer}), 80 %: "
                  f"{format_getal(t.uren_laag, 2)}–{format_getal(t.uren_hoog, 2)}, bron: {t.bron}")
        print()
    return 0


def cmd_regios(args: argparse.Namespace) -> int:
    referentie = load_referentie()
    for code, naam in referentie.regionamen.items():
        print(f"{code}  {naam} ({len(referentie.leden(code))} gemeenten)")
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="formatie",
        description="Formatietool leerplicht en Doorstroompunt: benodigde fte per gemeente.",
    )
    p.add_argument("--version", action="version", version=f"formatie {__version__}")
    sub = p.add_subparsers(dest="opdracht", required=True, metavar="OPDRACHT")

    def normen(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--normen", metavar="FILE.toml",
                        help="normenset (standaard: de meegeleverde standaard-2026)")

    c = sub.add_parser("calculate", help="bereken fte uit een invoerbestand (CSV)")
    c.add_argument("invoer", nargs="?", metavar="INVOER.csv")
    normen(c)
    c.add_argument("--format", choices=("table", "json", "csv"), default="table")
    c.add_argument("--ontbrekend-is-nul", action="store_true",
                   help="ontbrekende invoerkolommen en lege cellen tellen als 0")
    c.add_argument("--landelijk", action="store_true",
                   help="alle 342 gemeenten met geschatte invoer uit CBS/DUO-gegevens")
    c.add_argument("--keten", action="store_true", help="toon de keten per taak per gemeente")
    c.add_argument("--onzekerheid", action="store_true",
                   help="voeg P10/P50/P80/P90 toe (Monte Carlo; alleen met --format json)")
    c.add_argument("--trekkingen", type=int, default=10_000, metavar="N")
    c.add_argument("--seed", type=int, default=20260101, metavar="S")
    c.set_defaults(func=cmd_calculate)

    t = sub.add_parser("template", help="leeg invoerbestand (CSV) met een rij per gemeente")
    normen(t)
    t.add_argument("--regio", metavar="MCxx", help="alleen de gemeenten van deze regio")
    t.add_argument("--jaar", type=int, help="vul de kolom jaar alvast in")
    t.set_defaults(func=cmd_template)

    nm = sub.add_parser("norms", help="controleer en toon een normenset")
    normen(nm)
    nm.set_defaults(func=cmd_norms)

    r = sub.add_parser("regios", help="toon de 40 Doorstroompuntregio's")
    r.set_defaults(func=cmd_regios)

    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if getattr(args, "onzekerheid", False) and args.format != "json":
        parser.error("--onzekerheid werkt met --format json")
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
