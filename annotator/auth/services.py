"""Accounts: creation, authentication with a shared throttle, logins, password changes.

Every write runs in write_transaction(), which takes the write lock up front (BEGIN IMMEDIATE
on SQLite): a transaction that reads and writes later cannot get SQLite's write lock while
another writer holds it, and fails at once with "database is locked". Hashing a password takes
tens of milliseconds, so it runs outside any transaction (_end_read), never holding a lock.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from annotator.database import write_transaction
from annotator.errors import AccountError
from annotator.extensions import db
from annotator.inputs import DB_INT_MAX
from annotator.models.auth import LoginThrottle, User, UserSession
from annotator.timeutil import utcnow
from annotator.vocabulary import ROLES

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
# How stale a login's last_seen_at may grow before a request writes it again: the user loader
# runs on every request, and a write each time would serialise every page view on SQLite.
SEEN_EVERY = timedelta(minutes=5)
# Built once: load_user runs on every request, and building the statement cost more than
# running it (bench/bench_load.py's profile: a fifth of the workers' time).
_LOGIN = (
    select(User, UserSession.last_seen_at)
    .join(UserSession, UserSession.user_id == User.id)
    .where(User.id == bindparam("user_id"), UserSession.id == bindparam("login_id"),
           UserSession.revoked_at.is_(None))
)
# Compared against when the username is unknown, so both paths cost the same.
_DUMMY_HASH = None


@dataclass
class LoginResult:
    user: User | None
    error: str | None = None
    locked: bool = False


def hash_password(password: str) -> str:
    """Hash a password with the configured method (scrypt in production)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def generate_password() -> str:
    """Return a random one-time password that is easy to type."""
    return secrets.token_urlsafe(12)


def normalise_username(username: str) -> str:
    """Return the canonical (lower-case, trimmed) form of a username or raise AccountError."""
    name = (username or "").strip().lower()
    if not USERNAME_RE.match(name):
        raise AccountError(
            "Usernames are 2-64 characters: lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit."
        )
    return name


def _end_read() -> None:
    """End the read transaction the caller holds, before slow work such as hashing a password.

    A read holds nothing worth keeping (what it loaded is read again when used); ending it means
    the slow work holds no snapshot or lock, and the write that follows starts afresh.
    """
    if db.session().in_transaction():
        db.session.commit()


def create_user(username: str, role: str, password: str | None = None,
                display_name: str | None = None) -> tuple[User, str | None]:
    """Create a user; without a password, generate a one-time one and return it."""
    name = normalise_username(username)
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; choose one of: {', '.join(ROLES)}.")
    one_time = None
    if password is None:
        one_time = password = generate_password()
    elif len(password) < 10:
        raise AccountError("Passwords need at least 10 characters.")
    _end_read()
    password_hash = hash_password(password)
    taken = AccountError(f"A user named {name!r} already exists.")
    try:
        with write_transaction():
            if db.session.scalar(select(User.id).where(User.username == name)) is not None:
                raise taken
            user = User(username=name, role=role, display_name=display_name,
                        password_hash=password_hash, must_change_password=one_time is not None)
            db.session.add(user)
    except IntegrityError as exc:  # PostgreSQL: a parallel creation took the name
        raise taken from exc
    return user, one_time


def reset_password(user: User) -> str:
    """Give the user a one-time password, log out their sessions and return it."""
    user_id = user.id
    password = generate_password()
    _end_read()
    password_hash = hash_password(password)
    with write_transaction():
        user = db.session.get(User, user_id)
        if user is None:
            raise AccountError("There is no such user.")
        user.password_hash = password_hash
        user.must_change_password = True
        user.session_token = secrets.token_hex(16)
    return password


def change_password(user: User, current: str, new: str) -> str | None:
    """Change the user's password; return an error message or None on success."""
    user_id, stored = user.id, user.password_hash
    _end_read()
    if not check_password_hash(stored, current):
        return "The current password is wrong."
    password_hash = hash_password(new)
    with write_transaction():
        user = db.session.get(User, user_id)
        if user is None or user.password_hash != stored:  # changed while we hashed
            return "The current password is wrong."
        user.password_hash = password_hash
        user.must_change_password = False
        # Other sessions of this user end; the caller logs the current one in again.
        user.session_token = secrets.token_hex(16)
    return None


def _user_key(username: str) -> str:
    return f"user:{username}"


def _throttle_keys(username: str, remote_addr: str | None) -> dict[str, int]:
    """Return the throttle's keys for a login attempt, each with the failures that lock it.

    The account (any name typed, known or not, so a lock reveals nothing) locks after a few
    failures. The client address locks only after many more: colleagues behind one NAT share
    it, and so did everyone behind the proxy until TRUSTED_PROXIES told the app the real one.
    """
    cfg = current_app.config
    address = (remote_addr or "unknown")[:100]
    return {_user_key(username): cfg["LOGIN_MAX_FAILURES"],
            f"addr:{address}": cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]}


def _locked_for(keys: Iterable[str]) -> int:
    """Return the seconds left on the longest lock among keys (0 when none)."""
    now = utcnow()
    until = db.session.scalar(
        select(func.max(LoginThrottle.locked_until)).where(
            LoginThrottle.key.in_(list(keys)), LoginThrottle.locked_until > now
        )
    )
    return int((until - now).total_seconds()) + 1 if until else 0


def _record_failure(limits: dict[str, int]) -> None:
    """Count a failed login for each key, atomically, in the caller's write transaction.

    A key whose count reaches its limit within the window locks for LOGIN_LOCK_SECONDS.
    """
    cfg = current_app.config
    now = utcnow()
    window_start = now - timedelta(seconds=cfg["LOGIN_WINDOW_SECONDS"])
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    for key in limits:
        stmt = insert(LoginThrottle).values(key=key, failures=1, window_start=now)
        # An old window starts over; otherwise the counter grows in the database,
        # so concurrent processes cannot lose a failure.
        stmt = stmt.on_conflict_do_update(
            index_elements=[LoginThrottle.key],
            set_={
                "failures": db.case(
                    (LoginThrottle.window_start < window_start, 1),
                    else_=LoginThrottle.failures + 1,
                ),
                "window_start": db.case(
                    (LoginThrottle.window_start < window_start, now),
                    else_=LoginThrottle.window_start,
                ),
            },
        )
        db.session.execute(stmt)
    lock_until = now + timedelta(seconds=cfg["LOGIN_LOCK_SECONDS"])
    for key, limit in limits.items():
        db.session.execute(
            db.update(LoginThrottle)
            .where(LoginThrottle.key == key, LoginThrottle.failures >= limit)
            .values(locked_until=lock_until, failures=0, window_start=now)
        )


def _dummy_hash() -> str:
    """Return a hash to check unknown usernames against, so both paths cost the same."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(8))
    return _DUMMY_HASH


def authenticate(username: str, password: str, remote_addr: str | None,
                 user_agent: str | None = None) -> LoginResult:
    """Check credentials, honouring and updating the throttle; start a login on success.

    The user returned carries the new login's id (login_session_id), which its get_id() puts
    into the session cookie.
    """
    name = (username or "").strip().lower()
    keys = _throttle_keys(name, remote_addr)
    wait = _locked_for(keys)
    if wait:
        minutes = max(1, round(wait / 60))
        return LoginResult(None, f"Too many failed logins. Try again in about {minutes} "
                                 f"minute{'s' if minutes != 1 else ''}.", locked=True)
    found = db.session.execute(
        select(User.id, User.password_hash, User.active).where(User.username == name)
    ).first()
    user_id, stored, active = found or (None, None, False)
    _end_read()
    ok = check_password_hash(stored or _dummy_hash(), password) and user_id is not None
    if not ok:
        with write_transaction():
            _record_failure(keys)
        return LoginResult(None, "Wrong username or password.")
    if not active:
        return LoginResult(None, "This account is deactivated. Ask an admin.")
    with write_transaction():
        user = db.session.get(User, user_id)
        if user is None or user.password_hash != stored or not user.active:
            # Changed or deactivated while we hashed: as if the password were wrong.
            return LoginResult(None, "Wrong username or password.")
        # The account's count starts over; the address's does not (one good account must not
        # let an address guess at the others).
        db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == _user_key(name)))
        user.last_login_at = utcnow()
        login = UserSession(id=secrets.token_hex(16), user_id=user_id,
                            user_agent=(user_agent or "")[:200] or None)
        db.session.add(login)
    user.login_session_id = login.id
    return LoginResult(user)


def _revoke(login_id: str):
    return (update(UserSession)
            .where(UserSession.id == login_id, UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow()))


def end_session(login_id: str | None) -> None:
    """Log out one login: its cookie, and any copy of it, logs nobody in any more."""
    if login_id:
        with write_transaction():
            db.session.execute(_revoke(login_id))


def end_every_session(user: User) -> None:
    """Log the user out everywhere: every device, this one included, must log in again."""
    user_id, login_id = user.id, user.login_session_id
    with write_transaction():
        # A new session_token ends every login at once, wherever its cookie is.
        db.session.execute(
            update(User).where(User.id == user_id).values(session_token=secrets.token_hex(16))
        )
        if login_id:
            db.session.execute(_revoke(login_id))


def load_user(user_id: str) -> User | None:
    """Return the user for a session id '<id>:<token>:<login>', or None once it has ended.

    Runs on every request: one lookup by both primary keys. The login's last_seen_at is
    written only when it is more than SEEN_EVERY old.
    """
    parts = (user_id or "").split(":")
    if len(parts) != 3 or not parts[0].isdigit() or not all(parts[1:]):
        return None  # a cookie from before per-login sessions, or not ours
    ident, token, login_id = parts
    if int(ident) > DB_INT_MAX:
        return None  # no such user: ids are the database's integers
    found = db.session.execute(_LOGIN, {"user_id": int(ident), "login_id": login_id}).first()
    if found is None:
        return None
    user, last_seen = found
    if not secrets.compare_digest(user.session_token, token):
        return None
    user.login_session_id = login_id
    now = utcnow()
    if now - last_seen > SEEN_EVERY:
        with write_transaction():
            db.session.execute(
                update(UserSession).where(UserSession.id == login_id).values(last_seen_at=now)
            )
    return user
