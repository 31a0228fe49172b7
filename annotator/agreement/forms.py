"""The reports' filter form (read from the query string, so no CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False

    queue = SelectField("Queue", coerce=int, default=0)
    outlet = SelectField("Outlet", coerce=int, default=0)
    date_from = DateField("Published from", validators=[Optional()])
    date_to = DateField("Published to", validators=[Optional()])

    def set_choices(self, queues: list[tuple[int, str]], outlets: list[tuple[int, str]]) -> None:
        """Offer every queue and outlet, with 0 meaning all."""
        self.queue.choices = [(0, "All queues"), *queues]
        self.outlet.choices = [(0, "All outlets"), *outlets]

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")
