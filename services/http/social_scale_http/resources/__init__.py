"""Falcon resources: each parses, calls one use case, renders."""
