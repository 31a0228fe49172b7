"""The API's own routes: the OpenAPI document, the docs page, who you are, tokens and users;
and init_api, which registers every API blueprint with the spec."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template
from flask_login import current_user
from flask_smorest import Blueprint as DocsBlueprint

from annotator.admin import queries as admin_queries
from annotator.admin import services as admin_services
from annotator.api import articles, claims, exports, reports, verdicts, work
from annotator.api import schemas as s
from annotator.api.common import API_PREFIX, Api, Blueprint, problem_responses, slice_page
from annotator.auth import services as accounts
from annotator.auth import tokens
from annotator.errors import ServiceError
from annotator.security import role_required

bp = Blueprint("api", __name__, url_prefix=API_PREFIX,
               description="Who you are, your tokens, and users (admins).")
# The document and its page: public, like any API's reference, and they hold no data.
docs = DocsBlueprint("api_docs", __name__, url_prefix="/api")

TOKEN_HELP = ("Send a personal token as `Authorization: Bearer <token>`: create one on your "
              "account page (API tokens) or with `flask api-token create USERNAME`. A token "
              "acts with its user's role. Requests with the session cookie instead need the "
              "CSRF token (X-CSRFToken header) on every change.")


def init_api(app: Flask) -> Api:
    """Register the API blueprints and build their OpenAPI 3.1 document."""
    app.config.setdefault("API_TITLE", "annotator API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": TOKEN_HELP},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
    })
    api = Api(app)
    api.register_field(s.UtcDateTime, "string", "date-time")
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for blueprint in (bp, articles.bp, work.bp, reports.bp, exports.bp, verdicts.bp, claims.bp):
        api.register_blueprint(blueprint)
    app.register_blueprint(docs)
    app.extensions["annotator_api"] = api
    return api


def _spec() -> dict:
    return current_app.extensions["annotator_api"].spec.to_dict()


@docs.route("/v1/openapi.json")
def openapi():
    """The OpenAPI 3.1 document, generated from the schemas that validate requests."""
    return jsonify(_spec())


@docs.route("/docs")
def docs_page():
    """The API reference, drawn on the server from the OpenAPI document (no script)."""
    return render_template("api/docs.html", spec=_spec())


# --- you and your tokens --------------------------------------------------------------------


def _token(token) -> dict:
    return {"id": token.id, "user_id": token.user_id, "name": token.name,
            "prefix": token.prefix, "state": tokens.token_state(token),
            "created_at": token.created_at, "last_used_at": token.last_used_at,
            "expires_at": token.expires_at, "revoked_at": token.revoked_at}


@bp.route("/me")
@bp.response(200, s.MeSchema)
@bp.doc(responses=problem_responses(401))
def me():
    """Who this request acts as: the user and role of the token (or session)."""
    return {**_user(current_user), "token_id": getattr(current_user, "api_token_id", None)}


@bp.route("/tokens")
@bp.arguments(s.PageArgs, location="query")
@bp.response(200, s.paged(s.TokenSchema, "TokenPage"))
@bp.doc(responses=problem_responses(401))
def list_tokens(args):
    """Your tokens (admins: every user's), newest first, with last use and expiry."""
    if current_user.is_admin:
        rows = [token for token, _ in tokens.all_tokens(working_only=False)]
    else:
        rows = tokens.user_tokens(current_user.id)
    return slice_page(rows, args, _token)


@bp.route("/tokens", methods=["POST"])
@bp.arguments(s.TokenCreateSchema)
@bp.response(201, s.TokenCreatedSchema)
@bp.doc(responses=problem_responses(400, 401, 403))
def create_token(data):
    """Create a token for yourself; the token is in this answer only."""
    new = tokens.create_token(current_user, data["name"], data.get("expires_days"))
    return {**_token(new.token), "token": new.secret}


@bp.route("/tokens/<int:token_id>", methods=["DELETE"])
@bp.response(200, s.TokenSchema)
@bp.doc(responses=problem_responses(401, 404))
def revoke_token(token_id: int):
    """Revoke a token of yours (admins: anyone's); it stops working at once."""
    try:
        return _token(tokens.revoke_token(token_id, current_user))
    except accounts.AccountError as exc:  # not there, or someone else's: the same answer
        raise ServiceError(404, str(exc)) from exc


# --- users (admins) -------------------------------------------------------------------------


def _user(user) -> dict:
    return {name: getattr(user, name) for name in (
        "id", "username", "display_name", "role", "active", "must_change_password",
        "created_at", "last_login_at")}


@bp.route("/users")
@role_required("admin")
@bp.arguments(s.PageArgs, location="query")
@bp.response(200, s.paged(s.UserSchema, "UserPage"))
@bp.doc(responses=problem_responses(401, 403))
def list_users(args):
    """Every user, by username (admins)."""
    return slice_page([row.user for row in admin_queries.list_users()], args, _user)


@bp.route("/users", methods=["POST"])
@role_required("admin")
@bp.arguments(s.UserCreateSchema)
@bp.response(201, s.UserCreatedSchema)
@bp.doc(responses=problem_responses(400, 401, 403))
def create_user(data):
    """Create a user with a one-time password, returned once (admins)."""
    user, password = accounts.create_user(data["username"], data["role"],
                                          display_name=data.get("display_name"))
    return {"user": _user(user), "one_time_password": password}


@bp.route("/users/<int:user_id>", methods=["PATCH"])
@role_required("admin")
@bp.arguments(s.UserChangeSchema)
@bp.response(200, s.UserSchema)
@bp.doc(responses=problem_responses(400, 401, 403))
def change_user(data, user_id: int):
    """Change a user's role, deactivate or reactivate them (admins)."""
    user = None
    if "role" in data:
        user = admin_services.set_role(user_id, data["role"], current_user)
    if "active" in data:
        user = admin_services.set_active(user_id, data["active"], current_user)
    if user is None:
        raise admin_services.AdminError("Send a role, active, or both.")
    return _user(user)
