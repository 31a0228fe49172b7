"""Error pages for browsers and JSON bodies for API clients."""

from flask import Flask, jsonify, render_template
from werkzeug.exceptions import HTTPException

from annotator.security import wants_json


def init_errors(app: Flask) -> None:
    """Render every HTTP error as a page or as JSON with a reason."""

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        code = error.code or 500
        reason = error.description or error.name
        if wants_json():
            return jsonify(error=error.name, reason=reason, status=code), code
        return render_template("errors/error.html", code=code, name=error.name, reason=reason), code
