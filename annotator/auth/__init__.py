"""Login, logout, passwords and users."""
