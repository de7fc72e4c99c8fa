"""`nox -s bench`: the performance targets of issue 6, measured in one run (see run.py)."""
