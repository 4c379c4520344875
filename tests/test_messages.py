"""What each message says: recipients, dates and times, links and calendar files.

Messages are recorded by the services and delivered after commit; here Celery
runs eagerly and Django's locmem backend keeps what was sent in ``mailoutbox``.
"""

import datetime
import zoneinfo

import pytest
from django.core.mail import mailers
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from collaborative.outbox import mail
from collaborative.outbox.models import OutgoingEmail
from collaborative.outbox.reserved_domains import refuse_reserved
from collaborative.people.models import Seniority
from tests.factories import (
    AgendaItemFactory,
    BookingFactory,
    InvitationFactory,
    MembershipFactory,
    StakeholderBodyFactory,
    UserFactory,
    WorkshopFactory,
)
from workshops import refusals
from workshops.booking import rules
from workshops.messages.content import about_workshop
from workshops.models import BookingStatus, CancellationReason, Workshop
from workshops.steering import agenda
from workshops.tasks import send_reminders

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")
TUESDAY = datetime.date(2030, 3, 5)
BASE = "http://testserver.nhs.uk"


@pytest.fixture(autouse=True)
def _portal_address(settings):
    settings.PORTAL_BASE_URL = BASE


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the block, commit, and deliver what it recorded, as a real request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def workshop(db):
    return WorkshopFactory(
        title="How to grow a support workforce?",
        date=TUESDAY,
        video_link="https://meet.example.org/grow",
        capacity=1,
    )


def only(mailoutbox):
    assert len(mailoutbox) == 1, [message.subject for message in mailoutbox]
    return mailoutbox[0]


def html_of(message):
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return html


def calendar_of(message):
    (attachment,) = [part for part in message.attachments if part.mimetype == "text/calendar"]
    return Calendar.from_ical(attachment.content)


def booked(workshop, person, on_commit):
    with on_commit():
        return rules.book_place(workshop=workshop, person=person, booked_by=person)


# Confirmation ------------------------------------------------------------------


def test_a_confirmed_place_is_confirmed_by_e_mail_to_the_attendee(
    workshop, director_a, mailoutbox, on_commit
):
    booked(workshop, director_a, on_commit)

    message = only(mailoutbox)
    assert message.to == ["director@ta1.nhs.uk"]
    assert message.subject == (
        "Your place is confirmed: How to grow a support workforce?, 5 March 2030"
    )


def test_the_confirmation_gives_the_date_and_london_times_the_nhs_way(
    workshop, director_a, mailoutbox, on_commit
):
    booked(workshop, director_a, on_commit)

    message = only(mailoutbox)
    when = "Tuesday 5 March 2030, 10:30am to 12:30pm (UK time)"
    assert when in message.body
    assert when in html_of(message)


def test_the_confirmation_carries_a_calendar_file_with_the_video_link(
    workshop, director_a, mailoutbox, on_commit
):
    booking = booked(workshop, director_a, on_commit)

    calendar = calendar_of(only(mailoutbox))
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "PUBLISH"
    assert str(event["uid"]) == booking.calendar_uid
    assert event.decoded("dtstart") == datetime.datetime(2030, 3, 5, 10, 30, tzinfo=LONDON)
    assert str(event["location"]) == "https://meet.example.org/grow"


def test_the_confirmation_links_to_the_booking(workshop, director_a, mailoutbox, on_commit):
    booking = booked(workshop, director_a, on_commit)

    assert f"{BASE}/workshops/bookings/{booking.pk}/" in only(mailoutbox).body


def test_a_place_booked_for_a_colleague_says_who_booked_it(
    workshop, director_a, trust_a, mailoutbox, on_commit
):
    colleague = UserFactory(trust=trust_a, full_name="Lee Chan", functional_area="hr_workforce")

    with on_commit():
        rules.book_place(workshop=workshop, person=colleague, booked_by=director_a)

    (message,) = [message for message in mailoutbox if message.to == [colleague.email]]
    assert "booked for you by Jane Smith" in message.body


def test_every_message_says_why_it_came_and_how_to_change_that(
    workshop, director_a, mailoutbox, on_commit
):
    booked(workshop, director_a, on_commit)

    message = only(mailoutbox)
    assert "You are getting this e-mail about your booking for this workshop" in message.body
    assert f"{BASE}/profile/" in message.body
    assert f'href="{BASE}/profile/"' in html_of(message)
    assert message.reply_to == ["programme.operations@nmhwdc.nhs.uk"]


def test_the_html_part_has_the_nhs_blue_header_bar(workshop, director_a, mailoutbox, on_commit):
    booked(workshop, director_a, on_commit)

    assert "background-color:#005eb8" in html_of(only(mailoutbox))


def test_nothing_is_sent_when_the_booking_is_rolled_back(
    workshop, director_a, mailoutbox, on_commit
):
    with on_commit(), pytest.raises(RuntimeError), transaction.atomic():
        rules.book_place(workshop=workshop, person=director_a, booked_by=director_a)
        raise RuntimeError("the page failed after booking")

    assert mailoutbox == []
    assert not OutgoingEmail.objects.exists()


# Waiting list, offers, approval --------------------------------------------------


def test_a_full_workshop_puts_the_person_on_the_waiting_list_and_says_where(
    workshop, director_a, director_b, mailoutbox, on_commit
):
    booked(workshop, director_a, on_commit)
    mailoutbox.clear()

    booked(workshop, director_b, on_commit)

    message = only(mailoutbox)
    assert message.subject == "You are on the waiting list: How to grow a support workforce?"
    assert "on the waiting list at position 1" in message.body
    assert message.attachments == []


def test_a_freed_place_is_offered_with_its_deadline_and_the_offer_link(
    workshop, director_a, director_b, mailoutbox, on_commit
):
    mine = booked(workshop, director_a, on_commit)
    waiting = booked(workshop, director_b, on_commit)
    mailoutbox.clear()
    now = datetime.datetime(2030, 2, 1, 9, 0, tzinfo=LONDON)

    with on_commit():
        rules.cancel_booking(booking=mine, by=None, now=now)

    (offer,) = [message for message in mailoutbox if message.to == [director_b.email]]
    assert offer.subject.startswith("A place is free for you: How to grow a support workforce?")
    assert "by 9am on Sunday 3 February 2030 (UK time)" in offer.body
    assert f"{BASE}/workshops/bookings/{waiting.pk}/offer/" in offer.body


def test_an_expired_offer_is_told(workshop, director_a, director_b, mailoutbox, on_commit):
    mine = booked(workshop, director_a, on_commit)
    booked(workshop, director_b, on_commit)
    now = datetime.datetime(2030, 2, 1, 9, 0, tzinfo=LONDON)
    with on_commit():
        rules.cancel_booking(booking=mine, by=None, now=now)
    mailoutbox.clear()

    with on_commit():
        rules.expire_offers(now=now + datetime.timedelta(days=3))

    message = only(mailoutbox)
    assert message.to == [director_b.email]
    assert message.subject == (
        "Your offer of a place has expired: How to grow a support workforce?"
    )


def test_a_place_awaiting_approval_is_told_so(workshop, trust_a, mailoutbox, on_commit):
    manager = UserFactory(trust=trust_a, seniority=Seniority.OTHER)

    booked(workshop, manager, on_commit)

    message = only(mailoutbox)
    assert message.subject == "Your place is awaiting approval: How to grow a support workforce?"
    assert message.attachments == []


def test_an_approved_place_is_confirmed_with_its_calendar_file(
    workshop, trust_a, mailoutbox, on_commit
):
    manager = UserFactory(trust=trust_a, seniority=Seniority.OTHER)
    booking = booked(workshop, manager, on_commit)
    mailoutbox.clear()

    with on_commit():
        rules.approve_booking(booking=booking)

    message = only(mailoutbox)
    assert message.subject.startswith("Your place is approved:")
    assert str(calendar_of(message).walk("VEVENT")[0]["uid"]) == booking.calendar_uid


def test_a_refused_place_is_told_it_was_not_approved(workshop, trust_a, mailoutbox, on_commit):
    manager = UserFactory(trust=trust_a, seniority=Seniority.OTHER)
    booking = booked(workshop, manager, on_commit)
    mailoutbox.clear()

    with on_commit():
        rules.reject_booking(booking=booking, by=None)

    assert only(mailoutbox).subject == (
        "Your place was not approved: How to grow a support workforce?"
    )


def test_a_cancellation_is_acknowledged_and_takes_the_entry_out_of_the_calendar(
    workshop, director_a, mailoutbox, on_commit
):
    booking = booked(workshop, director_a, on_commit)
    mailoutbox.clear()

    with on_commit():
        rules.cancel_booking(booking=booking, by=booking.person)

    message = only(mailoutbox)
    calendar = calendar_of(message)
    (event,) = calendar.walk("VEVENT")
    assert message.subject == "Booking cancelled: How to grow a support workforce?"
    assert (str(calendar["method"]), str(event["status"])) == ("CANCEL", "CANCELLED")
    assert str(event["uid"]) == booking.calendar_uid


def test_a_waiting_persons_cancellation_carries_no_calendar_file(
    workshop, director_a, director_b, mailoutbox, on_commit
):
    booked(workshop, director_a, on_commit)
    waiting = booked(workshop, director_b, on_commit)
    mailoutbox.clear()

    with on_commit():
        rules.cancel_booking(booking=waiting, by=waiting.person)

    assert only(mailoutbox).attachments == []


# Workshop changes ----------------------------------------------------------------


def changed(workshop, on_commit, **details):
    with on_commit():
        agenda.change_workshop(workshop=workshop, changed_by=None, **details)


def test_a_new_time_is_told_to_everyone_booked_with_a_higher_sequence(
    workshop, director_a, director_b, mailoutbox, on_commit
):
    booked(workshop, director_a, on_commit)
    booked(workshop, director_b, on_commit)
    mailoutbox.clear()

    changed(workshop, on_commit, start_time=datetime.time(11, 0))

    assert sorted(message.to[0] for message in mailoutbox) == [director_a.email, director_b.email]
    (confirmed,) = [message for message in mailoutbox if message.to == [director_a.email]]
    (event,) = calendar_of(confirmed).walk("VEVENT")
    assert "Start time: now 11am (was 10:30am)" in confirmed.body
    assert int(event["sequence"]) == 1
    assert event.decoded("dtstart") == datetime.datetime(2030, 3, 5, 11, 0, tzinfo=LONDON)


def test_a_waiting_person_hears_of_the_change_without_a_calendar_file(
    workshop, director_a, director_b, mailoutbox, on_commit
):
    booked(workshop, director_a, on_commit)
    booked(workshop, director_b, on_commit)
    mailoutbox.clear()

    changed(workshop, on_commit, date=TUESDAY + datetime.timedelta(days=7))

    (waiting,) = [message for message in mailoutbox if message.to == [director_b.email]]
    assert "Date: now Tuesday 12 March 2030 (was Tuesday 5 March 2030)" in waiting.body
    assert waiting.attachments == []


def test_a_second_change_is_told_again(workshop, director_a, mailoutbox, on_commit):
    booked(workshop, director_a, on_commit)
    mailoutbox.clear()

    for hour in (11, 12):
        changed(workshop, on_commit, start_time=datetime.time(hour, 0))

    sequences = [int(calendar_of(m).walk("VEVENT")[0]["sequence"]) for m in mailoutbox]
    assert sequences == [1, 2]


def test_closing_bookings_tells_the_people_with_a_place_nothing(
    workshop, director_a, operations_manager, mailoutbox, on_commit
):
    booked(workshop, director_a, on_commit)
    mailoutbox.clear()

    with on_commit():
        rules.close_booking(workshop=workshop, closed_by=operations_manager)

    assert mailoutbox == []


def test_a_cancelled_workshop_ends_its_bookings_and_cancels_the_calendar_entry(
    workshop, director_a, director_b, operations_manager, mailoutbox, on_commit
):
    confirmed = booked(workshop, director_a, on_commit)
    waiting = booked(workshop, director_b, on_commit)
    mailoutbox.clear()

    with on_commit():
        rules.cancel_workshop(workshop=workshop, cancelled_by=operations_manager)

    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert {confirmed.cancellation_reason, waiting.cancellation_reason} == {
        CancellationReason.WORKSHOP_CANCELLED
    }
    (message,) = [m for m in mailoutbox if m.to == [director_a.email]]
    calendar = calendar_of(message)
    (event,) = calendar.walk("VEVENT")
    assert message.subject == "Workshop cancelled: How to grow a support workforce?"
    assert (str(calendar["method"]), str(event["status"])) == ("CANCEL", "CANCELLED")
    assert int(event["sequence"]) == 1
    assert len(mailoutbox) == 2


def test_a_held_workshop_cannot_be_cancelled(workshop, operations_manager):
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.HELD)

    with pytest.raises(refusals.NotAllowed):
        rules.cancel_workshop(workshop=workshop, cancelled_by=operations_manager)


# Reminders ---------------------------------------------------------------------


def _reminded(settings, days_ahead, on_commit, **booking):
    settings.WORKSHOP_REMINDER_DAYS = (7, 1)
    today = timezone.localdate()
    workshop = WorkshopFactory(
        title="Staff wellbeing", date=today + datetime.timedelta(days=days_ahead)
    )
    booking = BookingFactory(
        workshop=workshop,
        requested_at=timezone.now() - datetime.timedelta(days=30),
        **booking,
    )
    with on_commit():
        send_reminders.delay()
    return booking


def test_a_reminder_goes_a_week_before_with_the_video_link(
    settings, director_a, mailoutbox, on_commit
):
    _reminded(settings, 7, on_commit, person=director_a)

    message = only(mailoutbox)
    assert message.subject == "Reminder: Staff wellbeing is in 7 days"
    assert "join by video at https://meet.example.org/nmhwdc" in message.body


def test_a_reminder_goes_the_day_before(settings, director_a, mailoutbox, on_commit):
    _reminded(settings, 1, on_commit, person=director_a)

    assert only(mailoutbox).subject == "Reminder: Staff wellbeing is tomorrow"


def test_no_reminder_goes_to_someone_who_asked_for_none(
    settings, director_a, mailoutbox, on_commit
):
    director_a.wants_reminders = False
    director_a.save()
    _reminded(settings, 7, on_commit, person=director_a)

    assert mailoutbox == []


def test_no_reminder_goes_two_weeks_before(settings, director_a, mailoutbox, on_commit):
    _reminded(settings, 14, on_commit, person=director_a)

    assert mailoutbox == []


def test_no_reminder_goes_to_someone_still_waiting(settings, director_a, mailoutbox, on_commit):
    _reminded(settings, 7, on_commit, person=director_a, status=BookingStatus.WAITING)

    assert mailoutbox == []


def test_a_place_booked_after_the_week_point_gets_only_the_day_before_reminder(
    settings, director_a, mailoutbox, on_commit
):
    settings.WORKSHOP_REMINDER_DAYS = (7, 1)
    workshop = WorkshopFactory(date=timezone.localdate() + datetime.timedelta(days=5))
    BookingFactory(workshop=workshop, person=director_a, requested_at=timezone.now())

    with on_commit():
        send_reminders.delay()

    assert mailoutbox == []


# Invitations -----------------------------------------------------------------------


@pytest.fixture
def draft(db):
    workshop = WorkshopFactory(
        title="Thriving at work", date=TUESDAY, status=Workshop.Status.AGENDA_AGREED
    )
    AgendaItemFactory(
        workshop=workshop,
        start_time=datetime.time(10, 30),
        title="Welcome and introductions",
        presenting_organisation="Oxford Health NHS Foundation Trust",
    )
    return workshop


def _open(workshop, operations_manager, on_commit):
    with on_commit():
        rules.open_for_booking(workshop=workshop, opened_by=operations_manager)


def test_opening_a_workshop_invites_the_directors_of_active_member_trusts(
    draft, director_a, director_b, operations_manager, mailoutbox, on_commit
):
    _open(draft, operations_manager, on_commit)

    assert sorted(message.to[0] for message in mailoutbox) == [director_a.email, director_b.email]


@pytest.mark.parametrize(
    "person",
    [
        pytest.param({"seniority": Seniority.OTHER}, id="not-a-director"),
        pytest.param({"verified": False}, id="unconfirmed-address"),
        pytest.param({"is_active": False}, id="inactive-account"),
        pytest.param({"trust": None}, id="no-trust"),
        pytest.param({"lapsed": True}, id="lapsed-membership"),
        pytest.param({"wants_invitations": False}, id="asked-for-no-invitations"),
    ],
)
def test_opening_a_workshop_leaves_out_people_who_are_not_invited(
    draft, operations_manager, mailoutbox, on_commit, person
):
    membership = MembershipFactory(is_active=not person.pop("lapsed", False))
    person.setdefault("trust", membership.trust)
    UserFactory(**person)

    _open(draft, operations_manager, on_commit)

    assert mailoutbox == []


def test_a_directors_invitation_has_the_agenda_and_the_booking_link(
    draft, director_a, operations_manager, mailoutbox, on_commit
):
    _open(draft, operations_manager, on_commit)

    message = only(mailoutbox)
    assert message.subject == "Invitation to a workshop on 5 March 2030: Thriving at work"
    assert "10:30am  Welcome and introductions (Oxford Health NHS Foundation Trust)" in (
        message.body
    )
    assert f"Book a place: {BASE}/workshops/{draft.slug}/book/" in message.body
    assert "because you are a director at Avon Test NHS Trust" in message.body


def test_an_invited_stakeholder_gets_their_personal_link(
    draft, operations_manager, mailoutbox, on_commit
):
    body = StakeholderBodyFactory(name="Health Education England")
    person = UserFactory(stakeholder_body=body, functional_area="")
    invitation = InvitationFactory(workshop=draft, person=person)

    _open(draft, operations_manager, on_commit)

    message = only(mailoutbox)
    assert f"{BASE}/workshops/invitations/{invitation.token}/" in message.body
    assert "invited you to this workshop for Health Education England" in message.body


def test_a_stakeholder_invited_once_the_workshop_is_open_is_e_mailed_at_once(
    workshop, operations_manager, mailoutbox, on_commit
):
    person = UserFactory(stakeholder_body=StakeholderBodyFactory(), functional_area="")

    with on_commit():
        rules.invite_stakeholder(workshop=workshop, person=person, invited_by=operations_manager)

    assert only(mailoutbox).to == [person.email]


def test_a_workshop_that_has_taken_place_cannot_open(operations_manager):
    workshop = WorkshopFactory(status=Workshop.Status.HELD)

    with pytest.raises(refusals.NotAllowed):
        rules.open_for_booking(workshop=workshop, opened_by=operations_manager)


# The steering group's agenda ---------------------------------------------------------


def test_people_booked_hear_when_the_agenda_is_agreed(
    workshop, director_a, steering_member, mailoutbox, on_commit
):
    booked(workshop, director_a, on_commit)
    AgendaItemFactory(workshop=workshop, title="Skills mix modelling")
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.DRAFT)
    mailoutbox.clear()

    with on_commit():
        agenda.sign_off_agenda(workshop=workshop, member=steering_member, decision="signed_off")

    message = only(mailoutbox)
    assert message.subject == "Agenda agreed: How to grow a support workforce?"
    assert "Skills mix modelling" in message.body


def test_people_booked_hear_what_changed_in_the_agenda(
    workshop, director_a, steering_member, mailoutbox, on_commit
):
    booked(workshop, director_a, on_commit)
    mailoutbox.clear()

    with on_commit():
        agenda.add_agenda_item(
            workshop=workshop,
            added_by=steering_member,
            title="Skills mix modelling",
            start_time=datetime.time(11, 0),
        )

    assert "Added “Skills mix modelling” to the agenda." in only(mailoutbox).body


# The outbox itself ----------------------------------------------------------------------


def test_each_message_keeps_its_message_id_from_its_key(
    workshop, director_a, mailoutbox, on_commit
):
    booking = booked(workshop, director_a, on_commit)

    message_id = only(mailoutbox).extra_headers["Message-ID"]
    assert message_id == f"<confirmed.b{booking.pk}.0.p{director_a.pk}@nmhwdc.nhs.uk>"


def test_a_sent_message_is_marked_sent_with_one_attempt(workshop, director_a, on_commit):
    booked(workshop, director_a, on_commit)

    row = OutgoingEmail.objects.get()
    assert (row.state, row.attempts, row.sent_at is not None) == (
        OutgoingEmail.State.SENT,
        1,
        True,
    )


# The operations manager's admin -------------------------------------------------------


def _workshop_action(client, action, workshops, **data):
    return client.post(
        reverse("admin:workshops_workshop_changelist"),
        {"action": action, "_selected_action": [w.pk for w in workshops], **data},
    )


def test_the_open_action_invites_and_shows_the_progress_page(
    admin_client, draft, director_a, director_b, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _workshop_action(admin_client, "open_for_booking", [draft])

    progress = reverse("admin:collaborative_outgoingemail_invitations", args=[draft.pk])
    assert response.status_code == 302
    assert response.url == progress
    assert len(mailoutbox) == 2
    page = admin_client.get(progress).content.decode()
    assert '<td id="invitations-sent">2</td>' in page
    assert '<td id="invitations-total">2</td>' in page
    assert 'http-equiv="refresh"' not in page


def test_the_progress_page_reloads_itself_while_invitations_are_going_out(
    admin_client, draft, director_a, operations_manager
):
    rules.open_for_booking(workshop=draft, opened_by=operations_manager)

    page = admin_client.get(
        reverse("admin:collaborative_outgoingemail_invitations", args=[draft.pk])
    ).content.decode()

    assert '<meta http-equiv="refresh" content="3">' in page
    assert '<td id="invitations-pending">1</td>' in page


def test_the_progress_page_needs_permission_to_see_the_outbox(client, draft):
    client.force_login(UserFactory(is_staff=True))

    response = client.get(reverse("admin:collaborative_outgoingemail_invitations", args=[draft.pk]))

    assert response.status_code == 403


def test_the_cancel_action_asks_before_it_cancels(admin_client, workshop, director_a):
    BookingFactory(workshop=workshop, person=director_a)

    response = _workshop_action(admin_client, "cancel_workshop", [workshop])

    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.OPEN
    assert "1 active booking (places and waiting list) to end" in response.content.decode()


def test_the_confirmed_cancel_action_cancels_and_tells_everyone(
    admin_client, workshop, director_a, mailoutbox, django_capture_on_commit_callbacks
):
    BookingFactory(workshop=workshop, person=director_a)

    with django_capture_on_commit_callbacks(execute=True):
        _workshop_action(admin_client, "cancel_workshop", [workshop], confirmed="yes")

    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.CANCELLED
    assert only(mailoutbox).subject == "Workshop cancelled: How to grow a support workforce?"


def test_send_again_gives_given_up_messages_fresh_attempts(
    admin_client, director_a, mailoutbox, django_capture_on_commit_callbacks
):
    given_up = OutgoingEmail.objects.create(
        kind=OutgoingEmail.Kind.INVITATION,
        key="invitation:given-up",
        recipient=director_a,
        about=about_workshop(WorkshopFactory().pk),
        context={"book_path": "/workshops/"},
        state=OutgoingEmail.State.FAILED,
        attempts=20,
    )

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:collaborative_outgoingemail_changelist"),
            {"action": "send_again", "_selected_action": [given_up.pk]},
        )

    given_up.refresh_from_db()
    assert (given_up.state, given_up.attempts) == (OutgoingEmail.State.SENT, 1)
    assert only(mailoutbox).to == [director_a.email]


# A batch ------------------------------------------------------------------------------


def _invitations(workshop, count):
    """``count`` invitations to the workshop, each to a director of a Trust of their own."""
    people = [UserFactory(trust=MembershipFactory().trust) for _ in range(count)]
    return [
        OutgoingEmail(
            kind=OutgoingEmail.Kind.INVITATION,
            key=f"invitation:batch:{person.pk}",
            recipient_id=person.pk,
            about=about_workshop(workshop.pk),
            context={"book_path": "/workshops/"},
        )
        for person in people
    ]


def _queries_delivering(workshop, count):
    """What delivering a batch of ``count`` invitations asks the database, the claims apart."""
    ids = [
        message.pk for message in OutgoingEmail.objects.bulk_create(_invitations(workshop, count))
    ]
    with CaptureQueriesContext(connection) as queries:
        assert mail.deliver(ids, connection=mailers.default) == count
    claims = [query for query in queries if 'UPDATE "collaborative_outgoingemail"' in query["sql"]]
    assert len(claims) == count
    return [
        query["sql"]
        for query in queries
        if query not in claims
        and query["sql"].split()[0] not in {"BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "SET"}
    ]


def test_a_batch_reads_what_its_messages_are_about_once_however_many_they_are(mailoutbox):
    workshop = WorkshopFactory(status=Workshop.Status.OPEN)
    AgendaItemFactory(workshop=workshop)

    few = _queries_delivering(workshop, 2)
    many = _queries_delivering(workshop, 6)

    assert len(many) == len(few)
    assert len(mailoutbox) == 8
    # Each still names its own Trust, read with the others.
    trusts = {message.body.split("director at ")[1].split(",")[0] for message in mailoutbox}
    assert len(trusts) == 8


def test_recording_reads_the_recipients_addresses_in_one_query(workshop):
    messages = _invitations(workshop, 5)

    with CaptureQueriesContext(connection) as queries:
        allowed = refuse_reserved(messages)

    assert (len(allowed), len(queries)) == (5, 1)
