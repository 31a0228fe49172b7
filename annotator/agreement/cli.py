"""``flask agreement ...`` commands: score a CSV of labels, rebuild the stored statistics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NoReturn

import click
from flask.cli import AppGroup

from annotator.agreement.queries import stats_are_stale
from annotator.agreement.services import recompute_all
from annotator.stats.batch import DEFAULT_RESAMPLES, DEFAULT_SEED
from annotator.stats.scoring import RecordError, read_records, score_records
from annotator.stats.sufficient import LEVELS

agreement_cli = AppGroup(
    "agreement", help="Inter-annotator agreement: score a CSV of labels, maintain statistics."
)


def _fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    raise click.exceptions.Exit(2)


# Scoring a file needs no app or database, so the command does not push an app context.
@agreement_cli.command("score", with_appcontext=False)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default="nominal",
    show_default=True,
    help="Level of measurement for alpha; non-nominal levels need numeric labels.",
)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Bootstrap seed.")
@click.option(
    "--bootstrap",
    "resamples",
    type=click.IntRange(min=0),
    default=DEFAULT_RESAMPLES,
    show_default=True,
    help="Resamples for alpha's 95% interval; 0 skips it.",
)
def score_command(file: Path, level: str, seed: int, resamples: int) -> None:
    """Score FILE.csv (header unit,coder,label) and print the agreement report as JSON."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        _fail(f"{file}: not UTF-8 text")
    except OSError as exc:
        _fail(f"{file}: cannot read it ({exc.strerror})")
    try:
        records = read_records(text, level)
    except RecordError as exc:
        _fail(f"{file}, line {exc.line}: {exc.message}")
    report = score_records(records, level=level, seed=seed, resamples=resamples)
    # allow_nan=False: an undefined value must reach JSON as null, never as NaN.
    click.echo(json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False))


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
