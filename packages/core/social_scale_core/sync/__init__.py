"""Background order sync: keeps open orders current with the panel (see `worker`)."""
