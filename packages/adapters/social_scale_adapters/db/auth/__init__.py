"""Accounts on SQL: users, refresh and reset tokens, and the shared rate-limit buckets."""
