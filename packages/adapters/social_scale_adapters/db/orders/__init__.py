"""Orders on SQL: the `orders` table and its indexes, the repository, listings, keyset
pages, mass-order batches, the status history and the background sync's claims.
"""
