"""The `social-scale` subcommands beyond running the service (database, review)."""
