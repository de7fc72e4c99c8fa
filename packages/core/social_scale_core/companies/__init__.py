"""Client companies: who received which services (no login; internal tracking only)."""
