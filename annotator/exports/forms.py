"""The export filter (read from the query string: downloads are GETs, so no CSRF token)."""

from __future__ import annotations

from sqlalchemy import select
from wtforms import BooleanField, SelectChoice

from annotator.agreement.forms import ReportFilterForm
from annotator.extensions import db
from annotator.models import Outlet, Queue


class ExportFilterForm(ReportFilterForm):
    names = BooleanField("Reviewer usernames instead of pseudonyms",
                         description="Leave unticked to share files outside the team.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        queues = db.session.execute(select(Queue.id, Queue.name).order_by(Queue.name)).all()
        outlets = db.session.execute(select(Outlet.id, Outlet.name).order_by(Outlet.name)).all()
        self.queue.choices = [SelectChoice(0, "All queues"),
                              *(SelectChoice(q.id, q.name) for q in queues)]
        self.outlet.choices = [SelectChoice(0, "All outlets"),
                               *(SelectChoice(o.id, o.name) for o in outlets)]

    def query_args(self) -> dict[str, str]:
        """Return the filter as query-string arguments for the download links."""
        args = {}
        if self.queue.data:
            args["queue"] = str(self.queue.data)
        if self.outlet.data:
            args["outlet"] = str(self.outlet.data)
        if self.date_from.data:
            args["date_from"] = self.date_from.data.isoformat()
        if self.date_to.data:
            args["date_to"] = self.date_to.data.isoformat()
        if getattr(self, "names", None) is not None and self.names.data:
            args["names"] = "y"
        return args


class OutletFilterForm(ExportFilterForm):
    """The same filter for the outlet pages, which show no reviewer names."""

    names = None
