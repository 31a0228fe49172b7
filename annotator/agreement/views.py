"""The leads' agreement reports: overview, article drill-down, reviewer detail."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, render_template, request, url_for

from annotator.agreement import queries
from annotator.agreement.presentation import (
    WHICH_NUMBER,
    alpha_chart,
    group_verdict,
    method_note_parts,
)
from annotator.articles.forms import FilterForm
from annotator.filters import ArticleFilter
from annotator.inputs import db_int
from annotator.security import require_role_for_blueprint
from annotator.stats import charts

bp = Blueprint("agreement", __name__, url_prefix="/agreement")
require_role_for_blueprint(bp, "lead")


def _filters() -> tuple[FilterForm, ArticleFilter]:
    """Bind the filter form to the query string; an invalid field filters nothing."""
    form = FilterForm(formdata=request.args)
    form.validate()
    return form, form.article_filter()


@bp.get("/")
def overview():
    """Show pooled agreement of the filtered articles: outlets, articles, reviewers, labels."""
    form, filters = _filters()
    report = queries.overview(filters, request.args.get("sort", "alpha"),
                              request.args.get("dir", "asc"), request.args.get("page", 1, db_int))
    mix_rows = [(name, f.label_shares) for name, f in report.outlets]
    # One link per outlet row: build the query string once, the id goes last.
    others = {k: v for k, v in filters.args().items() if k != "outlet"}
    outlet_link = url_for("agreement.overview") + "?" + urlencode({**others, "outlet": ""})
    return render_template(
        "agreement/overview.html", form=form, filters=filters, report=report,
        outlet_link=outlet_link,
        alpha_chart=alpha_chart(report.outlets),
        mix_chart=charts.mix_chart(mix_rows, report.labels),
        heat_bucket=charts.heat_bucket, notes=method_note_parts(),
        verdict=group_verdict(report.overall), which_number=WHICH_NUMBER,
    )


@bp.get("/articles/<int:article_id>")
def article(article_id: int):
    """Show one article's sentence x reviewer grid in a queue, disagreements highlighted."""
    detail = queries.article_detail(article_id, request.args.get("queue", type=db_int))
    if detail is None:
        abort(404)
    return render_template("agreement/article.html", detail=detail, labels=queries.LABELS)


@bp.get("/reviewers/<int:user_id>")
def reviewer(user_id: int):
    """Show one reviewer's agreement with each colleague over the filtered articles."""
    form, filters = _filters()
    report = queries.reviewer_report(user_id, filters)
    if report is None:
        abort(404)
    return render_template("agreement/reviewer.html", form=form, filters=filters,
                           report=report, labels=queries.LABELS)
