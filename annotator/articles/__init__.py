"""Articles: import, sentence units, export."""

from flask import Blueprint

from annotator.security import require_role_for_blueprint

bp = Blueprint("articles", __name__, url_prefix="/articles")
require_role_for_blueprint(bp, "lead")

from annotator.articles import views  # noqa: E402,F401
