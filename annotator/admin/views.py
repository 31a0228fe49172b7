"""Admin console: the overview, users and outlets (articles are in article_views)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from annotator.admin import bp, services
from annotator.admin.forms import ActionForm, OutletMergeForm, OutletRenameForm, RoleForm, UserForm
from annotator.articles.models import Article, ImportBatch, Outlet
from annotator.auth import services as accounts
from annotator.auth.models import User
from annotator.extensions import db
from annotator.queues.forms import choices
from annotator.queues.models import Queue


@bp.route("/")
def index():
    """Show the admin overview with counts and links."""
    def count(model):
        return db.session.scalar(select(func.count()).select_from(model))

    return render_template("admin/index.html", users=count(User), outlets=count(Outlet),
                           articles=count(Article), queues=count(Queue),
                           batches=count(ImportBatch))


@bp.route("/users")
def users():
    """List users with their role and state, and a form to create one."""
    return _users_page(UserForm())


def _users_page(form: UserForm, status: int = 200):
    return render_template("admin/users.html", rows=services.list_users(), form=form,
                           role_form=RoleForm(), action=ActionForm()), status


@bp.route("/users/new", methods=["POST"])
def create_user():
    """Create a user with a one-time password, shown once."""
    form = UserForm()
    if not form.validate_on_submit():
        return _users_page(form, 400)
    try:
        user, password = accounts.create_user(form.username.data, form.role.data,
                                              display_name=form.display_name.data)
    except accounts.AccountError as exc:
        form.username.errors.append(str(exc))
        return _users_page(form, 400)
    return render_template("admin/one_time_password.html", user=user, password=password,
                           created=True)


@bp.route("/users/<int:user_id>/role", methods=["POST"])
def user_role(user_id: int):
    """Change a user's role."""
    form = RoleForm()
    if form.validate_on_submit():
        flash_result(lambda: services.set_role(user_id, form.role.data, current_user),
             "Role changed.")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
def deactivate_user(user_id: int):
    """Deactivate a user and end their sessions (users are never deleted)."""
    if ActionForm().validate_on_submit():
        flash_result(lambda: services.set_active(user_id, False, current_user),
             "User deactivated: they can no longer log in; their work is kept.")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
def reactivate_user(user_id: int):
    """Let a deactivated user log in again."""
    if ActionForm().validate_on_submit():
        flash_result(lambda: services.set_active(user_id, True, current_user), "User reactivated.")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
def reset_password(user_id: int):
    """Give a user a one-time password, shown once, and log out their sessions."""
    user = db.get_or_404(User, user_id, description="There is no such user.")
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.users"))
    password = accounts.reset_password(user)
    return render_template("admin/one_time_password.html", user=user, password=password,
                           created=False)


def flash_result(action, success: str) -> None:
    """Run an admin action, flashing its success or the reason it was refused."""
    try:
        action()
    except services.AdminError as exc:
        flash(str(exc), "error")
    else:
        flash(success, "success")


@bp.route("/outlets")
def outlets():
    """List outlets with their article counts; rename and merge them."""
    rows = services.outlets_with_counts()
    merge = OutletMergeForm()
    merge.source.choices = merge.target.choices = choices(
        (o.id, f"{o.name} ({n})") for o, n in rows)
    return render_template("admin/outlets.html", rows=rows, merge=merge,
                           rename=OutletRenameForm())


@bp.route("/outlets/<int:outlet_id>/rename", methods=["POST"])
def rename_outlet(outlet_id: int):
    """Rename an outlet."""
    form = OutletRenameForm()
    if form.validate_on_submit():
        flash_result(lambda: services.rename_outlet(outlet_id, form.name.data), "Outlet renamed.")
    else:
        flash(" ".join(form.name.errors) or "Give the outlet a name.", "error")
    return redirect(url_for("admin.outlets"))


@bp.route("/outlets/merge", methods=["POST"])
def merge_outlets():
    """Merge two outlets that are the same publisher."""
    form = OutletMergeForm()
    ids = choices((o.id, o.name) for o in db.session.scalars(select(Outlet)))
    form.source.choices = form.target.choices = ids
    if form.validate_on_submit():
        flash_result(lambda: services.merge_outlets(form.source.data, form.target.data),
             "Outlets merged: every article now belongs to the one you kept.")
    else:
        flash(" ".join(form.target.errors + form.source.errors) or "Choose two outlets.", "error")
    return redirect(url_for("admin.outlets"))
