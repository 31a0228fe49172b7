"""``flask agreement recompute``: rebuild every article's stored agreement statistics."""

from __future__ import annotations

import click

from annotator.agreement.cli import agreement_cli
from annotator.agreement.services import recompute_all


@agreement_cli.command("recompute")
def recompute_command() -> None:
    """Rebuild the per-article agreement statistics from all submitted labels."""
    result = recompute_all()
    click.echo(
        f"Recomputed agreement statistics for {result.articles} articles "
        f"({result.labels} labels) in {result.seconds:.2f} s."
    )
