"""Adapters: SQL storage, the Fampage HTTP client and simulator, SMTP mail, PDF rendering."""
