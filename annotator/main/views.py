"""Home page and health check."""

from flask import jsonify, render_template
from sqlalchemy import text

from annotator.extensions import db
from annotator.main import bp


@bp.route("/")
def home():
    """Show the home page for the user's role."""
    return render_template("main/home.html")


@bp.route("/health")
def health():
    """Report whether the app can reach its database (public, for load balancers)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means unhealthy
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok")
