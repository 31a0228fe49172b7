"""Adjudication: leads settle reviewers' disagreements into gold labels."""

from flask import Blueprint

from annotator.security import require_role_for_blueprint

bp = Blueprint("adjudication", __name__, url_prefix="/adjudication")
require_role_for_blueprint(bp, "lead")

from annotator.adjudication import views  # noqa: E402,F401
