"""Agreement report views (the agreement issue fills this in)."""
