"""An outlet's track record from its checked items: verdict mix, prediction record, trend.

Pure: plain rows in (one per published verdict or scheduled prediction, with the day its
article was published), figures out. Shares carry a Wilson interval and their sample size,
and every figure says whether it meets the minimum-sample rule (Ad Fontes-like: enough
checked items spread over enough days of the outlet's reporting).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from annotator.stats.intervals import Interval, wilson
from annotator.vocabulary import OUTCOMES

CAME_TRUE = OUTCOMES[0]
UNRESOLVABLE = OUTCOMES[-1]

DEFINITIONS = {
    "verdict mix": "Published verdicts on the outlet's sentences, by rating (drafts are left "
                   "out).",
    "mostly false or false": "Share of published verdicts whose rating counts as false (on the "
                             "default scale: mostly false, false), with a 95% Wilson score "
                             "interval and the number of verdicts n.",
    "prediction record": "Predictions whose resolution date has passed and that a lead "
                         "resolved; the share that came true counts 'came true' over came "
                         "true, partly and did not ('cannot be resolved' is left out of the "
                         "base), with a 95% Wilson interval. Pending: not resolved yet.",
    "minimum sample": "A figure is firm from {items} checked items whose articles span at "
                      "least {days} days; below that it is shown greyed out.",
    "trend": "Per month of the articles' publication: the share of that month's published "
             "verdicts rated false or mostly false.",
    "originality": "Of the outlet's sentences that state a claim seen in two or more "
                   "articles (claim clusters: 'same' or confirmed pairs), the share where its "
                   "article was the earliest appearance, with a 95% Wilson interval. A "
                   "verdict on one appearance counts for every appearance.",
    "repeats of false claims": "The outlet's later appearances (not the first) of claims a "
                               "published verdict rated false or mostly false.",
}


@dataclass(frozen=True)
class Step:
    """One rating of the scale: its name, ClaimReview score and whether it counts as false."""

    name: str
    score: int | None
    counts_false: bool
    id: int | None = None


@dataclass(frozen=True)
class SampleRule:
    """The minimum sample behind a firm figure: items, and the days their articles span."""

    min_items: int = 15
    min_days: int = 21

    def check(self, n: int, span_days: int | None) -> list[str]:
        """Return why a figure over n items spanning span_days is below the rule (or nothing)."""
        why = []
        if n < self.min_items:
            why.append(f"{n} checked, fewer than {self.min_items}")
        if span_days is None or span_days < self.min_days:
            span = "no dates" if span_days is None else f"{span_days} days"
            why.append(f"spans {span}, under {self.min_days}")
        return why

    def describe(self) -> str:
        return f"at least {self.min_items} checked items over at least {self.min_days} days"


@dataclass
class Span:
    """The first and last publication day of a set of items."""

    first: date | None = None
    last: date | None = None

    def add(self, day: date | None) -> None:
        if day is None:
            return
        if self.first is None or day < self.first:
            self.first = day
        if self.last is None or day > self.last:
            self.last = day

    @property
    def days(self) -> int | None:
        return None if self.first is None else (self.last - self.first).days


@dataclass
class VerdictMix:
    """Published verdicts by rating, and the share rated (mostly) false."""

    counts: dict[str, int]
    n: int = 0
    false: int = 0
    span: Span = field(default_factory=Span)
    below_rule: list[str] = field(default_factory=list)

    @property
    def false_share(self) -> float | None:
        return self.false / self.n if self.n else None

    @property
    def false_interval(self) -> Interval:
        return wilson(self.false, self.n)

    @property
    def firm(self) -> bool:
        return not self.below_rule


@dataclass
class PredictionRecord:
    """Scheduled predictions: resolved by outcome, pending (due or not yet)."""

    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    pending: int = 0
    due: int = 0  # pending and past their date
    span: Span = field(default_factory=Span)
    below_rule: list[str] = field(default_factory=list)

    @property
    def resolved(self) -> int:
        return sum(self.outcomes.values())

    @property
    def decided(self) -> int:
        """Resolved predictions with an answer: the base of the came-true share."""
        return self.resolved - self.outcomes[UNRESOLVABLE]

    @property
    def came_true(self) -> int:
        return self.outcomes[CAME_TRUE]

    @property
    def came_true_share(self) -> float | None:
        return self.came_true / self.decided if self.decided else None

    @property
    def came_true_interval(self) -> Interval:
        return wilson(self.came_true, self.decided)

    @property
    def firm(self) -> bool:
        return not self.below_rule


@dataclass
class Month:
    """One month of the trend: published verdicts and how many were rated false."""

    month: str  # "YYYY-MM"
    n: int = 0
    false: int = 0

    @property
    def share(self) -> float | None:
        return self.false / self.n if self.n else None


@dataclass
class Repeats:
    """The outlet's sentences in claim clusters: first appearances, repeats, false repeats."""

    clustered: int = 0
    original: int = 0
    false_repeats: int = 0

    @property
    def repeats(self) -> int:
        return self.clustered - self.original

    @property
    def original_share(self) -> float | None:
        return self.original / self.clustered if self.clustered else None

    @property
    def original_interval(self) -> Interval:
        return wilson(self.original, self.clustered)


def build_repeats(members: Iterable[tuple[int, int, date | None]],
                  false_clusters: set[int]) -> dict[int, Repeats]:
    """Return each outlet's Repeats from (cluster id, outlet id, publication day) per member.

    A cluster's earliest dated appearance(s) are original (ties: all of them); undated
    appearances count as repeats. A repeat of a cluster in ``false_clusters`` is a false
    repeat.
    """
    by_cluster: dict[int, list[tuple[int, date | None]]] = {}
    for cluster_id, outlet_id, day in members:
        by_cluster.setdefault(cluster_id, []).append((outlet_id, day))
    found: dict[int, Repeats] = {}
    for cluster_id, items in by_cluster.items():
        days = [d for _, d in items if d is not None]
        first = min(days) if days else None
        for outlet_id, day in items:
            rec = found.setdefault(outlet_id, Repeats())
            rec.clustered += 1
            if day is not None and day == first:
                rec.original += 1
            elif cluster_id in false_clusters:
                rec.false_repeats += 1
    return found


@dataclass
class TrackRecord:
    """One outlet's track record."""

    outlet_id: int
    verdicts: VerdictMix
    predictions: PredictionRecord
    months: list[Month]
    rule: SampleRule
    repeats: Repeats = field(default_factory=Repeats)


def build_track_records(
    scale: Sequence[Step],
    verdicts: Iterable[tuple[int, int | str, date | None, int]],
    predictions: Iterable[tuple[int, str | None, date, date | None]],
    rule: SampleRule,
    today: date,
    outlet_ids: Iterable[int] = (),
    repeats: dict[int, Repeats] | None = None,
) -> dict[int, TrackRecord]:
    """Return each outlet's track record.

    ``verdicts``: (outlet id, rating id or name, article publication day, how many) for the
    published verdicts; ``predictions``: (outlet id, outcome or None, resolves by, article
    publication day) per scheduled prediction. Outlets in ``outlet_ids`` get a record even
    when empty; ``repeats`` (build_repeats) adds their claim-cluster figures.
    """
    name_of = {s.id if s.id is not None else s.name: s.name for s in scale}
    name_of.update({s.name: s.name for s in scale})
    false_names = {s.name for s in scale if s.counts_false}
    records: dict[int, TrackRecord] = {}
    months: dict[int, dict[str, Month]] = {}

    def record(outlet_id: int) -> TrackRecord:
        found = records.get(outlet_id)
        if found is None:
            found = records[outlet_id] = TrackRecord(
                outlet_id, VerdictMix(dict.fromkeys((s.name for s in scale), 0)),
                PredictionRecord(), [], rule)
            months[outlet_id] = {}
        return found

    for outlet_id in outlet_ids:
        record(outlet_id)
    for outlet_id, rating, day, n in verdicts:
        mix = record(outlet_id).verdicts
        name = name_of[rating]
        mix.counts[name] += n
        mix.n += n
        false = n if name in false_names else 0
        mix.false += false
        mix.span.add(day)
        if day is not None:
            key = f"{day.year:04d}-{day.month:02d}"
            month = months[outlet_id].setdefault(key, Month(key))
            month.n += n
            month.false += false
    for outlet_id, outcome, resolves_by, day in predictions:
        rec = record(outlet_id).predictions
        if outcome is None:
            rec.pending += 1
            rec.due += resolves_by <= today
            continue
        rec.outcomes[outcome] += 1
        rec.span.add(day)
    for outlet_id, found in records.items():
        found.verdicts.below_rule = rule.check(found.verdicts.n, found.verdicts.span.days)
        found.predictions.below_rule = rule.check(found.predictions.decided,
                                                  found.predictions.span.days)
        found.months = [months[outlet_id][k] for k in sorted(months[outlet_id])]
    for outlet_id, rec in (repeats or {}).items():
        if outlet_id in records:
            records[outlet_id].repeats = rec
    return records


def rule_from(config) -> SampleRule:
    """Return the minimum-sample rule an app's configuration sets (TRACK_MIN_ITEMS/_DAYS)."""
    return SampleRule(int(config.get("TRACK_MIN_ITEMS", 15)), int(config.get("TRACK_MIN_DAYS", 21)))


def definitions(rule: SampleRule) -> dict[str, str]:
    """Return the track record's definitions with the rule's numbers filled in."""
    return {k: v.format(items=rule.min_items, days=rule.min_days) for k, v in DEFINITIONS.items()}
