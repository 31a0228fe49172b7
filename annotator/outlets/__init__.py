"""Outlet reliability: how well each outlet's reporting is sourced, and the source domains."""

from flask import Blueprint

from annotator.security import require_role_for_blueprint

bp = Blueprint("outlets", __name__, url_prefix="/outlets")
require_role_for_blueprint(bp, "lead")

from annotator.outlets import views  # noqa: E402,F401
