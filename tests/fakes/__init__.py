"""Reusable, documented fakes of the core ports."""
