"""The demo workspace: fictional articles, accounts and submitted work to look around in."""
