"""Shared fixtures: one app per database backend, a client, a CLI runner, logins.

Every test that takes `app` runs once on SQLite and once on PostgreSQL (set
ANNOTATOR_TEST_BACKENDS=sqlite to run one of them; `make test-fast` does). PostgreSQL is
skipped when unreachable, except under CI (CI=true), where that is a failure. The
modules in SLOW_MODULES are marked `slow` (`make test-fast` leaves them out).

Built once per test session, lazily, for each backend: a throwaway database (a temp
file; a fresh PostgreSQL database made through ANNOTATOR_TEST_PG_URL and dropped at the
end), its schema (the Alembic migrations) and the app bound to it.

Each test is isolated by emptying, before it starts, only the tables that hold rows
(a DELETE each; one round trip finds them) and, on PostgreSQL, restarting the sequences
that were used, so ids start at 1 as in a fresh database. Nothing is held in an open
transaction: services commit, threads and a second app (make_test_app) or the live
server see what the test committed. The `app` fixture pushes a fresh app context for
the test (so `g` and the session start empty), which requests made with `client`
share; after the test the session is removed and any change the test made to
app.config is undone.
"""

from __future__ import annotations

import copy
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask, g
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from annotator import create_app
from annotator.extensions import db

PG_ADMIN_URL = os.environ.get(
    "ANNOTATOR_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
ALL_BACKENDS = ["sqlite", "postgresql"]
BACKENDS = [
    name.strip()
    for name in os.environ.get("ANNOTATOR_TEST_BACKENDS", ",".join(ALL_BACKENDS)).split(",")
    if name.strip()
]
_unknown = sorted(set(BACKENDS) - set(ALL_BACKENDS))
if _unknown or not BACKENDS:
    raise pytest.UsageError(
        f"ANNOTATOR_TEST_BACKENDS must name some of {', '.join(ALL_BACKENDS)}, "
        f"not {os.environ.get('ANNOTATOR_TEST_BACKENDS')!r}"
    )


# Slow by design, marked here rather than in each file (a test may also carry
# @pytest.mark.slow itself): fifty reviewer threads against a fast clock, property tests
# checked against reference packages, and the two sweeps of every route and role (access,
# hostile requests), which grow with the app.
SLOW_MODULES = {
    "tests/test_concurrency.py",
    "tests/unit/test_metrics_properties.py",
    "tests/test_access_matrix.py",
    "tests/test_no_server_errors.py",
}


def pytest_collection_modifyitems(config, items):
    root = config.rootpath
    for item in items:
        path = item.path
        if path.is_relative_to(root) and path.relative_to(root).as_posix() in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


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


def make_test_app(url: str, **overrides) -> Flask:
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
        # Asked once per run: an unreachable server is not waited for again per test.
        reason = self.pg_error or _pg_reachable()
        if reason:
            self.pg_error = reason
            if IN_CI:
                pytest.fail(f"PostgreSQL is unreachable under CI ({PG_ADMIN_URL}): {reason}")
            pytest.skip(f"PostgreSQL unreachable: {reason}")
        self.pg_name = f"annotator_test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.pg_name}"'))
            # A throwaway database need not survive a crash: commits skip the WAL
            # flush. What other connections see, and when, is unchanged.
            conn.execute(text(f'ALTER DATABASE "{self.pg_name}" SET synchronous_commit TO off'))
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


class _Apps:
    """One app per backend for the whole run, with the config it was built with."""

    def __init__(self, databases: _Databases):
        self.databases = databases
        self.apps: dict[str, Flask] = {}
        self.pristine: dict[str, dict] = {}

    def get(self, backend: str) -> Flask:
        if backend not in self.apps:
            app = make_test_app(self.databases.url(backend))
            self.pristine[backend] = copy.deepcopy(dict(app.config))
            self.apps[backend] = app
        return self.apps[backend]

    @contextmanager
    def isolated(self, backend: str) -> Iterator[Flask]:
        """Push a fresh app context on emptied tables; undo config changes afterwards."""
        app = self.get(backend)
        try:
            with app.app_context():
                empty_tables()
                try:
                    yield app
                finally:
                    db.session.remove()
        finally:
            pristine = self.pristine[backend]
            if app.config != pristine:
                app.config.clear()
                app.config.update(copy.deepcopy(pristine))

    def close(self) -> None:
        for app in self.apps.values():
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    dbs = _Databases(tmp_path_factory)
    yield dbs
    dbs.drop()


@pytest.fixture(scope="session")
def apps(databases):
    """The session's apps, one per backend; `app` and the browser's live_app use them."""
    built = _Apps(databases)
    yield built
    built.close()  # before `databases` drops the PostgreSQL database


def _table_names_with_rows(conn, tables) -> set[str]:
    """Return the names of the tables holding at least one row, in one round trip."""
    probes = " UNION ALL ".join(
        f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables
    )
    return set(conn.execute(text(probes)).scalars())


def empty_tables() -> None:
    """Delete every row of every table (the schema stays); ids start at 1 again.

    Only the tables holding rows are touched, children before parents. On PostgreSQL
    the sequences that were used since the last reset restart (what TRUNCATE ... RESTART
    IDENTITY did for every table, in a fraction of the time); SQLite hands out
    max(rowid) + 1, which is 1 again once a table is empty.
    """
    db.session.rollback()  # a fresh snapshot: other connections may have committed
    tables = list(reversed(db.metadata.sorted_tables))
    # BEGIN IMMEDIATE on SQLite (annotator.database's hook): find and delete under one lock.
    conn = db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    if conn.dialect.name != "postgresql":
        filled = _table_names_with_rows(conn, tables)
        for table in tables:
            if table.name in filled:
                conn.execute(table.delete())
        db.session.commit()
        return
    # A connection left open in a transaction would make the DELETEs wait forever.
    conn.execute(text("SET LOCAL lock_timeout = '60s'"))
    filled = _table_names_with_rows(conn, tables)
    try:
        for table in tables:
            if table.name in filled:
                conn.execute(table.delete())
    except IntegrityError:  # rows that refer to each other in a cycle: TRUNCATE copes
        db.session.rollback()
        conn = db.session.connection()
        names = ", ".join(f'"{t.name}"' for t in tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    conn.execute(text(
        "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false)"
        " FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL"
    ))
    db.session.commit()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def db_url(databases, backend) -> str:
    return databases.url(backend)


@pytest.fixture
def app(apps, backend):
    with apps.isolated(backend) as app:
        yield app


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
