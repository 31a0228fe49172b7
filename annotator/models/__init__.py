"""The data model: every table, one module per area, all importable from here.

The tables reference each other across areas (a label belongs to an assignment of a queue
and an article), so the model is one layer below every area's queries and services: any
area may read any table, and no area imports another to reach a model.
"""

from annotator.models.agreement import ArticleStats  # noqa: F401
from annotator.models.annotations import (  # noqa: F401
    LABELS,
    STANCES,
    Adjudication,
    Annotation,
    AnnotationHistory,
    SourceLink,
)
from annotator.models.articles import UNIT_KINDS, Article, ImportBatch, Outlet, Unit  # noqa: F401
from annotator.models.auth import ROLES, LoginThrottle, User  # noqa: F401
from annotator.models.queues import (  # noqa: F401
    ASSIGNMENT_STATUSES,
    QUEUE_ORDERS,
    QUEUE_STATUSES,
    SKIP_REASONS,
    Assignment,
    Queue,
    QueueArticle,
    QueueReviewer,
)
