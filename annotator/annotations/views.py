"""Reviewer workspace views (the reviewer workspace issue fills this in)."""
