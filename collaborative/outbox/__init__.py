"""The outbox: every e-mail is recorded first, then delivered once, whatever it is about."""
