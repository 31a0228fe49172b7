"""One labelled sentence: its labels, the gold rule that decides it, and the counts built on it.

A sentence of one queue with every submitted label on it (:class:`UnitLabels`) is what every
export, the outlet figures and adjudication walk. :func:`decide` is the gold rule, written
once: the SQL of annotator.adjudication.queries and the stored counts of the agreement area
follow it, and tests check that they agree. Pure: no Flask, no database.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from annotator.vocabulary import LABELS


@dataclass(slots=True)
class Label:
    """One reviewer's submitted label on one sentence, with the sources they linked."""

    reviewer_id: int
    label: str
    # ISO 8601 UTC text ("2024-03-01T09:30:00Z"): the stream carries times as exports write them
    labelled_at: str | None = None
    updated_at: str | None = None
    submitted_at: str | None = None
    sources: list[tuple[str, str, str]] = field(default_factory=list)  # (url, domain, stance)


@dataclass(slots=True)
class Gold:
    """A lead's adjudicated gold label."""

    label: str
    rationale: str = ""
    adjudicator_id: int | None = None
    decided_at: str | None = None  # ISO 8601 UTC text


@dataclass(slots=True)
class UnitLabels:
    """One sentence of one queue with every submitted label on it (the unit of every export)."""

    queue_id: int
    queue: str
    article_id: int
    article_url: str | None
    outlet_id: int
    outlet: str
    outlet_domain: str | None
    published_at: datetime | None
    unit_id: int
    position: int
    kind: str
    start: int
    end: int
    text: str
    labels: list[Label] = field(default_factory=list)
    gold: Gold | None = None
    # The claim (claim memory) the sentence states when another sentence states it too.
    cluster_id: int | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """How a sentence's gold label was decided, and the label counts behind it."""

    label: str | None
    decided_by: str
    counts: dict[str, int]
    total: int


def decide(labels: Sequence[str], adjudicated: str | None = None) -> Decision:
    """Decide a sentence's gold label: adjudicated, unanimous, majority, else unresolved.

    An adjudication wins over any count. Unanimous needs two or more labels, all the same;
    majority needs one label on more than half of them (2 of 3, 3 of 5; not 2-2-1 or 1-1).
    One label alone is unresolved: nobody corroborated it.
    """
    counts = Counter(labels)
    total = len(labels)
    ordered = {label: counts.get(label, 0) for label in LABELS}
    if adjudicated:
        return Decision(adjudicated, "adjudicated", ordered, total)
    if total >= 2:
        top, n = counts.most_common(1)[0]
        if n == total:
            return Decision(top, "unanimous", ordered, total)
        if 2 * n > total:
            return Decision(top, "majority", ordered, total)
    return Decision(None, "unresolved", ordered, total)


def unit_agreement(labels: Sequence[str]) -> float | None:
    """Return the share of agreeing reviewer pairs on one sentence (None below two labels)."""
    m = len(labels)
    if m < 2:
        return None
    same = sum(c * (c - 1) for c in Counter(labels).values())
    return same / (m * (m - 1))


def decided(labels: Sequence[str]) -> tuple[str, str | None]:
    """Return how a sentence's labels alone decide it, and its majority label if any."""
    decision = decide(labels)
    return decision.decided_by, decision.label


@dataclass(frozen=True)
class SettledCounts:
    """How many labelled sentences have a gold label, and how it was decided."""

    unanimous: int = 0
    majority: int = 0
    adjudicated: int = 0
    unresolved: int = 0

    @property
    def total(self) -> int:
        return self.unanimous + self.majority + self.adjudicated + self.unresolved

    @property
    def settled(self) -> int:
        return self.unanimous + self.majority + self.adjudicated

    @property
    def settled_share(self) -> float | None:
        return self.settled / self.total if self.total else None


@dataclass(frozen=True)
class Accuracy:
    """One reviewer's labels against gold: any gold, and adjudicated gold only."""

    reviewer_id: int
    labels: int
    gold: int
    agree: int
    adjudicated: int
    agree_adjudicated: int

    @property
    def accuracy(self) -> float | None:
        return self.agree / self.gold if self.gold else None

    @property
    def adjudicated_accuracy(self) -> float | None:
        return self.agree_adjudicated / self.adjudicated if self.adjudicated else None


def stored_settled(rows: Iterable[tuple[int, int, int]]) -> SettledCounts:
    """Sum stored (unanimous, majority, unresolved) counts: the labels alone, no adjudication.

    The overview passes the columns it reads with the records, so the stats table is scanned
    once per page.
    """
    totals = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64).reshape(-1, 3)
    unanimous, majority, unresolved = (int(x) for x in totals.sum(axis=0))
    return SettledCounts(unanimous=unanimous, majority=majority, unresolved=unresolved)


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
