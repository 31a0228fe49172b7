"""How the app talks to its database: SQLite's settings, and transactions that write."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, exc, text
from sqlalchemy.engine import Engine

from annotator.extensions import db

# How long a SQLite statement waits for another writer's lock before failing.
BUSY_TIMEOUT_MS = 30_000


def install_sqlite_hooks() -> None:
    """Turn on SQLite's foreign keys and WAL, and begin its transactions ourselves (once)."""
    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
        event.listen(Engine, "begin", _sqlite_begin)


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Turn on foreign keys and WAL for SQLite, and let SQLAlchemy own transactions."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    # pysqlite's own transaction handling begins late and never for SELECT;
    # SQLAlchemy emits BEGIN itself (see _sqlite_begin), as its docs recommend.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # Checkpoint the WAL every 10,000 pages (40 MB), not 1,000: each checkpoint syncs the
    # file, and an import with claim matching writes a page of the key index per key.
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.close()


def _sqlite_begin(conn) -> None:
    """Begin SQLite transactions, IMMEDIATE when a service asked to write up front.

    A caller that would rather give up than queue behind another writer passes the
    execution option sqlite_busy_ms: BEGIN waits that long for the lock, not busy_timeout.
    """
    if conn.dialect.name != "sqlite":
        return
    options = conn.get_execution_options()
    mode = options.get("sqlite_begin", "DEFERRED")
    wait = options.get("sqlite_busy_ms")
    if wait is None:
        conn.exec_driver_sql(f"BEGIN {mode}")
        return
    conn.exec_driver_sql(f"PRAGMA busy_timeout={int(wait)}")
    try:
        conn.exec_driver_sql(f"BEGIN {mode}")
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def begin_write() -> None:
    """Start the session's transaction as a write transaction (BEGIN IMMEDIATE on SQLite).

    A SQLite transaction that reads first and writes later can fail at once with
    "database is locked" when another writer got in between; taking the write lock
    up front makes it wait its turn (busy_timeout) instead. PostgreSQL ignores it.
    Call it before the first statement of the transaction.
    """
    db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


@contextmanager
def write_transaction() -> Iterator[None]:
    """Run the block as one write transaction: commit at its end, roll back on any exception.

    Ends the read the request already did (loading the user, say: committed, there is
    nothing to lose), begins the write (begin_write), commits when the block finishes and
    rolls back and re-raises whatever it raised, BaseException included. The block does not
    commit itself. That first commit expires what the session loaded: read what the write
    needs of it (the user's id, say) before the block, or it is loaded again.
    """
    try:
        if db.session().in_transaction():
            db.session.commit()
        begin_write()
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def reachable() -> bool:
    """Return whether the database answers a trivial query."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means unreachable
        discard_transaction()
        return False
    return True


# SQLite's transient failures: another writer held the lock past busy_timeout, or the file
# could not be opened. Its other OperationalErrors ("no such table") are bugs, not outages.
_SQLITE_TRANSIENT = ("database is locked", "database table is locked", "unable to open")


def unavailable(error: BaseException) -> bool:
    """Return whether a database error means "cannot be reached just now", not a bug.

    A lost or refused connection (PostgreSQL restarting, the network gone), a server that
    is starting up or shutting down, a statement or lock timeout, no pooled connection
    free in time, SQLite locked past its busy timeout. Constraint violations, bad SQL and
    the like are not: they stay errors.
    """
    if isinstance(error, exc.TimeoutError):  # the connection pool had none free in time
        return True
    if not isinstance(error, exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, exc.OperationalError | exc.InterfaceError):
        return False
    if type(error.orig).__module__.startswith("sqlite3"):
        message = str(error.orig).lower()
        return any(part in message for part in _SQLITE_TRANSIENT)
    return True  # psycopg: connection failures, shutdown, statement and lock timeouts


def discard_transaction() -> None:
    """Roll back whatever the session began, so the rest of the request can still read.

    After a failed statement the session refuses every further query until it is rolled
    back (and PostgreSQL refuses the rest of the transaction); an error page reads the
    user. When even the rollback fails (the connection is gone), the session is dropped.
    """
    try:
        db.session.rollback()
    except Exception:  # the connection died under the rollback: start a fresh session
        db.session.remove()
