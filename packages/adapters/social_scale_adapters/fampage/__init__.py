"""Fampage (SMM panel API v2): parsing, the httpx client, the bundled catalog, the simulator."""
