"""Admin actions that tell many people at once, and the invitations' progress page.

The actions call the workshop services; the messages follow from them
(workshops.messaging) and go out through Celery, while the progress page
counts the outbox rows as the workers send them.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from collaborative.models import OutgoingEmail
from workshops import errors, services
from workshops.admin import rules
from workshops.models import ACTIVE_STATUSES, Workshop

# How often the progress page reloads itself while invitations are still going out.
PROGRESS_REFRESH_SECONDS = 3


def progress_url(workshop):
    return reverse("admin:collaborative_outgoingemail_invitations", args=[workshop.pk])


@rules.action(description="Open for booking and send invitations", permissions=["change"])
def open_for_booking(modeladmin, request, queryset):
    opened = []
    for workshop in queryset:
        try:
            services.open_for_booking(workshop=workshop, opened_by=request.user)
        except errors.BookingError as refusal:
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


@rules.action(
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
            services.cancel_workshop(workshop=workshop, cancelled_by=request.user)
        except errors.BookingError as refusal:
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
    """Sent, failed and total invitations of a workshop, reloading while they go out."""
    if not request.user.has_perm("collaborative.view_outgoingemail"):
        raise PermissionDenied
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    invitations = OutgoingEmail.objects.filter(
        workshop=workshop, kind=OutgoingEmail.Kind.INVITATION
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
                + f"?workshop__id__exact={workshop.pk}&kind__exact={OutgoingEmail.Kind.INVITATION}"
            ),
        },
    )
