"""Forms for logging in, changing a password and creating API tokens."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo, Optional, ValidationError

from annotator.inputs import InRange, Required, TooLong, WholeNumberField

MIN_PASSWORD_LENGTH = 10


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[Required("Give your username."),
                                                   TooLong(64, "This username")],
                           render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField("Password", validators=[Required("Give your password."),
                                                     TooLong(200, "This password")],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()
    submit = SubmitField("Log in")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password",
                                     validators=[Required("Give your current password.")],
                                     render_kw={"autocomplete": "current-password",
                                                "autofocus": True})
    new_password = PasswordField(
        "New password",
        validators=[Required("Give a new password."), TooLong(200, "This password")],
        render_kw={"autocomplete": "new-password"},
        description=f"At least {MIN_PASSWORD_LENGTH} characters.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[Required("Type the new password a second time."),
                    EqualTo("new_password", message="The two entries differ: type the new "
                                                    "password the same way twice.")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Change password")

    def validate_new_password(self, field):
        if len(field.data) < MIN_PASSWORD_LENGTH:
            raise ValidationError(f"This password is {len(field.data)} characters long; use at "
                                  f"least {MIN_PASSWORD_LENGTH}.")
        if field.data and field.data == self.current_password.data:
            raise ValidationError("Choose a password different from the current one.")


class TokenForm(FlaskForm):
    name = StringField("Name", validators=[Required("Give the token a name."),
                                           TooLong(100, "This name")],
                       description="What the token is for, e.g. “newsroom scraper”.")
    expires_days = WholeNumberField("Expires after (days)",
                                    validators=[Optional(), InRange(1, 3650, "days (ten years)")],
                                description="Leave empty for a token that does not expire.")
    submit = SubmitField("Create token")
