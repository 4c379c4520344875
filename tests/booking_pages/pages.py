"""Reading the booking pages, and the colleagues and offers their tests set up."""

import datetime
import re

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from collaborative.people.models import FunctionalArea
from tests.factories import UserFactory
from workshops.models import BookingStatus

NURSING = FunctionalArea.NURSING
HR = FunctionalArea.HR_WORKFORCE
OD = FunctionalArea.OD_TRAINING_EDUCATION


def text_of(response):
    """The page's text with runs of white space folded, to match across template line breaks."""
    return re.sub(r"\s+", " ", response.content.decode())


def error_summary(response):
    """The text of the NHS.UK error summary, or "" if the page has none."""
    match = re.search(
        r'<div class="nhsuk-error-summary".*?</ul>', response.content.decode(), re.DOTALL
    )
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group())) if match else ""


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def colleague(trust, area=NURSING, **fields):
    return UserFactory(trust=trust, functional_area=area, **fields)


def offered(booking, hours=24):
    booking.status = BookingStatus.OFFERED
    booking.offer_expires_at = timezone.now() + datetime.timedelta(hours=hours)
    booking.save()
    return booking


def book_url(workshop):
    return reverse("workshops:book", args=[workshop.slug])
