"""Refused actions and error answers: the ServiceError family, and one handler for both kinds.

A service refuses an action by raising a ServiceError: the HTTP status to answer with and a
reason that is safe to show. A view that shows the reason in a form or a flash catches it; any
other reaches the handler here, which answers it as every HTTP error is answered: the error page
for browsers, a JSON body for API clients. The classes themselves need neither Flask nor a
database, so the models raise them too (an assignment in the wrong state).
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

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


def _answer(code: int, name: str, reason: str):
    """Answer an error as JSON for API clients, else as the error page."""
    if wants_json():
        return jsonify(error=name, reason=reason, status=code), code
    return render_template("errors/error.html", code=code, name=name, reason=reason), code


def init_errors(app: Flask) -> None:
    """Render every HTTP error and every refused action as a page or as JSON with a reason."""

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        return _answer(error.code or 500, error.name, error.description or error.name)

    @app.errorhandler(ServiceError)
    def _refused(error: ServiceError):
        return _answer(error.status, HTTP_STATUS_CODES.get(error.status, "Error"), error.reason)
