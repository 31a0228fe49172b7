"""Annotation queues and the hand-out of work."""

from flask import Blueprint

bp = Blueprint("queues", __name__, url_prefix="/queues")

from annotator.queues import views  # noqa: E402,F401
