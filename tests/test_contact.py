"""The contact page: a message is kept and e-mailed once, through the outbox, to the
programme operations manager, who answers by replying to the sender."""

import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse

from collaborative.outbox import mail
from collaborative.outbox.models import OutgoingEmail
from collaborative.site import contact_messages
from collaborative.site.models import ContactMessage
from collaborative.tasks import deliver_messages
from tests.factories import UserFactory

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
    settings.PORTAL_BASE_URL = "https://portal.nmhwdc.test"


@pytest.fixture
def sent(client, django_capture_on_commit_callbacks):
    """Send the contact form, commit, and deliver what it recorded, as a real request would."""

    def send(data=VALID):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("contact"), data)

    return send


def only(mailoutbox):
    assert len(mailoutbox) == 1, [email.subject for email in mailoutbox]
    return mailoutbox[0]


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


def test_valid_message_is_saved_and_its_e_mail_recorded_in_the_outbox(sent):
    response = sent()

    assert response.status_code == 302
    assert response.url == reverse("contact_sent")
    message = ContactMessage.objects.get()
    assert message.subject == "Joining the Collaborative"
    row = OutgoingEmail.objects.get()
    assert (row.kind, row.recipient, row.to_address) == (
        OutgoingEmail.Kind.CONTACT_MESSAGE,
        None,
        OPERATIONS,
    )
    assert row.context == {"contact_message_id": message.pk}


def test_the_e_mail_reaches_the_operations_mailbox_with_the_sender_as_reply_to(sent, mailoutbox):
    sent()

    email = only(mailoutbox)
    assert email.to == [OPERATIONS]
    assert email.reply_to == ["priya.shah@example.nhs.uk"]
    assert email.subject == "Contact form: Joining the Collaborative"
    assert "Priya Shah (priya.shah@example.nhs.uk, Example Mental Health NHS Trust)" in email.body
    assert "How does our Trust become a member?" in email.body
    assert OutgoingEmail.objects.get().state == OutgoingEmail.State.SENT


def test_the_e_mail_links_to_the_message_in_the_admin(sent, mailoutbox):
    sent()

    path = reverse(
        "admin:collaborative_contactmessage_change", args=[ContactMessage.objects.get().pk]
    )
    assert f"https://portal.nmhwdc.test{path}" in only(mailoutbox).body


def test_the_e_mail_is_in_the_portals_nhs_style(sent, mailoutbox):
    sent()

    email = only(mailoutbox)
    (html, mimetype) = email.alternatives[0]
    assert mimetype == "text/html"
    assert "background-color:#005eb8" in html
    assert "Message from the contact page" in html
    assert "Hello from" not in email.body
    assert "testserver" not in email.body + html


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


def test_signed_in_sender_is_recorded_with_the_message(client, director_a, sent):
    client.force_login(director_a)

    sent()

    assert ContactMessage.objects.get().sent_by == director_a


def test_delivering_the_e_mail_twice_sends_it_once(client, mailoutbox, monkeypatch):
    monkeypatch.setattr(mail, "schedule", lambda ids: None)
    client.post(reverse("contact"), VALID)
    ids = list(OutgoingEmail.objects.values_list("pk", flat=True))

    deliver_messages.delay(ids)
    deliver_messages.delay(ids)

    assert len(mailoutbox) == 1


def test_a_failed_send_leaves_the_e_mail_for_a_retry(client, mailoutbox, monkeypatch):
    monkeypatch.setattr(mail, "schedule", lambda ids: None)
    client.post(reverse("contact"), VALID)
    ids = list(OutgoingEmail.objects.values_list("pk", flat=True))

    with pytest.raises(smtplib.SMTPServerDisconnected):
        mail.deliver(ids, connection=GoneAway(alias="default"))
    assert OutgoingEmail.objects.get().state == OutgoingEmail.State.FAILED
    mail.deliver(ids, connection=EmailBackend(alias="default"))

    assert len(mailoutbox) == 1
    assert OutgoingEmail.objects.get().state == OutgoingEmail.State.SENT


class GoneAway(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("The mail server went away")


def test_a_message_is_not_kept_if_its_e_mail_cannot_be_recorded(monkeypatch):
    def broken(messages):
        raise RuntimeError("The outbox is out of order")

    monkeypatch.setattr(mail, "record", broken)

    with pytest.raises(RuntimeError):
        contact_messages.receive_contact_message(ContactMessage(**VALID))

    assert ContactMessage.objects.count() == 0


def test_a_subject_on_two_lines_is_refused_with_the_reason(client):
    response = client.post(
        reverse("contact"), {**VALID, "subject": "Joining\r\nBcc: someone@example.org"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["subject"] == [
        "Enter this on one line, without line breaks"
    ]
    assert not ContactMessage.objects.exists()


def test_a_line_break_in_a_kept_subject_cannot_add_a_header(
    mailoutbox, django_capture_on_commit_callbacks
):
    """A message kept before subjects had to be one line still goes as one subject line."""
    with django_capture_on_commit_callbacks(execute=True):
        contact_messages.receive_contact_message(
            ContactMessage(**{**VALID, "subject": "Joining\r\nBcc: someone@example.org"})
        )

    email = only(mailoutbox)
    assert email.subject == "Contact form: Joining Bcc: someone@example.org"
    assert email.bcc == []
    headers = email.message().as_string().partition("\n\n")[0]
    assert not [line for line in headers.splitlines() if line.startswith("Bcc")]


def test_the_html_part_shows_what_the_sender_wrote_as_text(sent, mailoutbox):
    sent({**VALID, "message": '<a href="https://evil.example">Click</a>'})

    (html, _) = only(mailoutbox).alternatives[0]
    assert "&lt;a href=&quot;https://evil.example&quot;&gt;Click&lt;/a&gt;" in html
    assert '<a href="https://evil.example">' not in html


def test_invalid_message_shows_the_error_summary_and_saves_nothing(sent, mailoutbox):
    response = sent({**VALID, "name": "", "email": "not-an-address"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in page
    assert "Enter your name" in page
    assert "Enter an e-mail address in the correct format, like name@example.nhs.uk" in page
    assert "<title>Error: " in page
    assert ContactMessage.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0
    assert mailoutbox == []


def test_invalid_message_keeps_what_was_typed(client):
    response = client.post(reverse("contact"), {**VALID, "subject": ""})

    page = response.content.decode()
    assert "Enter a subject" in page
    assert 'value="Priya Shah"' in page
    assert "How does our Trust become a member?" in page


def test_the_admin_shows_whether_the_e_mail_went(sent, client):
    sent()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    change = reverse(
        "admin:collaborative_contactmessage_change", args=[ContactMessage.objects.get().pk]
    )
    page = client.get(change).content.decode()

    assert "E-mail to the programme operations manager" in page
    assert '<div class="readonly">Sent</div>' in page
