"""The main navigation, by role."""

from flask import url_for

from annotator.timeutil import utcnow
from annotator.verdicts.queries import due_count
from annotator.vocabulary import ROLES

# (label, endpoint, roles that see it)
NAV = [
    ("Queues", "queues.index", ("lead", "admin")),
    ("Reports", "agreement.overview", ("lead", "admin")),
    ("Adjudication", "adjudication.index", ("lead", "admin")),
    ("Verdicts", "verdicts.index", ("lead", "admin")),
    ("Due", "verdicts.due", ("lead", "admin")),
    ("Outlets", "outlets.index", ("lead", "admin")),
    ("Claims", "claims.index", ("lead", "admin")),
    ("Exports", "exports.index", ("lead", "admin")),
    ("Articles", "articles.index", ("lead", "admin")),
    ("Admin", "admin.index", ("admin",)),
    ("My work", "queues.mine", ("reviewer",)),
    ("Guidelines", "annotations.guidelines", ROLES),
]
# Items whose label carries a count, read when the item is shown (one indexed COUNT).
COUNTS = {"verdicts.due": lambda: due_count(utcnow().date())}


def nav_items(user) -> list[dict]:
    """Return the navigation links the user's role may follow (with their counts)."""
    items = []
    for label, endpoint, roles in NAV:
        if user.role not in roles:
            continue
        count = COUNTS[endpoint]() if endpoint in COUNTS else None
        text = label if count is None else f"{label} ({count})"
        items.append({"label": text, "url": url_for(endpoint), "count": count})
    return items
