"""The agreement figures' version and their cache in the database: every write that changes a
figure raises the version in its own transaction, the overview served from the cache equals
the figures computed afresh, and a cached figure of an older version is never served."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from annotator.adjudication.services import adjudicate
from annotator.admin.services import merge_outlets, rename_outlet
from annotator.agreement import queries
from annotator.agreement.services import recompute_all, refresh_article_stats
from annotator.annotations.services import reopen_assignment, submit_assignment
from annotator.api.schemas import OverviewSchema
from annotator.auth import tokens
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.models import FiguresCache
from annotator.stats.rollup import figures_json
from annotator.vocabulary import LABELS
from tests.factories import make_article, make_assignment, make_outlet, make_queue, make_user

SENTENCES = ["One.", "Two.", "Three.", "Four."]


@pytest.fixture
def corpus(app):
    """Two outlets: one of 24 articles (its interval from the normal limit), one of 5
    (articles resampled one by one); three reviewers who mostly agree."""
    rng = random.Random(7)
    reviewers = [make_user(username=f"rev{i}") for i in range(3)]
    lead = make_user("lead")
    big, small = make_outlet("Big"), make_outlet("Small")
    queue = make_queue(name="Main", overlap=3, reviewers=reviewers)
    articles = []
    for i in range(29):
        article = make_article(SENTENCES, outlet=big if i < 24 else small,
                               published_at=datetime(2024, 1, 1) + timedelta(days=3 * i))
        truth = [rng.randrange(4) for _ in range(len(SENTENCES) + 1)]
        for reviewer in reviewers:
            labels = {p: LABELS[t if rng.random() < 0.75 else rng.randrange(4)]
                      for p, t in enumerate(truth)}
            make_assignment(queue, article, reviewer, status="submitted", labels=labels)
        refresh_article_stats(queue.id, article.id)
        db.session.commit()
        articles.append(article)
    return {"reviewers": reviewers, "lead": lead, "queue": queue, "articles": articles,
            "big": big, "small": small}


def served(filters: ArticleFilter) -> str:
    """The overview's pooled figures as they are served (from the cache after a first view)."""
    report = queries.overview(filters)
    return figures_json(report.overall, [f for _, f in report.outlets],
                        [f for _, f in report.reviewers], report.settled,
                        report.outlet_warnings)


def fresh(filters: ArticleFilter) -> str:
    """The same figures computed from the stored statistics now, bypassing the cache."""
    figures = queries.figures_from_json(queries.pooled_figures(filters))
    report = queries.overview(filters)  # only for the outlets' order, which uses names
    order = {f.key: i for i, (_, f) in enumerate(report.outlets)}
    people = {f.reviewer_id: i for i, (_, f) in enumerate(report.reviewers)}
    return figures_json(figures["overall"], sorted(figures["outlets"], key=lambda f: order[f.key]),
                        sorted(figures["reviewers"], key=lambda f: people[f.reviewer_id]),
                        figures["settled"], figures["outlet_warnings"])


def cache_rows() -> list[tuple[str, int]]:
    db.session.commit()  # see the rows the cache wrote on its own connection
    return list(db.session.execute(select(FiguresCache.key, FiguresCache.version)).all())


@pytest.mark.parametrize("flt", [{}, {"outlet": "small"}, {"queue": True},
                                 {"date_to": datetime(2024, 2, 20).date()}])
def test_the_cached_overview_equals_the_figures_computed_afresh(corpus, flt):
    filters = ArticleFilter(queue_id=corpus["queue"].id if flt.get("queue") else None,
                            outlet_id=corpus[flt["outlet"]].id if "outlet" in flt else None,
                            date_to=flt.get("date_to"))
    first = served(filters)  # computed, then stored
    assert [v for _, v in cache_rows()] == [queries.figures_version()]
    assert served(filters) == first == fresh(filters)
    report = queries.overview(filters)
    intervals = {f.interval.method for _, f in report.outlets}
    assert intervals <= {"normal limit", "articles resampled", ""}
    if not flt:
        assert intervals == {"normal limit", "articles resampled"}
        assert report.overall.articles == 29 and report.overall.interval.low is not None


def _active(corpus, article):
    """A fourth reviewer's fully labelled, not yet submitted work on the article."""
    reviewer = make_user(username="late")
    assignment = make_assignment(corpus["queue"], article, reviewer, status="active",
                                 labels={p: "fact" for p in range(len(SENTENCES) + 1)})
    return reviewer, assignment


def test_every_write_that_changes_a_figure_raises_the_version_and_the_cache_follows(corpus):
    filters = ArticleFilter()
    before = served(filters)
    version = queries.figures_version()
    reviewer, assignment = _active(corpus, corpus["articles"][0])
    assert queries.figures_version() == version  # saving labels changes no figure

    steps = [
        lambda: submit_assignment(assignment.id, reviewer),
        lambda: reopen_assignment(assignment.id, corpus["lead"]),
        lambda: adjudicate(corpus["queue"].id, corpus["articles"][1].units[1].id,
                           corpus["lead"], "opinion", "checked"),
        lambda: rename_outlet(corpus["small"].id, "Tiny"),
        lambda: merge_outlets(corpus["small"].id, corpus["big"].id),
        recompute_all,
    ]
    seen = [before]
    for step in steps:
        step()
        db.session.expire_all()
        assert queries.figures_version() > version
        version = queries.figures_version()
        now = served(filters)
        assert now == fresh(filters)
        seen.append(now)
    # The submit, the gold label and the merge each changed what is shown.
    assert seen[1] != seen[0] and seen[3] != seen[2] and seen[5] != seen[4]
    assert queries.overview(filters).settled.adjudicated == 1
    # Only the current version's rows are kept.
    assert {v for _, v in cache_rows()} == {version}


def test_a_filter_by_outlet_name_follows_a_rename(corpus):
    by_name = ArticleFilter(outlet_name="small")
    report = queries.overview(by_name)
    assert report.overall.articles == 5 and report.articles.total == 5
    rename_outlet(corpus["small"].id, "Tiny")
    report = queries.overview(by_name)
    assert report.overall.articles == 0 and report.articles.total == 0


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.create_token(user, 'test').secret}"}


def test_the_api_etag_answers_304_until_the_figures_change(corpus, client):
    lead = bearer(corpus["lead"])
    first = client.get("/api/v1/agreement", headers=lead)
    assert first.status_code == 200
    # The view writes its body out without the schema: it must be the schema's own dump.
    assert OverviewSchema().dump(first.json) == first.json
    assert set(first.json) == set(OverviewSchema().fields)
    tag = first.headers["ETag"]
    again = client.get("/api/v1/agreement", headers={**lead, "If-None-Match": tag})
    assert again.status_code == 304 and again.headers["ETag"] == tag
    other = client.get(f"/api/v1/agreement?outlet={corpus['small'].id}",
                       headers={**lead, "If-None-Match": tag})
    assert other.status_code == 200  # another filter, another tag
    reviewer, assignment = _active(corpus, corpus["articles"][2])
    submit_assignment(assignment.id, reviewer)
    changed = client.get("/api/v1/agreement", headers={**lead, "If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert changed.json["overall"]["reviewers"] == 4 != first.json["overall"]["reviewers"]


def test_the_web_overview_shows_the_cached_figures(corpus, client, login_as):
    login_as(corpus["lead"])
    page = client.get("/agreement/").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(FiguresCache)) == 1
    assert client.get("/agreement/").get_data(as_text=True) == page
    alpha = queries.overview(ArticleFilter()).overall.alpha.value
    assert f"{alpha:.3f}" in page


def test_a_small_outlets_interval_is_the_same_in_every_filter_that_keeps_it(corpus):
    # Its bootstrap draws articles by position: they are taken in one order (publication,
    # article, stats row) whatever the database's plan, so the interval depends on the
    # articles alone, as the method note promises, on SQLite and PostgreSQL alike.
    small = corpus["small"].id
    seen = set()
    for filters in (ArticleFilter(), ArticleFilter(outlet_id=small),
                    ArticleFilter(queue_id=corpus["queue"].id),
                    ArticleFilter(outlet_name="small", date_from=datetime(2024, 1, 1).date())):
        figures = dict((f.key, f) for _, f in queries.overview(filters).outlets)[small]
        assert figures.interval.method == "articles resampled"
        seen.add((figures.interval.low, figures.interval.high))
    assert len(seen) == 1
