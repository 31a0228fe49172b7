"""Exports of labels, reliability data, gold labels and agreement reports (leads and admins)."""
