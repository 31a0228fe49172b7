"""Timestamp arithmetic done by the database, alike on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import DateTime
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class plus_minutes(FunctionElement):
    """`start + minutes` as a naive UTC timestamp, where minutes may be a column or subquery."""

    type = DateTime()
    name = "plus_minutes"
    inherit_cache = True


@compiles(plus_minutes)
def _plus_minutes(element, compiler, **kw) -> str:
    start, minutes = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({start} + {minutes} * INTERVAL '1 minute')"


@compiles(plus_minutes, "sqlite")
def _plus_minutes_sqlite(element, compiler, **kw) -> str:
    # SQLAlchemy stores 'YYYY-MM-DD HH:MM:SS.ffffff' on SQLite and compares those strings.
    # Whole minutes never change the fraction, so shift the whole seconds and copy the fraction:
    # the result has exactly the stored format, to the microsecond. The fraction is cut off
    # before SQLite reads the time, since SQLite rounds to the millisecond: '...:24.9996' would
    # be read as :25 and the copied fraction then put the result nearly a second late.
    start, minutes = (compiler.process(arg, **kw) for arg in element.clauses)
    return (f"(strftime('%Y-%m-%d %H:%M:%S', substr({start}, 1, 19),"
            f" '+' || ({minutes}) || ' minutes') || substr({start}, 20))")
