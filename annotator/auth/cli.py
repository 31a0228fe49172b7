"""Account commands: flask create-user, flask reset-password, flask ensure-admin."""

import sys

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from annotator.auth import services, tokens
from annotator.extensions import db
from annotator.models.auth import User
from annotator.vocabulary import ROLES


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="reviewer", show_default=True)
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input instead of generating one.")
@with_appcontext
def create_user_command(username: str, role: str, password_stdin: bool) -> None:
    """Create a user; the password is read from stdin or generated and printed once."""
    password = None
    if password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n") or None
    try:
        user, one_time = services.create_user(username, role, password)
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {user.role} {user.username!r}.")
    if one_time:
        click.echo(f"One-time password (shown once, to be changed at first login): {one_time}")


@click.command("reset-password")
@click.argument("username")
@with_appcontext
def reset_password_command(username: str) -> None:
    """Give a user a new one-time password and print it once."""
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"No user named {username!r}.")
    password = services.reset_password(user)
    click.echo(f"One-time password for {user.username!r} (shown once): {password}")


@click.command("ensure-admin")
@click.option("--username", default="admin", show_default=True)
@with_appcontext
def ensure_admin_command(username: str) -> None:
    """Create an admin with a one-time password unless an active admin exists."""
    admin = db.session.scalar(
        select(User).where(User.role == "admin", User.active.is_(True)).order_by(User.id)
    )
    if admin is not None:
        click.echo(f"Admin account: {admin.username!r} (exists; if you lost its password, "
                   f"run: flask reset-password {admin.username})")
        return
    user, one_time = services.create_user(username, "admin")
    click.echo(f"Created admin {user.username!r} with one-time password: {one_time}")
    click.echo("You will choose your own password at first login.")


api_token_cli = AppGroup("api-token", help="Personal tokens for the HTTP API.")


@api_token_cli.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for (shown in token lists).")
@click.option("--expires-days", type=click.IntRange(1, tokens.MAX_EXPIRES_DAYS), default=None,
              help="Days until the token stops working (default: it does not expire).")
def api_token_create_command(username: str, name: str, expires_days: int | None) -> None:
    """Create an API token for USERNAME and print it once (only its hash is stored)."""
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"No user named {username!r}.")
    try:
        new = tokens.create_token(user, name, expires_days)
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    expiry = (f"expires {new.token.expires_at.isoformat(timespec='seconds')}Z"
              if new.token.expires_at else "does not expire")
    click.echo(f"Token {new.token.name!r} for {user.role} {user.username!r} ({expiry}); "
               "shown once, keep it secret:", err=True)
    click.echo(new.secret)


COMMANDS = [create_user_command, reset_password_command, ensure_admin_command, api_token_cli]
