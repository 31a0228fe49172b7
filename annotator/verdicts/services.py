"""Verdicts' writes: record and publish verdicts, schedule and resolve predictions, and the
rating scale. Each is one write transaction, leaves a history row, and refuses a change made
from a stale page (the version it started from) instead of overwriting a colleague's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from annotator.annotations.services import source_columns
from annotator.database import write_transaction
from annotator.errors import VerdictError
from annotator.extensions import db
from annotator.models import (
    CheckHistory,
    CheckSource,
    Prediction,
    Rating,
    Verdict,
)
from annotator.sanitize import clean_note, clean_plain
from annotator.timeutil import utcnow
from annotator.verdicts import queries
from annotator.verdicts.track import Step
from annotator.vocabulary import (
    CHECKABLE_LABELS,
    DEFAULT_RATINGS,
    OUTCOMES,
    PREDICTION_LABEL,
    VerdictStatus,
)

RATING_NAME_MAX = 60
MAX_RATINGS = 10
MAX_SOURCES = 20
# A resolution date this far after the article is a typo, not a horizon.
MAX_HORIZON_YEARS = 100


@dataclass
class NewSource:
    """A source the lead typed in (rather than chose from the reviewers' links)."""

    url: str
    stance: str
    title: str = ""


@dataclass
class VerdictInput:
    rating: int | None  # the rating's position on the scale (1 = best)
    rationale: str
    link_ids: list[int] = field(default_factory=list)
    added: list[NewSource] = field(default_factory=list)
    version: int | None = None  # the verdict's version the form was built from (None: new)


def _require_lead(user) -> None:
    if not user.is_lead:
        raise VerdictError(403, "Only a lead or an admin can do this.")


def _source_rows(unit_id: int, link_ids: list[int], added: list[NewSource]) -> list[dict]:
    """Return the sources' stored columns, or raise 400 saying which one is refused."""
    rows: list[dict] = []
    if link_ids:
        links = {link.id: link for link in queries.linked_sources(unit_id)}
        for link_id in link_ids:
            link = links.get(link_id)
            if link is None:
                raise VerdictError(400, "That source is not linked to this sentence.")
            rows.append({"url": link.url, "domain": link.domain, "stance": link.stance,
                         "title": link.title, "source_link_id": link.id})
    for source in added:
        if not source.url.strip():
            continue
        rows.append({**source_columns(source.url, source.stance, source.title, VerdictError),
                     "source_link_id": None})
    if len(rows) > MAX_SOURCES:
        raise VerdictError(400, f"At most {MAX_SOURCES} sources per verdict.")
    return rows


def _history(user_id: int, action: str, state: dict, **owner) -> None:
    db.session.add(CheckHistory(user_id=user_id, action=action, changed_at=utcnow(),
                                snapshot=json.dumps(state, ensure_ascii=False, default=str),
                                **owner))


def _replace_sources(owner: dict, rows: list[dict]) -> None:
    db.session.query(CheckSource).filter_by(**owner).delete(synchronize_session=False)
    for row in rows:
        db.session.add(CheckSource(**owner, **row))


def ensure_scale() -> list[Rating]:
    """Return the stored scale, writing the default one first when none is stored."""
    rows = db.session.scalars(select(Rating).order_by(Rating.position)).all()
    if rows:
        return list(rows)
    for position, (name, score, false) in enumerate(DEFAULT_RATINGS, start=1):
        db.session.add(Rating(position=position, name=name, score=score, counts_false=false))
    db.session.flush()
    return list(db.session.scalars(select(Rating).order_by(Rating.position)))


def _bump(model, row_id: int, version: int | None, **values) -> None:
    """Update a row only if it is still at the version the form started from."""
    clause = [model.id == row_id]
    if version is not None:
        clause.append(model.version == version)
    changed = db.session.execute(
        update(model).where(*clause).values(version=model.version + 1, **values),
        execution_options={"synchronize_session": False}).rowcount
    if changed != 1:
        raise VerdictError(409, "Someone changed this since you opened the page; reload it "
                                "to see their version, then make your change again.")


def save_verdict(unit_id: int, user, data: VerdictInput) -> int:
    """Record a verdict on a sentence whose gold label is claim or fact, or change it.

    A change to a published verdict returns it to draft: a second lead publishes it again.
    Returns the verdict's id.
    """
    _require_lead(user)
    user_id = user.id
    rationale = clean_note(data.rationale or "")
    check = queries.unit_check(unit_id)
    if not check.checkable:
        raise VerdictError(400, "A verdict needs a sentence whose gold label is "
                                f"{' or '.join(CHECKABLE_LABELS)}.")
    queue_id = check.queue_for(CHECKABLE_LABELS)
    article_id, outlet_id = check.article.id, check.outlet.id
    existing_id = check.verdict.id if check.verdict else None
    if existing_id is not None and data.version is None:
        raise VerdictError(409, "This sentence already has a verdict; open it to change it.")
    try:
        return _write_verdict(unit_id, user_id, data, rationale, queue_id, article_id,
                              outlet_id, existing_id)
    except IntegrityError as exc:  # another lead's first verdict on it won the race
        raise VerdictError(409, "Another lead recorded a verdict on this sentence meanwhile; "
                                "open it to change it.") from exc


def _write_verdict(unit_id: int, user_id: int, data: VerdictInput, rationale: str,
                   queue_id: int | None, article_id: int, outlet_id: int,
                   existing_id: int | None) -> int:
    with write_transaction():
        ratings = {r.position: r for r in ensure_scale()}
        rating = ratings.get(data.rating)
        if rating is None:
            raise VerdictError(400, "Choose a rating from the scale.")
        sources = _source_rows(unit_id, data.link_ids, data.added)
        now = utcnow()
        if existing_id is None:
            if db.session.scalar(select(Verdict.id).where(Verdict.unit_id == unit_id)):
                raise VerdictError(409, "Another lead recorded a verdict on this sentence "
                                        "meanwhile; open it to change it.")
            verdict = Verdict(unit_id=unit_id, queue_id=queue_id, article_id=article_id,
                              outlet_id=outlet_id, rating_id=rating.id, rationale=rationale,
                              status=VerdictStatus.DRAFT, author_id=user_id, editor_id=user_id,
                              created_at=now, updated_at=now)
            db.session.add(verdict)
            db.session.flush()
            verdict_id, action = verdict.id, "created"
        else:
            verdict_id, action = existing_id, "edited"
            _bump(Verdict, verdict_id, data.version, rating_id=rating.id, rationale=rationale,
                  status=VerdictStatus.DRAFT, editor_id=user_id, published_by_id=None,
                  published_at=None, updated_at=now)
        _replace_sources({"verdict_id": verdict_id}, sources)
        _history(user_id, action, {"rating": rating.name, "status": VerdictStatus.DRAFT,
                                   "rationale": rationale,
                                   "sources": [(s["url"], s["stance"]) for s in sources]},
                 verdict_id=verdict_id)
    return verdict_id


def publish_verdict(verdict_id: int, user, version: int | None) -> None:
    """Publish a draft verdict: a lead other than its author and its last editor."""
    _require_lead(user)
    user_id = user.id
    with write_transaction():
        verdict = db.session.get(Verdict, verdict_id)
        if verdict is None:
            raise VerdictError(404, "There is no such verdict.")
        if verdict.status != VerdictStatus.DRAFT:
            raise VerdictError(409, "This verdict is already published.")
        if not verdict.can_publish(user):
            raise VerdictError(403, "A second lead publishes a verdict: not its author, nor "
                                    "whoever last changed it.")
        now = utcnow()
        rating = verdict.rating.name
        _bump(Verdict, verdict_id, version, status=VerdictStatus.PUBLISHED,
              published_by_id=user_id, published_at=now, updated_at=now)
        _history(user_id, "published", {"rating": rating, "status": VerdictStatus.PUBLISHED},
                 verdict_id=verdict_id)


def schedule_prediction(unit_id: int, user, resolves_by: date | None,
                        version: int | None = None) -> int:
    """Set (or move) the resolution date of a sentence whose gold label is prediction.

    Without a date the one the sentence states is taken; without either it is refused.
    """
    _require_lead(user)
    user_id = user.id
    check = queries.unit_check(unit_id)
    if not check.predictable:
        raise VerdictError(400, "A resolution date needs a sentence whose gold label is "
                                f"{PREDICTION_LABEL}.")
    basis = None
    if resolves_by is None:
        if check.suggestion is None:
            raise VerdictError(400, "The sentence states no date: set the resolution date.")
        resolves_by, basis = check.suggestion.due, check.suggestion.basis
    elif check.suggestion is not None and check.suggestion.due == resolves_by:
        basis = check.suggestion.basis
    published = queries.article_day(check.article)
    if resolves_by < published:
        raise VerdictError(400, "The resolution date cannot be before the article was "
                                f"published ({published.isoformat()}).")
    if resolves_by.year > published.year + MAX_HORIZON_YEARS:
        raise VerdictError(400, f"That date is more than {MAX_HORIZON_YEARS} years away.")
    existing = check.prediction
    queue_id = check.queue_for([PREDICTION_LABEL])
    article_id, outlet_id = check.article.id, check.outlet.id
    if existing is not None and existing.outcome is not None:
        raise VerdictError(409, "This prediction is already resolved.")
    existing_id = existing.id if existing else None
    try:
        return _write_schedule(unit_id, user_id, resolves_by, basis, version, queue_id,
                               article_id, outlet_id, existing_id)
    except IntegrityError as exc:
        raise VerdictError(409, "Another lead scheduled this prediction meanwhile.") from exc


def _write_schedule(unit_id: int, user_id: int, resolves_by: date, basis: str | None,
                    version: int | None, queue_id: int | None, article_id: int,
                    outlet_id: int, existing_id: int | None) -> int:
    with write_transaction():
        now = utcnow()
        if existing_id is None:
            if db.session.scalar(select(Prediction.id).where(Prediction.unit_id == unit_id)):
                raise VerdictError(409, "Another lead scheduled this prediction meanwhile.")
            prediction = Prediction(unit_id=unit_id, queue_id=queue_id, article_id=article_id,
                                    outlet_id=outlet_id, resolves_by=resolves_by,
                                    date_basis=basis, scheduled_by_id=user_id,
                                    created_at=now, updated_at=now)
            db.session.add(prediction)
            db.session.flush()
            existing_id = prediction.id
        else:
            _bump(Prediction, existing_id, version, resolves_by=resolves_by, date_basis=basis,
                  updated_at=now)
        _history(user_id, "scheduled", {"resolves_by": resolves_by.isoformat(),
                                        "basis": basis}, prediction_id=existing_id)
    return existing_id


@dataclass
class ResolveInput:
    outcome: str
    note: str
    link_ids: list[int] = field(default_factory=list)
    added: list[NewSource] = field(default_factory=list)
    version: int | None = None


def resolve_prediction(prediction_id: int, user, data: ResolveInput, today: date) -> None:
    """Record how a due prediction turned out, with its evidence."""
    _require_lead(user)
    user_id = user.id
    if data.outcome not in OUTCOMES:
        raise VerdictError(400, f"Unknown outcome {data.outcome!r}; use one of "
                                f"{', '.join(OUTCOMES)}.")
    note = clean_note(data.note or "")
    with write_transaction():
        prediction = db.session.get(Prediction, prediction_id)
        if prediction is None:
            raise VerdictError(404, "There is no such prediction.")
        if prediction.resolves_by > today:
            raise VerdictError(409, "This prediction is not due yet (it resolves by "
                                    f"{prediction.resolves_by.isoformat()}).")
        sources = _source_rows(prediction.unit_id, data.link_ids, data.added)
        now = utcnow()
        _bump(Prediction, prediction_id, data.version, outcome=data.outcome,
              outcome_note=note, resolved_by_id=user_id, resolved_at=now, updated_at=now)
        _replace_sources({"prediction_id": prediction_id}, sources)
        _history(user_id, "resolved", {"outcome": data.outcome, "note": note,
                                       "sources": [(s["url"], s["stance"]) for s in sources]},
                 prediction_id=prediction_id)


def save_scale(user, steps: list[Step]) -> None:
    """Replace the rating scale (an admin's), only while no verdict uses it."""
    if not user.is_admin:
        raise VerdictError(403, "Only an admin can change the rating scale.")
    names = [clean_plain(s.name)[:RATING_NAME_MAX] for s in steps]
    if not 2 <= len(names) <= MAX_RATINGS:
        raise VerdictError(400, f"A scale has between 2 and {MAX_RATINGS} ratings.")
    if any(not n for n in names) or len({n.lower() for n in names}) != len(names):
        raise VerdictError(400, "Every rating needs a name, and no two the same.")
    with write_transaction():
        if db.session.scalar(select(func.count()).select_from(Verdict)):
            raise VerdictError(409, "Verdicts use the scale already: it can no longer change.")
        db.session.query(Rating).delete(synchronize_session=False)
        db.session.flush()
        for position, (name, step) in enumerate(zip(names, steps, strict=True), start=1):
            db.session.add(Rating(position=position, name=name, score=step.score,
                                  counts_false=step.counts_false))
