from functools import partial

from allauth.usersessions.adapter import get_adapter as get_usersessions_adapter
from allauth.usersessions.models import UserSession
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import transaction
from django.db.models import Q
from django.urls import path
from django.utils.formats import localize
from django.utils.timezone import localtime

from collaborative.inputs.admin_dates import SafeDateHierarchy
from collaborative.outbox import mail
from collaborative.outbox.models import OutgoingEmail
from collaborative.people.models import User
from collaborative.privacy import admin as privacy_admin
from collaborative.security.events import log_event
from collaborative.site.contact_messages import contact_message_key
from collaborative.site.models import ContactMessage
from trusts.services import confirm_seniority, seniority_awaiting_confirmation
from workshops import audit
from workshops.admin.announcements import invitation_progress
from workshops.refusals import BookingError


class PersonChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class PersonCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)


class SeniorityAwaitingConfirmationFilter(admin.SimpleListFilter):
    title = "seniority awaiting confirmation"
    parameter_name = "seniority_awaits_confirmation"

    def lookups(self, request, model_admin):
        return [("yes", "Awaiting confirmation"), ("no", "Nothing to confirm")]

    def queryset(self, request, queryset):
        awaiting = seniority_awaiting_confirmation(queryset)
        if self.value() == "yes":
            return awaiting
        if self.value() == "no":
            return queryset.exclude(pk__in=awaiting.values("pk"))
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    ordering = ["email"]
    list_display = [
        "email",
        "full_name",
        "job_title",
        "seniority",
        "seniority_awaits_confirmation",
        "functional_area",
        "trust",
        "stakeholder_body",
        "is_steering_member",
        "is_staff",
    ]
    list_filter = [
        "seniority",
        SeniorityAwaitingConfirmationFilter,
        "functional_area",
        "is_steering_member",
        "is_staff",
        "is_active",
        "trust__membership__kind",
        "trust__region",
    ]
    list_select_related = ["trust", "stakeholder_body"]
    search_fields = ["email", "full_name", "job_title", "trust__name", "stakeholder_body__name"]
    autocomplete_fields = ["trust", "stakeholder_body"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("About them", {"fields": ["full_name", "job_title", "seniority", "functional_area"]}),
        (
            "Confirmed seniority",
            {
                "description": "Director level counts once it is confirmed, with the action "
                "“Confirm stated seniority” on the list of people.",
                "fields": [
                    "confirmed_seniority",
                    "seniority_confirmed_by",
                    "seniority_confirmed_at",
                ],
            },
        ),
        ("Affiliation", {"fields": ["trust", "stakeholder_body", "is_steering_member"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]

    # Confirmed only through the rule (trusts.services.confirm_seniority), never typed in.
    readonly_fields = ["confirmed_seniority", "seniority_confirmed_by", "seniority_confirmed_at"]
    actions = ["confirm_stated_seniority", "end_sessions"]

    # No way up from the operations role: only a superuser changes an account with
    # admin rights (staff or superuser, one's own included), in forms, the password
    # page or actions. Others see such accounts read-only; their own password and
    # e-mail address they change on the account pages, which ask for the password.
    PROTECTED = Q(is_staff=True) | Q(is_superuser=True)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and (obj.is_staff or obj.is_superuser):
            return False
        return super().has_change_permission(request, obj)

    def response_action(self, request, queryset, *args, **kwargs):
        """Actions, on the list or the change form, leave accounts with admin rights alone
        unless a superuser runs them."""
        if not request.user.is_superuser:
            selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
            protected = queryset.filter(self.PROTECTED)
            if request.POST.get("select_across") != "1":
                protected = protected.filter(pk__in=selected)
            if skipped := list(protected.values_list("pk", flat=True)):
                log_event("permission_denied", request=request, action="user action", ids=skipped)
                self.message_user(
                    request,
                    f"{len(skipped)} account(s) with admin rights were left unchanged: only a "
                    "superuser changes them.",
                    messages.WARNING,
                )
            queryset = queryset.exclude(self.PROTECTED)
        return super().response_action(request, queryset, *args, **kwargs)

    @admin.action(
        description="End all their sessions (sign them out everywhere)", permissions=["change"]
    )
    def end_sessions(self, request, queryset):
        sessions = list(UserSession.objects.filter(user__in=queryset))
        get_usersessions_adapter().end_sessions(sessions)
        for person in queryset:
            log_event("sessions_ended", request=request, person_id=person.pk)
        self.message_user(
            request,
            f"{len(sessions)} session(s) ended for {queryset.count()} person(s). They sign in "
            "again on their next visit.",
            messages.SUCCESS,
        )

    @admin.display(description="awaits confirmation", boolean=True)
    def seniority_awaits_confirmation(self, person):
        return person.seniority_awaits_confirmation

    @admin.action(description="Confirm stated seniority", permissions=["change"])
    def confirm_stated_seniority(self, request, queryset):
        """Confirm each person's stated director-level seniority through the rule, which
        e-mails them and approves the places it was holding up; refusals are listed."""
        confirmed, approved = [], 0
        for person in queryset.select_related("trust"):
            try:
                with audit.through("admin action confirm_stated_seniority"):
                    result = confirm_seniority(person=person, confirmed_by=request.user)
            except BookingError as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
                continue
            if result.confirmed:
                confirmed.append(str(person))
                approved += len(result.approved)
            else:
                self.message_user(
                    request, f"{person}'s seniority was already confirmed.", messages.INFO
                )
            for booking in result.still_waiting:
                self.message_user(
                    request,
                    f"{person}'s place at {booking.workshop.title} still awaits approval: "
                    f"{booking.refusal}",
                    messages.WARNING,
                )
        if confirmed:
            self.message_user(
                request,
                f"Seniority confirmed for {', '.join(confirmed)}; {approved} place(s) awaiting "
                "approval were approved.",
                messages.SUCCESS,
            )

    def get_readonly_fields(self, request, obj=None):
        """Only superusers hand out admin rights, so the role cannot widen itself."""
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_staff", "is_superuser", "groups", "user_permissions"]
        return readonly

    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]},
        )
    ]

    # Closing an account, as people do on their profile: collaborative.privacy.erase_person.
    actions += ["erase_personal_data"]

    @admin.action(description=privacy_admin.DESCRIPTION, permissions=["change"])
    def erase_personal_data(self, request, queryset):
        return privacy_admin.erase_people(self, request, queryset)


@admin.register(ContactMessage)
class ContactMessageAdmin(SafeDateHierarchy, admin.ModelAdmin):
    list_display = ["subject", "name", "email", "organisation", "received_at", "is_answered"]
    list_filter = ["is_answered", "received_at"]
    search_fields = ["subject", "name", "email", "organisation", "message"]
    readonly_fields = [
        "name",
        "email",
        "organisation",
        "subject",
        "message",
        "sent_by",
        "received_at",
        "e_mail",
    ]
    date_hierarchy = "received_at"

    @admin.display(description="e-mail to the programme operations manager")
    def e_mail(self, message):
        """The outbox row that carries the message (older messages have only ``notified_at``)."""
        sent = OutgoingEmail.objects.filter(key=contact_message_key(message)).first()
        if sent is None:
            return message.notified_at and f"Sent {localize(localtime(message.notified_at))}"
        return sent.get_state_display()


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(SafeDateHierarchy, admin.ModelAdmin):
    """The outbox: every e-mail the portal has sent or still owes, to check and send again."""

    list_display = ["kind", "recipient", "about", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "kind", "created_at"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__email", "recipient__full_name", "to_address", "key", "=about"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "kind",
        "key",
        "recipient",
        "to_address",
        "about",
        "context",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "last_attempt_at",
        "sent_at",
    ]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        progress = self.admin_site.admin_view(invitation_progress)
        return [
            path(
                "invitations/<int:workshop_id>/",
                progress,
                name="collaborative_outgoingemail_invitations",
            ),
            *super().get_urls(),
        ]

    @admin.action(
        description="Send the unsent ones again, with fresh attempts", permissions=["change"]
    )
    def send_again(self, request, queryset):
        ids = list(queryset.unsent().values_list("pk", flat=True))
        OutgoingEmail.objects.filter(pk__in=ids).update(attempts=0)
        transaction.on_commit(partial(mail.schedule, ids))
        self.message_user(request, f"{len(ids)} e-mail(s) queued to be sent.", messages.SUCCESS)
