"""Strict JSON answers: no NaN or Infinity ever reaches a client (non-finite becomes null)."""

from __future__ import annotations

import json
import math

from flask import Response

try:
    from formatie.uitvoer import als_json
except ImportError:  # TODO(lead, at merge): formatie.uitvoer.als_json lands; drop the fallback

    def _eindig(obj):
        if isinstance(obj, float):
            return obj if math.isfinite(obj) else None
        if isinstance(obj, dict):
            return {k: _eindig(v) for k, v in obj.items()}
        if isinstance(obj, list | tuple):
            return [_eindig(v) for v in obj]
        return obj

    def als_json(obj) -> str:
        return json.dumps(_eindig(obj), ensure_ascii=False, allow_nan=False)


def json_antwoord(obj, status: int = 200) -> Response:
    """``obj`` as a strict JSON response (see :func:`formatie.uitvoer.als_json`)."""
    return Response(als_json(obj), status=status, mimetype="application/json")
