"""The people who use the portal: the account, functional areas and seniority."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from collaborative.inputs.validators import OneLineFields
from trusts.models import Membership


class FunctionalArea(models.TextChoices):
    """The three areas a member Trust may field a representative from."""

    NURSING = "nursing", "Nursing"
    HR_WORKFORCE = "hr_workforce", "HR / Workforce"
    OD_TRAINING_EDUCATION = (
        "od_training_education",
        "Organisational Development / Training & Education",
    )


class Seniority(models.TextChoices):
    DIRECTOR = "director", "Director"
    EXECUTIVE_DIRECTOR = "executive_director", "Executive Director"
    OTHER = "other", "Other"


# The seniorities that workshops for directors are for, and that invitations go to.
DIRECTOR_LEVEL = frozenset({Seniority.DIRECTOR, Seniority.EXECUTIVE_DIRECTOR})


class UserQuerySet(models.QuerySet):
    def steering_group(self):
        """People of founding Trusts whom the operations manager marked as steering members."""
        return self.filter(
            is_active=True,
            is_steering_member=True,
            trust__membership__kind=Membership.Kind.FOUNDING,
            trust__membership__is_active=True,
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **fields)


class User(OneLineFields, AbstractBaseUser, PermissionsMixin):
    """A person using the portal. The e-mail address is the login."""

    one_line_fields = ("full_name", "job_title")

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    seniority = models.CharField(
        max_length=20,
        choices=Seniority,
        blank=True,
        help_text="As the person states it. Director level counts once someone accountable "
        "has confirmed it (confirmed seniority).",
    )
    confirmed_seniority = models.CharField(
        max_length=20,
        choices=Seniority,
        blank=True,
        editable=False,
        help_text="The seniority the operations manager or a confirmed director of the same "
        "Trust confirmed; a change on the profile waits for a new confirmation.",
    )
    seniority_confirmed_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    seniority_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    functional_area = models.CharField(max_length=30, choices=FunctionalArea, blank=True)
    trust = models.ForeignKey(
        "trusts.Trust",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        help_text="The Trust this person represents, if any.",
    )
    stakeholder_body = models.ForeignKey(
        "trusts.StakeholderBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        help_text="The national or regional body this person represents, if any.",
    )
    is_steering_member = models.BooleanField(
        "steering group member",
        default=False,
        help_text="Only people of founding Trusts can sit on the steering group.",
    )
    wants_invitations = models.BooleanField(
        "e-mail me invitations to workshops",
        default=True,
        help_text="Invitations go to directors of member Trusts when a workshop opens.",
    )
    wants_reminders = models.BooleanField(
        "e-mail me reminders before workshops I am booked on",
        default=True,
    )
    is_staff = models.BooleanField(
        "staff status", default=False, help_text="Can sign in to the admin site."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    calendar_token = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="The secret in the person's calendar feed address; none means no feed.",
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "person"
        verbose_name_plural = "people"
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
            models.CheckConstraint(
                condition=models.Q(trust__isnull=True) | models.Q(stakeholder_body__isnull=True),
                name="user_one_affiliation_at_most",
                violation_error_message=(
                    "A person represents a Trust or a stakeholder body, not both."
                ),
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        if self.is_steering_member and not (self.trust_id and self.trust.is_founding):
            message = "Only people of founding Trusts can sit on the steering group."
            raise ValidationError({"is_steering_member": message})

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def affiliation(self):
        """The Trust or stakeholder body the person represents, or None."""
        return self.trust or self.stakeholder_body

    @property
    def is_director_level(self):
        """Director level as stated and as confirmed: a claim alone does not count, and
        someone who lowers their stated seniority stops counting at once."""
        return self.seniority in DIRECTOR_LEVEL and self.confirmed_seniority in DIRECTOR_LEVEL

    @property
    def seniority_awaits_confirmation(self):
        """A director-level seniority stated on the profile that no one has confirmed yet."""
        return self.seniority in DIRECTOR_LEVEL and self.seniority != self.confirmed_seniority


def has_verified_email(person):
    """Whether the person has confirmed the address they sign in with: until then nobody
    knows the account is theirs, so it books no place and manages nobody's."""
    return EmailAddress.objects.filter(
        user=person, email__iexact=person.email, verified=True
    ).exists()
