"""`flask export ...`: the same exports as the web buttons, written to a file or stdout."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import or_, select

from annotator.articles.queries import named_filter
from annotator.exports import downloads, report
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.models import Outlet, Queue

export_cli = AppGroup("export", help="Export labels, reliability data, gold labels, reports.")


def _lookup(model, value: str | None, what: str) -> int | None:
    """Return the id of the queue or outlet named (or numbered) value."""
    if not value:
        return None
    clause = model.name == value
    if value.isdigit():
        clause = or_(clause, model.id == int(value))
    found = db.session.scalars(select(model.id).where(clause).order_by(model.id)).first()
    if found is None:
        raise click.BadParameter(f"there is no {what} {value!r}")
    return found


def filter_options(command: Callable) -> Callable:
    """Add --queue, --outlet, --from, --to, --names and --output to a command."""
    for option in reversed([
        click.option("--queue", help="Queue name or id (default: every queue)."),
        click.option("--outlet", help="Outlet name or id (default: every outlet)."),
        click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]),
                     help="Articles published on or after this date (YYYY-MM-DD)."),
        click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]),
                     help="Articles published on or before this date (YYYY-MM-DD)."),
        click.option("--names", is_flag=True,
                     help="Show reviewer usernames instead of pseudonyms."),
        click.option("-o", "--output", default=".", show_default=True,
                     help="File to write, a directory for the dated default name, or - for "
                          "stdout."),
    ]):  # fmt: skip
        command = option(command)
    return command


def build_filter(queue, outlet, date_from, date_to) -> ArticleFilter:
    """Resolve the command-line filter options into an article filter with its names."""
    return named_filter(ArticleFilter(
        queue_id=_lookup(Queue, queue, "queue"), outlet_id=_lookup(Outlet, outlet, "outlet"),
        date_from=_day(date_from), date_to=_day(date_to),
    ))


def _day(value) -> date | None:
    return value.date() if value else None


def write(download: downloads.Download, output: str) -> None:
    """Write a download's blocks to stdout, a file, or a directory under its dated name."""
    if output == "-":
        out = sys.stdout.buffer
        for chunk in download.chunks:
            out.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
        out.flush()
        return
    path = Path(output)
    if path.is_dir():
        path = path / download.filename
    with path.open("wb") as fh:
        for chunk in download.chunks:
            fh.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
    click.echo(f"wrote {path} ({path.stat().st_size:,} bytes)", err=True)
    if download.metadata is not None:  # a CSV: its metadata goes beside it
        meta = downloads.sidecar(download)
        side = path.with_name(path.name + downloads.SIDECAR_SUFFIX)
        side.write_text("".join(meta.chunks), encoding="utf-8")
        click.echo(f"wrote {side} (the CSV's metadata)", err=True)


@export_cli.command("annotations")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True)
@filter_options
def annotations_command(fmt, queue, outlet, date_from, date_to, names, output):
    """Export every submitted label, one row per label."""
    flt = build_filter(queue, outlet, date_from, date_to)
    write(downloads.annotations_export(flt, fmt, names), output)


@export_cli.command("matrix")
@filter_options
def matrix_command(queue, outlet, date_from, date_to, names, output):
    """Export the sentence x reviewer reliability matrix (CSV)."""
    flt = build_filter(queue, outlet, date_from, date_to)
    write(downloads.matrix_export(flt, names), output)


@export_cli.command("gold")
@filter_options
def gold_command(queue, outlet, date_from, date_to, names, output):
    """Export one row per sentence with its gold label and how it was decided (CSV)."""
    flt = build_filter(queue, outlet, date_from, date_to)
    write(downloads.gold_export(flt, names), output)


@export_cli.command("report")
@click.option("--format", "fmt", default="html", show_default=True,
              type=click.Choice(["html", "xlsx", "json", "csv-articles", "csv-outlets",
                                 "csv-reviewers", "csv-domains"]))
@filter_options
def report_command(fmt, queue, outlet, date_from, date_to, names, output):
    """Export the agreement report (HTML, XLSX, JSON, or one table as CSV)."""


    flt = build_filter(queue, outlet, date_from, date_to)
    write(report.download(flt, fmt, names), output)
