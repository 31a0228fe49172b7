"""Outlet pages: the list, one outlet's reliability profile, the source-domain table."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from annotator.articles.forms import FilterForm
from annotator.articles.queries import named_filter
from annotator.claims.pages import outlet_originality
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.inputs import db_int
from annotator.models import Outlet
from annotator.outlets import queries
from annotator.outlets.comparison import DEFINITIONS as COMPARISON_DEFINITIONS
from annotator.outlets.comparison import MAX_OUTLETS, SORTS, sort_rows
from annotator.outlets.tallies import DEFINITIONS, LABELS, UNRESOLVED
from annotator.security import require_role_for_blueprint
from annotator.stats.charts import trend_chart
from annotator.timeutil import utcnow
from annotator.verdicts import queries as verdict_queries
from annotator.verdicts import served
from annotator.verdicts.track import definitions as track_definitions
from annotator.verdicts.track import rule_from
from annotator.vocabulary import OUTCOME_NAMES

bp = Blueprint("outlets", __name__, url_prefix="/outlets")
require_role_for_blueprint(bp, "lead")


def _filter() -> tuple[FilterForm, ArticleFilter]:
    """Bind the query string; an invalid filter filters nothing (the form shows why)."""
    form = FilterForm(request.args)
    if not form.validate():
        return form, ArticleFilter()
    try:
        flt = named_filter(form.article_filter())
    except LookupError as exc:
        abort(404, description=str(exc))
    return form, flt


@bp.route("/")
def index():
    """List the outlets with labelled articles: span, agreement, links to their profiles."""
    form, flt = _filter()
    return render_template("outlets/index.html", form=form, flt=flt,
                           rows=queries.outlet_list(flt), args=form.query_args())


@bp.route("/<int:outlet_id>")
def detail(outlet_id: int):
    """Show one outlet's reliability profile within the filter."""
    outlet = db.get_or_404(Outlet, outlet_id, description="There is no such outlet.")
    form, flt = _filter()
    page = queries.outlet_page(outlet, flt)
    rule = rule_from(current_app.config)
    track = served.track_records([outlet.id], rule, utcnow().date())[outlet.id]
    return render_template(
        "outlets/detail.html", form=form, flt=flt, p=page, mix_keys=(*LABELS, UNRESOLVED),
        definitions={**DEFINITIONS, **track_definitions(rule)}, track=track,
        trend=trend_chart([(m.month, m.n, m.share) for m in track.months]),
        steps=verdict_queries.scale_steps(), outcome_names=OUTCOME_NAMES,
        orig=outlet_originality(outlet_id))


@bp.route("/domains")
def domains():
    """List every source domain reviewers cite: how often, stance mix, stance agreement."""
    form, flt = _filter()
    page = queries.domain_page(flt, request.args.get("page", 1, type=db_int))
    return render_template("outlets/domains.html", form=form, flt=flt, p=page,
                           args=form.query_args(), definitions=DEFINITIONS)


def chosen_outlets() -> list[int]:
    """Return the outlet ids the query string chooses (?outlet=1&outlet=2), else the default."""
    ids = []
    for raw in request.args.getlist("outlet"):
        try:
            ids.append(db_int(raw))
        except ValueError:
            abort(400, description=f"Not an outlet id: {raw[:20]!r}.")
    return list(dict.fromkeys(ids))[:MAX_OUTLETS] or queries.default_outlets()


@bp.route("/compare")
def compare():
    """Show chosen outlets side by side: agreement, label mix, corroboration, track record."""
    ids = chosen_outlets()
    sort = request.args.get("sort", "name")
    descending = request.args.get("dir") == "desc"
    rows = sort_rows(queries.comparison(ids, ArticleFilter(), rule_from(current_app.config),
                                        utcnow().date()), sort, descending)
    return render_template(
        "outlets/compare.html", rows=rows, chosen=ids, choices=queries.comparable_outlets(),
        sorts=SORTS, sort=sort, descending=descending, steps=verdict_queries.scale_steps(),
        max_outlets=MAX_OUTLETS, args={"outlet": ids, "sort": sort,
                                       "dir": "desc" if descending else "asc"},
        definitions={**COMPARISON_DEFINITIONS, **track_definitions(rule_from(current_app.config))})
