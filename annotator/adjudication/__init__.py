"""Adjudication: leads settle reviewers' disagreements into gold labels."""
