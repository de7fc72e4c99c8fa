"""Delivery: invoice mails, reminders and alert mails, through an outbox drained later."""
