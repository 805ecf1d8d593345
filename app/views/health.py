"""``/health``: is the app up and can it reach the database? No login."""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db

bp = Blueprint("health", __name__)


@bp.route("/health")
def health():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify({"status": "fout", "database": "niet bereikbaar"}), 503
    return jsonify({"status": "ok", "database": "ok"})
