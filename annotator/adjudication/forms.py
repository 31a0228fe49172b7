"""The gold-label form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from annotator.adjudication.services import RATIONALE_MAX
from annotator.inputs import TooLong
from annotator.vocabulary import LABELS


class AdjudicationForm(FlaskForm):
    label = RadioField("Gold label", choices=[SelectChoice(label, label) for label in LABELS],
                       validators=[InputRequired("Choose the gold label.")])
    rationale = TextAreaField(
        "Rationale", validators=[TooLong(RATIONALE_MAX, "This rationale")],
        description="Why this label: what the reviewers missed, which guideline applies.",
        render_kw={"rows": 3},
    )
    submit = SubmitField("Save gold label")
