"""Accounts under pressure: simultaneous logins and account creation."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from annotator.auth import services
from annotator.errors import AccountError
from annotator.extensions import db
from annotator.models.auth import User
from tests.factories import PASSWORD, make_user

# What production's scrypt costs, near enough: the hash is the slow step between the read and
# the write of a login, where SQLite used to answer "database is locked".
SLOW_HASH = "pbkdf2:sha256:100000"
CROWD = 10


def login(client, username, password, **kwargs):
    return client.post("/auth/login", data={"username": username, "password": password},
                       **kwargs)


def _all_at_once(work, items):
    """Run work(item) in one thread per item, released together; return the results."""
    barrier = threading.Barrier(len(items))

    def run(item):
        barrier.wait()
        return work(item)

    db.session.commit()  # threads see what the test made
    with ThreadPoolExecutor(len(items)) as pool:
        return list(pool.map(run, items))


# --- simultaneous writes ----------------------------------------------------------------------


def test_ten_people_logging_in_at_once_on_sqlite_all_get_in(app):
    """SQLite is where this failed; PostgreSQL is held to the same answer."""
    slow = generate_password_hash(PASSWORD, method=SLOW_HASH)
    names = [f"crowd{i}" for i in range(CROWD)]
    for name in names:
        make_user(username=name).password_hash = slow

    def log_in(name):
        client = app.test_client()  # each request pushes its own app context and session
        return login(client, name, PASSWORD).status_code, client.get("/").status_code

    assert _all_at_once(log_in, names) == [(302, 200)] * CROWD


def test_ten_accounts_created_at_once_on_sqlite_all_exist(app):
    app.config["PASSWORD_HASH_METHOD"] = SLOW_HASH
    names = [f"new{i}" for i in range(CROWD)]

    def create(name):
        with app.app_context():  # like `flask create-user` run in parallel
            user, one_time = services.create_user(name, "reviewer")
            return user.username, bool(one_time)

    assert _all_at_once(create, names) == [(name, True) for name in names]
    assert db.session.scalar(select(func.count()).select_from(User)) == CROWD


def test_one_username_created_twice_at_once_gives_one_account_and_a_clear_refusal(app):
    app.config["PASSWORD_HASH_METHOD"] = SLOW_HASH

    def create(_):
        with app.app_context():
            try:
                services.create_user("twin", "reviewer", "a long enough password")
            except AccountError as exc:
                return str(exc)
            return "created"

    results = _all_at_once(create, range(4))
    assert sorted(results) == ["A user named 'twin' already exists."] * 3 + ["created"]
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
