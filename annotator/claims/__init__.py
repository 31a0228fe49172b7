"""Claim memory: the same claim across articles and outlets, found, confirmed and followed."""
