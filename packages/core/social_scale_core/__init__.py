"""Social Scale domain: entities, policies, use cases and ports. Pure Python, no I/O."""
