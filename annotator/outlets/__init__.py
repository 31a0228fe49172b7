"""Outlet reliability: how well each outlet's reporting is sourced, and the source domains."""
