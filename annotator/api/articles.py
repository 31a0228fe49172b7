"""API: articles (import, list, one with its sentences) and outlets (list, reliability profile)."""

from __future__ import annotations

import json

from flask import request
from flask_login import current_user

from annotator.api import figures
from annotator.api import schemas as s
from annotator.api.common import API_PREFIX, Blueprint, page, problem_responses
from annotator.articles import queries as article_queries
from annotator.articles import services as article_services
from annotator.errors import ServiceError
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.inputs import body_limit
from annotator.models.articles import Article, Outlet
from annotator.outlets import queries as outlet_queries
from annotator.security import role_required

bp = Blueprint("api_articles", __name__, url_prefix=API_PREFIX,
               description="Articles (leads read, admins import) and outlets (leads).")


def article_filter(args: dict) -> ArticleFilter:
    """Return the article filter of parsed query arguments, with its names."""
    flt = ArticleFilter(queue_id=args.get("queue"), outlet_id=args.get("outlet"),
                        date_from=args.get("date_from"), date_to=args.get("date_to"),
                        batch_id=args.get("batch"), search=(args.get("q") or "").strip() or None)
    try:
        return article_queries.named_filter(flt)
    except LookupError as exc:
        raise ServiceError(404, str(exc)) from exc


def article_dict(article: Article, units: int) -> dict:
    outlet = article.outlet
    return {"id": article.id, "title": article.title, "url": article.url,
            "published_at": article.published_at,
            "outlet": {"id": outlet.id, "name": outlet.name, "domain": outlet.domain},
            "import_batch_id": article.import_batch_id, "units": units,
            "created_at": article.created_at}


def _report(report: article_services.ImportReport) -> dict:
    return {"batch_id": report.batch_id, "imported": report.imported,
            "duplicates": report.duplicates,
            "files": [{"name": f.name, "imported": f.imported, "duplicates": f.duplicates,
                       "units": f.units, "error": f.error, "article_ids": list(f.article_ids)}
                      for f in report.files]}


@bp.route("/articles")
@role_required("lead")
@bp.arguments(s.ArticleListArgs, location="query")
@bp.response(200, s.paged(s.ArticleSchema, "ArticlePage"))
@bp.doc(responses=problem_responses(401, 403, 404))
def list_articles(args):
    """Articles of the filter (queue, outlet, published days, import batch, text), newest first."""
    articles, total, units = article_queries.article_slice(
        article_filter(args), args["limit"], args["offset"])
    return page([article_dict(a, units.get(a.id, 0)) for a in articles], total,
                args["limit"], args["offset"])


@bp.route("/articles", methods=["POST"])
@role_required("admin")
@body_limit("IMPORT_MAX_FILE_BYTES")
@bp.arguments(s.ArticleRecordSchema)
@bp.response(201, s.ImportReportSchema)
@bp.doc(responses=problem_responses(400, 401, 403, 413))
def import_record(record):
    """Import one article given as a JSON record (one line of a JSONL import file).

    The importer's own checks and limits apply; a refused record is a 400 whose reason is the
    importer's ("record:1: reason"). A duplicate is reported, not an error.
    """
    line = json.dumps({k: v for k, v in record.items() if v is not None}, ensure_ascii=False)
    report = article_services.import_sources(
        [("record.jsonl", lambda: line.encode("utf-8"))], origin="api",
        user_id=current_user.id, description="api: one record")
    failed = report.failed
    if failed:
        raise ServiceError(400, failed[0].error)
    return _report(report)


@bp.route("/articles/upload", methods=["POST"])
@role_required("admin")
@body_limit("MAX_CONTENT_LENGTH")
@bp.arguments(s.UploadSchema, location="form")
@bp.response(200, s.ImportReportSchema)
@bp.doc(responses=problem_responses(400, 401, 403, 413), requestBody={"content": {
    "multipart/form-data": {"schema": {"type": "object", "required": ["files"], "properties": {
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
        "format": {"type": "string", "enum": list(s.FORMATS)},
        "outlet": {"type": "string", "maxLength": 200}}}}}})
def upload(args):
    """Import uploaded files (text, JSONL, CSV) like the admin upload page: a report per file."""
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        raise ServiceError(400, "Upload one or more files in the field 'files'.")
    sources = [(article_services.upload_name(f.filename), (lambda f=f: f.read())) for f in files]
    names = ", ".join(name for name, _ in sources)
    report = article_services.import_sources(
        sources, fmt=args.get("format"), outlet=args.get("outlet"), origin="api",
        user_id=current_user.id, description=f"api upload: {names}")
    return _report(report)


@bp.route("/articles/<int:article_id>")
@role_required("lead")
@bp.response(200, s.ArticleDetailSchema)
@bp.doc(responses=problem_responses(401, 403, 404))
def get_article(article_id: int):
    """One article: its metadata, text and sentences in order."""
    article = db.get_or_404(Article, article_id, description="There is no such article.")
    units = [{"id": u.id, "position": u.position, "kind": u.kind, "start": u.start,
              "end": u.end, "text": u.text} for u in article.units]
    return {**article_dict(article, len(units)), "text": article.text, "unit_list": units}


# --- outlets --------------------------------------------------------------------------------


@bp.route("/outlets")
@role_required("lead")
@bp.arguments(s.OutletListArgs, location="query")
@bp.response(200, s.paged(s.OutletSchema, "OutletPage"))
@bp.doc(responses=problem_responses(401, 403, 404))
def list_outlets(args):
    """Outlets with labelled articles in the filter, with their pooled agreement."""
    rows = outlet_queries.outlet_list(article_filter(args))
    limit, offset = args["limit"], args["offset"]
    return page([{"id": r.outlet.id, "name": r.outlet.name, "domain": r.outlet.domain,
                  "articles": r.articles, "first_published": r.first_published,
                  "last_published": r.last_published,
                  "agreement": figures.group(r.agreement) if r.agreement else None}
                 for r in rows[offset:offset + limit]], len(rows), limit, offset)


@bp.route("/outlets/<int:outlet_id>")
@role_required("lead")
@bp.arguments(s.FilterArgs, location="query")
@bp.response(200, s.OutletProfileSchema)
@bp.doc(responses=problem_responses(401, 403, 404))
def get_outlet(args, outlet_id: int):
    """One outlet's reliability profile within the filter: the outlet page's figures."""
    outlet = db.get_or_404(Outlet, outlet_id, description="There is no such outlet.")
    profile = outlet_queries.outlet_page(outlet, article_filter(args))
    f = profile.figures
    return {"id": outlet.id, "name": outlet.name, "domain": outlet.domain,
            "articles": f.articles, "sentences": f.sentences,
            "first_published": f.first_published, "last_published": f.last_published,
            "label_mix": dict(f.mix), "factual": f.factual, "supported": f.supported,
            "contradicted": f.contradicted, "self_only": f.self_only,
            "agreement": figures.group(profile.agreement) if profile.agreement else None,
            "domains": [{"domain": d.domain, "citations": d.citations,
                         "stances": dict(d.stances), "sentences": d.sentences,
                         "stance_agreement": d.stance_agreement} for d in profile.domains]}
