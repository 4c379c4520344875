"""The contact page: a message is kept, then e-mailed once to the programme operations manager."""

import smtplib

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse

from collaborative.models import ContactMessage
from collaborative.tasks import notify_programme_operations

pytestmark = pytest.mark.django_db

OPERATIONS = "operations.manager@nmhwdc.test"
VALID = {
    "name": "Priya Shah",
    "email": "priya.shah@example.nhs.uk",
    "organisation": "Example Mental Health NHS Trust",
    "subject": "Joining the Collaborative",
    "message": "How does our Trust become a member?",
}


@pytest.fixture(autouse=True)
def operations_email(settings):
    settings.PROGRAMME_OPERATIONS_EMAIL = OPERATIONS


def test_contact_page_shows_the_operations_manager_address(client):
    page = client.get(reverse("contact")).content.decode()

    assert f'<a href="mailto:{OPERATIONS}">{OPERATIONS}</a>' in page


def test_contact_form_has_the_fields_of_a_message(client):
    page = client.get(reverse("contact")).content.decode()

    for name in VALID:
        assert f'name="{name}"' in page
    for label in ["Your name", "Your e-mail address", "Subject", "Your message"]:
        assert label in page


def test_contact_form_is_filled_in_for_a_signed_in_person(client, director_a):
    client.force_login(director_a)

    form = client.get(reverse("contact")).context["form"]

    assert form["name"].value() == "Jane Smith"
    assert form["email"].value() == "director@ta1.nhs.uk"
    assert form["organisation"].value() == "Avon Test NHS Trust"


def test_valid_message_is_saved_and_e_mailed_once_to_the_operations_manager(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contact"), VALID)

    assert response.status_code == 302
    assert response.url == reverse("contact_sent")
    message = ContactMessage.objects.get()
    assert message.subject == "Joining the Collaborative"
    assert message.notified_at is not None
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [OPERATIONS]
    assert email.reply_to == ["priya.shah@example.nhs.uk"]
    assert email.subject == "Contact form: Joining the Collaborative"
    assert "How does our Trust become a member?" in email.body


def test_message_is_e_mailed_only_once_the_transaction_commits(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("contact"), VALID)

    assert len(callbacks) == 1
    assert mailoutbox == []


def test_message_sent_page_answers_after_the_redirect(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contact"), VALID, follow=True)

    assert response.status_code == 200
    assert "Message sent" in response.content.decode()


def test_signed_in_sender_is_recorded_with_the_message(
    client, director_a, django_capture_on_commit_callbacks
):
    client.force_login(director_a)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("contact"), VALID)

    assert ContactMessage.objects.get().sent_by == director_a


def test_running_the_notification_twice_sends_one_e_mail(mailoutbox):
    message = ContactMessage.objects.create(**VALID)

    notify_programme_operations.delay(message.pk)
    notify_programme_operations.delay(message.pk)

    assert len(mailoutbox) == 1


def test_failed_send_leaves_the_message_for_a_retry(mailoutbox, monkeypatch):
    message = ContactMessage.objects.create(**VALID)
    with monkeypatch.context() as patched:
        patched.setattr(EmailMessage, "send", _refuse)
        with pytest.raises(smtplib.SMTPException):
            notify_programme_operations(message.pk)
    message.refresh_from_db()
    assert message.notified_at is None

    notify_programme_operations(message.pk)

    assert len(mailoutbox) == 1


def _refuse(*args, **kwargs):
    raise smtplib.SMTPServerDisconnected("The mail server went away")


def test_invalid_message_shows_the_error_summary_and_saves_nothing(client, mailoutbox):
    response = client.post(reverse("contact"), {**VALID, "name": "", "email": "not-an-address"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in page
    assert "Enter your name" in page
    assert "Enter an e-mail address in the correct format, like name@example.nhs.uk" in page
    assert "<title>Error: " in page
    assert ContactMessage.objects.count() == 0
    assert mailoutbox == []


def test_invalid_message_keeps_what_was_typed(client):
    response = client.post(reverse("contact"), {**VALID, "subject": ""})

    page = response.content.decode()
    assert "Enter a subject" in page
    assert 'value="Priya Shah"' in page
    assert "How does our Trust become a member?" in page
