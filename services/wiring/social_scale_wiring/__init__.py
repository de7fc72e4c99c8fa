"""The shared wiring: the settings, the dependency-injector container and the builders it
composes the adapters with. Both driving adapters (the HTTP API and the operator console)
and the composition root may import it; it imports neither of them."""
