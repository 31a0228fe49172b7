"""Forms of the admin console: users, outlets, uploads, segmentation fixes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired, MultipleFileField
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Optional, ValidationError

from annotator.auth.services import AccountError, normalise_username
from annotator.inputs import DbIntegerField, InRange, Required, TooLong, db_int
from annotator.queues.forms import choices
from annotator.sanitize import clean_plain
from annotator.urls import normalise_url
from annotator.vocabulary import ROLES

ROLE_CHOICES = choices((r, r.capitalize()) for r in ROLES)


class UserForm(FlaskForm):
    username = StringField("Username", validators=[Required("Give a username.")],
                           description="Lower-case letters, digits, '.', '_' or '-'.",
                           render_kw={"autocomplete": "off"})
    display_name = StringField("Display name", validators=[TooLong(120, "This name")])
    role = SelectField("Role", choices=ROLE_CHOICES, default="reviewer")
    submit = SubmitField("Create user")

    def validate_username(self, field):
        try:
            field.data = normalise_username(field.data)
        except AccountError as exc:
            raise ValidationError(username_problem(field.data) or str(exc)) from exc

    def validate_display_name(self, field):
        field.data = clean_plain(field.data or "") or None


def username_problem(raw: str | None) -> str | None:
    """Say what is wrong with a refused username, rather than repeat the rules."""
    name = (raw or "").strip().lower()
    if not name:
        return "Give a username."
    if len(name) < 2:
        return f"“{name}” is one character; a username needs at least two."
    if len(name) > 64:
        return f"This username is {len(name)} characters long; the most is 64."
    bad = sorted({c for c in name if not (c.isascii() and (c.isalnum() or c in "._-"))})
    if bad:
        shown = ", ".join("a space" if c == " " else f"“{c}”" for c in bad)
        return (f"“{name}” contains {shown}, which a username cannot hold: use letters a-z, "
                "digits, '.', '_' or '-'.")
    if not name[0].isalnum():
        return f"“{name}” starts with “{name[0]}”; start with a letter or a digit."
    return None


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)
    submit = SubmitField("Change role")


class OutletRenameForm(FlaskForm):
    name = StringField("New name", validators=[Required("Give the outlet's new name."),
                                               TooLong(200, "This name")])
    submit = SubmitField("Rename")

    def validate_name(self, field):
        field.data = clean_plain(field.data or "")
        if not field.data:
            raise ValidationError("An outlet needs a name.")


class OutletMergeForm(FlaskForm):
    source = SelectField("Merge this outlet", coerce=db_int)
    target = SelectField("into this one", coerce=db_int)
    submit = SubmitField("Merge outlets")

    def validate_target(self, field):
        if field.data == self.source.data:
            raise ValidationError("Choose two different outlets.")


class UploadForm(FlaskForm):
    files = MultipleFileField("Article files", validators=[FileRequired("Choose a file.")],
                              description="Text (.txt), JSON lines (.jsonl) or CSV (.csv). "
                                          "A bad file is rejected whole; good ones are imported.")
    # The same rules as `flask import-articles --outlet --url`.
    outlet = StringField(
        "Outlet", validators=[Optional(), TooLong(200, "This outlet name")],
        description="The outlet the articles come from, used where a record names none. Leave "
                    "it empty to use each record's own outlet, else its URL's domain.")
    url = StringField(
        "Article URL", validators=[Optional(), TooLong(2000, "This URL")],
        description="The address of the article, for a single text file.",
        render_kw={"inputmode": "url", "autocomplete": "off"})
    submit = SubmitField("Import")

    def validate_outlet(self, field):
        field.data = clean_plain(field.data or "").strip() or None

    def validate_url(self, field):
        if not (field.data or "").strip():
            field.data = None
            return
        try:
            field.data = normalise_url(field.data)
        except ValueError as exc:
            raise ValidationError(f"This is not an address that can be stored: {exc}.") from None
        if len([f for f in self.files.data or [] if f]) > 1:
            raise ValidationError(
                f"A URL belongs to one article, and {len(self.files.data)} files are chosen: "
                "upload the file alone, or give each record its own url in a JSON lines or "
                "CSV file.")


class SplitForm(FlaskForm):
    at = DbIntegerField("Split after character",
                        validators=[InputRequired("Give the character to split after."),
                                    InRange(1, None, "characters into the sentence")])
    submit = SubmitField("Split")


class ActionForm(FlaskForm):
    """A bare POST button (merge, deactivate, reset password): only the CSRF token."""

    submit = SubmitField("Confirm")

