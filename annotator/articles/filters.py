"""The article filter every area shares: outlet and an inclusive range of publication days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Select

from annotator.models.articles import Article


def restrict_articles(query: Select, outlet_id: int | None = None,
                      date_from: date | None = None, date_to: date | None = None) -> Select:
    """Narrow a query joined to Article to one outlet and to days date_from..date_to."""
    if outlet_id:
        query = query.where(Article.outlet_id == outlet_id)
    if date_from:
        query = query.where(Article.published_at >= datetime.combine(date_from, time.min))
    if date_to:
        # The whole last day counts: stop before midnight of the day after.
        query = query.where(
            Article.published_at < datetime.combine(date_to + timedelta(days=1), time.min))
    return query
