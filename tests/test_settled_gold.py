"""Settled sentences and accuracy against gold on the overview (tests/exports_corpus.py).

Hand-computed from the corpus table, every assignment of queue "Wave 1":
  settled, all articles: unanimous A1p0 A1p3 A2p0 A2p2 A3p0 = 5; majority A1p1 A3p1 A3p2 = 3;
    adjudicated A2p1 = 1; unresolved A1p2 = 1 (10 labelled sentences, 9 settled).
  accuracy (gold: the adjudicated label, else the majority of all labels; A1p2 has none):
    ann 9 of 9 (100%); bob 7 of 9 (A2p1 F vs C, A3p2 C vs O); cat 4 of 6 (A1p1 C vs F,
    A3p1 F vs C; no submitted A2).
  outlet Other Times (A3 only): unanimous 1, majority 2; ann 3/3, bob 2/3, cat 2/3.
"""

from __future__ import annotations

import re

import pytest

from annotator.adjudication.queries import reviewer_accuracy, settled_counts
from annotator.agreement import queries
from annotator.agreement.services import recompute_all, refresh_article_stats
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.models import Adjudication, Outlet
from annotator.stats.sentences import SettledCounts
from tests.exports_corpus import build
from tests.factories import make_article, make_assignment, make_queue, make_user


@pytest.fixture
def corpus(app):
    c = build()
    for article in (c.a1, c.a2, c.a3):
        refresh_article_stats(c.queue.id, article.id)
    db.session.commit()
    return c


def settled_text(html: str) -> str:
    part = html.split('data-testid="settled">', 1)[1].split("</section>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", part).split())


def accuracy_cell(html: str, user) -> str:
    cell = re.search(rf'data-testid="accuracy-{user.id}">(.*?)</td>', html, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", cell).split())


def test_overview_shows_settled_sentences_and_accuracy_vs_gold(corpus, client, login_as):
    login_as(corpus.lee)
    html = client.get("/agreement/").get_data(as_text=True)
    assert settled_text(html).startswith(
        "Settled sentences 9 of 10 sentences settled (90 %): 5 unanimous, 3 by majority,"
        " 1 adjudicated; 1 unresolved.")
    assert "Accuracy vs gold" in html
    assert accuracy_cell(html, corpus.ann) == "100.0% of 9"
    assert accuracy_cell(html, corpus.bob) == "77.8% of 9"
    assert accuracy_cell(html, corpus.cat) == "66.7% of 6"


def test_the_filter_narrows_settled_counts_and_accuracy(corpus, client, login_as):
    login_as(corpus.lee)
    other = db.session.scalar(db.select(Outlet.id).where(Outlet.name == "Other Times"))
    html = client.get(f"/agreement/?outlet={other}").get_data(as_text=True)
    assert "3 of 3 sentences settled (100 %): 1 unanimous, 2 by majority, 0 adjudicated;" \
        " 0 unresolved." in settled_text(html)
    assert accuracy_cell(html, corpus.ann) == "100.0% of 3"
    assert accuracy_cell(html, corpus.bob) == "66.7% of 3"
    assert accuracy_cell(html, corpus.cat) == "66.7% of 3"


def test_a_reviewer_without_gold_gets_a_dash(app, client, login_as):
    ann, bob = make_user("reviewer", "ann"), make_user("reviewer", "bob")
    lead = make_user("lead", "lee")
    article = make_article(["Two.", "Three."])
    queue = make_queue("Split", reviewers=[ann, bob], articles=[article])
    make_assignment(queue, article, ann, "submitted", {0: "fact", 1: "fact", 2: "claim"})
    make_assignment(queue, article, bob, "submitted", {0: "claim", 1: "opinion", 2: "fact"})
    refresh_article_stats(queue.id, article.id)
    db.session.commit()
    login_as(lead)
    html = client.get("/agreement/").get_data(as_text=True)
    assert accuracy_cell(html, ann) == "—" and accuracy_cell(html, bob) == "—"
    assert "0 of 3 sentences settled (0 %)" in settled_text(html)


def stored(flt) -> tuple[SettledCounts, dict[int, tuple[int, int]]]:
    report = queries.overview(flt)
    return report.settled, {user.id: (r.gold_units, r.gold_agree) for user, r in report.reviewers}


def scanned(flt) -> tuple[SettledCounts, dict[int, tuple[int, int]]]:
    return settled_counts(flt), {rid: (a.gold, a.agree)
                                 for rid, a in reviewer_accuracy(flt).items() if a.labels}


@pytest.mark.parametrize("rebuild", ["refresh", "recompute"])
def test_stored_figures_equal_the_scanned_definitions(corpus, rebuild):
    # Adjudicate a majority and a unanimous sentence too: they leave their labels' category.
    for unit, label in ((corpus.unit(corpus.a1, 1), "claim"), (corpus.unit(corpus.a3, 0),
                                                                 "fact")):
        db.session.add(Adjudication(queue_id=corpus.queue.id, unit_id=unit, gold_label=label,
                                    rationale="", adjudicator_id=corpus.lee.id))
    # A second queue over A1 where cat alone labels: unresolved, no gold.
    wave2 = make_queue("Wave 2", reviewers=[corpus.cat], articles=[corpus.a1])
    make_assignment(wave2, corpus.a1, corpus.cat, "submitted", {0: "fact", 1: "claim"})
    db.session.commit()
    if rebuild == "recompute":
        recompute_all()
    else:
        refresh_article_stats(wave2.id, corpus.a1.id)
        db.session.commit()
    other = db.session.scalar(db.select(Outlet.id).where(Outlet.name == "Other Times"))
    for flt in (ArticleFilter(), ArticleFilter(queue_id=corpus.queue.id),
                ArticleFilter(queue_id=wave2.id), ArticleFilter(outlet_id=other)):
        assert stored(flt) == scanned(flt), flt
    settled, accuracy = stored(ArticleFilter())
    assert settled == SettledCounts(unanimous=4, majority=2, adjudicated=3, unresolved=3)
    # A1p1 is now gold C: cat right, ann and bob wrong; A3p0 gold F as before.
    assert accuracy[corpus.cat.id] == (6, 5)
    assert accuracy[corpus.ann.id] == (9, 8) and accuracy[corpus.bob.id] == (9, 6)
