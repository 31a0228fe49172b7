"""Forms and request parsing for the reviewer workspace."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from annotator.annotations.services import TITLE_MAX_CHARS, SourceInput, WorkspaceError
from annotator.inputs import DbIntegerField, db_int
from annotator.sanitize import NOTE_MAX_CHARS
from annotator.urls import MAX_URL_LENGTH, normalise_url
from annotator.vocabulary import LABELS, STANCES

STANCE_CHOICES = [SelectChoice(stance, stance.capitalize()) for stance in STANCES]


class SourceForm(FlaskForm):
    """Add or edit a source linked to one sentence."""

    unit_id = DbIntegerField("Sentence", validators=[InputRequired()], widget=HiddenInput())
    url = StringField(
        "URL",
        validators=[DataRequired(), Length(max=MAX_URL_LENGTH)],
        description="http:// or https:// only; tracking parameters and #fragments are dropped.",
        render_kw={"type": "url", "inputmode": "url", "autocomplete": "off",
                   "pattern": "[Hh][Tt][Tt][Pp][Ss]?://.+", "spellcheck": "false"},
    )
    stance = RadioField("Stance", choices=STANCE_CHOICES, validators=[InputRequired()])
    title = StringField("Title (optional)", validators=[Optional(), Length(max=TITLE_MAX_CHARS)])
    note = TextAreaField(
        "Note (optional)",
        validators=[Optional(), Length(max=NOTE_MAX_CHARS)],
        description="A short note; <b>, <i>, <code> and http(s) links are kept, nothing else.",
        render_kw={"rows": 3},
    )

    def validate_url(self, field) -> None:
        """Refuse anything normalise_url refuses (javascript:, ftp:, credentials ...)."""
        try:
            normalise_url(field.data or "")
        except ValueError as exc:
            raise ValidationError(f"This URL cannot be used: {exc}.") from exc

    def to_input(self) -> SourceInput:
        """Return the form's data for the service."""
        return SourceInput(unit_id=self.unit_id.data, url=self.url.data, stance=self.stance.data,
                           title=self.title.data or "", note=self.note.data or "")


def parse_label_payload(payload: Any) -> tuple[int, str]:
    """Return (unit_id, label) from a JSON save request, or raise 400 with the reason."""
    if not isinstance(payload, dict):
        raise WorkspaceError(400, 'Send a JSON object: {"unit_id": <id>, "label": "<label>"}.')
    unit_id, label = payload.get("unit_id"), payload.get("label")
    if not isinstance(unit_id, int) or not _is_db_int(unit_id):
        raise WorkspaceError(400, "unit_id must be a sentence's id, a whole number.")
    if label not in LABELS:
        raise WorkspaceError(400, f"Unknown label {label!r}; use one of: {', '.join(LABELS)}.")
    return unit_id, label


def parse_label_button(value: str | None) -> tuple[int, str]:
    """Return (unit_id, label) from a label button's "<unit id>:<label>" value, or raise 400."""
    unit, _, label = (value or "").partition(":")
    if not (unit.isascii() and unit.isdigit() and _is_db_int(unit)):
        raise WorkspaceError(400, "Choose a label with one of the label buttons.")
    if label not in LABELS:
        raise WorkspaceError(400, f"Unknown label {label!r}; use one of: {', '.join(LABELS)}.")
    return int(unit), label


def _is_db_int(value: Any) -> bool:
    try:
        db_int(value)
    except ValueError:
        return False
    return True
