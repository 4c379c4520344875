"""Personal booking links for stakeholder representatives.

A new invitation is made by ``rules.invite_stakeholder``, which e-mails it at once if
its workshop is open for booking (otherwise opening the workshop does); once made, only
its expiry changes here.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.utils.html import format_html

from workshops.admin import announcements, through_rules
from workshops.booking import rules
from workshops.models import Invitation


@admin.register(Invitation)
class InvitationAdmin(through_rules.RuleFormAdmin):
    list_display = ["person", "workshop", "created_at", "expires_at", "used_at"]
    list_filter = ["workshop"]
    list_select_related = ["person", "workshop"]
    search_fields = ["person__full_name", "person__email", "workshop__title"]
    autocomplete_fields = ["workshop", "person"]
    fields = [
        "workshop",
        "person",
        "expires_at",
        "booking_link",
        "created_by",
        "created_at",
        "used_at",
    ]
    actions = ["send_invitation_email"]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["booking_link", "created_by", "created_at", "used_at"]
        return ["workshop", "person", *readonly] if obj else readonly

    @admin.display(description="Booking link to send")
    def booking_link(self, invitation):
        if not invitation.pk:
            return "Appears once saved."
        return f"{settings.PORTAL_BASE_URL}{invitation.get_absolute_url()}"

    def save_model(self, request, invitation, form, change):
        if change:
            super().save_model(request, invitation, form, change)
            return
        try:
            made = rules.invite_stakeholder(
                workshop=invitation.workshop,
                person=invitation.person,
                invited_by=request.user,
                expires_at=invitation.expires_at,
            )
        except through_rules.REFUSALS as refusal:
            raise through_rules.Refused(refusal) from refusal
        invitation.pk, invitation.token = made.pk, made.token

    @through_rules.action(description="Send invitation e-mail", permissions=["change"])
    def send_invitation_email(self, request, queryset):
        """Each person gets one invitation e-mail per workshop, ever (workshops.messages.notify):
        this sends those not sent yet, e.g. after an expired invitation was extended."""
        for invitation in queryset.select_related("workshop", "person"):
            try:
                sent = rules.send_invitation(invitation=invitation)
            except through_rules.REFUSALS as refusal:
                self.message_user(request, f"{invitation}: {refusal.message}", messages.WARNING)
                continue
            self.message_user(
                request,
                format_html(
                    '{}: {}. <a href="{}">See the invitations of this workshop</a>.',
                    invitation,
                    "sending now" if sent else "already sent, so not sent again",
                    announcements.progress_url(invitation.workshop),
                ),
                messages.SUCCESS if sent else messages.INFO,
            )
