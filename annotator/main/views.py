"""Home page and health check."""

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user

from annotator.adjudication.queries import settled_by_queue
from annotator.admin.queries import getting_started
from annotator.annotations.queries import recent_submissions
from annotator.database import reachable
from annotator.filters import ArticleFilter
from annotator.queues.queries import all_queues, reviewer_queues

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    """Show the home page for the user's role: a reviewer's queues and what they submitted."""
    if current_user.role == "lead":
        return _lead_home()
    if current_user.role == "admin":
        return _lead_home(steps=getting_started())
    if current_user.role != "reviewer":
        return render_template("main/home.html")
    return render_template("main/home.html", queues=reviewer_queues(current_user),
                           submitted=recent_submissions(current_user))


def _lead_home(steps=None):
    """Render a lead's (or an admin's) home: queue progress, reports, and the admin's checklist."""
    settled = settled_by_queue(ArticleFilter())
    return render_template("main/lead_home.html", rows=all_queues(), settled=settled,
                           steps=steps)


@bp.route("/health")
def health():
    """Report whether the app can reach its database (public, for load balancers)."""
    if not reachable():
        retry = str(current_app.config["DATABASE_RETRY_AFTER"])
        return jsonify(status="error", database="unreachable"), 503, {"Retry-After": retry}
    return jsonify(status="ok")
