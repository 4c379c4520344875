"""The workshops app's models, one module per area; migrations know them as ``workshops.*``."""

from workshops.models.bookings import (
    ACTIVE_STATUSES,
    PLACE_HOLDING_STATUSES,
    WAITING_LIST_ORDER,
    Booking,
    BookingEvent,
    BookingQuerySet,
    BookingStatus,
    CancellationReason,
)
from workshops.models.feedback import (
    RATING_RANGE,
    FeedbackAnswer,
    FeedbackRequest,
    Rating,
    new_feedback_token,
)
from workshops.models.invitations import Invitation, default_invitation_expiry, new_invitation_token
from workshops.models.programme import LONDON, AgendaItem, Theme, Workshop, WorkshopQuerySet
from workshops.models.sign_off import AgendaComment, SignOffRequest, SignOffRule
from workshops.models.steering import Outcome, TopicProposal, TopicSupport, WorkshopChange

__all__ = [
    "ACTIVE_STATUSES",
    "LONDON",
    "PLACE_HOLDING_STATUSES",
    "RATING_RANGE",
    "WAITING_LIST_ORDER",
    "AgendaComment",
    "AgendaItem",
    "Booking",
    "BookingEvent",
    "BookingQuerySet",
    "BookingStatus",
    "CancellationReason",
    "FeedbackAnswer",
    "FeedbackRequest",
    "Invitation",
    "Outcome",
    "Rating",
    "SignOffRequest",
    "SignOffRule",
    "Theme",
    "TopicProposal",
    "TopicSupport",
    "Workshop",
    "WorkshopChange",
    "WorkshopQuerySet",
    "default_invitation_expiry",
    "new_feedback_token",
    "new_invitation_token",
]
