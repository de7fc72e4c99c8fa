"""The composition root, above both driving adapters: the Falcon app that mounts the HTTP
API and the operator console (`create_app`), the `social-scale` CLI and its commands,
gunicorn, the background round and its runners, the sandbox panel and the worker's health
server. Nothing imports it but the entry points and the tests."""
