"""The background work: the round of periodic steps, who runs it, and how it is going."""
