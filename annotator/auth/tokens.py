"""Personal API tokens: create (shown once), list, revoke, and the user a request's token names.

A token is `ann_` and 43 random URL-safe characters (256 bits). Only its SHA-256 is stored: a
token is random enough that a fast hash cannot be reversed, and it is looked up by that hash
on every API request. A token acts with its user's role, while it is neither revoked nor
expired and the user is active.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Request, request
from sqlalchemy import bindparam, select, update

from annotator.auth.services import load_user
from annotator.database import write_transaction
from annotator.errors import AccountError
from annotator.extensions import db
from annotator.models.auth import ApiToken, User
from annotator.timeutil import utcnow

TOKEN_PREFIX = "ann_"
API_PATH = "/api/"
NAME_MAX_CHARS = 100
MAX_EXPIRES_DAYS = 3650
# How stale a token's last_used_at may grow before a request writes it again: a write on
# every API request would serialise them on SQLite.
USED_EVERY = timedelta(minutes=1)
_BY_HASH = (
    select(ApiToken.id, ApiToken.user_id, ApiToken.expires_at, ApiToken.revoked_at,
           ApiToken.last_used_at)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


@dataclass
class NewToken:
    """A token just created: the row, and the token itself (shown once, never stored)."""

    token: ApiToken
    secret: str


def hash_token(secret: str) -> str:
    """Return the stored form of a token: its SHA-256 in hexadecimal."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(user: User, name: str = "", expires_days: int | None = None) -> NewToken:
    """Create a token for the user; the token is returned once and only its hash is kept."""
    name = " ".join((name or "").split())[:NAME_MAX_CHARS] or "API token"
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRES_DAYS:
        raise AccountError(f"A token expires after 1 to {MAX_EXPIRES_DAYS} days.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    user_id = user.id
    with write_transaction():
        owner = db.session.get(User, user_id)
        if owner is None or not owner.active:
            raise AccountError("Tokens are only given to active users.")
        token = ApiToken(user_id=user_id, name=name, token_hash=hash_token(secret),
                         prefix=secret[:10], created_at=now,
                         expires_at=now + timedelta(days=expires_days) if expires_days else None)
        db.session.add(token)
    return NewToken(token, secret)


def user_tokens(user_id: int) -> list[ApiToken]:
    """Return a user's tokens, newest first (revoked ones too, marked so)."""
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def all_tokens(working_only: bool = True) -> list[tuple[ApiToken, User]]:
    """Return every user's tokens (by default those that still work) with their user, newest
    first (for admins)."""
    query = select(ApiToken, User).join(User, User.id == ApiToken.user_id)
    if working_only:
        query = query.where(ApiToken.revoked_at.is_(None),
                            ApiToken.expires_at.is_(None) | (ApiToken.expires_at > utcnow()))
    return list(db.session.execute(
        query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all())


def revoke_token(token_id: int, actor: User) -> ApiToken:
    """Revoke a token: its owner may, and admins may revoke anyone's."""
    actor_id, admin = actor.id, actor.is_admin
    with write_transaction():
        token = db.session.get(ApiToken, token_id, with_for_update=True)
        if token is None or (token.user_id != actor_id and not admin):
            raise AccountError("There is no such token.")  # someone else's: nothing revealed
        if token.revoked_at is None:
            token.revoked_at = utcnow()
    return token


def token_state(token: ApiToken, now: datetime | None = None) -> str:
    """Return 'revoked', 'expired' or 'active'."""
    now = now or utcnow()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


def bearer_token(req: Request) -> str | None:
    """Return the token of an `Authorization: Bearer <token>` header, else None."""
    header = req.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def is_token_request(req: Request | None = None) -> bool:
    """Tell whether an API request carries a bearer token (then no session cookie applies)."""
    req = req or request
    return req.path.startswith(API_PATH) and bearer_token(req) is not None


def token_user(req: Request) -> User | None:
    """Flask-Login's request loader: the active user a valid bearer token names, else None."""
    if not req.path.startswith(API_PATH):
        return None  # tokens open the API only
    secret = bearer_token(req)
    if secret is None or len(secret) > 200:
        return None
    row = db.session.execute(_BY_HASH, {"token_hash": hash_token(secret)}).first()
    now = utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at is not None
                                                     and row.expires_at <= now):
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if row.last_used_at is None or now - row.last_used_at > USED_EVERY:
        with write_transaction():
            db.session.execute(update(ApiToken).where(ApiToken.id == row.id)
                               .values(last_used_at=now))
        user = db.session.get(User, row.user_id)
    user.api_token_id = row.id
    return user


def session_user(user_id: str) -> User | None:
    """Flask-Login's user loader: a request that carries Authorization is the token's alone.

    The session cookie is ignored then, so a token request never acts as the browser's user
    (and never needs the browser's CSRF token).
    """
    if is_token_request():
        return None
    return load_user(user_id)
