"""The article filter as a form: queue, outlet and publication days, read from the query string.

Reports, exports and outlet pages share it (GET forms: they change nothing, so no CSRF token).
The admin article list has its own field names (annotator.queues.forms) for the same filter.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import Optional, ValidationError

from annotator.articles.queries import filter_choices
from annotator.filters import ArticleFilter
from annotator.inputs import DayField, db_int


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    queue = SelectField("Queue", coerce=db_int, default=0)
    outlet = SelectField("Outlet", coerce=db_int, default=0)
    date_from = DayField("Published from", validators=[Optional()])
    date_to = DayField("Published to", validators=[Optional()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        queues, outlets = filter_choices()
        self.queue.choices = [(0, "All queues"), *queues]
        self.outlet.choices = [(0, "All outlets"), *outlets]

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")

    def article_filter(self) -> ArticleFilter:
        """Return the filter of the fields that validated: an invalid field filters nothing."""
        ok = {name: not getattr(self, name).errors for name in ("queue", "outlet", "date_from",
                                                                "date_to")}
        return ArticleFilter(
            queue_id=(self.queue.data or None) if ok["queue"] else None,
            outlet_id=(self.outlet.data or None) if ok["outlet"] else None,
            date_from=self.date_from.data if ok["date_from"] else None,
            date_to=self.date_to.data if ok["date_to"] and ok["date_from"] else None,
        )

    def query_args(self) -> dict[str, str]:
        """Return the fields as given as query-string arguments, for links that keep them."""
        return ArticleFilter(queue_id=self.queue.data or None, outlet_id=self.outlet.data or None,
                             date_from=self.date_from.data, date_to=self.date_to.data).args()
