"""Shared fixtures: an app per database backend, a client, a CLI runner, logins.

Every test that takes `app` runs once on SQLite and once on PostgreSQL. PostgreSQL is
skipped when unreachable, except under CI (CI=true), where that is a failure. Each
run creates a throwaway database (a temp file; a fresh PostgreSQL database), builds
the schema with the Alembic migrations, and empties every table before each test.
The `app` fixture keeps an app context pushed for the test, so factories and
queries can run directly; requests made with `client` share that context.
"""

from __future__ import annotations

import os
import uuid

import pytest
from flask import g
from sqlalchemy import create_engine, text

from annotator import create_app
from annotator.extensions import db

PG_ADMIN_URL = os.environ.get(
    "ANNOTATOR_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
BACKENDS = ["sqlite", "postgresql"]


def _pg_reachable() -> str | None:
    """Return None when PostgreSQL answers, else the reason it does not."""
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure to connect means unreachable
        return f"{type(exc).__name__}: {exc}".splitlines()[0]


def make_test_app(url: str, **overrides):
    """Build a testing app bound to the database URL."""
    config = {"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url}
    config.update(overrides)
    app = create_app(config)

    def _fresh_request_state():
        # The test keeps one app context pushed, which requests then share. In
        # production every request starts with an empty `g` (where Flask-Login
        # caches the user) and an empty session; give each test request the same.
        for name in list(vars(g)):
            delattr(g, name)
        db.session.expire_all()

    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_state)
    return app


class _Databases:
    """Creates each backend's throwaway database once per test run, lazily."""

    def __init__(self, tmp_path_factory):
        self.tmp_path_factory = tmp_path_factory
        self.urls: dict[str, str] = {}
        self.pg_name: str | None = None
        self.pg_error: str | None = None

    def url(self, backend: str) -> str:
        if backend not in self.urls:
            if backend == "sqlite":
                path = self.tmp_path_factory.mktemp("db") / "test.sqlite"
                url = f"sqlite:///{path}"
            else:
                url = self._create_pg()
            self._migrate(url)
            self.urls[backend] = url
        return self.urls[backend]

    def _create_pg(self) -> str:
        reason = _pg_reachable()
        if reason:
            self.pg_error = reason
            if IN_CI:
                pytest.fail(f"PostgreSQL is unreachable under CI ({PG_ADMIN_URL}): {reason}")
            pytest.skip(f"PostgreSQL unreachable: {reason}")
        self.pg_name = f"annotator_test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.pg_name}"'))
        admin.dispose()
        return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + self.pg_name

    @staticmethod
    def _migrate(url: str) -> None:
        from flask_migrate import upgrade

        app = make_test_app(url)
        with app.app_context():
            upgrade()
            db.engine.dispose()

    def drop(self) -> None:
        if self.pg_name:
            admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)'))
            admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    dbs = _Databases(tmp_path_factory)
    yield dbs
    dbs.drop()


def empty_tables() -> None:
    """Delete every row of every table (the schema stays)."""
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def db_url(databases, backend) -> str:
    return databases.url(backend)


@pytest.fixture
def app(db_url):
    app = make_test_app(db_url)
    with app.app_context():
        empty_tables()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login_as(client):
    """Log the test client in as a user (through the session, without the form)."""

    def _login(user):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return client

    return _login
