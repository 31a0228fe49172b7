"""Agreement statistics and the leads' reports."""

from flask import Blueprint

from annotator.security import require_role_for_blueprint

bp = Blueprint("agreement", __name__, url_prefix="/agreement")
require_role_for_blueprint(bp, "lead")

from annotator.agreement import views  # noqa: E402,F401
