"""Analytics on SQL: the rollup (tables, triggers, folding, periods, reads) and the reader
of every figure.
"""
