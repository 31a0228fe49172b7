"""Every model in one import, for migrations, the shell and tests."""

from annotator.agreement.models import ArticleStats  # noqa: F401
from annotator.annotations.models import (  # noqa: F401
    LABELS,
    STANCES,
    Adjudication,
    Annotation,
    AnnotationHistory,
    SourceLink,
)
from annotator.articles.models import UNIT_KINDS, Article, ImportBatch, Outlet, Unit  # noqa: F401
from annotator.auth.models import ROLES, LoginThrottle, User  # noqa: F401
from annotator.queues.models import (  # noqa: F401
    ASSIGNMENT_STATUSES,
    QUEUE_ORDERS,
    QUEUE_STATUSES,
    SKIP_REASONS,
    Assignment,
    Queue,
    QueueArticle,
    QueueReviewer,
)
