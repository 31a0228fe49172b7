"""The API's marshmallow schemas: they validate requests, shape answers and make the spec.

Pure: marshmallow only. Times are ISO 8601 in UTC with a Z (the database keeps naive UTC).
"""

from __future__ import annotations

from datetime import UTC

from marshmallow import INCLUDE, RAISE, Schema, fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

from annotator.articles.parsing import FIELDS as RECORD_FIELDS
from annotator.articles.parsing import FORMATS
from annotator.inputs import DB_INT_MAX, FIRST_DAY, LAST_DAY
from annotator.outlets.comparison import MAX_OUTLETS, SORTS
from annotator.stats.sufficient import LEVELS
from annotator.vocabulary import (
    ASSIGNMENT_STATUSES,
    CLAIM_DECISIONS,
    CLAIM_DIFFERENCES,
    CLAIM_MATCHES,
    LABELS,
    OUTCOMES,
    QUEUE_ORDERS,
    QUEUE_STATUSES,
    ROLES,
    SKIP_REASONS,
    STANCES,
    VERDICT_STATUSES,
)

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


class UtcDateTime(fields.DateTime):
    """A naive-UTC datetime written as ISO 8601 with a Z: 2026-11-30T14:05:00Z."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _id(**kwargs) -> fields.Integer:
    return fields.Integer(validate=validate.Range(1, DB_INT_MAX), **kwargs)


def _day(**kwargs) -> fields.Date:
    return fields.Date(validate=validate.Range(FIRST_DAY, LAST_DAY), **kwargs)


def _text(max_chars: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=max_chars), **kwargs)


class Strict(Schema):
    class Meta:
        unknown = RAISE


class ProblemSchema(Schema):
    """RFC 9457 problem details; `reason` repeats `detail` like every JSON error of the app."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    reason = fields.String(required=True)
    errors = fields.Dict(metadata={"description": "What was wrong, field by field (422)."})


# --- query strings --------------------------------------------------------------------------


class PageArgs(Schema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT),
                           metadata={"description": f"Items per page (at most {MAX_LIMIT})."})
    offset = fields.Integer(load_default=0, validate=validate.Range(0, DB_INT_MAX),
                            metadata={"description": "How many items to skip."})


class FilterArgs(Schema):
    """The article filter: the same fields as the pages' filter forms."""

    queue = _id(metadata={"description": "A queue id: its work (reports), its articles (lists)."})
    outlet = _id(metadata={"description": "An outlet id."})
    date_from = _day(metadata={"description": "Published on or after this day (UTC)."})
    date_to = _day(metadata={"description": "Published on or before this day (UTC)."})
    batch = _id(metadata={"description": "An import batch id."})

    @validates_schema
    def _order(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ValidationError("The end date is before the start date.", "date_to")


class ArticleListArgs(FilterArgs, PageArgs):
    q = _text(200, metadata={"description": "Text in the title or the outlet's name."})


class OutletListArgs(FilterArgs, PageArgs):
    pass


class OverviewArgs(FilterArgs):
    pass


class ExportArgs(FilterArgs):
    names = fields.Boolean(load_default=False, metadata={
        "description": "Reviewer usernames instead of pseudonyms."})


class CsvMetadataSchema(Schema):
    """A CSV export's metadata sidecar; each export adds its own keys (reviewer_names, ...)."""

    class Meta:
        unknown = INCLUDE

    url = fields.String(required=True, metadata={"description": "The CSV file it describes."})
    about = fields.String(required=True)
    export = fields.String(required=True, metadata={"description": "Which export."})
    filter = fields.Dict(required=True, metadata={"description": "The article filter."})
    generated_at = fields.String(required=True, metadata={"description": "When (UTC)."})
    app = fields.String(required=True)
    app_version = fields.String(required=True)
    definitions = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                              metadata={"description": "What each column or term means."})
    columns = fields.List(fields.String(), metadata={"description": "The CSV's header."})


class ArticleQueueArgs(Schema):
    queue = _id(metadata={"description": "The queue whose labels to show (default: the first "
                                         "with submitted work)."})


class AdjudicationArgs(PageArgs):
    show = fields.String(load_default="open",
                         validate=validate.OneOf(("open", "unresolved", "adjudicated", "all")))


# --- pages ----------------------------------------------------------------------------------


def paged(item: type[Schema], name: str) -> type[Schema]:
    """Return the page schema {count, next, previous, results} of an item schema."""
    return Schema.from_dict({
        "count": fields.Integer(required=True),
        "next": fields.String(required=True, allow_none=True),
        "previous": fields.String(required=True, allow_none=True),
        "results": fields.List(fields.Nested(item), required=True),
    }, name=name)


# --- users and tokens -----------------------------------------------------------------------


class UserSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    display_name = fields.String(allow_none=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    active = fields.Boolean(required=True)
    must_change_password = fields.Boolean(required=True)
    created_at = UtcDateTime(required=True)
    last_login_at = UtcDateTime(allow_none=True)


class UserCreateSchema(Strict):
    username = fields.String(required=True, validate=validate.Length(2, 64))
    role = fields.String(load_default="reviewer", validate=validate.OneOf(ROLES))
    display_name = _text(120, allow_none=True)


class UserCreatedSchema(Schema):
    user = fields.Nested(UserSchema, required=True)
    one_time_password = fields.String(required=True, metadata={
        "description": "Shown once; the user must change it at first login."})


class UserChangeSchema(Strict):
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean(metadata={"description": "false deactivates: their logins and "
                                                     "tokens stop working."})


class TokenSchema(Schema):
    id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True, metadata={"description": "The token's first "
                                                                   "characters."})
    state = fields.String(required=True, validate=validate.OneOf(("active", "expired",
                                                                  "revoked")))
    created_at = UtcDateTime(required=True)
    last_used_at = UtcDateTime(allow_none=True)
    expires_at = UtcDateTime(allow_none=True)
    revoked_at = UtcDateTime(allow_none=True)


class TokenCreateSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(1, 100))
    expires_days = fields.Integer(allow_none=True, validate=validate.Range(1, 3650))


class TokenCreatedSchema(TokenSchema):
    token = fields.String(required=True, metadata={"description": "Shown once; only its "
                                                                  "hash is kept."})


# --- articles and outlets -------------------------------------------------------------------


class OutletRefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    domain = fields.String(allow_none=True)


class ArticleSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    url = fields.String(allow_none=True)
    published_at = UtcDateTime(allow_none=True)
    outlet = fields.Nested(OutletRefSchema, required=True)
    import_batch_id = fields.Integer(allow_none=True)
    units = fields.Integer(required=True, metadata={"description": "Number of sentences."})
    created_at = UtcDateTime(required=True)


class UnitSchema(Schema):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    kind = fields.String(required=True)
    start = fields.Integer(required=True)
    end = fields.Integer(required=True)
    text = fields.String(required=True)


class ArticleDetailSchema(ArticleSchema):
    text = fields.String(required=True)
    unit_list = fields.List(fields.Nested(UnitSchema), required=True, data_key="sentences")


class ArticleRecordSchema(Strict):
    """One article, as one line of a JSONL import file."""

    title = fields.String(required=True)
    text = fields.String(required=True)
    url = fields.String(allow_none=True)
    published_at = fields.String(allow_none=True, metadata={
        "description": "ISO 8601, e.g. 2023-09-19T13:04:00+04:00."})
    outlet = fields.String(allow_none=True)


assert set(ArticleRecordSchema().fields) == set(RECORD_FIELDS)  # the importer's own fields


class UploadSchema(Schema):
    format = fields.String(validate=validate.OneOf(FORMATS), metadata={
        "description": "The files' format; by default each file's extension decides."})
    outlet = _text(200, metadata={"description": "The outlet of articles that name none."})


class FileReportSchema(Schema):
    name = fields.String(required=True)
    imported = fields.Integer(required=True)
    duplicates = fields.Integer(required=True)
    units = fields.Integer(required=True)
    error = fields.String(allow_none=True, metadata={"description": "file:line: reason"})
    article_ids = fields.List(fields.Integer(), required=True)


class ImportReportSchema(Schema):
    batch_id = fields.Integer(allow_none=True)
    imported = fields.Integer(required=True)
    duplicates = fields.Integer(required=True)
    files = fields.List(fields.Nested(FileReportSchema), required=True)


class StatSchema(Schema):
    value = fields.Float(allow_none=True)
    reason = fields.String(allow_none=True, metadata={"description": "Why it is undefined."})


class FiguresSchema(Schema):
    """Pooled agreement of a set of articles (everything a filter keeps, or an outlet)."""

    articles = fields.Integer(required=True)
    sentences = fields.Integer(required=True)
    reviewers = fields.Integer(required=True)
    pairable_values = fields.Integer(required=True)
    alpha = fields.Nested(StatSchema, required=True)
    alpha_ci = fields.List(fields.Float(), allow_none=True)
    percent_agreement = fields.Nested(StatSchema, required=True)
    fleiss_kappa = fields.Nested(StatSchema, allow_none=True)
    gwet_ac1 = fields.Nested(StatSchema, allow_none=True)
    per_label_alpha = fields.Dict(keys=fields.String(), values=fields.Nested(StatSchema))
    label_counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    warnings = fields.List(fields.String(), required=True)


class OutletSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    domain = fields.String(allow_none=True)
    articles = fields.Integer(required=True, metadata={"description": "Labelled articles."})
    first_published = UtcDateTime(allow_none=True)
    last_published = UtcDateTime(allow_none=True)
    agreement = fields.Nested(FiguresSchema, allow_none=True)


class DomainSchema(Schema):
    domain = fields.String(required=True)
    citations = fields.Integer(required=True)
    stances = fields.Dict(keys=fields.String(), values=fields.Integer())
    sentences = fields.Integer(required=True)
    stance_agreement = fields.Float(allow_none=True)


class OutletProfileSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    domain = fields.String(allow_none=True)
    articles = fields.Integer(required=True)
    sentences = fields.Integer(required=True)
    first_published = UtcDateTime(allow_none=True)
    last_published = UtcDateTime(allow_none=True)
    label_mix = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "Sentences by gold label (unresolved: no gold label)."})
    factual = fields.Integer(required=True)
    supported = fields.Integer(required=True)
    contradicted = fields.Integer(required=True)
    self_only = fields.Integer(required=True)
    agreement = fields.Nested(FiguresSchema, allow_none=True)
    domains = fields.List(fields.Nested(DomainSchema), required=True)


# --- queues and work ------------------------------------------------------------------------


class QueueSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(QUEUE_STATUSES))
    overlap = fields.Integer(required=True)
    ordering = fields.String(required=True)
    lease_minutes = fields.Integer(required=True)
    due_date = fields.Date(allow_none=True)
    created_at = UtcDateTime(required=True)


class QueueCreateSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(1, 120))
    description = _text(2000, load_default="")
    overlap = fields.Integer(load_default=2, validate=validate.Range(1, 20))
    ordering = fields.String(load_default="oldest", validate=validate.OneOf(QUEUE_ORDERS))
    lease_minutes = fields.Integer(load_default=120, validate=validate.Range(5, 7 * 24 * 60))
    due_date = _day(allow_none=True)
    reviewers = fields.List(fields.String(validate=validate.Length(1, 64)), load_default=list,
                            validate=validate.Length(max=1000),
                            metadata={"description": "Usernames of the reviewer pool."})


class AddArticlesSchema(Strict):
    outlet = _id()
    date_from = _day()
    date_to = _day()
    batch = _id()
    everything = fields.Boolean(load_default=False, metadata={
        "description": "Add every article (the filter must then be empty)."})


class AddedSchema(Schema):
    added = fields.Integer(required=True)
    present = fields.Integer(required=True, metadata={"description": "Already in the queue."})


class ReviewerProgressSchema(Schema):
    username = fields.String(required=True)
    in_pool = fields.Boolean(required=True)
    submitted = fields.Integer(required=True)
    in_progress = fields.Integer(required=True)
    skipped = fields.Integer(required=True)
    expired = fields.Integer(required=True)
    revoked = fields.Integer(required=True)
    median_minutes = fields.Float(allow_none=True)


class ProgressSchema(Schema):
    """The figures of the queue's progress page (and of `flask queue status`)."""

    queue = fields.String(required=True)
    status = fields.String(required=True)
    overlap = fields.Integer(required=True)
    ordering = fields.String(required=True)
    lease_minutes = fields.Integer(required=True)
    due_date = fields.String(allow_none=True)
    articles = fields.Integer(required=True)
    complete = fields.Integer(required=True)
    in_progress = fields.Integer(required=True)
    untouched = fields.Integer(required=True)
    submitted_slots = fields.Integer(required=True)
    total_slots = fields.Integer(required=True)
    percent = fields.Float(required=True)
    median_minutes_per_article = fields.Float(allow_none=True)
    pace_per_day = fields.Float(required=True)
    expected_completion = fields.String(allow_none=True)
    on_track = fields.Boolean(allow_none=True)
    stale_leases = fields.Integer(required=True)
    reviewers = fields.List(fields.Nested(ReviewerProgressSchema), required=True)


class SourceSchema(Schema):
    id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    url = fields.String(required=True)
    domain = fields.String(required=True)
    stance = fields.String(required=True, validate=validate.OneOf(STANCES))
    title = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class SourceInputSchema(Strict):
    unit_id = _id(required=True)
    url = fields.String(required=True, validate=validate.Length(1, 2048))
    stance = fields.String(required=True, validate=validate.OneOf(STANCES))
    title = _text(300, load_default="")
    note = _text(2000, load_default="")


class WorkUnitSchema(Schema):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    kind = fields.String(required=True)
    text = fields.String(required=True)
    label = fields.String(allow_none=True, validate=validate.OneOf(LABELS))
    sources = fields.List(fields.Nested(SourceSchema), required=True)


class AssignmentSchema(Schema):
    id = fields.Integer(required=True)
    queue_id = fields.Integer(required=True)
    article_id = fields.Integer(required=True)
    reviewer_id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(ASSIGNMENT_STATUSES))
    editable = fields.Boolean(required=True, metadata={"description": "Whether you may change "
                                                                      "it now."})
    started_at = UtcDateTime(required=True)
    lease_expires_at = UtcDateTime(allow_none=True)
    submitted_at = UtcDateTime(allow_none=True)


class WorkspaceSchema(AssignmentSchema):
    article = fields.Nested(ArticleSchema, required=True)
    labelled = fields.Integer(required=True)
    sentences = fields.List(fields.Nested(WorkUnitSchema), required=True)


class NextSchema(Schema):
    assignment = fields.Nested(AssignmentSchema, allow_none=True, required=True, metadata={
        "description": "Your article in the queue; null when nothing is left for you."})


class LabelInputSchema(Strict):
    label = fields.String(required=True, validate=validate.OneOf(LABELS))


class LabelResultSchema(Schema):
    unit_id = fields.Integer(required=True)
    label = fields.String(allow_none=True)
    changed = fields.Boolean(required=True)


class SkipSchema(Strict):
    reason = fields.String(required=True, validate=validate.OneOf(SKIP_REASONS))
    note = _text(500, load_default="")


class OpenSentenceSchema(Schema):
    unit_id = fields.Integer(required=True)
    article_id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    article_alpha = fields.Float(allow_none=True)
    agreement = fields.Float(allow_none=True)
    gold_label = fields.String(allow_none=True)
    decided_by = fields.String(required=True)


class GoldInputSchema(Strict):
    label = fields.String(required=True, validate=validate.OneOf(LABELS))
    rationale = _text(2000, load_default="")


class GoldSchema(Schema):
    queue_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    gold_label = fields.String(required=True)
    rationale = fields.String(required=True)
    adjudicator_id = fields.Integer(required=True)
    updated_at = UtcDateTime(required=True)


# --- agreement ------------------------------------------------------------------------------


class NamedFiguresSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    figures = fields.Nested(FiguresSchema, required=True)


class ReviewerFiguresSchema(Schema):
    articles = fields.Integer(required=True)
    sentences = fields.Integer(required=True)
    shared = fields.Integer(required=True)
    kappa = fields.Nested(StatSchema, required=True)
    percent_with_colleagues = fields.Nested(StatSchema, required=True)
    majority_units = fields.Integer(required=True)
    majority_agree = fields.Integer(required=True)
    gold_units = fields.Integer(required=True)
    gold_agree = fields.Integer(required=True)
    alpha_without = fields.Nested(StatSchema, required=True)
    alpha_change = fields.Float(allow_none=True)
    label_counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    warnings = fields.List(fields.String(), required=True)


class ReviewerRowSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    figures = fields.Nested(ReviewerFiguresSchema, required=True)


class SettledSchema(Schema):
    adjudicated = fields.Integer(required=True)
    unanimous = fields.Integer(required=True)
    majority = fields.Integer(required=True)
    unresolved = fields.Integer(required=True)


class OverviewSchema(Schema):
    filter = fields.Dict(required=True)
    overall = fields.Nested(FiguresSchema, required=True)
    outlets = fields.List(fields.Nested(NamedFiguresSchema), required=True)
    reviewers = fields.List(fields.Nested(ReviewerRowSchema), required=True)
    settled = fields.Nested(SettledSchema, allow_none=True)


class PairSchema(Schema):
    colleague_id = fields.Integer(required=True)
    username = fields.String(required=True)
    n = fields.Integer(required=True)
    percent_agreement = fields.Nested(StatSchema, required=True)
    cohen_kappa = fields.Nested(StatSchema, required=True)


class ReviewerReportSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    figures = fields.Nested(ReviewerFiguresSchema, allow_none=True)
    colleagues = fields.List(fields.Nested(PairSchema), required=True)


class GridRowSchema(Schema):
    unit_id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    text = fields.String(required=True)
    labels = fields.List(fields.String(allow_none=True), required=True, metadata={
        "description": "Each reviewer's label, in the order of `reviewers`."})
    majority = fields.String(allow_none=True)


class ArticleAgreementSchema(Schema):
    article_id = fields.Integer(required=True)
    queue_id = fields.Integer(required=True)
    reviewers = fields.List(fields.Nested(Schema.from_dict({
        "id": fields.Integer(required=True), "username": fields.String(required=True)},
        name="GridReviewer")), required=True)
    alpha = fields.Float(allow_none=True)
    percent_agreement = fields.Float(allow_none=True)
    grid = fields.List(fields.Nested(GridRowSchema), required=True)


class ScoreRecordSchema(Strict):
    unit = fields.String(required=True, validate=validate.Length(1, 200))
    coder = fields.String(required=True, validate=validate.Length(1, 200))
    label = fields.String(required=True, validate=validate.Length(1, 200))


class ScoreInputSchema(Strict):
    """Reliability data, as the rows of the CSV `flask agreement score` reads."""

    level = fields.String(load_default="nominal", validate=validate.OneOf(LEVELS))
    seed = fields.Integer(load_default=None, allow_none=True,
                          validate=validate.Range(0, DB_INT_MAX))
    bootstrap = fields.Integer(load_default=None, allow_none=True,
                               validate=validate.Range(0, 10_000), metadata={
                                   "description": "Resamples for alpha's interval; 0 skips "
                                                  "it (default: the command's)."})
    records = fields.List(fields.Nested(ScoreRecordSchema), required=True,
                          validate=validate.Length(1, 200_000))


class ScoreSchema(Schema):
    """The JSON `flask agreement score` prints."""

    class Meta:
        unknown = RAISE

    level = fields.String(required=True)
    units = fields.Integer(required=True)
    coders = fields.Integer(required=True)
    labels = fields.List(fields.Raw(), required=True)
    coded_values = fields.Integer(required=True)
    pairable_units = fields.Integer(required=True)
    pairable_values = fields.Integer(required=True)
    alpha = fields.Float(allow_none=True)
    alpha_ci = fields.List(fields.Float(), allow_none=True)
    bootstrap = fields.Dict(required=True)
    fleiss_kappa = fields.Float(allow_none=True)
    gwet_ac1 = fields.Float(allow_none=True)
    percent_agreement = fields.Float(allow_none=True)
    pairwise = fields.List(fields.Dict(), required=True)
    per_label = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    warnings = fields.List(fields.String(), required=True)
    reasons = fields.Dict(required=True)


class MeSchema(UserSchema):
    token_id = fields.Integer(allow_none=True, metadata={
        "description": "The token this request came with (null: a browser session)."})


# --- verdicts, predictions and track records ------------------------------------------------


class VerdictListArgs(PageArgs):
    state = fields.String(validate=validate.OneOf(VERDICT_STATUSES), metadata={
        "description": "Only drafts, or only published verdicts."})
    outlet_id = _id(metadata={"description": "Only the verdicts on this outlet's sentences."})


class CheckSourceSchema(Schema):
    url = fields.String(required=True)
    domain = fields.String(required=True)
    stance = fields.String(required=True, validate=validate.OneOf(STANCES))
    title = fields.String(allow_none=True)
    source_link_id = fields.Integer(allow_none=True, metadata={
        "description": "The reviewer's source it was chosen from (null: typed in by a lead)."})


class HistorySchema(Schema):
    action = fields.String(required=True)
    user_id = fields.Integer(required=True)
    username = fields.String(required=True)
    changed_at = UtcDateTime(required=True)
    state = fields.Dict(required=True, metadata={"description": "The state after the change."})


class GoldInQueueSchema(Schema):
    queue_id = fields.Integer(required=True)
    queue = fields.String(required=True)
    label = fields.String(allow_none=True)
    decided_by = fields.String(required=True)


class VerdictSchema(Schema):
    id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    sentence = fields.String(required=True)
    article_id = fields.Integer(required=True)
    outlet = fields.Nested(OutletRefSchema, required=True)
    queue_id = fields.Integer(allow_none=True)
    rating = fields.String(required=True)
    rating_position = fields.Integer(required=True, metadata={
        "description": "The rating's place on the scale (1 = best): what a change sends."})
    rationale = fields.String(required=True)
    state = fields.String(required=True, validate=validate.OneOf(VERDICT_STATUSES))
    author_id = fields.Integer(required=True)
    editor_id = fields.Integer(required=True)
    published_by_id = fields.Integer(allow_none=True)
    published_at = UtcDateTime(allow_none=True)
    version = fields.Integer(required=True, metadata={
        "description": "Send it back with a change or a publication (conflict check)."})
    can_publish = fields.Boolean(required=True, metadata={
        "description": "Whether you may publish it (a lead who neither wrote nor last "
                       "changed it)."})
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class VerdictDetailSchema(VerdictSchema):
    sources = fields.List(fields.Nested(CheckSourceSchema), required=True)
    history = fields.List(fields.Nested(HistorySchema), required=True, metadata={
        "description": "Every change, newest first."})
    gold_labels = fields.List(fields.Nested(GoldInQueueSchema), required=True)


class NewSourceSchema(Strict):
    url = fields.String(required=True, validate=validate.Length(1, 2048))
    stance = fields.String(required=True, validate=validate.OneOf(STANCES))
    title = _text(300, load_default="")


class VerdictInputSchema(Strict):
    """What the verdict form posts: a new verdict, or (with its version) a change to one."""

    unit_id = _id(required=True, metadata={
        "description": "A sentence whose gold label is claim or fact."})
    rating = fields.Integer(required=True, validate=validate.Range(1, 100), metadata={
        "description": "The rating's position on the scale, 1 = best."})
    rationale = _text(20000, load_default="")
    source_ids = fields.List(_id(), load_default=list, validate=validate.Length(max=100),
                             metadata={"description": "Sources the reviewers linked to the "
                                                      "sentence (their ids)."})
    new_sources = fields.List(fields.Nested(NewSourceSchema), load_default=list,
                              validate=validate.Length(max=100))
    version = _id(allow_none=True, load_default=None, metadata={
        "description": "The verdict's version you start from; required to change one."})


class VersionSchema(Strict):
    version = _id(allow_none=True, load_default=None, metadata={
        "description": "The version you saw: refused (409) if someone changed it since."})


class PredictionSchema(Schema):
    id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    sentence = fields.String(required=True)
    article_id = fields.Integer(required=True)
    outlet = fields.Nested(OutletRefSchema, required=True)
    queue_id = fields.Integer(allow_none=True)
    resolves_by = fields.Date(required=True)
    date_basis = fields.String(allow_none=True, metadata={
        "description": "The words of the sentence the date was taken from."})
    outcome = fields.String(allow_none=True, validate=validate.OneOf(OUTCOMES))
    outcome_note = fields.String(required=True)
    scheduled_by_id = fields.Integer(required=True)
    resolved_by_id = fields.Integer(allow_none=True)
    resolved_at = UtcDateTime(allow_none=True)
    version = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class PredictionDetailSchema(PredictionSchema):
    sources = fields.List(fields.Nested(CheckSourceSchema), required=True)
    history = fields.List(fields.Nested(HistorySchema), required=True)
    linked_sources = fields.List(fields.Nested(SourceSchema), required=True, metadata={
        "description": "The sources reviewers linked to the sentence (ids for source_ids)."})


class ScheduleInputSchema(Strict):
    unit_id = _id(required=True, metadata={
        "description": "A sentence whose gold label is prediction."})
    resolves_by = _day(allow_none=True, load_default=None, metadata={
        "description": "Null or left out: the date the sentence states."})
    version = _id(allow_none=True, load_default=None, metadata={
        "description": "The prediction's version, when moving its date."})


class OutcomeInputSchema(Strict):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    note = _text(20000, load_default="")
    source_ids = fields.List(_id(), load_default=list, validate=validate.Length(max=100))
    new_sources = fields.List(fields.Nested(NewSourceSchema), load_default=list,
                              validate=validate.Length(max=100))
    version = _id(allow_none=True, load_default=None)


class IntervalSchema(Schema):
    low = fields.Float(allow_none=True)
    high = fields.Float(allow_none=True)
    reason = fields.String(allow_none=True)
    method = fields.String(required=True)


class SpanSchema(Schema):
    first = fields.Date(allow_none=True)
    last = fields.Date(allow_none=True)
    days = fields.Integer(allow_none=True)


class VerdictMixSchema(Schema):
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    n = fields.Integer(required=True)
    false = fields.Integer(required=True)
    false_share = fields.Float(allow_none=True)
    false_interval = fields.Nested(IntervalSchema, required=True)
    span = fields.Nested(SpanSchema, required=True)
    firm = fields.Boolean(required=True, metadata={
        "description": "Whether the minimum-sample rule is met."})
    below_rule = fields.List(fields.String(), required=True)


class PredictionRecordSchema(Schema):
    outcomes = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    resolved = fields.Integer(required=True)
    decided = fields.Integer(required=True)
    came_true = fields.Integer(required=True)
    came_true_share = fields.Float(allow_none=True)
    came_true_interval = fields.Nested(IntervalSchema, required=True)
    pending = fields.Integer(required=True)
    due = fields.Integer(required=True)
    span = fields.Nested(SpanSchema, required=True)
    firm = fields.Boolean(required=True)
    below_rule = fields.List(fields.String(), required=True)


class MonthSchema(Schema):
    month = fields.String(required=True)
    n = fields.Integer(required=True)
    false = fields.Integer(required=True)
    share = fields.Float(allow_none=True)


class RepeatsSchema(Schema):
    clustered = fields.Integer(required=True)
    original = fields.Integer(required=True)
    repeats = fields.Integer(required=True)
    false_repeats = fields.Integer(required=True)
    original_share = fields.Float(allow_none=True)
    original_interval = fields.Nested(IntervalSchema, required=True)


class SampleRuleSchema(Schema):
    min_items = fields.Integer(required=True)
    min_days = fields.Integer(required=True)
    description = fields.String(required=True)


class TrackRecordSchema(Schema):
    outlet_id = fields.Integer(required=True)
    verdicts = fields.Nested(VerdictMixSchema, required=True)
    predictions = fields.Nested(PredictionRecordSchema, required=True)
    months = fields.List(fields.Nested(MonthSchema), required=True)
    repeats = fields.Nested(RepeatsSchema, required=True)
    rule = fields.Nested(SampleRuleSchema, required=True)
    definitions = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class ContradictedRepeatSchema(Schema):
    unit_id = fields.Integer(required=True)
    cluster_id = fields.Integer(required=True)
    article_id = fields.Integer(required=True)
    text = fields.String(required=True)
    contradicting = fields.Integer(required=True, metadata={
        "description": "Sources with the stance 'contradicts' linked to the claim elsewhere."})


class OriginalitySchema(Schema):
    """The outlet profile's originality (claim memory): how often it published a shared
    claim first, and its repeated claims that sources elsewhere contradicted."""

    shared = fields.Integer(required=True, metadata={
        "description": "The outlet's sentences whose claim appears in another outlet's article."})
    first = fields.Integer(required=True, metadata={
        "description": "... of which it published first (or at the same time)."})
    repeated = fields.Integer(required=True, metadata={
        "description": "... of which had appeared elsewhere earlier."})
    share = fields.Float(allow_none=True, metadata={"description": "first / shared."})
    contradicted = fields.List(fields.Nested(ContradictedRepeatSchema), required=True)
    warnings = fields.List(fields.String(), required=True)


class OutletTrackRecordSchema(TrackRecordSchema):
    originality = fields.Nested(OriginalitySchema, required=True)


class CompareArgs(Schema):
    outlet_id = fields.List(_id(), validate=validate.Length(max=MAX_OUTLETS), metadata={
        "description": f"Outlet ids (at most {MAX_OUTLETS}); none: the outlets with the most "
                       "verdicts, as the comparison page."})
    sort = fields.String(load_default="name", validate=validate.OneOf(tuple(SORTS)))
    descending = fields.Boolean(load_default=False)


class CorroborationSchema(Schema):
    sentences = fields.Integer(required=True)
    supported = fields.Integer(required=True)
    contradicted = fields.Integer(required=True)
    supported_share = fields.Float(allow_none=True)
    contradicted_share = fields.Float(allow_none=True)


class ComparisonRowSchema(Schema):
    outlet_id = fields.Integer(required=True)
    name = fields.String(required=True)
    articles = fields.Integer(required=True)
    alpha = fields.Float(allow_none=True)
    label_shares = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True),
                               required=True)
    corroboration = fields.Nested(CorroborationSchema, required=True)
    track = fields.Nested(TrackRecordSchema, required=True)


class ComparisonSchema(Schema):
    results = fields.List(fields.Nested(ComparisonRowSchema), required=True)


# --- claim memory ---------------------------------------------------------------------------

_DIFFERS = fields.List(fields.String(validate=validate.OneOf(CLAIM_DIFFERENCES)), required=True,
                       metadata={"description": "What differs: " + ", ".join(CLAIM_DIFFERENCES)
                                 + " (empty for the same claim)."})


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Give the text of a sentence, not only spaces.")


class SimilarArgs(Schema):
    text = fields.String(required=True, validate=[validate.Length(1, 2000), _not_blank],
                         metadata={"description": "A sentence (at most 2,000 characters)."})
    top = fields.Integer(load_default=10, validate=validate.Range(1, 100),
                         metadata={"description": "How many units (at most 100)."})


class SimilarSchema(Schema):
    unit_id = fields.Integer(required=True)
    article_id = fields.Integer(required=True)
    outlet = fields.String(required=True)
    published_at = UtcDateTime(allow_none=True, required=True)
    text = fields.String(required=True)
    score = fields.Float(required=True, metadata={"description": "0 to 1."})
    match = fields.String(allow_none=True, required=True,
                          validate=validate.OneOf(CLAIM_MATCHES), metadata={
                              "description": "same, related, or null (a near miss)."})
    differs = _DIFFERS


class SimilarListSchema(Schema):
    results = fields.List(fields.Nested(SimilarSchema), required=True)


class ClaimUnitSchema(Schema):
    unit_id = fields.Integer(required=True)
    article_id = fields.Integer(required=True)
    outlet = fields.String(required=True)
    published_at = fields.String(allow_none=True, required=True,
                                 metadata={"description": "ISO 8601, UTC."})
    text = fields.String(required=True)


class ClaimRelatedSchema(Schema):
    unit_id = fields.Integer(required=True)
    differs = _DIFFERS


class ClaimSchema(Schema):
    """A claim as `flask claims export` writes it: every appearance, earliest first."""

    cluster = fields.Integer(required=True)
    units = fields.List(fields.Nested(ClaimUnitSchema), required=True)
    related = fields.List(fields.Nested(ClaimRelatedSchema), required=True)


class ClaimPairArgs(PageArgs):
    show = fields.String(load_default="open", validate=validate.OneOf(("open", "decided", "all")),
                         metadata={"description": "open (undecided), decided or all."})
    kind = fields.String(validate=validate.OneOf(CLAIM_MATCHES),
                         metadata={"description": "same or related (default: both)."})


class AppearanceSchema(Schema):
    unit_id = fields.Integer(required=True)
    article_id = fields.Integer(required=True)
    article_title = fields.String(required=True)
    outlet_id = fields.Integer(required=True)
    outlet = fields.String(required=True)
    published_at = UtcDateTime(allow_none=True, required=True)
    text = fields.String(required=True)


class ClaimPairSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(CLAIM_MATCHES))
    score = fields.Float(required=True)
    differs = _DIFFERS
    decision = fields.String(allow_none=True, required=True,
                             validate=validate.OneOf(CLAIM_DECISIONS))
    decided_by = fields.String(allow_none=True, required=True)
    decided_at = UtcDateTime(allow_none=True, required=True)
    a = fields.Nested(AppearanceSchema, required=True)
    b = fields.Nested(AppearanceSchema, required=True)
    clusters = fields.List(fields.Integer(allow_none=True), metadata={
        "description": "The claim ids of a and b after the decision (null: a claim seen "
                       "once)."})


class ClaimDecisionSchema(Strict):
    decision = fields.String(required=True, validate=validate.OneOf(CLAIM_DECISIONS),
                             metadata={"description": "confirmed: the same claim, merged for "
                                       "good; rejected: never merged again."})
