"""Article pages for leads and admins: the list and one article's units."""

from flask import Blueprint, render_template, request

from annotator.articles.queries import article_page
from annotator.claims.pages import article_claims
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.inputs import db_int
from annotator.models.articles import Article
from annotator.security import require_role_for_blueprint

bp = Blueprint("articles", __name__, url_prefix="/articles")
require_role_for_blueprint(bp, "lead")

PER_PAGE = 50


@bp.route("/")
def index():
    """List articles, newest first, with their outlet and unit count."""
    page, counts = article_page(ArticleFilter(), request.args.get("page", 1, type=db_int), PER_PAGE)
    return render_template("articles/index.html", page=page, counts=counts)


@bp.route("/<int:article_id>")
def detail(article_id: int):
    """Show one article's metadata and its units in order, each with its claim elsewhere."""
    article = db.get_or_404(Article, article_id, description="No such article.")
    return render_template("articles/detail.html", article=article,
                           claims=article_claims(article_id))
