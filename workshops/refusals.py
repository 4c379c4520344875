"""Refusals of the booking rules. Each message is a sentence a page can show as it is."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Self

from django.utils import formats

if TYPE_CHECKING:
    from workshops.models import Booking, Workshop


class BookingError(Exception):
    # The form field a refusal is about, if any: a page shows it there, linked from the
    # error summary (e.g. "functional_area", "email" for a colleague's address).
    field: str | None = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BookingNotOpen(BookingError):
    @classmethod
    def for_workshop(cls, workshop: Workshop, today: datetime.date) -> Self:
        Status = type(workshop).Status
        if workshop.status == Status.CANCELLED:
            return cls("This workshop has been cancelled, so it takes no bookings.")
        if workshop.date < today or workshop.status == Status.HELD:
            return cls("This workshop has already taken place.")
        if workshop.booking_opens_on and today < workshop.booking_opens_on:
            opens = formats.date_format(workshop.booking_opens_on)
            return cls(f"Booking for this workshop opens on {opens}.")
        if workshop.booking_closes_on and today > workshop.booking_closes_on:
            closed = formats.date_format(workshop.booking_closes_on)
            return cls(f"Booking for this workshop closed on {closed}.")
        if workshop.status == Status.CLOSED:
            return cls("Booking for this workshop has closed.")
        return cls("This workshop is not open for booking yet.")


class NotVerified(BookingError):
    def __init__(self) -> None:
        super().__init__(
            "Confirm your e-mail address before you book: use the link we e-mailed you, "
            "or ask for a new one from your account page."
        )


class NotAffiliated(BookingError):
    pass


class AlreadyBooked(BookingError):
    def __init__(self, booking: Booking, *, for_self: bool) -> None:
        who = "You already have" if for_self else f"{booking.person} already has"
        super().__init__(f"{who} a booking for this workshop ({booking.get_status_display()}).")
        self.booking = booking
        self.field = None if for_self else "email"


class FunctionalAreaTaken(BookingError):
    field = "functional_area"

    def __init__(self, holder: Booking) -> None:
        area = holder.get_functional_area_display()
        first_name = holder.person.get_short_name()
        super().__init__(
            f"Your Trust already has its {area} representative for this workshop: "
            f"{holder.person}. Choose another functional area, or ask {first_name} to cancel."
        )


class TrustPlacesFull(BookingError):
    def __init__(self, workshop: Workshop, holders: Sequence[Booking]) -> None:
        names = ", ".join(str(booking.person) for booking in holders)
        taken = (
            "its only place"
            if workshop.places_per_trust == 1
            else f"all {workshop.places_per_trust} of its places"
        )
        super().__init__(
            f"Your Trust already has {taken} for this workshop ({names}). "
            f"{'That person' if len(holders) == 1 else 'One of them'} must cancel before anyone "
            "else can book."
        )


class NotAColleague(BookingError):
    field = "email"


class InvalidChoice(BookingError):
    field = "functional_area"


class InvitationNotUsable(BookingError):
    pass


class OfferNotOpen(BookingError):
    pass


class NotAllowed(BookingError):
    pass
