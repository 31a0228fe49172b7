"""The closed sets of values the whole app shares, defined once. Pure: no Flask, no database.

Database CHECK constraints, forms, CLI choices, the workspace's keyboard map (a data
attribute on the page) and the exports all read them from here.
"""

from __future__ import annotations

from typing import Final

# The four labels a reviewer gives a sentence, in the order of their keys 1-4 (and f c o p).
LABELS: Final = ("fact", "claim", "opinion", "prediction")
# Each label's initial: its second key in the workspace, and its short form in the page's
# label buttons (value "<unit id>:<initial>"), which keeps a 300-sentence page small.
LABEL_INITIALS: Final = {label[0]: label for label in LABELS}
# Nominal codes for the reliability matrix (R's irr and Python's krippendorff want numbers).
LABEL_CODES: Final = {label: code for code, label in enumerate(LABELS, start=1)}
# What a linked source says about the sentence.
STANCES: Final = ("supports", "contradicts", "context")
# How a sentence's gold label was decided (see annotator.stats.gold).
DECISIONS: Final = ("unanimous", "majority", "adjudicated", "unresolved")

ROLES: Final = ("reviewer", "lead", "admin")
UNIT_KINDS: Final = ("headline", "body", "caption")

QUEUE_STATUSES: Final = ("open", "paused", "closed")
QUEUE_ORDERS: Final = ("oldest", "newest", "random", "fewest")
# Why a reviewer skipped an article (codes fit assignments.skip_reason, 16 characters).
SKIP_REASONS: Final = ("not_news", "duplicate", "not_english", "expertise", "conflict",
                       "paywalled", "other")

# Claim memory (annotator.claims): what the matcher calls a pair of sentence units, what a
# lead decided about it, and what differs between two related sentences.
CLAIM_MATCHES: Final = ("same", "related")
CLAIM_DECISIONS: Final = ("confirmed", "rejected")
CLAIM_DIFFERENCES: Final = ("numbers", "dates", "negation", "actors", "wording")


class Status:
    """An assignment's status: the states of one reviewer's slot on one article of a queue.

    active: leased to the reviewer; submitted: done; expired: the lease ran out and the slot
    went back to the pool; revoked: an admin took the slot back; skipped: the reviewer
    declined. Only active and submitted hold a slot.
    """

    ACTIVE: Final = "active"
    SUBMITTED: Final = "submitted"
    SKIPPED: Final = "skipped"
    EXPIRED: Final = "expired"
    REVOKED: Final = "revoked"


ASSIGNMENT_STATUSES: Final = (Status.ACTIVE, Status.SUBMITTED, Status.SKIPPED, Status.EXPIRED,
                              Status.REVOKED)
# The statuses that hold one of an article's `overlap` slots.
HOLDING_STATUSES: Final = (Status.ACTIVE, Status.SUBMITTED)

# Verdicts on checked sentences (annotator.verdicts). The default rating scale, best first:
# (name, ClaimReview ratingValue or None when off the numeric scale, counts as false). Admins
# may rename and reorder it in the database before the first verdict uses it.
DEFAULT_RATINGS: Final = (
    ("true", 5, False),
    ("mostly true", 4, False),
    ("mixed", 3, False),
    ("mostly false", 2, True),
    ("false", 1, True),
    ("unverifiable", None, False),
)
# The gold labels a verdict may be recorded on, and the one that gets a resolution date.
CHECKABLE_LABELS: Final = ("claim", "fact")
PREDICTION_LABEL: Final = "prediction"


class VerdictStatus:
    """A verdict's state: a draft by its author, published once a second lead reviewed it."""

    DRAFT: Final = "draft"
    PUBLISHED: Final = "published"


VERDICT_STATUSES: Final = (VerdictStatus.DRAFT, VerdictStatus.PUBLISHED)

# How a prediction turned out, once its resolution date has passed.
OUTCOMES: Final = ("came_true", "partly", "did_not", "unresolvable")
OUTCOME_NAMES: Final = {"came_true": "came true", "partly": "partly came true",
                        "did_not": "did not come true", "unresolvable": "cannot be resolved"}
# What a history row of a verdict or a prediction records.
CHECK_ACTIONS: Final = ("created", "edited", "published", "scheduled", "resolved")
