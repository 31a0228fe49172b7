"""Article pages for leads and admins: the list and one article's units."""

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from annotator.extensions import db
from annotator.models.articles import Article, Outlet, Unit
from annotator.security import require_role_for_blueprint

bp = Blueprint("articles", __name__, url_prefix="/articles")
require_role_for_blueprint(bp, "lead")


PER_PAGE = 50


@bp.route("/")
def index():
    """List articles, newest first, with their outlet and unit count."""
    page = db.paginate(
        select(Article).join(Outlet).order_by(Article.published_at.desc().nulls_last(),
                                             Article.id.desc()),
        page=request.args.get("page", 1, type=int), per_page=PER_PAGE, error_out=False,
    )
    ids = [a.id for a in page.items]
    counts = dict(db.session.execute(
        select(Unit.article_id, func.count()).where(Unit.article_id.in_(ids))
        .group_by(Unit.article_id)).all()) if ids else {}
    return render_template("articles/index.html", page=page, counts=counts)


@bp.route("/<int:article_id>")
def detail(article_id: int):
    """Show one article's metadata and its units in order."""
    article = db.get_or_404(Article, article_id, description="No such article.")
    return render_template("articles/detail.html", article=article)
