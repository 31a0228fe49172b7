"""Stored per-article agreement statistics: refreshed per article, rebuilt in bulk, consistent."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select

from annotator.agreement.services import recompute_all, refresh_article_stats
from annotator.extensions import db
from annotator.models.agreement import ArticleStats
from annotator.stats.coefficients import krippendorff_alpha, percent_agreement
from annotator.stats.records import article_dtype, coder_dtype, pair_dtype
from tests.factories import make_article, make_assignment, make_queue, make_user

SENTENCES = ["One.", "Two.", "Three.", "Four."]
# Reviewer -> label per unit position (0 is the headline).
WORK = {
    "ann": ["fact", "fact", "claim", "opinion", "prediction"],
    "bob": ["fact", "claim", "claim", "opinion", "prediction"],
    "cat": ["fact", "fact", "claim", "fact", "opinion"],
}


def submitted_article(queue, reviewers, work=WORK, sentences=SENTENCES, refresh=True):
    """Create an article, submit each reviewer's labels for it, refresh its statistics."""
    article = make_article(sentences=list(sentences))
    for user in reviewers:
        labels = dict(enumerate(work[user.username]))
        make_assignment(queue, article, user, status="submitted", labels=labels)
    if refresh:
        refresh_article_stats(queue.id, article.id)
        db.session.commit()
    return article


def reliability(work: dict) -> dict:
    return {u: {name: labels[u] for name, labels in work.items()}
            for u in range(len(next(iter(work.values()))))}


def stored(row: ArticleStats) -> dict:
    """Return a row's figures and records as plain numbers, field by field."""
    values = {"alpha": np.nan if row.alpha is None else row.alpha, "coders": row.coders}
    for prefix, blob, dtype in (("article.", row.stats, article_dtype(4)),
                                ("coder.", row.coder_records, coder_dtype(4)),
                                ("pair.", row.pair_records, pair_dtype(4))):
        records = np.sort(np.frombuffer(blob, dtype=dtype), order=dtype.names[0])
        for name in dtype.names:
            values[prefix + name] = records[name].astype(np.float64)
    return values


@pytest.fixture
def trio(app):
    return [make_user(username=name) for name in WORK]


def test_refresh_stores_the_article_figures(trio):
    queue = make_queue(reviewers=trio)
    article = submitted_article(queue, trio)
    row = db.session.scalar(select(ArticleStats).where(ArticleStats.article_id == article.id))
    data = reliability(WORK)
    assert row.alpha == pytest.approx(krippendorff_alpha(data).value, abs=1e-12)
    assert row.percent_agreement == pytest.approx(percent_agreement(data).value, abs=1e-12)
    assert (row.coders, row.units, row.pairable_values) == (3, 5, 15)
    record = np.frombuffer(row.stats, dtype=article_dtype(4))[0]
    assert record["label_counts"].tolist() == [6, 4, 3, 2]  # fact, claim, opinion, prediction
    coders = np.frombuffer(row.coder_records, dtype=coder_dtype(4))
    assert sorted(coders["reviewer"].tolist()) == sorted(u.id for u in trio)


def test_refresh_ignores_unsubmitted_work_and_drops_the_row_when_none_is_left(trio):
    ann, bob, cat = trio
    queue = make_queue(reviewers=trio)
    article = make_article(sentences=SENTENCES)
    a = make_assignment(queue, article, ann, status="submitted",
                        labels=dict(enumerate(WORK["ann"])))
    make_assignment(queue, article, bob, status="active", labels=dict(enumerate(WORK["bob"])))
    row = refresh_article_stats(queue.id, article.id)
    db.session.commit()
    assert row.coders == 1 and row.alpha is None and row.pairable_values == 0
    a.status = "active"  # a lead reopened it
    assert refresh_article_stats(queue.id, article.id) is None
    db.session.commit()
    assert db.session.scalar(select(ArticleStats)) is None


def test_refresh_does_not_commit(trio):
    queue = make_queue(reviewers=trio)
    article = submitted_article(queue, trio, refresh=False)
    refresh_article_stats(queue.id, article.id)
    db.session.rollback()
    assert db.session.scalar(select(ArticleStats)) is None


def test_recompute_rebuilds_what_refresh_stores(trio):
    queue, other = make_queue(reviewers=trio), make_queue(reviewers=trio)
    first = submitted_article(queue, trio)
    second = submitted_article(queue, trio[:2])
    submitted_article(other, trio[1:], refresh=False)  # never refreshed: recompute finds it
    before = {(r.queue_id, r.article_id): stored(r)
              for r in db.session.scalars(select(ArticleStats))}
    result = recompute_all()
    assert (result.articles, result.labels) == (3, 3 * 5 + 2 * 5 + 2 * 5)
    after = {(r.queue_id, r.article_id): stored(r)
             for r in db.session.scalars(select(ArticleStats))}
    assert len(after) == 3
    for key in ((queue.id, first.id), (queue.id, second.id)):
        assert after[key].keys() == before[key].keys()
        for name, value in before[key].items():
            np.testing.assert_allclose(after[key][name], value, atol=1e-12, err_msg=name)


def test_recompute_with_no_submitted_work_empties_the_table(trio):
    queue = make_queue(reviewers=trio)
    article = submitted_article(queue, trio)
    db.session.execute(
        db.update(ArticleStats).where(ArticleStats.article_id == article.id).values(alpha=0.5))
    db.session.commit()
    from annotator.models import Assignment

    db.session.execute(db.update(Assignment).values(status="active"))
    db.session.commit()
    assert recompute_all().articles == 0
    assert db.session.scalar(select(ArticleStats)) is None


def test_recompute_command(runner, trio):
    queue = make_queue(reviewers=trio)
    submitted_article(queue, trio)
    result = runner.invoke(args=["agreement", "recompute"])
    assert result.exit_code == 0, result.output
    assert "Recomputed agreement statistics for 1 articles (15 labels)" in result.output


def test_submitting_and_reopening_keep_the_stats_current(trio):
    from annotator.annotations.services import reopen_assignment, submit_assignment

    ann, bob, _ = trio
    lead = make_user("lead")
    article = make_article(sentences=SENTENCES)
    queue = make_queue(reviewers=trio, articles=[article])
    make_assignment(queue, article, ann, status="submitted", labels=dict(enumerate(WORK["ann"])))
    active = make_assignment(queue, article, bob, labels=dict(enumerate(WORK["bob"])))
    submit_assignment(active.id, bob)
    db.session.expire_all()
    row = db.session.scalar(select(ArticleStats).where(ArticleStats.article_id == article.id))
    pair = reliability({name: WORK[name] for name in ("ann", "bob")})
    assert row.coders == 2
    assert row.alpha == pytest.approx(krippendorff_alpha(pair).value, abs=1e-12)
    reopen_assignment(active.id, lead)
    db.session.expire_all()
    row = db.session.scalar(select(ArticleStats).where(ArticleStats.article_id == article.id))
    assert row.coders == 1 and row.alpha is None


def test_recompute_if_stale_rebuilds_only_missing_or_old_statistics(trio, runner):
    queue = make_queue(reviewers=trio)
    submitted_article(queue, trio)
    result = runner.invoke(args=["agreement", "recompute", "--if-stale"])
    assert "current" in result.output
    submitted_article(queue, trio[:2], refresh=False)  # as after an upgrade emptied the table
    result = runner.invoke(args=["agreement", "recompute", "--if-stale"])
    assert "Recomputed agreement statistics for 2 articles" in result.output
    db.session.execute(db.update(ArticleStats).values(layout=ArticleStats.layout - 1))
    db.session.commit()
    result = runner.invoke(args=["agreement", "recompute", "--if-stale"])
    assert "Recomputed" in result.output
    result = runner.invoke(args=["agreement", "recompute", "--if-stale"])
    assert "current" in result.output
