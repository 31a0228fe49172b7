"""Outlet pages: the list, one outlet's reliability profile, the source-domain table."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from annotator.articles.forms import FilterForm
from annotator.articles.queries import named_filter
from annotator.claims.queries import outlet_originality
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.inputs import db_int
from annotator.models import Outlet
from annotator.outlets import queries
from annotator.outlets.tallies import DEFINITIONS, LABELS, UNRESOLVED
from annotator.security import require_role_for_blueprint

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
    return render_template("outlets/detail.html", form=form, flt=flt, p=page,
                           mix_keys=(*LABELS, UNRESOLVED), definitions=DEFINITIONS,
                           orig=outlet_originality(outlet_id))


@bp.route("/domains")
def domains():
    """List every source domain reviewers cite: how often, stance mix, stance agreement."""
    form, flt = _filter()
    page = queries.domain_page(flt, request.args.get("page", 1, type=db_int))
    return render_template("outlets/domains.html", form=form, flt=flt, p=page,
                           args=form.query_args(), definitions=DEFINITIONS)
