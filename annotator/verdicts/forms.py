"""Forms: a verdict, a prediction's resolution date and outcome, the rating scale."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from annotator.inputs import InRange, TooLong, WholeNumberField, db_int
from annotator.verdicts.services import MAX_RATINGS, RATING_NAME_MAX, NewSource
from annotator.vocabulary import OUTCOME_NAMES, OUTCOMES, STANCES

NEW_SOURCES = 2


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SourceEntry(Form):
    url = StringField("URL", validators=[Optional(), TooLong(2048, "This URL")])
    stance = SelectField("Stance", choices=[SelectChoice(s, s) for s in STANCES],
                         default=STANCES[0])
    title = StringField("Title", validators=[Optional(), TooLong(300, "This title")])


def _version(value):
    return db_int(value) if value not in (None, "") else None


class _WithSources(FlaskForm):
    links = CheckboxList("Sources the reviewers linked", coerce=db_int, choices=[])
    added = FieldList(FormField(SourceEntry), "Add a source", min_entries=NEW_SOURCES,
                      max_entries=NEW_SOURCES)
    version = HiddenField(filters=[_version])

    def set_links(self, links) -> None:
        self.links.choices = [SelectChoice(link.id, f"{link.stance}: {link.domain}"
                                           + (f" — {link.title}" if link.title else ""))
                              for link in links]

    def new_sources(self) -> list[NewSource]:
        return [NewSource(e.url.data or "", e.stance.data, e.title.data or "")
                for e in self.added.entries if (e.url.data or "").strip()]


class VerdictForm(_WithSources):
    rating = RadioField("Rating", coerce=db_int, choices=[],
                        validators=[InputRequired("Choose a rating.")])
    rationale = TextAreaField(
        "Rationale", validators=[TooLong(20000, "This rationale")], render_kw={"rows": 5},
        description="What the sources show. A few inline tags (b, i, a, ...) are kept.")
    submit = SubmitField("Save draft verdict")


class PublishForm(FlaskForm):
    version = HiddenField(filters=[_version])
    submit = SubmitField("Publish verdict")


class ScheduleForm(FlaskForm):
    resolves_by = DateField("Resolves by", validators=[Optional()],
                            description="Leave empty to take the date the sentence states.")
    version = HiddenField(filters=[_version])
    submit = SubmitField("Save resolution date")


class ResolveForm(_WithSources):
    outcome = RadioField("Outcome", choices=[SelectChoice(o, OUTCOME_NAMES[o]) for o in OUTCOMES],
                         validators=[InputRequired("Choose the outcome.")])
    note = TextAreaField("What happened", validators=[TooLong(20000, "This note")],
                         render_kw={"rows": 4})
    submit = SubmitField("Record outcome")


class RatingEntry(Form):
    name = StringField("Name", validators=[Optional(), TooLong(RATING_NAME_MAX, "This name")])
    score = WholeNumberField("Score", validators=[Optional(), InRange(0, 100, "points")],
                         description="ClaimReview ratingValue; empty: off the numeric scale.")
    counts_false = BooleanField("Counts as false")


class ScaleForm(FlaskForm):
    ratings = FieldList(FormField(RatingEntry), min_entries=MAX_RATINGS,
                        max_entries=MAX_RATINGS)
    submit = SubmitField("Save the scale")
