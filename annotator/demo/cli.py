"""flask demo: load a demo workspace (fictional articles, a lead, three reviewers, their work)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from annotator.demo import services


@click.command("demo")
@click.option("--force", is_flag=True,
              help="Add the demo to a database that already holds other work.")
@with_appcontext
def demo_command(force: bool) -> None:
    """Load a demo workspace to look around in: fictional articles, accounts, submitted work."""
    try:
        result = services.load_demo(force=force)
    except services.DemoRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Demo loaded: {result.articles} fictional articles in queue "
               f"{result.queue.name!r} (overlap {result.queue.overlap}), {result.labels} "
               f"submitted labels and {result.sources} sources from three reviewers.")
    click.echo("Every demo article is invented; titles start with 'Demo:'. One-time passwords "
               "(each is changed at first login):")
    for account in result.accounts:
        click.echo(f"{account.role} {account.username} {account.password}")


COMMANDS = [demo_command]
