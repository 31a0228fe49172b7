"""The export filter (read from the query string: downloads are GETs, so no CSRF token)."""

from __future__ import annotations

from wtforms import BooleanField

from annotator.articles.forms import FilterForm


class ExportFilterForm(FilterForm):
    names = BooleanField("Reviewer usernames instead of pseudonyms",
                         description="Leave unticked to share files outside the team.")

    def query_args(self) -> dict[str, str]:
        """Return the filter as query-string arguments for the download links."""
        args = super().query_args()
        if self.names.data:
            args["names"] = "y"
        return args
