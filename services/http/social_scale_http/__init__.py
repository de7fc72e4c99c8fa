"""The HTTP service: Falcon app, validation, auth middleware, DI container and CLI."""
