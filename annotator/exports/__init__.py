"""Exports of labels, reliability data, gold labels and agreement reports (leads and admins)."""

from flask import Blueprint

from annotator.security import require_role_for_blueprint

bp = Blueprint("exports", __name__, url_prefix="/exports")
require_role_for_blueprint(bp, "lead")

from annotator.exports import views  # noqa: E402,F401
