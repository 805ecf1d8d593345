"""The command line's files: the invoer a subcommand reads (a CSV, or ``--landelijk``), a file
written completely or not at all, and the two workbook subcommands ``export`` and ``import``
(:mod:`formatie.werkboek`), and the split of a multi-year invoer for ``--jaren`` (this year's
rows, the forecast from the earlier ones). :mod:`formatie.cli` parses the arguments and calls
them.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence

import numpy as np

from . import herkomst as hk
from .invoer_csv import InvoerTabel, read_bezetting_csv, read_invoer_csv
from .normenset import Normenset, normenset_als_toml
from .normenset_toml import load_normenset
from .problemen import InvoerFout
from .referentie import load_referentie
from .schatting import METHODE, landelijke_invoer
from .taal import aantal_woord


class GebruikFout(Exception):
    """A wrong combination of options; the message is Dutch."""


def lees_invoer(args: argparse.Namespace, normenset: Normenset) -> InvoerTabel:
    if args.landelijk:
        if args.invoer:
            raise GebruikFout("geef een invoerbestand óf --landelijk, niet allebei.")
        return landelijke_invoer(normenset)
    if not args.invoer:
        raise GebruikFout("geef een invoerbestand (CSV), of --landelijk voor een schatting.")
    invoer = read_invoer_csv(args.invoer, normenset, ontbrekend_is_nul=args.ontbrekend_is_nul)
    meld_overgeslagen(invoer.overgeslagen)
    return invoer


def meld_overgeslagen(regels: Sequence[int]) -> None:
    """Say on stderr how many rows without invoer were skipped (nothing when none were)."""
    if not regels:
        return
    lijst = ", ".join(str(r) for r in regels[:10]) + (" …" if len(regels) > 10 else "")
    rijen = "lege rij" if len(regels) == 1 else "lege rijen"
    print(f"{len(regels)} {rijen} overgeslagen (regel{'' if len(regels) == 1 else 's'} "
          f"{lijst}): geen invoer ingevuld.", file=sys.stderr)


def herkomst_van_invoer(args: argparse.Namespace, normenset: Normenset) -> hk.Herkomst:
    """Every volume of an input CSV is an eigen telling; of --landelijk a schatting."""
    if getattr(args, "landelijk", False):
        return hk.Herkomst(hk.SCHATTING, hk.schattingsversie(normenset.label))
    return hk.Herkomst(hk.EIGEN)



# ----- Excel scenario workbooks (formatie.werkboek: schrijven / lezen) ---------------------


def schrijf_bestand(pad: str, data: bytes) -> None:
    """Write a file completely or not at all (:func:`formatie.atomair.schrijf_atomair`)."""
    from pathlib import Path

    from .atomair import schrijf_atomair

    try:
        schrijf_atomair(Path(pad), lambda f: f.write(data))
    except OSError as exc:
        raise GebruikFout(f"kan niet schrijven naar {pad} ({exc.strerror}).") from None


def meerjarenbegroting_van(args: argparse.Namespace, normenset: Normenset, invoer: InvoerTabel):
    """(this year's invoer, its :class:`~formatie.meerjaren.Meerjarenbegroting`, the forecast
    of its rows or None without history) for ``--jaren``; the forecast also feeds the teams'
    begroting (:func:`formatie.meerjaren.team_meerjarenbegroting`).

    This year is the last ``jaar`` in the invoer: its rows are today's figures; rows of earlier
    years only feed the forecast (:func:`formatie.prognose.prognose_reeksen`, per gemeente and
    invoer). Without a ``jaar`` column (and with ``--landelijk``) this year is the normenset's
    peiljaar and there is no history: volumes stay as they are, only the indexation moves."""
    from .kosten import peiljaar
    from .meerjaren import MAX_JAREN, meerjarenbegroting, prognose_volumes
    from .model import Groep

    if not 1 <= args.jaren <= MAX_JAREN:
        raise GebruikFout(f"--jaren moet 1 tot en met {MAX_JAREN} zijn (dit jaar en de "
                          f"{MAX_JAREN - 1} jaren erna; verder vooruit zegt een prognose uit "
                          "een paar jaar cijfers te weinig).")
    jaren = sorted({j for j in invoer.jaren if j is not None})
    if jaren and None in invoer.jaren:
        raise GebruikFout("--jaren: vul de kolom jaar op elke regel in, of op geen enkele.")
    if not jaren:
        jaar = peiljaar(normenset)
        if jaar is None:
            raise GebruikFout("--jaren: de invoer heeft geen kolom jaar en de normenset geen "
                              "peiljaar (geldig_vanaf); geef een kolom jaar.")
        groep = Groep(normenset, tuple(invoer.gemeentecodes), invoer.volume)
        return invoer, meerjarenbegroting([groep], jaar, args.jaren), None
    jaar = jaren[-1]
    nu = [r for r, j in enumerate(invoer.jaren) if j == jaar]
    codes = tuple(invoer.gemeentecodes[r] for r in nu)
    zonder = sorted(set(invoer.gemeentecodes) - set(codes))
    if zonder:
        raise GebruikFout(f"--jaren: het laatste jaar in de invoer is {jaar}, maar "
                          f"{', '.join(zonder)} heeft geen regel voor {jaar}. Geef voor elke "
                          f"gemeente de cijfers van {jaar}.")
    vandaag = InvoerTabel(codes, (jaar,) * len(codes), invoer.volume[nu],
                          tuple(invoer.regels[r] for r in nu) if invoer.regels else ())
    reeksen = None
    if len(jaren) > 1 and args.jaren > 1:
        waarden = np.full((len(codes), len(normenset.invoer), len(jaren)), np.nan)
        for r, (code, j) in enumerate(zip(invoer.gemeentecodes, invoer.jaren, strict=True)):
            waarden[codes.index(code), :, jaren.index(j)] = invoer.volume[r]
        reeksen = prognose_volumes(jaren, waarden, args.jaren)
        print(f"Meerjarenbegroting vanaf {jaar}: de regels van {jaar} zijn de cijfers van dit "
              f"jaar; die van {jaren[0]}–{jaren[-2]} dienen alleen voor de prognose.",
              file=sys.stderr)
    groep = Groep(normenset, codes, vandaag.volume)
    return vandaag, meerjarenbegroting([groep], jaar, args.jaren, [reeksen]), reeksen


def cmd_export(args: argparse.Namespace) -> int:
    from .model import Groep
    from .werkboek.analyse import werkboek_analyse
    from .werkboek.schrijven import exporteer_werkboek

    normenset = load_normenset(args.normen)
    invoer = lees_invoer(args, normenset)
    referentie = load_referentie()
    if args.regio:
        regio = args.regio.upper()
        if regio not in referentie.regionamen:
            raise GebruikFout(f"onbekende regio '{args.regio}' (verwacht MC01 … MC41, zie "
                              "'formatie regios').")
        leden = set(referentie.leden(regio))
        rijen = [g for g, c in enumerate(invoer.gemeentecodes) if c in leden]
        if not rijen:
            raise GebruikFout(f"geen gemeenten van regio {regio} in de invoer.")
        invoer = InvoerTabel(tuple(invoer.gemeentecodes[g] for g in rijen),
                             tuple(invoer.jaren[g] for g in rijen), invoer.volume[rijen])
    meerjaren = reeksen = None
    if args.jaren is not None:  # the rows of the last year; earlier ones feed the forecast
        invoer, meerjaren, reeksen = meerjarenbegroting_van(args, normenset, invoer)
    team = team_bezetting = None
    if args.teams:
        alle = invoer
        invoer, team, team_bezetting = _team_voor_werkboek(args, normenset, invoer,
                                                           referentie)
        if meerjaren is not None:  # the team as one organisation in every year
            from .meerjaren import team_meerjarenbegroting
            meerjaren = team_meerjarenbegroting(
                normenset, alle.volume, alle.gemeentecodes, team.team, meerjaren.jaren[0],
                len(meerjaren.jaren), reeksen, referentie)
    elif args.team or args.team_bezetting is not None:
        raise GebruikFout("--team en --team-bezetting horen bij --teams TEAMS.csv.")
    if len(set(invoer.gemeentecodes)) != len(invoer.gemeentecodes):
        raise GebruikFout("de invoer bevat meer jaren van dezelfde gemeente; een werkboek heeft "
                          "één jaar per gemeente. Maak per jaar een invoerbestand en werkboek.")
    analyse = (werkboek_analyse([Groep(normenset, tuple(invoer.gemeentecodes), invoer.volume)])
               if args.met_onzekerheid else {})
    bezetting = (read_bezetting_csv(args.bezetting, normenset.functie_sleutels,
                                    tuple(invoer.gemeentecodes)) if args.bezetting else None)
    data = exporteer_werkboek(
        normenset, invoer, referentie, titel=args.titel, bezetting=bezetting,
        invoer_bron=METHODE if args.landelijk else (args.invoer or None),
        herkomst=dict.fromkeys(invoer.gemeentecodes, dict.fromkeys(
            normenset.invoer_sleutels, herkomst_van_invoer(args, normenset))),
        team=team, team_bezetting=team_bezetting, begroting=meerjaren, **analyse,
    )
    if args.uitvoer == "-":
        sys.stdout.buffer.write(data)
    else:
        schrijf_bestand(args.uitvoer, data)
        print(f"Werkboek geschreven: {args.uitvoer} "
              f"({aantal_woord(len(invoer.gemeentecodes), 'gemeente')}, "
              f"normenset {normenset.label}).", file=sys.stderr)
    return 0


def _team_voor_werkboek(args: argparse.Namespace, normenset: Normenset, invoer: InvoerTabel,
                        referentie):
    """The invoer of one team's members, the team (formatie.teams.bereken_teams) and its
    bezetting for a team workbook: the team named by ``--team``, or the only team of
    ``--teams`` (as it stands in the invoer's year, as ``bereken --teams``)."""
    from .getallen import GetalFout, parse_getal
    from .parameters import melding
    from .teams import bereken_teams, lees_teams_csv, voor_jaar

    jaren = {j for j in invoer.jaren if j is not None}
    teams = voor_jaar(lees_teams_csv(args.teams, normenset.functie_sleutels, referentie),
                      jaren.pop() if len(jaren) == 1 else None)
    gekozen = [t for t in teams if args.team is None or t.naam == args.team]
    namen = ", ".join(sorted({t.naam for t in teams}))
    if not gekozen:
        raise GebruikFout(f"team '{args.team}' staat niet in {args.teams} (wel: {namen}).")
    if len(gekozen) > 1:
        raise GebruikFout(f"{args.teams} heeft meer teams ({namen}); kies er één met --team "
                          "NAAM." if args.team is None else
                          f"team '{args.team}' staat er voor meer functies in; geef elk team "
                          "een eigen naam.")
    (team,) = gekozen
    bezetting = None
    if args.team_bezetting is not None:
        try:
            bezetting = parse_getal(args.team_bezetting, "," if "," in args.team_bezetting
                                    else ".")
        except GetalFout as e:
            raise GebruikFout(f"--team-bezetting: {e}") from None
        fout = ("geen getal" if bezetting is None else melding("bezetting", bezetting))
        if fout:
            raise GebruikFout(f"--team-bezetting '{args.team_bezetting[:20]}': {fout}")
    rijen = [g for g, c in enumerate(invoer.gemeentecodes) if c in set(team.gemeentecodes)]
    if not rijen:
        raise GebruikFout(f"geen gemeenten van team '{team.naam}' in de invoer.")
    invoer = InvoerTabel(tuple(invoer.gemeentecodes[g] for g in rijen),
                         tuple(invoer.jaren[g] for g in rijen), invoer.volume[rijen])
    (uitkomst,) = bereken_teams(normenset, invoer.volume, invoer.gemeentecodes, [team],
                                referentie)
    return invoer, uitkomst, bezetting


def _invoer_csv(invoer: InvoerTabel, normenset: Normenset) -> str:
    """An invoer CSV that 'formatie bereken' reads back (decimal point, full precision)."""
    referentie = load_referentie()
    buffer = io.StringIO()
    schrijver = csv.writer(buffer, lineterminator="\n")
    schrijver.writerow(["gemeentecode", "gemeentenaam", "jaar", *normenset.invoer_sleutels])
    for g, code in enumerate(invoer.gemeentecodes):
        jaar = invoer.jaren[g] if invoer.jaren else None
        waarden = [str(int(x)) if float(x).is_integer() else repr(float(x))
                   for x in invoer.volume[g]]
        schrijver.writerow([code, referentie.naam(code), "" if jaar is None else jaar, *waarden])
    return buffer.getvalue()


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .normenset_toml import NORMEN, meegeleverde_normensets, standaard_normenset
    from .problemen import Probleem
    from .scenario import Scenario
    from .werkboek.lezen import lees_werkboek
    from .werkboek.openen import MAX_WERKBOEK_BYTES

    pad = Path(args.werkboek)
    try:
        if pad.stat().st_size > MAX_WERKBOEK_BYTES:
            raise InvoerFout([Probleem(f"het bestand is te groot (maximaal "
                                       f"{MAX_WERKBOEK_BYTES / 1e6:.0f} MB).")], str(pad))
        data = pad.read_bytes()
    except FileNotFoundError:
        raise InvoerFout([Probleem("bestand niet gevonden.")], str(pad)) from None
    except OSError as exc:
        raise InvoerFout([Probleem(f"kan het bestand niet lezen ({exc.strerror}).")],
                         str(pad)) from None
    # The workbook's normensets are found by naam and versie among the files given and the
    # shipped ones, else read from the workbook itself; one file given for a workbook of one
    # other (unknown) normenset is compared with, as before.
    bestanden = [load_normenset(p) for p in args.normen or []]
    # (naam, versie) → the --normen argument that gives it ("" = the shipped default)
    te_geven = {(n.naam, n.versie): str(NORMEN / naam) for n, naam in meegeleverde_normensets()}
    te_geven.update({(n.naam, n.versie): p for n, p in zip(bestanden, args.normen or [],
                                                           strict=True)})
    standaard = standaard_normenset()
    te_geven[standaard.naam, standaard.versie] = ""
    bekend = {(n.naam, n.versie): n
              for n in (*(x for x, _ in meegeleverde_normensets()), *bestanden)}

    def basis(naam: str, versie: str) -> Normenset | None:
        return bekend.get((naam, versie))

    werkboek = lees_werkboek(data, basis, bestand=str(pad), normensets_uit_werkboek=True,
                             vergelijk_met=bestanden[0] if len(bestanden) == 1 else None)
    uit = Path(args.uitvoer)
    meer = len(werkboek.groepen) > 1
    # Everything is prepared first and written after: a bad workbook writes nothing.
    bestanden: list[tuple[str, bytes]] = []
    berichten: list[str] = []
    for h, groep in enumerate(werkboek.groepen, start=1):
        achter = f".{h}" if meer else ""
        csv_pad = str(uit.with_name(f"{uit.stem}{achter}{uit.suffix}")) if meer else args.uitvoer
        bestanden.append((csv_pad, _invoer_csv(groep.invoer, groep.basis).encode("utf-8")))
        berichten.append(f"Invoer van {aantal_woord(len(groep.invoer.gemeentecodes), 'gemeente')} "
                         f"(normenset "
                         f"{groep.basis.label}) geschreven naar {csv_pad}.")
        toml_pad = (args.normen_uit if args.normen_uit and not meer
                    else str(uit.with_name(f"{uit.stem}{achter}.normen.toml")))
        normen_arg = te_geven.get((groep.normenset.naam, groep.normenset.versie))
        if groep.normwijzigingen:
            bestanden.append((toml_pad, normenset_als_toml(groep.normenset).encode("utf-8")))
            berichten.append(f"De normen zijn in het werkboek gewijzigd; nieuwe normenset "
                             f"{groep.normenset.label} geschreven naar {toml_pad}:")
            berichten += [f"  {w.sleutel}: {w.veld} {w.oud} → {w.nieuw} ({w.blad}!{w.cel})"
                          for w in groep.normwijzigingen]
            normen_arg = toml_pad
        elif normen_arg is None:  # read from the workbook itself: the CSV needs it as a file
            bestanden.append((toml_pad, normenset_als_toml(groep.normenset).encode("utf-8")))
            berichten.append(f"Normenset {groep.normenset.label} (uit het werkboek) geschreven "
                             f"naar {toml_pad}.")
            normen_arg = toml_pad
        berichten.append(f"Bereken met: formatie bereken {csv_pad}"
                         + (f" --normen {normen_arg}" if normen_arg else ""))
        if groep.scenario is not None or groep.scenario_volume:
            scenario = groep.scenario or Scenario(
                naam=f"Scenario uit het werkboek ({groep.basis.label})",
                gemeentecodes=groep.invoer.gemeentecodes, normenset_naam=groep.normenset.naam,
                normenset_versie=groep.normenset.versie)
            json_pad = str(uit.with_name(f"{uit.stem}{achter}.scenario.json"))
            inhoud = {**scenario.to_dict(), "volume": groep.scenario_volume}
            bestanden.append((json_pad, (json.dumps(inhoud, ensure_ascii=False, indent=2)
                                         + "\n").encode("utf-8")))
            n_org = sum(len(v) for v in scenario.organisatie.values())
            n_vol = sum(len(v) for v in groep.scenario_volume.values())
            berichten.append(f"De scenariokolommen zijn ingevuld; scenario geschreven naar "
                             f"{json_pad} ({len(scenario.uren)} normuren, {n_org} "
                             f"organisatieparameters, {n_vol} volumes).")
    for doel, inhoud in bestanden:
        schrijf_bestand(doel, inhoud)
    for bericht in berichten:
        print(bericht, file=sys.stderr)
    for opmerking in werkboek.opmerkingen:
        print(f"Let op: {opmerking}", file=sys.stderr)
    if werkboek.gecontroleerd:
        print("Het werkboek is tegen zichzelf gecontroleerd: de uitkomsten erin kloppen met de "
              "invoer.", file=sys.stderr)
    if args.normen_uit and not werkboek.normen_gewijzigd:
        print("De normen zijn niet gewijzigd; er is geen normenset geschreven.", file=sys.stderr)
    return 0
