"""Forms for queues: settings and pool, adding and removing articles, skipping."""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.inputs import DayField, InRange, Required, TooLong, WholeNumberField, db_int
from annotator.models.articles import ImportBatch, Outlet
from annotator.models.auth import User
from annotator.models.queues import Queue
from annotator.queues.services import SKIP_REASON_LABELS, QueueError, QueueFields, check_pool_size
from annotator.sanitize import clean_plain


def choices(pairs) -> list[SelectChoice]:
    """Return (value, label) pairs as WTForms SelectChoice options."""
    return [SelectChoice(value, label) for value, label in pairs]


STATUS_CHOICES = [("open", "Open: hands out articles"), ("paused", "Paused: hands out nothing"),
                  ("closed", "Closed: finished, hands out nothing")]
ORDER_CHOICES = [("oldest", "Oldest first (publication date)"),
                 ("newest", "Newest first (publication date)"),
                 ("random", "Random (fixed when added)"),
                 ("fewest", "Fewest reviews first")]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (friendlier than a multi-select for a reviewer pool)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class IdListField(SelectMultipleField):
    """Ids posted from checkboxes of a list page; any id the database can hold is accepted here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, coerce=db_int, validate_choice=False, **kwargs)


class QueueForm(FlaskForm):
    name = StringField("Name", validators=[Required("Give the queue a name."),
                                           TooLong(120, "This name")])
    description = TextAreaField("Description",
                                validators=[Optional(), TooLong(2000, "This description")],
                                description="What reviewers should know about this queue.")
    overlap = WholeNumberField("Reviewers per article (overlap)", default=2,
                           validators=[InputRequired("Give how many reviewers label each "
                                                     "article, a whole number."),
                                       InRange(1, 10, "reviewers per article")],
                           description="1 to 10 different reviewers label each article.")
    reviewers = MultiCheckboxField("Reviewer pool", coerce=db_int, validate_choice=True)
    due_date = DayField("Due date", validators=[Optional()])
    status = SelectField("Status", choices=choices(STATUS_CHOICES), default="open")
    ordering = SelectField("Order", choices=choices(ORDER_CHOICES), default="oldest")
    lease_minutes = WholeNumberField(
        "Lease length (minutes)", default=120,
        validators=[InputRequired("Give the lease length in minutes, a whole number."),
                    InRange(1, 10080, "minutes (a week)")],
        description="How long a reviewer holds an article without saving a label before "
                    "its slot can go back to the pool. Every saved label renews it.")
    submit = SubmitField("Save queue")

    def __init__(self, *args, current_overlap: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # A new queue's pool must give its overlap; an existing queue's pool may shrink
        # (people leave: the progress page lists what can no longer be completed), but a
        # raised overlap must fit the pool.
        self.current_overlap = current_overlap
        users = db.session.scalars(
            select(User).where(User.active.is_(True)).order_by(User.role.desc(), User.username))
        self.reviewers.choices = choices((u.id, f"{u.label} ({u.role})") for u in users)

    def validate_name(self, field):
        field.data = clean_plain(field.data or "").strip()
        if not field.data:
            raise ValidationError("A queue needs a name.")

    def validate_reviewers(self, field):
        overlap = self.overlap.data
        raised = self.current_overlap is None or (isinstance(overlap, int)
                                                  and overlap > self.current_overlap)
        if raised and isinstance(overlap, int) and 1 <= overlap <= 10:
            try:
                check_pool_size(overlap, len(set(field.data or [])))
            except QueueError as exc:
                raise ValidationError(str(exc)) from exc

    def fields(self) -> QueueFields:
        """Return the queue settings typed into the form."""
        return QueueFields(name=self.name.data, overlap=self.overlap.data,
                           description=clean_plain(self.description.data or ""),
                           status=self.status.data, ordering=self.ordering.data,
                           lease_minutes=self.lease_minutes.data, due_date=self.due_date.data)


class _ArticleFilterFields(FlaskForm):
    """Filters shared by the article list and "add articles by filter"."""

    q = StringField("Search title or outlet",
                    validators=[Optional(), TooLong(200, "This search")])
    outlet = SelectField("Outlet", coerce=db_int, default=0, validators=[Optional()])
    since = DayField("Published from", validators=[Optional()])
    until = DayField("Published until", validators=[Optional()])
    batch = SelectField("Import batch", coerce=db_int, default=0, validators=[Optional()])
    queue = SelectField("In queue", coerce=db_int, default=0, validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outlet.choices = choices([(0, "Any outlet")] + [
            (o.id, o.name) for o in db.session.scalars(select(Outlet).order_by(Outlet.name))])
        self.batch.choices = choices([(0, "Any import")] + [
            (b.id, f"#{b.id} · {b.created_at:%Y-%m-%d %H:%M} · {b.imported} imported")
            for b in db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()))])
        self.queue.choices = choices([(0, "Any queue")] + [
            (q.id, q.name) for q in db.session.scalars(select(Queue).order_by(Queue.name))])

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The end date is before the start date.")

    def article_filter(self) -> ArticleFilter:
        """Return the filter the form describes."""
        return ArticleFilter(outlet_id=self.outlet.data or None, date_from=self.since.data,
                             date_to=self.until.data, batch_id=self.batch.data or None,
                             queue_id=self.queue.data or None,
                             search=(self.q.data or "").strip() or None)


class ArticleFilterForm(_ArticleFilterFields):
    """The article list's search form."""

    class Meta:
        csrf = False  # a GET search form; it changes nothing


class AddByFilterForm(_ArticleFilterFields):
    """Add every article matching a filter (or all of them) to a queue."""

    everything = BooleanField("Every article (ignore the filters)")
    submit = SubmitField("Add matching articles")

    def validate_everything(self, field):
        if not field.data and self.article_filter().is_empty:
            raise ValidationError("Choose at least one filter, or tick “every article”.")


class SelectionForm(FlaskForm):
    """Ids ticked on a list page, and the queue they go to."""

    article_ids = IdListField("Articles")
    queue = SelectField("Queue", coerce=db_int, choices=[], validate_choice=False,
                        validators=[Optional()])
    submit = SubmitField("Add selected to queue")

    def validate_article_ids(self, field):
        if not field.data:
            raise ValidationError("Tick at least one article.")


class SkipForm(FlaskForm):
    reason = RadioField("Why do you skip this article?",
                        choices=choices(SKIP_REASON_LABELS.items()),
                        validators=[InputRequired(message="Choose a reason.")])
    note = TextAreaField("Details", validators=[Optional(), TooLong(500, "This note")],
                         description="Needed when the reason is “Other”.")
    submit = SubmitField("Skip this article")

    def validate_note(self, field):
        field.data = clean_plain(field.data or "").strip()
        if self.reason.data == "other" and not field.data:
            raise ValidationError("Say why you skip this article.")


class ConfirmForm(FlaskForm):
    """A bare form for POST buttons (revoke, remove): only the CSRF token."""

    submit = SubmitField("Confirm")
