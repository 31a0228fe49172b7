"""Claim memory commands: flask claims index [--rebuild] | similar TEXT | export."""

from __future__ import annotations

import json
import sys
import time

import click
from flask.cli import AppGroup

from annotator.claims import queries, services

claims_cli = AppGroup("claims", help="Match sentences that state the same claim across articles.")


@claims_cli.command("index")
@click.option("--rebuild", is_flag=True,
              help="Index every unit again and re-match all (decisions and cluster ids kept).")
@click.option("--backlog-only", is_flag=True,
              help="Match only the imported articles queued for matching (cheap; for cron).")
def index_command(rebuild: bool, backlog_only: bool) -> None:
    """Match the imported articles queued for matching, then any other unit not yet indexed
    (every unit again with --rebuild)."""
    if rebuild and backlog_only:
        raise click.UsageError("--rebuild and --backlog-only exclude each other.")
    started = time.perf_counter()
    if rebuild:
        report = services.rebuild(progress=lambda m: click.echo(m, err=True))
    elif backlog_only:
        report = services.match_backlog(progress=lambda m: click.echo(m, err=True))
    else:
        report = services.index_missing(progress=lambda m: click.echo(m, err=True))
    click.echo(f"{report.units} units read, {report.indexed} indexed, {report.candidates} "
               f"candidate pairs, {report.same} same, {report.related} related, "
               f"{report.clusters} clusters ({time.perf_counter() - started:.1f} s)")


@claims_cli.command("similar")
@click.argument("text")
@click.option("--top", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of lines.")
def similar_command(text: str, top: int, as_json: bool) -> None:
    """Show the indexed units nearest to TEXT, with scores and what differs."""
    if not text.strip():
        raise click.BadParameter("give the text of a sentence", param_hint="TEXT")
    found = queries.similar(text, top)
    if as_json:
        click.echo(json.dumps([s.record() for s in found], ensure_ascii=False,
                              default=lambda when: when.isoformat()))
        return
    if not found:
        click.echo("No similar sentence indexed (or the text has fewer than three content words).")
        return
    for s in found:
        differs = f" differs: {', '.join(s.differs)}" if s.differs else ""
        day = s.published_at.date().isoformat() if s.published_at else "undated"
        click.echo(f"{s.score:.3f} {s.kind or '-':7} unit {s.unit_id} · {s.outlet} · {day}"
                   f"{differs}\n      {s.text}")


@claims_cli.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="File to write (default: standard output).")
def export_command(output: str | None) -> None:
    """Write one JSON object per claim cluster (JSON Lines): its units and related units."""
    handle = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
    count = 0
    try:
        for record in queries.export_clusters():
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    finally:
        if output:
            handle.close()
    if output:
        click.echo(f"{count} clusters written to {output}", err=True)
