"""The reviewer workspace: labelling units and linking sources."""

from flask import Blueprint

bp = Blueprint("annotations", __name__, url_prefix="/annotations")

from annotator.annotations import views  # noqa: E402,F401
