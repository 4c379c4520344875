import datetime
import secrets

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from collaborative.people.models import FunctionalArea, Seniority, User
from resources.models import Resource
from trusts.models import EmailDomain, Membership, Region, StakeholderBody, Trust
from workshops.models import AgendaItem, Booking, Invitation, Theme, Workshop


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test Mental Health NHS Foundation Trust {n}")
    ods_code = factory.Sequence(lambda n: f"T{n:03d}")
    region = Region.LONDON

    @factory.post_generation
    def domain(trust, create, extracted, **kwargs):
        if create:
            EmailDomain.objects.create(
                trust=trust, domain=extracted or f"{trust.ods_code.lower()}.nhs.uk"
            )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    trust = factory.SubFactory(TrustFactory)
    kind = Membership.Kind.MEMBER
    joined_on = datetime.date(2019, 6, 1)


class StakeholderBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StakeholderBody

    name = factory.Sequence(lambda n: f"National Body {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    job_title = "Director of Nursing"
    seniority = Seniority.DIRECTOR
    # Confirmed as stated unless a test says otherwise (confirmed_seniority="").
    confirmed_seniority = factory.LazyAttribute(lambda person: person.seniority)
    functional_area = FunctionalArea.NURSING
    password = factory.django.Password("a-test-password-1")

    @factory.post_generation
    def verified(person, create, extracted, **kwargs):
        """People have a verified e-mail address unless a test says verified=False."""
        if create:
            EmailAddress.objects.create(
                user=person, email=person.email, primary=True, verified=extracted is not False
            )

    @factory.post_generation
    def mfa(person, create, extracted, **kwargs):
        """Staff and steering group members have an authenticator app, as the portal asks
        of them before the admin and the steering area; ``mfa=False`` leaves them without
        one, ``mfa=True`` gives anyone one. The secret is ``person.totp_secret``."""
        enrol = extracted
        if enrol is None:
            enrol = person.is_staff or person.is_superuser or person.is_steering_member
        if create and enrol:
            person.totp_secret = generate_totp_secret()
            TOTP.activate(person, person.totp_secret)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    name = "Staff wellbeing"
    slug = "staff-wellbeing"


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    title = factory.Sequence(lambda n: f"How do we grow the workforce? Part {n}")
    slug = factory.Sequence(lambda n: f"workshop-{n}")
    theme = factory.SubFactory(ThemeFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    start_time = datetime.time(10, 30)
    end_time = datetime.time(12, 30)
    format = Workshop.Format.VIRTUAL
    video_link = "https://meet.example.org/nmhwdc"
    capacity = 60
    status = Workshop.Status.OPEN


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    workshop = factory.SubFactory(WorkshopFactory)
    order = factory.Sequence(lambda n: n)
    start_time = datetime.time(10, 30)
    title = factory.Sequence(lambda n: f"Session {n}")


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    workshop = factory.SubFactory(WorkshopFactory)
    person = factory.SubFactory(UserFactory)
    trust = factory.LazyAttribute(lambda booking: booking.person.trust)
    functional_area = factory.LazyAttribute(lambda booking: booking.person.functional_area)
    status = Booking.Status.CONFIRMED


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    title = factory.Sequence(lambda n: f"Report {n}")
    slug = factory.Sequence(lambda n: f"report-{n}")
    summary = "A report on the mental health workforce."
    kind = Resource.Kind.POLICY_REPORT
    published_on = datetime.date(2020, 1, 1)
    author_organisation = "Health Education England"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    workshop = factory.SubFactory(WorkshopFactory)
    person = factory.SubFactory(UserFactory, functional_area="")
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
