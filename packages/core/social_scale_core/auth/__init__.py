"""Authentication of the single SUPER_ADMIN: accounts, sessions and password resets."""
