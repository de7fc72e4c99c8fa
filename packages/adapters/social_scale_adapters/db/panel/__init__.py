"""The panel on SQL: the provider row, the stored catalog, the integration log and the call
budget.
"""
