"""Login, logout, password change and API token pages."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from annotator.auth import services, tokens
from annotator.auth.forms import ChangePasswordForm, LoginForm, TokenForm
from annotator.errors import AccountError
from annotator.security import is_safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and log the user in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        result = services.authenticate(form.username.data, form.password.data,
                                       request.remote_addr, request.user_agent.string)
        if result.user is not None:
            login_user(result.user)
            if result.user.must_change_password:
                flash("Choose your own password to replace the one-time password.", "info")
                return redirect(url_for("auth.change_password"))
            target = form.next.data
            return redirect(target if is_safe_next(target) else url_for("main.home"))
        form.form_errors.append(result.error)
        status = 429 if result.locked else 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (POST only, so a link on another site cannot log anyone out)."""
    services.end_session(current_user.login_session_id)
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/logout-everywhere", methods=["POST"])
def logout_everywhere():
    """Log out every session of the user, on every device, this one included."""
    services.end_every_session(current_user)
    logout_user()
    flash("You are logged out everywhere: each device must log in again.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    """Let the logged-in user change their own password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        error = services.change_password(current_user, form.current_password.data,
                                         form.new_password.data)
        if error is None:
            login_user(current_user._get_current_object())  # the session id changed
            flash("Your password is changed.", "success")
            return redirect(url_for("main.home"))
        form.current_password.errors.append(error)
    return render_template("auth/change_password.html", form=form,
                           status=400 if form.errors else 200), (400 if form.errors else 200)


@bp.route("/tokens", methods=["GET", "POST"])
def api_tokens():
    """List the user's API tokens (admins: everyone's) and create one, shown once."""
    form = TokenForm()
    created = None
    if form.validate_on_submit():
        try:
            created = tokens.create_token(current_user, form.name.data, form.expires_days.data)
        except AccountError as exc:
            form.name.errors.append(str(exc))
        else:
            form = TokenForm(formdata=None)
    status = 400 if form.errors else 200
    return render_template(
        "auth/tokens.html", form=form, created=created, state=tokens.token_state,
        mine=[(t, current_user) for t in tokens.user_tokens(current_user.id)],
        everyone=tokens.all_tokens() if current_user.is_admin else [],
    ), status


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(token_id: int):
    """Revoke one of the user's tokens (admins: anyone's); it stops working at once."""
    try:
        token = tokens.revoke_token(token_id, current_user)
    except AccountError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Token “{token.name}” revoked.", "success")
    return redirect(url_for("auth.api_tokens"))
