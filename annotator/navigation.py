"""The main navigation, by role."""

from flask import url_for

from annotator.vocabulary import ROLES

# (label, endpoint, roles that see it)
NAV = [
    ("Queues", "queues.index", ("lead", "admin")),
    ("Reports", "agreement.overview", ("lead", "admin")),
    ("Adjudication", "adjudication.index", ("lead", "admin")),
    ("Outlets", "outlets.index", ("lead", "admin")),
    ("Claims", "claims.index", ("lead", "admin")),
    ("Exports", "exports.index", ("lead", "admin")),
    ("Articles", "articles.index", ("lead", "admin")),
    ("Admin", "admin.index", ("admin",)),
    ("My work", "queues.mine", ("reviewer",)),
    ("Guidelines", "annotations.guidelines", ROLES),
]


def nav_items(user) -> list[dict]:
    """Return the navigation links the user's role may follow."""
    return [{"label": label, "url": url_for(endpoint)}
            for label, endpoint, roles in NAV if user.role in roles]
