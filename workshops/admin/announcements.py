"""Admin actions that tell many people at once, and the invitations' progress page.

The actions call the workshop services; the messages follow from them
(workshops.messages.notify) and go out through Celery, while the progress page
counts the outbox rows as the workers send them.
"""

from collections import Counter

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from collaborative.outbox.models import OutgoingEmail
from workshops import refusals
from workshops.admin import through_rules
from workshops.booking import rules
from workshops.messages import notify as workshop_messaging
from workshops.messages.content import about_workshop
from workshops.models import ACTIVE_STATUSES, Workshop

# How often the progress page reloads itself while invitations are still going out.
PROGRESS_REFRESH_SECONDS = 3


def progress_url(workshop):
    return reverse("admin:collaborative_outgoingemail_invitations", args=[workshop.pk])


@through_rules.action(description="Open for booking and send invitations", permissions=["change"])
def open_for_booking(modeladmin, request, queryset):
    opened = []
    for workshop in queryset:
        try:
            rules.open_for_booking(workshop=workshop, opened_by=request.user)
        except refusals.BookingError as refusal:
            modeladmin.message_user(request, f"{workshop}: {refusal.message}", messages.WARNING)
        else:
            opened.append(workshop)
    if len(opened) == 1:
        return redirect(progress_url(opened[0]))
    for workshop in opened:
        modeladmin.message_user(
            request,
            format_html(
                '{} is open for booking. <a href="{}">See its invitations go out</a>.',
                workshop,
                progress_url(workshop),
            ),
            messages.SUCCESS,
        )
    return None


@through_rules.action(
    description="Cancel the workshop and tell everyone booked (asks first)",
    permissions=["change"],
)
def cancel_workshop(modeladmin, request, queryset):
    """Ask first, as Django's delete action does: this ends every booking and e-mails people."""
    workshops = queryset.annotate(
        active_bookings=Count("bookings", filter=Q(bookings__status__in=ACTIVE_STATUSES))
    )
    if request.POST.get("confirmed") != "yes":
        return TemplateResponse(
            request,
            "admin/workshops/cancel_workshops.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": "Cancel workshops",
                "opts": modeladmin.model._meta,
                "workshops": workshops,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )
    cancelled = 0
    for workshop in workshops:
        try:
            rules.cancel_workshop(workshop=workshop, cancelled_by=request.user)
        except refusals.BookingError as refusal:
            modeladmin.message_user(request, f"{workshop}: {refusal.message}", messages.WARNING)
        else:
            cancelled += 1
    if cancelled:
        modeladmin.message_user(
            request,
            f"{cancelled} workshop(s) cancelled; everyone booked is being told.",
            messages.SUCCESS,
        )
    return None


def invitation_progress(request, workshop_id):
    """Sent, failed and total invitations of a workshop, reloading while they go out; who was
    not invited, and why; and a reminder to confirm their address for those who lack that."""
    if not request.user.has_perm("collaborative.view_outgoingemail"):
        raise PermissionDenied
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    if request.method == "POST":
        return _remind_to_confirm(request, workshop)
    not_invited = workshop_messaging.not_invited(workshop)
    reminded = set(
        OutgoingEmail.objects.filter(
            about=about_workshop(workshop.pk), kind=OutgoingEmail.Kind.CONFIRM_ADDRESS_REMINDER
        ).values_list("recipient_id", flat=True)
    )
    to_remind = [
        row for row in not_invited if row.may_be_reminded and row.person.pk not in reminded
    ]
    invitations = OutgoingEmail.objects.filter(
        about=about_workshop(workshop.pk), kind=OutgoingEmail.Kind.INVITATION
    )
    progress = invitations.progress()
    going_out = progress["pending"] + progress["failed"] - progress["given_up"]
    return TemplateResponse(
        request,
        "admin/workshops/invitation_progress.html",
        {
            **admin.site.each_context(request),
            "title": f"Invitations to {workshop.title}",
            "workshop": workshop,
            "progress": progress,
            "refresh_seconds": PROGRESS_REFRESH_SECONDS if going_out else None,
            "max_attempts": settings.MESSAGE_MAX_ATTEMPTS,
            "messages_url": (
                reverse("admin:collaborative_outgoingemail_changelist")
                + f"?about={about_workshop(workshop.pk)}"
                + f"&kind__exact={OutgoingEmail.Kind.INVITATION}"
            ),
            "not_invited": not_invited,
            "reasons": Counter(
                reason for row in not_invited for reason in row.reasons
            ).most_common(),
            "reminded": reminded,
            "to_remind": len(to_remind),
            "may_remind": workshop.status == Workshop.Status.OPEN
            and request.user.has_perm("workshops.change_workshop"),
        },
    )


def _remind_to_confirm(request, workshop):
    if not request.user.has_perm("workshops.change_workshop"):
        raise PermissionDenied
    if workshop.status != Workshop.Status.OPEN:
        messages.warning(request, "Reminders go only while the workshop is open for booking.")
    else:
        now, before = workshop_messaging.remind_to_confirm_addresses(workshop)
        messages.success(
            request,
            f"{now} reminder{pluralize(now)} to confirm an e-mail address recorded"
            + (
                f"; {before} had been reminded already and are not e-mailed again."
                if before
                else "."
            ),
        )
    return redirect(progress_url(workshop))
