"""Agreement report views (the pages follow); importing commands registers the CLI."""

from annotator.agreement import commands  # noqa: F401
