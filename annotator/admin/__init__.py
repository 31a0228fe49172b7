"""The admin console: users, outlets, articles."""

from flask import Blueprint

from annotator.security import require_role_for_blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
require_role_for_blueprint(bp, "admin")

from annotator.admin import article_views, views  # noqa: E402,F401
