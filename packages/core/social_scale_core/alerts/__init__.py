"""Operator alerts: conditions checked every round, one open alert per subject."""
