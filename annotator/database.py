"""How the app talks to its database: SQLite's settings, and transactions that write."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from annotator.extensions import db


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
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn) -> None:
    """Begin SQLite transactions, IMMEDIATE when a service asked to write up front."""
    if conn.dialect.name != "sqlite":
        return
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


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
        return False
    return True
