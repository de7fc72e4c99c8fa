"""The panel (Fampage) as the core sees it: its calls and services, the provider row, the
integration log, the stored catalog and the networks services belong to.
"""
