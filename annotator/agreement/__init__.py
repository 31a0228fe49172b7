"""Agreement statistics and the leads' reports."""
