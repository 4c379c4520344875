"""Attendance records: a person's workshops attended, certificates of attendance for CPD, and a
Trust's past workshops with who attended.

The certificate is a real PDF (fpdf2), read back here with pypdf. Only the person who
attended and the operations manager can download it; to anyone else it does not exist.
"""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from pypdf import PdfReader

from collaborative.people.models import FunctionalArea
from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP
from tests.factories import BookingFactory, StakeholderBodyFactory, UserFactory, WorkshopFactory
from workshops.booking import certificates
from workshops.booking.certificates import COLLABORATIVE, certificate_pdf, hours
from workshops.models import BookingStatus, Workshop

pytestmark = pytest.mark.django_db

HR = FunctionalArea.HR_WORKFORCE


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def held(db):
    return WorkshopFactory(
        title="How to grow a support workforce?",
        date=datetime.date(2025, 3, 5),
        start_time=datetime.time(10, 0),
        end_time=datetime.time(12, 30),
        format=Workshop.Format.IN_PERSON,
        venue="Skipton House\n80 London Road",
        video_link="",
        status=Workshop.Status.HELD,
    )


@pytest.fixture
def lee(trust_a):
    return UserFactory(email="lee.chan@ta1.nhs.uk", full_name="Lee Chan", trust=trust_a)


@pytest.fixture
def attended(held, lee, director_a):
    """Lee attended, on a place Jane Smith, a director of the Trust, booked."""
    return BookingFactory(workshop=held, person=lee, booked_by=director_a, attended=True)


def certificate_url(booking):
    return reverse("workshops:certificate", args=[booking.pk])


@pytest.fixture
def ops_client(client, operations_manager):
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    client.force_login(operations_manager)
    return client


# Workshops attended ---------------------------------------------------------------


def test_the_attended_page_lists_the_workshops_the_person_attended(client, attended, lee):
    missed = BookingFactory(
        workshop=WorkshopFactory(title="A workshop missed", date=datetime.date(2025, 6, 1)),
        person=lee,
        attended=False,
    )
    client.force_login(lee)

    page = text_of(client.get(reverse("workshops:attended")))

    assert "How to grow a support workforce?" in page
    assert f'href="{certificate_url(attended)}" download>Certificate' in page
    assert missed.workshop.title not in page


def test_the_attended_page_shows_no_one_elses_attendance(client, attended, director_a):
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:attended")))

    assert "How to grow a support workforce?" not in page
    assert "No attendance of yours is recorded yet." in page


def test_the_attended_page_says_how_many_past_places_have_no_attendance_recorded(client, lee):
    BookingFactory(workshop=WorkshopFactory(date=datetime.date(2025, 1, 9)), person=lee)
    client.force_login(lee)

    page = text_of(client.get(reverse("workshops:attended")))

    assert "Your attendance at 1 past workshop where you had a place is not recorded." in page


def test_my_bookings_links_to_the_attended_page_and_each_certificate(client, attended, lee):
    client.force_login(lee)

    page = text_of(client.get(reverse("workshops:my_bookings")))

    assert f'href="{reverse("workshops:attended")}"' in page
    assert f'href="{certificate_url(attended)}" download>Certificate' in page


# The certificate --------------------------------------------------------------------


def test_the_person_downloads_their_certificate_as_a_pdf(client, attended, lee):
    client.force_login(lee)

    response = client.get(certificate_url(attended))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="nmhwdc-certificate-{attended.workshop.slug}.pdf"'
    )
    assert response.content.startswith(b"%PDF-")


def test_the_certificate_names_the_person_the_workshop_its_date_hours_and_the_collaborative(
    attended,
):
    text = pdf_text(certificate_pdf(attended))

    assert "Certificate of attendance" in text
    assert "Lee Chan" in text
    assert "of Avon Test NHS Trust" in text
    assert "How to grow a support workforce?" in text
    assert "Wednesday 5 March 2025" in text
    assert "10:00 to 12:30 (UK time)" in text
    assert "Hours 2 hours 30 minutes" in text
    assert "In person, Skipton House" in text
    assert COLLABORATIVE == "National Mental Health Workforce Development Collaborative"
    assert COLLABORATIVE in text


def test_the_certificate_says_not_recorded_where_the_record_gives_no_times(lee):
    event = WorkshopFactory(
        date=datetime.date(2018, 2, 1),
        date_precision=Workshop.DatePrecision.MONTH,
        start_time=None,
        end_time=None,
        format="",
        status=Workshop.Status.HELD,
    )
    booking = BookingFactory(workshop=event, person=lee, attended=True)

    text = pdf_text(certificate_pdf(booking))

    assert "February 2018 (day not recorded)" in text
    assert "Time Not recorded" in text
    assert "Hours Not recorded" in text


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (datetime.time(10, 0), datetime.time(11, 0), "1 hour"),
        (datetime.time(10, 0), datetime.time(13, 0), "3 hours"),
        (datetime.time(9, 30), datetime.time(11, 0), "1 hour 30 minutes"),
        (datetime.time(9, 30), datetime.time(10, 15), "45 minutes"),
        (None, datetime.time(11, 0), "Not recorded"),
    ],
)
def test_hours_come_from_the_recorded_times(start, end, expected):
    workshop = Workshop(date=datetime.date(2025, 1, 1), start_time=start, end_time=end)

    assert hours(workshop) == expected


def test_a_name_outside_western_european_letters_prints_as_written(held, trust_a):
    person = UserFactory(full_name="Łucja Żółć", trust=trust_a)
    booking = BookingFactory(workshop=held, person=person, attended=True)

    assert "Łucja Żółć" in pdf_text(certificate_pdf(booking))


def test_a_stakeholders_certificate_names_their_body(held):
    body = StakeholderBodyFactory(name="Health Education England")
    person = UserFactory(full_name="Chris Lee", stakeholder_body=body, functional_area="")
    booking = BookingFactory(
        workshop=held, person=person, trust=None, stakeholder_body=body, attended=True
    )

    assert "of Health Education England" in pdf_text(certificate_pdf(booking))


# Who may download it --------------------------------------------------------------------


def test_the_operations_manager_downloads_anyones_certificate(ops_client, attended):
    response = ops_client.get(certificate_url(attended))

    assert response.status_code == 200
    assert "Lee Chan" in pdf_text(response.content)


def test_the_admin_booking_page_links_to_the_certificate(ops_client, attended):
    page = ops_client.get(reverse("admin:workshops_booking_change", args=[attended.pk]))

    assert f'<a href="{certificate_url(attended)}" download>' in page.content.decode()


@pytest.mark.parametrize("who", ["booker", "trust_director", "another_trust", "staff_member"])
def test_no_one_else_can_download_it(client, attended, director_a, director_b, trust_a, who):
    people = {
        "booker": director_a,
        "trust_director": UserFactory(trust=trust_a, functional_area=HR),
        "another_trust": director_b,
        "staff_member": UserFactory(is_staff=True, mfa=False),  # staff without the rights
    }
    client.force_login(people[who])

    assert client.get(certificate_url(attended)).status_code == 404


def test_visitors_are_asked_to_sign_in(client, attended):
    response = client.get(certificate_url(attended))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("was_there", [False, None], ids=["did not attend", "not recorded"])
def test_there_is_no_certificate_without_a_recorded_attendance(client, held, lee, was_there):
    booking = BookingFactory(workshop=held, person=lee, attended=was_there)
    client.force_login(lee)

    assert client.get(certificate_url(booking)).status_code == 404


# A Trust's past workshops and who attended --------------------------------------------


def test_my_trusts_bookings_shows_who_attended_each_past_workshop(
    client, held, director_a, trust_a, attended
):
    BookingFactory(
        workshop=held,
        person=UserFactory(trust=trust_a, full_name="Mia Missed", functional_area=HR),
        attended=False,
        one_per_functional_area=False,
    )
    BookingFactory(
        workshop=held,
        person=UserFactory(trust=trust_a, full_name="Una Known"),
        one_per_functional_area=False,
    )
    BookingFactory(
        workshop=held,
        person=UserFactory(trust=trust_a, full_name="Wes Waiting"),
        status=BookingStatus.WAITING,
        one_per_functional_area=False,
    )
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:trust_bookings")))

    past = page[page.index("Past workshops and who attended") :]
    attended_cell = r'</td> <td class="nhsuk-table__cell"> {} </td>'
    assert re.search(r"Lee Chan.*?" + attended_cell.format("Yes"), past)
    assert re.search(r"Mia Missed.*?" + attended_cell.format("No"), past)
    assert re.search(r"Una Known.*?" + attended_cell.format("Not recorded"), past)
    assert re.search(r"Wes Waiting.*?" + attended_cell.format("No place"), past)


def test_a_trusts_directors_see_no_certificate_links_for_their_colleagues(
    client, attended, director_a
):
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:trust_bookings")))

    assert certificate_url(attended) not in page


def test_without_the_unicode_font_the_certificate_falls_back_to_helvetica(
    held, trust_a, monkeypatch, tmp_path
):
    monkeypatch.setattr(
        certificates, "FONTS", {"": tmp_path / "none.ttf", "B": tmp_path / "none-bold.ttf"}
    )
    person = UserFactory(full_name="Zoë Łukasiewicz-Ćwik", trust=trust_a)
    booking = BookingFactory(workshop=held, person=person, attended=True)

    text = pdf_text(certificate_pdf(booking))

    # Helvetica holds ë; Ł has no plain letter under it, Ć does.
    assert "Zoë ?ukasiewicz-Cwik" in text
    assert "How to grow a support workforce?" in text


def test_the_production_image_installs_the_font_the_certificate_uses():
    dockerfile = (Path(settings.BASE_DIR) / "Dockerfile").read_text()

    assert "fonts-dejavu-core" in dockerfile
    assert Path("/usr/share/fonts/truetype/dejavu") == certificates.FONT_FOLDER
