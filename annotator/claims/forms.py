"""Forms of claim memory: a lead's decision on a pair, the queue option."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SubmitField
from wtforms.validators import InputRequired

from annotator.vocabulary import CLAIM_DECISIONS


class DecisionForm(FlaskForm):
    """Confirm ("the same claim") or reject ("not the same") a suggested pair."""

    decision = RadioField("Decision", choices=[SelectChoice(d, d) for d in CLAIM_DECISIONS],
                          validators=[InputRequired("Choose confirmed or rejected.")])


class QueueOptionForm(FlaskForm):
    """Show a queue's reviewers the sources linked to the same claim elsewhere (or not)."""

    show_sources = BooleanField("Show reviewers the sources linked to the same claim in other "
                                "articles' submitted work")
    submit = SubmitField("Save")
