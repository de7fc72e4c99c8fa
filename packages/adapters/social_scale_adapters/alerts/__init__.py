"""Operator notification channels (apprise)."""
