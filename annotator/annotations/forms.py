"""Forms and request parsing for the reviewer workspace."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError
from wtforms.widgets import HiddenInput

from annotator.annotations.services import TITLE_MAX_CHARS, SourceInput, WorkspaceError
from annotator.inputs import DbIntegerField, Required, TooLong, db_int
from annotator.sanitize import NOTE_MAX_CHARS
from annotator.urls import MAX_URL_LENGTH, normalise_url
from annotator.vocabulary import LABEL_INITIALS, LABELS, STANCES

STANCE_CHOICES = [SelectChoice(stance, stance.capitalize()) for stance in STANCES]


class SourceForm(FlaskForm):
    """Add or edit a source linked to one sentence."""

    unit_id = DbIntegerField("Sentence", validators=[InputRequired(
        "The form lost which sentence the source is for: go back to the article and add "
        "it from there.")], widget=HiddenInput())
    url = StringField(
        "URL",
        validators=[Required("Give the source's address."), TooLong(MAX_URL_LENGTH, "This URL")],
        description="http:// or https:// only; tracking parameters and #fragments are dropped.",
        render_kw={"type": "url", "inputmode": "url", "autocomplete": "off",
                   "pattern": "[Hh][Tt][Tt][Pp][Ss]?://.+", "spellcheck": "false"},
    )
    stance = RadioField("Stance", choices=STANCE_CHOICES, validators=[InputRequired(
        "Choose whether the source supports, contradicts or gives context to the sentence.")])
    title = StringField("Title (optional)",
                        validators=[Optional(), TooLong(TITLE_MAX_CHARS, "This title")])
    note = TextAreaField(
        "Note (optional)",
        validators=[Optional(), TooLong(NOTE_MAX_CHARS, "This note")],
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


def parse_label_payload(payload: Any) -> tuple[int, str | None]:
    """Return (unit_id, label) from a JSON save request, or raise 400 with the reason.

    A null label clears the sentence's label; the key must be there all the same, so a
    payload that forgot it is not taken for a clear.
    """
    if not isinstance(payload, dict):
        raise WorkspaceError(400, 'Send a JSON object: {"unit_id": <id>, "label": "<label>"}.')
    unit_id, label = payload.get("unit_id"), payload.get("label")
    if not isinstance(unit_id, int) or isinstance(unit_id, bool) or not _is_db_int(unit_id):
        raise WorkspaceError(400, "unit_id must be a sentence's id, a whole number.")
    if "label" not in payload:
        raise WorkspaceError(400, 'Say which label: "label": one of '
                                  f"{', '.join(LABELS)}, or null to clear it.")
    if label is not None and label not in LABELS:
        raise WorkspaceError(400, f"Unknown label {label!r}; use one of: {', '.join(LABELS)}.")
    return unit_id, label


_SOURCE_TEXT_LIMITS = {"url": MAX_URL_LENGTH, "title": TITLE_MAX_CHARS, "note": NOTE_MAX_CHARS}


def parse_source_payload(payload: Any) -> SourceInput:
    """Return a source from a JSON request of the page's script, or raise 400 with the reason.

    The same rules as SourceForm: a sentence id, an http(s) URL, one of the stances; title
    and note optional and bounded. The service normalises and sanitises what passes.
    """
    if not isinstance(payload, dict):
        raise WorkspaceError(400, 'Send a JSON object: {"unit_id": <id>, "url": "https://...", '
                                  f'"stance": one of {", ".join(STANCES)}}}.')
    unit_id = payload.get("unit_id")
    if not isinstance(unit_id, int) or isinstance(unit_id, bool) or not _is_db_int(unit_id):
        raise WorkspaceError(400, "unit_id must be a sentence's id, a whole number.")
    texts = {}
    for name, limit in _SOURCE_TEXT_LIMITS.items():
        value = payload.get(name) or ""
        if not isinstance(value, str):
            raise WorkspaceError(400, f"{name} must be text.")
        if len(value) > limit:
            raise WorkspaceError(400, f"{name} is {len(value)} characters long; "
                                      f"at most {limit} are kept.")
        texts[name] = value.strip()
    if not texts["url"]:
        raise WorkspaceError(400, "Give the source's URL (http:// or https://).")
    stance = payload.get("stance")
    if stance not in STANCES:
        raise WorkspaceError(400, f"Choose a stance: one of {', '.join(STANCES)}.")
    return SourceInput(unit_id=unit_id, url=texts["url"], stance=stance, title=texts["title"],
                       note=texts["note"])


def parse_label_button(value: str | None) -> tuple[int, str]:
    """Return (unit_id, label) from an older label button's "<unit id>:<label>", or raise 400."""
    unit, _, label = (value or "").partition(":")
    if not (unit.isascii() and unit.isdigit() and _is_db_int(unit)):
        raise WorkspaceError(400, "Choose a label with one of the label buttons.")
    label = LABEL_INITIALS.get(label, label)
    if label not in LABELS:
        raise WorkspaceError(400, f"Unknown label {label!r}; use one of: {', '.join(LABELS)}.")
    return int(unit), label


def parse_position_button(form: Mapping[str, str]) -> tuple[int, str]:
    """Return (position, label) from a label button's plain form post, or raise 400.

    The page's buttons carry no value, only a name: "<position><label's initial>" ("12c"), so
    the post is "12c=" beside the CSRF token. A long article has 1200 buttons; this keeps
    them short, and positions stay three digits however large the ids grow.
    """
    names = [name for name in form if name != "csrf_token"]
    if len(names) != 1:
        raise WorkspaceError(400, "Choose a label with one of the label buttons.")
    position, initial = names[0][:-1], names[0][-1:]
    if not (position.isascii() and position.isdigit() and _is_db_int(position)):
        raise WorkspaceError(400, "Choose a label with one of the label buttons.")
    if initial not in LABEL_INITIALS:
        raise WorkspaceError(400, f"Unknown label {initial!r}; use one of: {', '.join(LABELS)}.")
    return int(position), LABEL_INITIALS[initial]


def _is_db_int(value: Any) -> bool:
    try:
        db_int(value)
    except ValueError:
        return False
    return True
