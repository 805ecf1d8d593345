"""Problems in a user's file, in Dutch and with their place, raised all together.

Every reader (normenset TOML, invoer CSV, workbook, calibration CSV) collects *every* problem it
finds as a :class:`Probleem` and raises them at once as an :class:`InvoerFout`; nothing is
returned half-read.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Probleem:
    """One problem in a file: where it is and a Dutch sentence saying what is wrong."""

    bericht: str
    regel: int | None = None
    kolom: str | None = None

    def tekst(self, bestand: str | None = None) -> str:
        plaats = [p for p in (bestand, self.regel and f"regel {self.regel}") if p]
        if self.kolom:
            plaats.append(f"kolom '{self.kolom}'")
        return (", ".join(plaats) + ": " if plaats else "") + self.bericht


class InvoerFout(Exception):
    """A file that cannot be used; carries every problem found."""

    def __init__(self, problemen: list[Probleem], bestand: str | None = None):
        self.problemen = problemen
        self.bestand = bestand
        super().__init__("\n".join(p.tekst(bestand) for p in problemen))


@dataclass(frozen=True)
class CelProbleem(Probleem):
    """A problem in a workbook: sheet and cell (``regel`` is the Excel row number)."""

    blad: str | None = None
    cel: str | None = None

    def tekst(self, bestand: str | None = None) -> str:
        plaats = [p for p in (bestand, self.blad and f"blad '{self.blad}'",
                              self.cel and f"cel {self.cel}") if p]
        if self.kolom:
            plaats.append(f"kolom '{self.kolom}'")
        return (", ".join(plaats) + ": " if plaats else "") + self.bericht
