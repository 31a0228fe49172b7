"""Users, roles, their logins (sessions) and the login throttle."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from annotator.extensions import check_in, db
from annotator.timeutil import utcnow
from annotator.vocabulary import ROLES


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(check_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16), default="reviewer")
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    # Set for generated one-time passwords: the user must choose their own.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Part of the session id: rotating it logs out every session of this user.
    session_token: Mapped[str] = mapped_column(
        String(32), default=lambda: secrets.token_hex(16)
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    # Not a column: the login (a UserSession id) this object came through, set by the login
    # and by the user loader. It is part of the session id, so each login can end alone.
    login_session_id = None
    # Not a column: the API token this object came through (auth.tokens.token_user).
    api_token_id = None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    def get_id(self) -> str:
        """Return the session id Flask-Login keeps: '<id>:<session_token>:<login>'."""
        return f"{self.id}:{self.session_token}:{self.login_session_id or ''}"

    def has_role(self, *roles: str) -> bool:
        """Return whether the user holds one of the roles (admin implies lead)."""
        if self.role in roles:
            return True
        return self.role == "admin" and "lead" in roles

    @property
    def is_lead(self) -> bool:
        return self.role in ("lead", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def label(self) -> str:
        return self.display_name or self.username

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class UserSession(db.Model):
    """One login, named in its session cookie: logging out revokes it, on the server.

    A cookie logs in while its login is not revoked and its session_token is still the user's:
    logging out ends one login; a new password, a reset, deactivation or "log out everywhere"
    (a new session_token) end them all.
    """

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True,
                                    default=lambda: secrets.token_hex(16))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Written at most every few minutes (auth.services.SEEN_EVERY), not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_agent: Mapped[str | None] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None]


class LoginThrottle(db.Model):
    """Failed logins per key (a username or a client address), shared by every process."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]


class ApiToken(db.Model):
    """A personal API token: only its SHA-256 is stored; the token itself is shown once.

    A request with `Authorization: Bearer <token>` acts as the token's user, with the user's
    role, while the token is neither revoked nor expired and the user is active.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, shown in lists so a user can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Written at most every few minutes (auth.tokens.USED_EVERY), not on every request.
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
