"""Settled sentences and accuracy against gold from stored statistics plus the adjudications.

The stored per-article statistics count each labelled sentence as the labels alone decide it
(unanimous, majority, unresolved) and each reviewer's agreement with the majority of all
labels. An adjudication overrides both for its sentence, so the reports read the labels of
the adjudicated sentences only (the adjudications first, then their labels through the
annotations' unit index) and move those sentences from their labels' category to
"adjudicated". The figures are those of annotator.adjudication.decisions, which scans every
label; tests/test_settled_gold.py checks that the two agree.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from sqlalchemy import select

from annotator.extensions import db
from annotator.models.agreement import ArticleStats
from annotator.models.annotations import Adjudication, Annotation
from annotator.models.articles import Article
from annotator.models.queues import Assignment
from annotator.stats.sentences import SettledCounts, decided

_IN_CHUNK = 500  # adjudicated unit ids per label query


def stored_settled(rows: Iterable[tuple[int, int, int]]) -> SettledCounts:
    """Sum stored (unanimous, majority, unresolved) counts: the labels alone, no adjudication.

    The overview passes the columns it reads with the records, so the stats table is scanned
    once per page.
    """
    totals = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64).reshape(-1, 3)
    unanimous, majority, unresolved = (int(x) for x in totals.sum(axis=0))
    return SettledCounts(unanimous=unanimous, majority=majority, unresolved=unresolved)


def adjudicated_labels(filters) -> list[tuple[int, int, str, int, str]]:
    """Return (queue, unit, gold label, reviewer, label) for every adjudicated labelled sentence.

    Only the submitted labels the filter covers, the same as the stored statistics hold. The
    adjudications come first, on their own: one join would let SQLite start from a scan of
    every assignment; from the adjudicated units the unit index finds their labels.
    """
    query = select(Adjudication.queue_id, Adjudication.unit_id, Adjudication.gold_label)
    if filters.queue_id:
        query = query.where(Adjudication.queue_id == filters.queue_id)
    gold = {(q, u): label for q, u, label in db.session.execute(query)}
    units = sorted({u for _, u in gold})
    found = []
    for lo in range(0, len(units), _IN_CHUNK):
        labels = (
            select(Assignment.queue_id, Annotation.unit_id, Assignment.reviewer_id,
                   Annotation.label)
            .join(Assignment, Assignment.id == Annotation.assignment_id)
            .join(ArticleStats, (ArticleStats.queue_id == Assignment.queue_id)
                  & (ArticleStats.article_id == Assignment.article_id))
            .join(Article, Article.id == Assignment.article_id)
            .where(Annotation.unit_id.in_(units[lo : lo + _IN_CHUNK]),
                   Assignment.status == "submitted")
        )  # fmt: skip
        # Through the stats rows: the articles (and queue) the report pools, nothing else.
        for queue_id, unit_id, reviewer_id, label in db.session.execute(filters.apply(labels)):
            if (queue_id, unit_id) in gold:
                found.append((queue_id, unit_id, gold[queue_id, unit_id], reviewer_id, label))
    return found


def apply_adjudications(
    settled: SettledCounts, rows: Iterable[tuple[int, int, str, int, str]],
) -> tuple[SettledCounts, dict[int, tuple[int, int]]]:
    """Move adjudicated sentences to "adjudicated"; return the counts and accuracy changes.

    The changes map a reviewer to (gold sentences, agreeing labels) to add to their stored
    majority-of-all figures: an adjudicated sentence's gold is the adjudicated label.
    """
    units: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
    gold: dict[tuple[int, int], str] = {}
    for queue_id, unit_id, gold_label, reviewer_id, label in rows:
        units[queue_id, unit_id].append((reviewer_id, label))
        gold[queue_id, unit_id] = gold_label
    counts = {"unanimous": settled.unanimous, "majority": settled.majority,
              "unresolved": settled.unresolved}
    change: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for key, given in units.items():
        how, majority = decided([label for _, label in given])
        counts[how] -= 1
        for reviewer_id, label in given:
            delta = change[reviewer_id]
            if majority is not None:
                delta[0] -= 1
                delta[1] -= label == majority
            delta[0] += 1
            delta[1] += label == gold[key]
    return (SettledCounts(adjudicated=settled.adjudicated + len(units), **counts),
            {rid: (d[0], d[1]) for rid, d in change.items()})
