"""``flask agreement recompute``: rebuild every article's stored agreement statistics."""

from __future__ import annotations

import click

from annotator.agreement.cli import agreement_cli
from annotator.agreement.services import recompute_all, stats_are_stale


@agreement_cli.command("recompute")
@click.option("--if-stale", is_flag=True,
              help="Only when some submitted article has no current statistics "
                   "(after an upgrade); `make run` and `make serve` use it.")
def recompute_command(if_stale: bool) -> None:
    """Rebuild the per-article agreement statistics from all submitted labels."""
    if if_stale and not stats_are_stale():
        click.echo("Agreement statistics are current.")
        return
    result = recompute_all()
    click.echo(
        f"Recomputed agreement statistics for {result.articles} articles "
        f"({result.labels} labels) in {result.seconds:.2f} s."
    )
