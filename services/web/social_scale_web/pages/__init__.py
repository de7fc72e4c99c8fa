"""Page resources of the console, one module per area."""
