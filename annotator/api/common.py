"""What every API blueprint shares: the flask-smorest Api and Blueprint as this app uses them,
CSRF only for cookie requests, limit/offset pages and ETags.

flask-smorest validates each request with a marshmallow schema (through webargs) and shapes
each answer with one, and builds the OpenAPI document from the same schemas. Here it is bent
to the app's rules: its error handlers are not installed (annotator.errors answers every
error, as problem details under /api/), JSON bodies are read through inputs.json_body (bounded
size, depth and storable text), and errors are documented as application/problem+json.
"""

from __future__ import annotations

import hashlib
import http
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

import flask_smorest
from flask import Response, current_app, jsonify, request
from flask_smorest.utils import prepare_response
from flask_wtf.csrf import CSRFProtect
from webargs.flaskparser import FlaskParser

from annotator.api.schemas import ProblemSchema
from annotator.auth.tokens import is_token_request
from annotator.errors import PROBLEM_JSON
from annotator.extensions import csrf
from annotator.inputs import accepts_json, json_body

API_PREFIX = "/api/v1"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class _Parser(FlaskParser):
    """webargs' Flask parser, reading JSON through inputs.json_body (size, depth, text)."""

    def _raw_load_json(self, req):
        return json_body()


class Api(flask_smorest.Api):
    """flask-smorest's Api without its own error handlers, errors documented as problems."""

    def _register_error_handlers(self) -> None:
        """Leave errors to annotator.errors: one handler for pages, JSON and problem details."""

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = ProblemSchema
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error, as RFC 9457 problem details with a reason",
                    "schema": ProblemSchema}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest blueprint whose JSON is read through inputs.json_body."""

    ARGUMENTS_PARSER = _Parser()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        csrf.exempt(self)  # cookie requests are checked below; token requests need none
        self.before_request(_check_csrf)

    def add_url_rule(self, rule, endpoint=None, view_func=None, *args, **kwargs):
        """Add a route that reads JSON (through json_body): inputs lets JSON reach it."""
        if view_func is not None and not isinstance(view_func, type):
            accepts_json(view_func)
        return super().add_url_rule(rule, endpoint, view_func, *args, **kwargs)


def _check_csrf() -> None:
    """Require the CSRF token of a state change made with the session cookie (not a token)."""
    if request.method in SAFE_METHODS or is_token_request():
        return
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        CSRFProtect.protect(csrf)


def problem_responses(*codes: int) -> dict[str, Any]:
    """Return doc() responses for the error codes an operation answers (problem details)."""
    return {str(code): http.HTTPStatus(code).name for code in codes}


# --- pages ----------------------------------------------------------------------------------


def page(results: Sequence[Any], count: int, limit: int, offset: int) -> dict[str, Any]:
    """Return a page as {count, next, previous, results}, next and previous as full URLs."""
    args = request.args.to_dict()

    def link(start: int) -> str:
        return request.base_url + "?" + urlencode({**args, "limit": limit, "offset": start})

    return {
        "count": count,
        "next": link(offset + limit) if offset + limit < count else None,
        "previous": link(max(0, offset - limit)) if offset > 0 else None,
        "results": list(results),
    }


def slice_page(items: Sequence[Any], args: dict[str, Any],
               dump: Callable[[Any], Any] = lambda x: x) -> dict[str, Any]:
    """Return a page of a list already in memory."""
    limit, offset = args["limit"], args["offset"]
    return page([dump(item) for item in items[offset:offset + limit]], len(items), limit,
                offset)


# --- ETags ----------------------------------------------------------------------------------


def etag_for(*parts: Any) -> str:
    """Return an ETag (unquoted) for the parts: the data's version and the request's arguments."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]


def if_none_match(description: str) -> dict:
    """The OpenAPI entry of the If-None-Match header a route with an ETag reads."""
    return {"in": "header", "name": "If-None-Match", "required": False,
            "schema": {"type": "string"}, "description": description}


def etag_headers(tag: str) -> dict[str, str]:
    """The headers of an answer with its ETag (no caching proxy may keep it: the figures are
    private)."""
    return {"ETag": f'"{tag}"', "Cache-Control": "private, no-cache"}


def json_with_etag(body: Any, tag: str) -> Response:
    """Answer a body already in its schema's shape as JSON, with its ETag."""
    response = jsonify(body)
    response.headers.update(etag_headers(tag))
    return response


def not_modified(tag: str) -> Response | None:
    """Return a 304 when the client's If-None-Match holds the ETag, else None."""
    if request.if_none_match.contains_weak(tag):
        response = Response(status=304)
        response.set_etag(tag)
        return response
    return None
