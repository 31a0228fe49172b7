"""Refused actions and error answers: the ServiceError family, and one handler for both kinds.

A service refuses an action by raising a ServiceError: the HTTP status to answer with and a
reason that is safe to show. A view that shows the reason in a form or a flash catches it; any
other reaches the handler here, which answers it as every HTTP error is answered: the error page
for browsers, a JSON body for API clients. The classes themselves need neither Flask nor a
database, so the models raise them too (an assignment in the wrong state).
"""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request, url_for
from markupsafe import escape
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from annotator.database import discard_transaction, unavailable
from annotator.security import wants_json


class ServiceError(Exception):
    """A refused action: an HTTP status and a reason that is safe to show."""

    status: int = 400

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class _Refusal(ServiceError):
    """A ServiceError whose status is its class's own: raised with the reason alone."""

    def __init__(self, reason: str) -> None:
        super().__init__(type(self).status, reason)


class AccountError(_Refusal):
    """An account change or a username was refused (shown in the form, or by the CLI)."""

    status = 400


class QueueError(_Refusal):
    """A queue change was refused (shown in the form, flashed, or by the CLI)."""

    status = 400


class AdminError(_Refusal):
    """An admin operation was refused (flashed on the page it came from)."""

    status = 400


class NotInPool(_Refusal):
    """The user is not in the queue's reviewer pool (or the queue does not exist)."""

    status = 403


class AssignmentStateError(_Refusal):
    """The assignment is not in a state that allows the change (e.g. no longer active)."""

    status = 409


class WorkspaceError(ServiceError):
    """A refused workspace action (400, 403, 404 or 409)."""


class AdjudicationError(ServiceError):
    """A refused adjudication (400, 403 or 404)."""


class ClaimError(ServiceError):
    """A refused claim-memory decision or setting (400, 404 or 409)."""


UNAVAILABLE_REASON = ("The database cannot be reached just now, so nothing was saved or read. "
                      "Try again in a few seconds: your last change is kept in the page and "
                      "sent again.")

# The page when the full one cannot be drawn (it reads the user, and the database is gone):
# plain HTML with the stylesheet, nothing that needs a query.
_BARE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{code} {name}</title>
<link rel="stylesheet" href="{css}"></head>
<body><main><section class="narrow card"><h1>{code} · {name}</h1><p>{reason}</p>
<p><a href="{home}">Back to the home page</a></p></section></main></body></html>
"""


API_PREFIX = "/api/"
PROBLEM_JSON = "application/problem+json"


def problem(code: int, name: str, reason: str, errors: dict | None = None,
            headers: dict[str, str] | None = None):
    """Answer an error of the HTTP API as RFC 9457 problem details, with the reason.

    `detail` and `reason` hold the same text (`reason` is what every other JSON error of the
    app carries); `errors` names the fields a request got wrong.
    """
    body = {"type": "about:blank", "title": name, "status": code, "detail": reason,
            "reason": reason}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = code
    response.mimetype = PROBLEM_JSON
    response.headers.update(headers or {})
    if code == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="annotator"')
    return response


def _field_errors(error: HTTPException) -> dict | None:
    """Return the per-field messages a request validator attached to an error (422), if any."""
    messages = (getattr(error, "data", None) or {}).get("messages")
    return messages if isinstance(messages, dict) else None


def _validation_reason(errors: dict) -> str:
    """Say in one line which fields were wrong: 'json.label: Must be one of: ...'."""
    parts = []

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            parts.append(f"{prefix}: {' '.join(value)}")
        else:
            parts.append(f"{prefix}: {value}")

    walk("", errors)
    return "The request is not valid: " + "; ".join(parts[:10])


def _answer(code: int, name: str, reason: str, headers: dict[str, str] | None = None,
            errors: dict | None = None):
    """Answer an error as problem details for the API, JSON for other API clients, else a page.

    The session is rolled back first: after a failed statement it refuses every query, and
    the page reads the user. If the page still cannot be drawn, a bare one answers.
    """
    discard_transaction()
    if request.path.startswith(API_PREFIX):
        return problem(code, name, reason, errors, headers)
    if wants_json():
        return jsonify(error=name, reason=reason, status=code), code, headers or {}
    try:
        page = render_template("errors/error.html", code=code, name=name, reason=reason)
    except Exception:  # any failure drawing the page: the bare page still answers
        current_app.logger.warning("error page for %s could not be drawn", code, exc_info=True)
        discard_transaction()
        page = _BARE_PAGE.format(code=code, name=escape(name), reason=escape(reason),
                                 css=url_for("static", filename="css/app.css"),
                                 home=url_for("main.home"))
    return page, code, headers or {}


def init_errors(app: Flask) -> None:
    """Render every HTTP error and every refused action as a page or as JSON with a reason.

    A database that cannot be reached answers 503 with Retry-After; any other unhandled
    exception reaches Flask's 500 handling, which answers it here as well.
    """

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        errors = _field_errors(error)
        reason = _validation_reason(errors) if errors else error.description or error.name
        return _answer(error.code or 500, error.name, reason,
                       {k: v for k, v in error.get_headers() if k == "Allow"} or None, errors)

    @app.errorhandler(ServiceError)
    def _refused(error: ServiceError):
        return _answer(error.status, HTTP_STATUS_CODES.get(error.status, "Error"), error.reason)

    @app.errorhandler(SQLAlchemyError)
    def _database_error(error: SQLAlchemyError):
        if not unavailable(error):
            raise error  # a bug, not an outage: Flask logs it and answers 500 (above)
        app.logger.warning("database unavailable: %s", str(error).splitlines()[0])
        return _answer(503, HTTP_STATUS_CODES[503], UNAVAILABLE_REASON,
                       {"Retry-After": str(app.config["DATABASE_RETRY_AFTER"])})
