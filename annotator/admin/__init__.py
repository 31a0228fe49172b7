"""The admin console: users, outlets, articles."""
