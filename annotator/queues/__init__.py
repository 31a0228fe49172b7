"""Annotation queues and the hand-out of work."""
