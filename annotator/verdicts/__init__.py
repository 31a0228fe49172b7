"""Verdicts: leads rate checked claims, predictions come due, outlets get a track record."""
