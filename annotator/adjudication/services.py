"""Adjudication's write: a sentence's gold label in a queue (the disagreements: queries.py)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from annotator.agreement.services import bump_figures_version
from annotator.database import write_transaction
from annotator.errors import AdjudicationError
from annotator.extensions import db
from annotator.models import Adjudication, Annotation, Assignment
from annotator.sanitize import clean_plain
from annotator.timeutil import utcnow
from annotator.vocabulary import LABELS, Status

RATIONALE_MAX = 2000


def adjudicate(queue_id: int, unit_id: int, user, label: str, rationale: str) -> Adjudication:
    """Record (or change) the gold label of one sentence in one queue; labels stay as they are."""
    if not user.has_role("lead"):
        raise AdjudicationError(403, "Only a lead or an admin can adjudicate.")
    if label not in LABELS:
        raise AdjudicationError(400, f"Unknown label {label!r}; use one of {', '.join(LABELS)}.")
    rationale = clean_plain(rationale or "")[:RATIONALE_MAX]
    for attempt in (1, 2):
        try:
            return _save(queue_id, unit_id, user.id, label, rationale)
        except IntegrityError:
            # Another lead inserted the same (queue, sentence) first (PostgreSQL), rolled
            # back: update theirs.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _save(queue_id: int, unit_id: int, user_id: int, label: str, rationale: str) -> Adjudication:
    with write_transaction():
        labelled = db.session.scalar(
            select(func.count()).select_from(Assignment)
            .join(Annotation, Annotation.assignment_id == Assignment.id)
            .where(Assignment.queue_id == queue_id, Assignment.status == Status.SUBMITTED,
                   Annotation.unit_id == unit_id))  # fmt: skip
        if not labelled:
            raise AdjudicationError(404, "Nobody has submitted a label for this sentence here.")
        row = db.session.scalar(select(Adjudication).where(
            Adjudication.queue_id == queue_id, Adjudication.unit_id == unit_id)
            .with_for_update())
        if row is None:
            row = Adjudication(queue_id=queue_id, unit_id=unit_id)
            db.session.add(row)
        row.gold_label, row.rationale, row.adjudicator_id = label, rationale, user_id
        row.updated_at = utcnow()
        db.session.flush()
        bump_figures_version()  # the reports' settled counts and accuracy against gold
    return row
