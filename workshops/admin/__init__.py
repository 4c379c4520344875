"""The operations manager's admin for workshops, split by area to stay readable."""

from workshops.admin import (  # noqa: F401 - registers the models
    bookings,
    feedback,
    invitations,
    steering,
    workshops,
)
