"""What goes out, on SQL: the outbox of deliveries (mails) and the operator alerts."""
