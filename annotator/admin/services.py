"""Admin operations: users, outlets, uploads, and fixing an article's segmentation."""

from __future__ import annotations

import secrets

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from annotator.admin import queries
from annotator.agreement.services import bump_figures_version
from annotator.articles.services import import_sources, upload_name
from annotator.claims import services as claim_services
from annotator.database import write_transaction
from annotator.errors import AdminError
from annotator.extensions import db
from annotator.models.articles import Article, Outlet, Unit
from annotator.models.auth import User
from annotator.models.verdicts import Prediction, Verdict
from annotator.vocabulary import ROLES

# --- users ----------------------------------------------------------------------------------


def _other_active_admins(user_id: int) -> int:
    return db.session.scalar(select(func.count()).where(
        User.role == "admin", User.active.is_(True), User.id != user_id)) or 0


def set_role(user_id: int, role: str, acting: User) -> User:
    """Change a user's role; the last active admin keeps theirs."""
    if role not in ROLES:
        raise AdminError(f"Unknown role {role!r}.")
    acting_id = acting.id
    with write_transaction():
        user = db.session.get(User, user_id)
        if user is None:
            raise AdminError("There is no such user.")
        if user.role == "admin" and role != "admin" and not _other_active_admins(user.id):
            raise AdminError("This is the last active admin; make someone else admin first.")
        if user.id == acting_id and role != "admin":
            raise AdminError("You cannot take the admin role from yourself.")
        user.role = role
    return user


def set_active(user_id: int, active: bool, acting: User) -> User:
    """Deactivate (logging out every session) or reactivate a user; nobody is deleted."""
    acting_id = acting.id
    with write_transaction():
        user = db.session.get(User, user_id)
        if user is None:
            raise AdminError("There is no such user.")
        if not active and user.id == acting_id:
            raise AdminError("You cannot deactivate yourself.")
        if not active and user.role == "admin" and not _other_active_admins(user.id):
            raise AdminError("This is the last active admin.")
        user.active = active
        if not active:
            user.session_token = secrets.token_hex(16)
    return user


# --- outlets --------------------------------------------------------------------------------


def rename_outlet(outlet_id: int, name: str) -> Outlet:
    """Rename an outlet; names stay unique."""
    name = name.strip()
    try:
        with write_transaction():
            outlet = db.session.get(Outlet, outlet_id)
            if outlet is None:
                raise AdminError("There is no such outlet.")
            clash = db.session.scalar(
                select(Outlet.id).where(Outlet.name == name, Outlet.id != outlet_id))
            if clash is not None:
                raise AdminError(
                    f"An outlet named {name!r} exists already: merge the two instead.")
            outlet.name = name
            db.session.flush()
            bump_figures_version()  # a filter by outlet name or search text may select anew
    except IntegrityError as exc:  # a parallel rename took the name
        raise AdminError(f"An outlet named {name!r} exists already.") from exc
    return outlet


def merge_outlets(source_id: int, target_id: int) -> int:
    """Move every article of source to target, delete source; return articles moved."""
    if source_id == target_id:
        raise AdminError("Choose two different outlets.")
    with write_transaction():
        source = db.session.get(Outlet, source_id)
        target = db.session.get(Outlet, target_id)
        if source is None or target is None:
            raise AdminError("There is no such outlet.")
        moved = db.session.execute(
            update(Article).where(Article.outlet_id == source_id).values(outlet_id=target_id)
        ).rowcount
        # Verdicts and predictions keep their article's outlet (their track-record index).
        for model in (Verdict, Prediction):
            db.session.execute(update(model).where(model.outlet_id == source_id)
                               .values(outlet_id=target_id))
        domain = source.domain
        db.session.delete(source)
        db.session.flush()
        if target.domain is None and domain:
            target.domain = domain  # keep the publisher's domain for source-link checks
        bump_figures_version()  # the reports group articles by outlet
    return moved


# --- fixing segmentation --------------------------------------------------------------------


def _units_for_edit(article_id: int) -> tuple[Article, list[Unit]]:
    """Lock the article in the caller's write transaction; return it and its units in order."""
    # FOR UPDATE on PostgreSQL: two admins fixing the same article take turns.
    article = db.session.get(Article, article_id, with_for_update=True)
    if article is None:
        raise AdminError("There is no such article.")
    if queries.is_annotated(article_id):
        raise AdminError("Someone has annotated this article already: its sentences are fixed.")
    units = db.session.scalars(
        select(Unit).where(Unit.article_id == article_id).order_by(Unit.position)).all()
    return article, list(units)


def _shift(units: list[Unit], delta: int) -> None:
    """Move units' positions by delta, one row at a time so (article, position) stays unique."""
    moves = sorted(((u.position, u.id) for u in units), reverse=delta > 0)
    for position, unit_id in moves:
        db.session.execute(update(Unit).where(Unit.id == unit_id).values(position=position + delta))


def merge_units(article_id: int, position: int) -> None:
    """Merge the unit at position with the next one (same kind), keeping offsets valid."""
    with write_transaction():
        article, units = _units_for_edit(article_id)
        if not 0 <= position < len(units) - 1:
            raise AdminError("There is no next sentence to merge with.")
        first, second = units[position], units[position + 1]
        if first.kind != second.kind:
            raise AdminError(f"A {first.kind} cannot be merged with a {second.kind}.")
        later, start, end = units[position + 2:], first.start, second.end
        claim_services.forget_units(article_id, [(first.id, first.text),
                                                 (second.id, second.text)])
        db.session.execute(delete(Unit).where(Unit.id == second.id))
        db.session.execute(update(Unit).where(Unit.id == first.id).values(
            end=end, text=article.text[start:end]))
        _shift(later, -1)
    claim_services.match_queued()


def split_unit(article_id: int, position: int, at: int) -> None:
    """Split the unit at position after its `at`-th character; whitespace at the cut drops."""
    with write_transaction():
        article, units = _units_for_edit(article_id)
        if not 0 <= position < len(units):
            raise AdminError("There is no such sentence.")
        unit = units[position]
        if not 0 < at < unit.end - unit.start:
            raise AdminError("Split inside the sentence: both parts need some text "
                             f"(it has {unit.end - unit.start} characters).")
        cut = unit.start + at
        left_end, right_start = cut, cut
        while left_end > unit.start and article.text[left_end - 1].isspace():
            left_end -= 1
        while right_start < unit.end and article.text[right_start].isspace():
            right_start += 1
        if not (unit.start < left_end and right_start < unit.end):
            raise AdminError("Split inside the sentence: both parts need some text.")
        start, end, kind = unit.start, unit.end, unit.kind
        claim_services.forget_units(article_id, [(unit.id, unit.text)])
        _shift(units[position + 1:], +1)
        db.session.execute(update(Unit).where(Unit.id == unit.id).values(
            end=left_end, text=article.text[start:left_end]))
        db.session.add(Unit(article_id=article_id, position=position + 1, kind=kind,
                            start=right_start, end=end, text=article.text[right_start:end]))
    claim_services.match_queued()


# --- uploads --------------------------------------------------------------------------------


def import_uploads(files: list, user_id: int, outlet: str | None = None,
                   url: str | None = None):
    """Import uploaded files through the importer, one transaction per file; return the report.

    outlet and url are the defaults of records that carry none, as `flask import-articles
    --outlet --url` gives them (a url is refused for a file of several articles).
    """
    sources = [(upload_name(f.filename), (lambda f=f: f.read())) for f in files if f]
    names = ", ".join(name for name, _ in sources)
    return import_sources(sources, outlet=outlet, url=url, origin="upload", user_id=user_id,
                          description=f"upload: {names}")
