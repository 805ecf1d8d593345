"""File downloads from memory (workbooks of personal figures: never cached)."""

from __future__ import annotations

import io

from flask import send_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def stuur_xlsx(data: bytes, bestandsnaam: str):
    """An .xlsx download from memory (the Dutch file name is sent RFC 6266-encoded)."""
    antwoord = send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                         download_name=bestandsnaam, max_age=0)
    antwoord.headers["Cache-Control"] = "no-store"  # personal figures: never cached
    return antwoord
