from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


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


class UserQuerySet(models.QuerySet):
    def steering_group(self):
        """People of founding Trusts whom the operations manager marked as steering members."""
        from trusts.models import Membership

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


class User(AbstractBaseUser, PermissionsMixin):
    """A person using the portal. The e-mail address is the login."""

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    seniority = models.CharField(max_length=20, choices=Seniority, blank=True)
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
    is_staff = models.BooleanField(
        "staff status", default=False, help_text="Can sign in to the admin site."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

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


class ContactMessage(models.Model):
    """A message to the programme operations manager from the contact page.

    Kept in the database so that nothing is lost if e-mail delivery fails.
    """

    name = models.CharField(max_length=150)
    email = models.EmailField("e-mail address")
    organisation = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=200)
    message = models.TextField()
    sent_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the programme operations manager was e-mailed."
    )
    is_answered = models.BooleanField("answered", default=False)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.subject} ({self.name})"
