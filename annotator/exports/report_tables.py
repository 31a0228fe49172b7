"""Rows of the agreement report: articles, outlets, reviewers, source domains, overall.

Pure: figures in (the agreement rollup's, the outlet tally's, plain numbers), lists out, in
the column order of the *_FIELDS tuples. No Flask, no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annotator.agreement.presentation import group_verdict, outlet_warnings
from annotator.exports.metadata import iso
from annotator.outlets.tallies import UNRESOLVED, DomainFigures, OutletFigures
from annotator.vocabulary import LABELS, STANCES

ARTICLE_FIELDS = (
    "queue", "article_id", "title", "url", "outlet", "published_at", "reviewers", "sentences",
    "pairable_values", "alpha", "percent_agreement", "warnings",
)  # fmt: skip
OUTLET_FIELDS = (
    "outlet", "domain", "articles", "first_published", "last_published", "span_days",
    "sentences", "reviewers", "pairable_values", "alpha", "alpha_low", "alpha_high",
    "percent_agreement", *(f"n_{k}" for k in (*LABELS, UNRESOLVED)), "facts_and_claims",
    "supported_share", "contradicted_share", "self_only_share", "warnings",
)  # fmt: skip
REVIEWER_FIELDS = (
    "reviewer", "articles", "sentences", *(f"n_{label}" for label in LABELS),
    "shared_sentences", "kappa_with_colleagues", "percent_with_colleagues",
    "majority_sentences", "agrees_with_majority", "alpha_without", "alpha_change",
    "gold_sentences", "accuracy", "adjudicated_sentences", "adjudicated_accuracy", "warnings",
)  # fmt: skip
DOMAIN_FIELDS = (
    "domain", "citations", "sentences", *STANCES,
    "shared_sentences", "reviewer_pairs", "stance_agreement",
)  # fmt: skip


def value(stat: Any) -> float | None:
    """Return a Stat's value (None when undefined or absent)."""
    return None if stat is None else stat.value


def warnings_text(items: Sequence[str]) -> str:
    """Join warnings for one cell."""
    return "; ".join(items)


def article_row(queue: str, article_id: int, title: str, url: str | None, outlet: str,
                published_at, reviewers: int, sentences: int, pairable: int,
                alpha: float | None, percent: float | None, warnings: Sequence[str]) -> list:
    """Return one article's report row (ARTICLE_FIELDS)."""
    return [queue, article_id, title, url, outlet, iso(published_at), reviewers, sentences,
            pairable, alpha, percent, warnings_text(warnings)]


def outlet_row(figures: OutletFigures, agreement: Any | None) -> list:
    """Return one outlet's report row (OUTLET_FIELDS); agreement is a rollup GroupFigures."""
    a = agreement
    return [
        figures.name, figures.domain, figures.articles, iso(figures.first_published),
        iso(figures.last_published), figures.span_days, figures.sentences,
        a.reviewers if a else None, a.pairable_values if a else None,
        value(a.alpha) if a else None, a.interval.low if a else None,
        a.interval.high if a else None, value(a.percent_agreement) if a else None,
        *figures.mix.values(), figures.factual, figures.supported_share,
        figures.contradicted_share, figures.self_only_share,
        warnings_text(outlet_warnings(figures.articles, figures.span_days, a)),
    ]  # fmt: skip


def reviewer_row(name: str, figures: Any, accuracy: Any | None) -> list:
    """Return one reviewer's row (REVIEWER_FIELDS) from rollup ReviewerFigures and Accuracy."""
    f, acc = figures, accuracy
    return [
        name, f.articles, f.sentences, *f.label_counts, f.shared, value(f.kappa),
        value(f.percent_with_colleagues), f.majority_units, f.majority_share,
        value(f.alpha_without), f.alpha_change,
        acc.gold if acc else 0, acc.accuracy if acc else None,
        acc.adjudicated if acc else 0, acc.adjudicated_accuracy if acc else None,
        warnings_text(f.warnings),
    ]  # fmt: skip


def domain_row(d: DomainFigures) -> list:
    """Return one source domain's row (DOMAIN_FIELDS)."""
    return [d.domain, d.citations, d.sentences, d.stances["supports"], d.stances["contradicts"],
            d.stances["context"], d.shared_sentences, d.pairs, d.stance_agreement]


def overall_rows(overall: Any, settled: Any) -> list[list]:
    """Return the headline figures as (figure, value, note) rows."""
    interval = overall.interval
    return [
        ["figure", "value", "note"],
        ["articles", overall.articles, ""],
        ["sentences", overall.sentences, ""],
        ["reviewers", overall.reviewers, ""],
        ["pairable_values", overall.pairable_values, ""],
        ["alpha", value(overall.alpha), overall.alpha.reason or ""],
        ["alpha_low", interval.low, interval.reason or interval.method],
        ["alpha_high", interval.high, ""],
        ["alpha_verdict", group_verdict(overall).level, group_verdict(overall).headline],
        ["percent_agreement", value(overall.percent_agreement), ""],
        ["fleiss_kappa", value(overall.fleiss), ""],
        ["gwet_ac1", value(overall.ac1), ""],
        *[[f"alpha_{label}", value(stat), stat.reason or ""]
          for label, stat in overall.per_label.items()],
        ["sentences_unanimous", settled.unanimous, ""],
        ["sentences_majority", settled.majority, ""],
        ["sentences_adjudicated", settled.adjudicated, ""],
        ["sentences_unresolved", settled.unresolved, ""],
        ["warnings", warnings_text(overall.warnings), ""],
    ]  # fmt: skip
