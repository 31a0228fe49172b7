"""Admin console: the overview, users, outlets, articles and uploads."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from annotator.admin import queries, services
from annotator.admin.forms import (
    ActionForm,
    OutletMergeForm,
    OutletRenameForm,
    RoleForm,
    SplitForm,
    UploadForm,
    UserForm,
)
from annotator.articles.queries import article_page, outlet_choices
from annotator.auth import services as accounts
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.inputs import body_limit, db_int
from annotator.models.articles import Article
from annotator.models.auth import User
from annotator.queues.forms import ArticleFilterForm, SelectionForm, choices
from annotator.queues.queries import queue_choices
from annotator.security import require_role_for_blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
require_role_for_blueprint(bp, "admin")

PER_PAGE = 50


@bp.route("/")
def index():
    """Show the admin overview with counts and links."""
    return render_template("admin/index.html", **queries.counts())


@bp.route("/users")
def users():
    """List users with their role and state, and a form to create one."""
    return _users_page(UserForm())


def _users_page(form: UserForm, status: int = 200):
    return render_template("admin/users.html", rows=queries.list_users(), form=form,
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
    rows = queries.outlets_with_counts()
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
    ids = choices(outlet_choices())
    form.source.choices = form.target.choices = ids
    if form.validate_on_submit():
        flash_result(lambda: services.merge_outlets(form.source.data, form.target.data),
             "Outlets merged: every article now belongs to the one you kept.")
    else:
        flash(" ".join(form.target.errors + form.source.errors) or "Choose two outlets.", "error")
    return redirect(url_for("admin.outlets"))



@bp.route("/articles")
def articles():
    """List articles with search, filters and pagination; tick some to add to a queue."""
    filters = ArticleFilterForm(request.args)
    chosen = filters.article_filter() if filters.validate() else ArticleFilter()
    page, units = article_page(chosen, request.args.get("page", 1, type=db_int), PER_PAGE)
    selection = SelectionForm()
    selection.queue.choices = choices(queue_choices())
    args = {k: v for k, v in request.args.items() if k != "page" and v not in ("", "0")}
    return render_template("admin/articles.html", page=page, units=units, filters=filters,
                           selection=selection, args=args)


@bp.route("/articles/<int:article_id>")
def article(article_id: int):
    """Show an article's units, with merge and split while nobody has annotated it."""
    item = db.get_or_404(Article, article_id, description="There is no such article.")
    return render_template("admin/article.html", article=item,
                           fixable=not queries.is_annotated(article_id),
                           action=ActionForm(), split=SplitForm())


@bp.route("/articles/<int:article_id>/units/<int:position>/merge", methods=["POST"])
def merge_units(article_id: int, position: int):
    """Merge a unit with the next one."""
    if ActionForm().validate_on_submit():
        flash_result(lambda: services.merge_units(article_id, position), "Sentences merged.")
    return redirect(url_for("admin.article", article_id=article_id, _anchor=f"u{position}"))


@bp.route("/articles/<int:article_id>/units/<int:position>/split", methods=["POST"])
def split_unit(article_id: int, position: int):
    """Split a unit in two at a character position."""
    form = SplitForm()
    if form.validate_on_submit():
        flash_result(lambda: services.split_unit(article_id, position, form.at.data),
             "Sentence split.")
    else:
        flash("Give the character position to split after.", "error")
    return redirect(url_for("admin.article", article_id=article_id, _anchor=f"u{position}"))


@bp.route("/upload", methods=["GET", "POST"])
@body_limit("MAX_CONTENT_LENGTH")
def upload():
    """Import uploaded article files, reporting what happened to each file."""
    form = UploadForm()
    if form.validate_on_submit():
        report = services.import_uploads(form.files.data, current_user.id,
                                         outlet=form.outlet.data or None,
                                         url=form.url.data or None)
        return render_template("admin/upload.html", form=UploadForm(), report=report,
                               outlet=form.outlet.data or None,
                               outlet_names=queries.outlet_names())
    return render_template("admin/upload.html", form=form, report=None,
                           outlet_names=queries.outlet_names()), 400 if form.errors else 200
