"""Admin console: the article list, one article's units and fixes, and uploads."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from annotator.admin import bp, services
from annotator.admin.forms import ActionForm, SplitForm, UploadForm
from annotator.admin.views import flash_result
from annotator.articles.models import Article, Unit
from annotator.extensions import db
from annotator.queues.forms import ArticleFilterForm, SelectionForm, choices
from annotator.queues.models import Queue

PER_PAGE = 50


@bp.route("/articles")
def articles():
    """List articles with search, filters and pagination; tick some to add to a queue."""
    filters = ArticleFilterForm(request.args)
    chosen = filters.article_filter() if filters.validate() else None
    stmt = select(Article).options(selectinload(Article.outlet))
    if chosen is not None:
        stmt = chosen.apply(stmt)
    page = db.paginate(
        stmt.order_by(Article.published_at.desc().nulls_last(), Article.id.desc()),
        page=request.args.get("page", 1, type=int), per_page=PER_PAGE, error_out=False)
    ids = [a.id for a in page.items]
    units = dict(db.session.execute(
        select(Unit.article_id, func.count()).where(Unit.article_id.in_(ids))
        .group_by(Unit.article_id)).all()) if ids else {}
    selection = SelectionForm()
    selection.queue.choices = choices(
        (q.id, q.name) for q in db.session.scalars(select(Queue).order_by(Queue.name)))
    args = {k: v for k, v in request.args.items() if k != "page" and v not in ("", "0")}
    return render_template("admin/articles.html", page=page, units=units, filters=filters,
                           selection=selection, args=args)


@bp.route("/articles/<int:article_id>")
def article(article_id: int):
    """Show an article's units, with merge and split while nobody has annotated it."""
    item = db.get_or_404(Article, article_id, description="There is no such article.")
    return render_template("admin/article.html", article=item,
                           fixable=not services.is_annotated(article_id),
                           action=ActionForm(), split=SplitForm())


@bp.route("/articles/<int:article_id>/units/<int:position>/merge", methods=["POST"])
def merge_units(article_id: int, position: int):
    """Merge a unit with the next one."""
    if ActionForm().validate_on_submit():
        flash_result(lambda: services.merge_units(article_id, position), "Sentences merged.")
    return redirect(url_for("admin.article", article_id=article_id, _anchor=f"u{position}"))


@bp.route("/articles/<int:article_id>/units/<int:position>/split", methods=["POST"])
def split_unit(article_id: int, position: int):
    """Split a unit in two at a character position."""
    form = SplitForm()
    if form.validate_on_submit():
        flash_result(lambda: services.split_unit(article_id, position, form.at.data),
             "Sentence split.")
    else:
        flash("Give the character position to split after.", "error")
    return redirect(url_for("admin.article", article_id=article_id, _anchor=f"u{position}"))


@bp.route("/upload", methods=["GET", "POST"])
def upload():
    """Import uploaded article files, reporting what happened to each file."""
    form = UploadForm()
    if form.validate_on_submit():
        report = services.import_uploads(form.files.data, current_user.id)
        return render_template("admin/upload.html", form=UploadForm(), report=report)
    return render_template("admin/upload.html", form=form, report=None), \
        400 if form.errors else 200
