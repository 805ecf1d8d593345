"""Strict JSON answers: no NaN or Infinity ever reaches a client (non-finite becomes null)."""

from __future__ import annotations

from flask import Response

from formatie.uitvoer import als_json


def json_antwoord(obj, status: int = 200) -> Response:
    """``obj`` as a strict JSON response (:func:`formatie.uitvoer.als_json`)."""
    return Response(als_json(obj), status=status, mimetype="application/json")
