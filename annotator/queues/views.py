"""Queue views (the queues issue fills this in)."""
