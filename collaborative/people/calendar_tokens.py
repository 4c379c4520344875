"""The secret in each person's calendar feed address: issued and revoked."""

import secrets


def issue_calendar_token(person):
    """Give the person a new calendar feed address; any old one stops working."""
    person.calendar_token = secrets.token_urlsafe(32)
    person.save(update_fields=["calendar_token"])
    return person.calendar_token


def revoke_calendar_token(person):
    """Stop the person's calendar feed: its address answers 404 from now on."""
    person.calendar_token = None
    person.save(update_fields=["calendar_token"])
