"""The migrations build the schema the models describe, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from annotator.extensions import db
from annotator.models import Annotation, Unit
from tests.factories import make_article, make_assignment, make_queue, make_user


def test_models_and_migrations_agree(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_database_enforces_labels_and_foreign_keys(app):
    reviewer = make_user()
    article = make_article()
    queue = make_queue(reviewers=[reviewer], articles=[article])
    assignment = make_assignment(queue, article, reviewer)
    db.session.add(Annotation(assignment_id=assignment.id, unit_id=article.units[0].id,
                              label="rumour"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(Unit(article_id=999_999, position=0, kind="body", start=0, end=1, text="x"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_database_refuses_a_second_label_for_the_same_unit(app):
    reviewer = make_user()
    article = make_article()
    queue = make_queue(reviewers=[reviewer], articles=[article])
    assignment = make_assignment(queue, article, reviewer, labels={0: "fact"})
    db.session.add(Annotation(assignment_id=assignment.id, unit_id=article.units[0].id,
                              label="claim"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
