"""Auth adapters: argon2id password hashing, JWT access tokens, mail delivery."""
