"""Outlet reliability and source-domain figures, tallied from a stream of labelled sentences.

Pure: no Flask, no database. Feed :meth:`Tally.add` every UnitLabels of a filter (article
order); read the per-outlet and per-domain figures afterwards. Memory grows with the number
of outlets and cited domains, never with the number of labels.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations

from annotator.agreement.presentation import MIN_ARTICLES, MIN_SPAN_DAYS, sample_warnings
from annotator.stats.sentences import UnitLabels, decide
from annotator.vocabulary import LABELS, STANCES

FACTUAL = ("fact", "claim")
UNRESOLVED = "unresolved"
MIXED = "mixed"  # a reviewer who linked one domain to one sentence with different stances

DEFINITIONS = {
    "sentences": "Labelled sentences (a sentence labelled in two queues counts once per queue).",
    "label mix": "Sentences by their gold label: adjudicated, else unanimous, else majority "
                 "(more than half of the labels); 'unresolved' when none applies.",
    "facts and claims": "Sentences whose gold-or-majority label is fact or claim: the base of "
                        "the three source shares.",
    "supported": "Share of facts and claims with at least one source a reviewer marked "
                 "'supports'.",
    "contradicted": "Share of facts and claims with at least one source a reviewer marked "
                    "'contradicts'.",
    "self only": "Share of facts and claims whose supporting sources all come from the "
                 "outlet's own domain (corroborated only by the outlet itself); part of "
                 "'supported'.",
    "warnings": f"'too few articles' below {MIN_ARTICLES} articles; 'too short a span' when "
                f"the articles' publication dates span less than {MIN_SPAN_DAYS} days.",
    "domain citations": "Source links to the domain in submitted work; stance mix counts them.",
    "stance agreement": "For sentences where two or more reviewers linked the same domain: "
                        "the share of reviewer pairs that gave it the same stance (a reviewer "
                        "who gave one domain two stances on one sentence counts as 'mixed', "
                        "which agrees with nothing).",
}


def share(part: int, whole: int) -> float | None:
    """Return part / whole, or None when whole is 0."""
    return part / whole if whole else None


@dataclass
class OutletFigures:
    """Everything the outlet page and the outlet export show, but agreement."""

    outlet_id: int
    name: str
    domain: str | None = None
    articles: int = 0
    first_published: datetime | None = None
    last_published: datetime | None = None
    sentences: int = 0
    mix: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys((*LABELS, UNRESOLVED), 0))
    factual: int = 0
    supported: int = 0
    contradicted: int = 0
    self_only: int = 0
    _last_article: int | None = None

    @property
    def span_days(self) -> int | None:
        """Return the days between the first and last publication date, or None."""
        if self.first_published is None or self.last_published is None:
            return None
        return (self.last_published - self.first_published).days

    @property
    def mix_shares(self) -> dict[str, float | None]:
        """Return each label's (and unresolved's) share of the sentences."""
        return {k: share(v, self.sentences) for k, v in self.mix.items()}

    @property
    def supported_share(self) -> float | None:
        return share(self.supported, self.factual)

    @property
    def contradicted_share(self) -> float | None:
        return share(self.contradicted, self.factual)

    @property
    def self_only_share(self) -> float | None:
        return share(self.self_only, self.factual)

    @property
    def warnings(self) -> list[str]:
        """Return the small-sample warnings for this outlet (agreement.presentation's rules)."""
        return sample_warnings(self.articles, self.span_days)


@dataclass
class DomainFigures:
    """How reviewers cite one source domain."""

    domain: str
    citations: int = 0
    stances: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STANCES, 0))
    sentences: int = 0
    shared_sentences: int = 0  # sentences where two or more reviewers linked it
    pairs: int = 0
    agreeing_pairs: int = 0

    @property
    def stance_agreement(self) -> float | None:
        """Return the share of reviewer pairs that gave the domain the same stance."""
        return share(self.agreeing_pairs, self.pairs)


class DomainTally:
    """Accumulate source-domain figures, one sentence's source links at a time."""

    def __init__(self) -> None:
        self.domains: dict[str, DomainFigures] = {}

    def add_sentence(self, links: Iterable[tuple[int, str, str]]) -> None:
        """Add the (reviewer id, domain, stance) links of one sentence in one queue."""
        by_domain: dict[str, dict[int, str]] = {}
        for reviewer_id, domain, stance in links:
            fig = self.domains.get(domain)
            if fig is None:
                fig = self.domains[domain] = DomainFigures(domain)
            fig.citations += 1
            fig.stances[stance] += 1
            seen = by_domain.setdefault(domain, {})
            previous = seen.get(reviewer_id)
            seen[reviewer_id] = stance if previous in (None, stance) else MIXED
        for domain, stance_of in by_domain.items():
            fig = self.domains[domain]
            fig.sentences += 1
            if len(stance_of) >= 2:
                fig.shared_sentences += 1
                for a, b in combinations(stance_of.values(), 2):
                    fig.pairs += 1
                    fig.agreeing_pairs += a == b and a != MIXED

    def ranked(self) -> list[DomainFigures]:
        """Return the domains, most cited first."""
        return sorted(self.domains.values(), key=lambda d: (-d.citations, d.domain))


class Tally:
    """Accumulate outlet figures (and source domains) over labelled sentences."""

    def __init__(self) -> None:
        self.outlets: dict[int, OutletFigures] = {}
        self.domains = DomainTally()

    def add_all(self, units: Iterable[UnitLabels]) -> Tally:
        """Add every unit; return self."""
        for unit in units:
            self.add(unit)
        return self

    def add(self, unit: UnitLabels) -> None:
        """Add one labelled sentence (with its sources and any adjudication)."""
        out = self.outlets.get(unit.outlet_id)
        if out is None:
            out = self.outlets[unit.outlet_id] = OutletFigures(unit.outlet_id, unit.outlet)
        if out._last_article != unit.article_id:  # units come grouped by article
            out._last_article = unit.article_id
            out.articles += 1
            out.domain = out.domain or unit.outlet_domain
            if unit.published_at is not None:
                if out.first_published is None or unit.published_at < out.first_published:
                    out.first_published = unit.published_at
                if out.last_published is None or unit.published_at > out.last_published:
                    out.last_published = unit.published_at
        out.sentences += 1
        decision = decide([lab.label for lab in unit.labels],
                          unit.gold.label if unit.gold else None)
        out.mix[decision.label or UNRESOLVED] += 1
        if decision.label in FACTUAL:
            self._sources(out, unit)
        self.domains.add_sentence((lab.reviewer_id, d, s)
                                  for lab in unit.labels for _, d, s in lab.sources)

    @staticmethod
    def _sources(out: OutletFigures, unit: UnitLabels) -> None:
        out.factual += 1
        supporting = {d for lab in unit.labels for _, d, s in lab.sources if s == "supports"}
        if supporting:
            out.supported += 1
            if unit.outlet_domain and supporting == {unit.outlet_domain}:
                out.self_only += 1
        if any(s == "contradicts" for lab in unit.labels for _, _, s in lab.sources):
            out.contradicted += 1
