"""The data model: every table, one module per area, all importable from here.

The tables reference each other across areas (a label belongs to an assignment of a queue
and an article), so the model is one layer below every area's queries and services: any
area may read any table, and no area imports another to reach a model.
"""

from annotator.models.agreement import ArticleStats, FiguresCache, FiguresVersion
from annotator.models.annotations import Adjudication, Annotation, AnnotationHistory, SourceLink
from annotator.models.articles import Article, ImportBatch, Outlet, Unit
from annotator.models.auth import ApiToken, LoginThrottle, User
from annotator.models.claims import (
    ClaimBacklog,
    ClaimCluster,
    ClaimDecision,
    ClaimKey,
    ClaimMember,
    ClaimPair,
    ClaimQueueOption,
)
from annotator.models.queues import Assignment, Queue, QueueArticle, QueueReviewer
from annotator.models.verdicts import CheckHistory, CheckSource, Prediction, Rating, Verdict

__all__ = [
    "ApiToken",
    "Adjudication", "Annotation", "AnnotationHistory", "Article", "ArticleStats", "Assignment",
    "CheckHistory", "CheckSource", "ClaimBacklog", "ClaimCluster", "ClaimDecision", "ClaimKey",
    "ClaimMember", "ClaimPair", "ClaimQueueOption", "FiguresCache", "FiguresVersion", "ImportBatch",
    "LoginThrottle", "Outlet", "Prediction", "Queue", "QueueArticle", "QueueReviewer", "Rating",
    "SourceLink", "Unit", "User", "Verdict",
]
