"""Queue commands for scripted setups: flask queue create | add-articles | status."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from annotator.filters import ArticleFilter
from annotator.queues import queries, services
from annotator.queues.queries import queue_progress
from annotator.vocabulary import QUEUE_ORDERS, QUEUE_STATUSES

queue_cli = AppGroup("queue", help="Create queues, add articles, show progress.")


def _queue_or_fail(name: str):
    queue = queries.find_queue(name)
    if queue is None:
        raise click.ClickException(f"No queue named {name!r}.")
    return queue


@queue_cli.command("create")
@click.argument("name")
@click.option("--overlap", type=click.IntRange(1, 10), default=2, show_default=True,
              help="Reviewers per article.")
@click.option("--reviewers", default="",
              help="Comma-separated usernames of the pool: at least --overlap of them.")
@click.option("--ordering", type=click.Choice(QUEUE_ORDERS), default="oldest", show_default=True)
@click.option("--status", type=click.Choice(QUEUE_STATUSES), default="open", show_default=True)
@click.option("--lease-minutes", type=click.IntRange(1, 10080), default=120, show_default=True)
@click.option("--due", type=click.DateTime(["%Y-%m-%d"]), help="Due date, YYYY-MM-DD.")
@click.option("--description", default="")
def create_command(name, overlap, reviewers, ordering, status, lease_minutes, due,
                   description) -> None:
    """Create a queue with its reviewer pool (at least as many reviewers as the overlap)."""
    try:
        users = queries.users_by_name(reviewers.split(",")) if reviewers else []
        queue = services.create_queue(
            services.QueueFields(name=name, overlap=overlap, description=description,
                                 status=status, ordering=ordering, lease_minutes=lease_minutes,
                                 due_date=due.date() if due else None),
            [u.id for u in users])
    except services.QueueError as exc:
        raise click.ClickException(str(exc)) from exc
    pool = ", ".join(u.username for u in users)
    click.echo(f"Created queue {queue.name!r} (id {queue.id}), overlap {overlap}, pool: {pool}.")


@queue_cli.command("add-articles")
@click.argument("name")
@click.option("--outlet", help="Only articles of this outlet (its name).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Published on or after.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Published on or before.")
@click.option("--batch", type=int, help="Only articles of this import batch (its number).")
@click.option("--all", "everything", is_flag=True, help="Every article in the database.")
def add_articles_command(name, outlet, since, until, batch, everything) -> None:
    """Add articles to a queue by outlet, date range or import batch, or all of them."""
    queue = _queue_or_fail(name)
    chosen = ArticleFilter(outlet_name=outlet, date_from=since.date() if since else None,
                           date_to=until.date() if until else None, batch_id=batch)
    if chosen.is_empty and not everything:
        raise click.UsageError("Give --outlet, --since, --until or --batch, or --all.")
    added, present = services.add_articles(queue.id, article_filter=chosen)
    click.echo(f"Added {added} article(s) to {queue.name!r}; {present} were already in it.")


@queue_cli.command("status")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
def status_command(name, as_json) -> None:
    """Show a queue's progress as a table (or JSON)."""
    queue = _queue_or_fail(name)
    data = queue_progress(queue, lists=False)
    summary = data.as_dict()
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    click.echo(f"Queue {queue.name!r}: {queue.status}, overlap {queue.overlap}, "
               f"order {queue.ordering}, due {summary['due_date'] or 'none'}")
    click.echo(f"Articles {data.articles}: {data.complete} complete, {data.in_progress} in "
               f"progress, {data.untouched} untouched; reviews {data.submitted_slots}/"
               f"{data.total_slots} ({summary['percent']} %)")
    median = summary["median_minutes_per_article"]
    click.echo(f"Median {median if median is not None else '-'} min per article; pace "
               f"{summary['pace_per_day']} reviews/day; expected "
               f"{summary['expected_completion'] or '-'}; stale leases {data.stale_count}")
    header = (f"{'reviewer':<24} {'submitted':>9} {'in progress':>11} {'skipped':>7} "
              f"{'median min':>10}")
    click.echo(header)
    click.echo("-" * len(header))
    for r in summary["reviewers"]:
        med = "-" if r["median_minutes"] is None else f"{r['median_minutes']:.1f}"
        name = r["username"] + ("" if r["in_pool"] else " (left)")
        click.echo(f"{name:<24} {r['submitted']:>9} {r['in_progress']:>11} {r['skipped']:>7} "
                   f"{med:>10}")
