"""Article commands: flask import-articles, flask export-sentences."""

import json
import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from annotator.articles import queries, services
from annotator.extensions import db
from annotator.models.articles import Article
from annotator.urls import normalise_url


@click.command("import-articles")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--outlet",
              help="Outlet name for every article (else the record's, else the URL's domain).")
@click.option("--url", help="Source URL, for a single text file.")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl", "csv"]),
              help="File format (default: by file extension).")
@with_appcontext
def import_articles_command(paths, outlet, url, fmt) -> None:
    """Import articles from files or directories; each file is one transaction."""
    if url:
        try:
            url = normalise_url(url)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--url") from exc
    files = list(services.iter_paths(paths))
    if not files:
        raise click.ClickException("No files to import in: " + ", ".join(paths))
    show_bar = len(files) > 1 and sys.stderr.isatty()
    with click.progressbar(length=len(files), label="Importing", file=sys.stderr,
                           hidden=not show_bar) as bar:
        report = services.import_paths(files, fmt=fmt, outlet=outlet, url=url,
                                       description=" ".join(paths)[:500],
                                       progress=lambda _r: bar.update(1))
    for item in report.files:
        if item.ok:
            line = f"ok    {item.name}: {item.imported} imported ({item.units} units)"
            if item.duplicates:
                line += f", {item.duplicates} already imported, skipped"
            click.echo(line)
        else:
            click.echo(f"error {item.error}", err=True)
    if report.batch_id:
        batch = f"Batch {report.batch_id}"
    else:
        batch = "Nothing imported" if report.failed else "Nothing new"
    click.echo(
        f"{batch}: {len(report.files)} file(s), {report.imported} article(s) "
        f"imported, {report.duplicates} already present, {len(report.failed)} file(s) rejected."
    )
    if report.claims is not None:
        claims = report.claims
        click.echo(f"Claim memory: {claims.units} sentence(s) matched after the import, "
                   f"{claims.same} same and {claims.related} related pair(s) found "
                   f"({claims.seconds:.1f} s).")
    if report.failed:
        sys.exit(1)


@click.command("export-sentences")
@click.option("--article", "article_ids", type=int, multiple=True,
              help="Article id (repeatable); default: every article.")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              help="Output file (default: standard output).")
@with_appcontext
def export_sentences_command(article_ids, fmt, output) -> None:
    """Write one JSON object per article with its sentence units."""
    if article_ids:
        found = set(db.session.scalars(select(Article.id).where(Article.id.in_(article_ids))))
        missing = sorted(set(article_ids) - found)
        if missing:
            raise click.ClickException("No article with id " + ", ".join(map(str, missing)))
    for record in queries.iter_article_records(list(article_ids) or None):
        output.write(json.dumps(record, ensure_ascii=False) + "\n")


COMMANDS = [import_articles_command, export_sentences_command]
