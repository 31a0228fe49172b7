"""Login, logout, passwords and users."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from annotator.auth import views  # noqa: E402,F401
