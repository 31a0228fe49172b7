"""Admin console views (the admin console issue fills this in)."""
