"""The operator console: server-rendered pages over the same core use cases as the API."""
