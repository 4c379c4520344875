"""Bookings in the admin, and each booking's audit trail.

A booking is never edited in a form: its change page is to read, with its audit trail.
Every change goes through the booking rules (workshops.booking.rules), one action or admin view
per step, so the admin keeps the rules the portal's pages keep and tells the same people:
"Book a place on someone's behalf" (``book_on_behalf``), "Move to another workshop"
(``move_booking``), approving, cancelling, offering places and recording attendance. A
refusal shows in the admin's messages, with the form kept.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from collaborative.inputs.admin_dates import SafeDateHierarchy
from collaborative.inputs.spreadsheets import csv_download
from collaborative.people.models import FunctionalArea, User
from workshops import audit
from workshops.admin import through_rules
from workshops.booking import rules
from workshops.models import Booking, BookingEvent, BookingStatus, Workshop

BOOK_ON_BEHALF = "Book a place on someone's behalf"


def _bookable_workshops():
    return Workshop.objects.filter(
        status=Workshop.Status.OPEN, date__gte=timezone.localdate()
    ).order_by("date", "start_time")


class BookOnBehalfForm(forms.Form):
    workshop = forms.ModelChoiceField(
        queryset=Workshop.objects.none(), help_text="The workshops open for booking."
    )
    person = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True),
        widget=AutocompleteSelect(Booking._meta.get_field("person"), admin.site),
        help_text="Someone of a member Trust or a stakeholder body; search by name or e-mail.",
    )
    functional_area = forms.ChoiceField(
        choices=[("", "The one on their profile"), *FunctionalArea.choices],
        required=False,
        help_text="For people of a Trust: the area they represent at this workshop.",
    )
    override = forms.BooleanField(
        required=False,
        label="Book beyond the Trust's places",
        help_text="Only when the Collaborative has agreed to give this Trust a place beyond its "
        "places, or a second place in one functional area. The workshop's capacity is never "
        "exceeded.",
    )
    override_reason = forms.CharField(
        required=False,
        label="Reason for the override",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Required with the override; it is kept in the booking's audit trail.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workshop"].queryset = _bookable_workshops()

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("override") and not cleaned_data.get("override_reason", "").strip():
            self.add_error(
                "override_reason", "Give the reason for booking beyond the Trust's places."
            )
        return cleaned_data


class MoveForm(forms.Form):
    to_workshop = forms.ModelChoiceField(
        queryset=Workshop.objects.none(),
        label="Move to",
        help_text="The workshops open for booking. The place moves only to a free place there.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_workshop"].queryset = _bookable_workshops()


def _what_happened(booking):
    person = booking.person
    if booking.status == BookingStatus.CONFIRMED:
        return f"{person} has a confirmed place at {booking.workshop}."
    if booking.status == BookingStatus.AWAITING_APPROVAL:
        return f"{person}'s place at {booking.workshop} awaits approval (see the booking)."
    return (
        f"{booking.workshop} is full: {person} is on its waiting list at position "
        f"{booking.waiting_position()}."
    )


ATTENDANCE_LABELS = {True: "Yes", False: "No", None: ""}


def attendee_rows(bookings):
    """The attendee list for a sign-in sheet and the venue: a header, then a row per booking,
    by organisation and name, with each attendee's access and dietary needs."""
    yield [
        "Name",
        "Job title",
        "Trust or organisation",
        "ODS code",
        "Functional area",
        "Status",
        "Attended",
        "Access and dietary needs",
    ]
    ordered = bookings.select_related("person", "trust", "stakeholder_body").order_by(
        Coalesce("trust__name", "stakeholder_body__name"), "person__full_name", "pk"
    )
    for booking in ordered.iterator(chunk_size=1000):
        yield [
            str(booking.person),
            booking.person.job_title,
            str(booking.organisation),
            booking.trust.ods_code if booking.trust else "",
            booking.get_functional_area_display(),
            booking.get_status_display(),
            ATTENDANCE_LABELS[booking.attended],
            booking.access_needs,
        ]


class BookingEventInline(admin.TabularInline):
    """The booking's audit trail, to read: nobody edits or deletes history."""

    model = BookingEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ["at", "action", "actor", "door", "data"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BookingEvent)
class BookingEventAdmin(SafeDateHierarchy, admin.ModelAdmin):
    """Every booking's audit trail in one list: who did what to which booking, and where."""

    list_display = ["at", "action", "booking", "actor", "door"]
    list_filter = ["action", "at"]
    list_select_related = ["booking__person", "booking__workshop", "actor"]
    search_fields = [
        "booking__person__email",
        "booking__person__full_name",
        "actor__email",
        "booking__workshop__title",
    ]
    date_hierarchy = "at"
    fields = readonly_fields = ["at", "action", "booking", "actor", "door", "data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(SafeDateHierarchy, admin.ModelAdmin):
    list_display = [
        "person",
        "workshop",
        "organisation",
        "functional_area",
        "status",
        "attended",
        "requested_at",
    ]
    list_filter = [
        "status",
        "attended",
        "functional_area",
        "workshop",
        "trust",
        "trust__region",
    ]
    list_select_related = ["person", "workshop", "trust", "stakeholder_body"]
    search_fields = [
        "person__full_name",
        "person__email",
        "trust__name",
        "trust__ods_code",
        "stakeholder_body__name",
        "workshop__title",
    ]
    # The book-on-behalf form's person search goes through this.
    autocomplete_fields = ["person"]
    date_hierarchy = "requested_at"
    inlines = [BookingEventInline]
    # A booking is to read: each change is an action below, which keeps the rules.
    fields = readonly_fields = [
        "workshop",
        "person",
        "organisation",
        "functional_area",
        "access_needs",
        "status",
        "why_awaiting_approval",
        "booked_by",
        "requested_at",
        "offer_expires_at",
        "cancelled_at",
        "cancellation_reason",
        "attended",
        "certificate",
        "updated_at",
    ]
    actions = [
        "approve",
        "reject",
        "move_to_workshop",
        "offer_free_places",
        "cancel",
        "mark_attended",
        "mark_not_attended",
        "export_attendees",
    ]

    def has_add_permission(self, request):
        # New bookings come through "Book a place on someone's behalf", which keeps the rules.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        nothing_to_save = {
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(
            request, object_id, form_url, {**nothing_to_save, **(extra_context or {})}
        )

    def save_model(self, request, booking, form, change):
        """Nothing here is editable: the actions change bookings."""

    def get_urls(self):
        return [
            path(
                "book-on-behalf/",
                self.admin_site.admin_view(self.book_on_behalf),
                name="workshops_booking_book_on_behalf",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="Organisation")
    def organisation(self, booking):
        return booking.organisation

    @admin.display(description="Why it awaits approval")
    def why_awaiting_approval(self, booking):
        return booking.approval_reason or "-"

    @admin.display(description="Certificate of attendance")
    def certificate(self, booking):
        if booking.attended is not True:
            return "None: attendance is not recorded as attended"
        return format_html(
            '<a href="{}" download>Download the certificate (PDF)</a>',
            reverse("workshops:certificate", args=[booking.pk]),
        )

    def book_on_behalf(self, request):
        """Book a place for someone, under the booking rules; a refusal keeps the form."""
        if not request.user.has_perm("workshops.add_booking"):
            raise PermissionDenied
        form = BookOnBehalfForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                with audit.through(f"admin view “{BOOK_ON_BEHALF}”"):
                    booking = rules.book_on_behalf(
                        workshop=data["workshop"],
                        person=data["person"],
                        booked_by=request.user,
                        functional_area=data["functional_area"] or None,
                        override_reason=data["override_reason"] if data["override"] else "",
                    )
            except through_rules.REFUSALS as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
            else:
                self.message_user(request, _what_happened(booking), messages.SUCCESS)
                return redirect("admin:workshops_booking_change", booking.pk)
        return TemplateResponse(
            request,
            "admin/workshops/booking/book_on_behalf.html",
            {
                **self.admin_site.each_context(request),
                "title": BOOK_ON_BEHALF,
                "opts": self.opts,
                "form": form,
                "media": self.media + form.media,
            },
        )

    def _apply(self, request, bookings, service, done):
        def change(booking):
            service(booking=booking, by=request.user)

        through_rules.each(self, request, bookings, change, f"booking(s) {done}")

    @through_rules.action(
        description="Confirm selected bookings awaiting approval", permissions=["change"]
    )
    def approve(self, request, queryset):
        self._apply(request, queryset, rules.approve_booking, "approved")

    @through_rules.action(
        description="Do not approve selected bookings (frees their places)", permissions=["change"]
    )
    def reject(self, request, queryset):
        pending = queryset.filter(status=BookingStatus.AWAITING_APPROVAL)
        self._apply(request, pending, rules.reject_booking, "not approved")

    @through_rules.action(
        description="Cancel selected bookings (freed places go to the waiting list)",
        permissions=["change"],
    )
    def cancel(self, request, queryset):
        self._apply(request, queryset, rules.cancel_booking, "cancelled")

    @through_rules.action(
        description="Move to another workshop (asks which)", permissions=["change"]
    )
    def move_to_workshop(self, request, queryset):
        """Ask which workshop, then move each booking there; if none can move, ask again."""
        bookings = queryset.select_related("person", "workshop")
        form = MoveForm(request.POST if "to_workshop" in request.POST else None)
        if form.is_valid():
            target = form.cleaned_data["to_workshop"]

            def move(booking):
                rules.move_booking(booking=booking, to_workshop=target, moved_by=request.user)

            if through_rules.each(self, request, bookings, move, f"booking(s) moved to {target}"):
                return None
        return TemplateResponse(
            request,
            "admin/workshops/booking/move_bookings.html",
            {
                **self.admin_site.each_context(request),
                "title": "Move bookings to another workshop",
                "opts": self.opts,
                "bookings": bookings,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @through_rules.action(
        description="Offer free places of these bookings' workshops to the next people waiting",
        permissions=["change"],
    )
    def offer_free_places(self, request, queryset):
        offered = 0
        for workshop_id in queryset.order_by().values_list("workshop_id", flat=True).distinct():
            with transaction.atomic():
                workshop = Workshop.objects.locked(workshop_id)
                offered += len(rules.offer_free_places(workshop))
        self.message_user(request, f"{offered} place(s) offered to the waiting list.")

    def _record_attendance(self, request, queryset, *, attended):
        recorded = rules.record_attendance(bookings=queryset, attended=attended, by=request.user)
        what = "attended" if attended else "did not attend"
        self.message_user(request, f"{recorded} booking(s) marked as {what}.", messages.SUCCESS)
        if left := queryset.count() - recorded:
            self.message_user(
                request,
                f"{left} booking(s) left as they were: attendance is recorded only for "
                "confirmed places at workshops that have taken place.",
                messages.WARNING,
            )

    @through_rules.action(description="Mark as attended", permissions=["change"])
    def mark_attended(self, request, queryset):
        self._record_attendance(request, queryset, attended=True)

    @through_rules.action(description="Mark as did not attend", permissions=["change"])
    def mark_not_attended(self, request, queryset):
        self._record_attendance(request, queryset, attended=False)

    @admin.action(description="Export the attendee list as CSV (one workshop)")
    def export_attendees(self, request, queryset):
        workshop_ids = list(queryset.order_by().values_list("workshop_id", flat=True).distinct())
        if len(workshop_ids) != 1:
            self.message_user(
                request,
                "Choose bookings of one workshop for its attendee list: filter the list by "
                "workshop first.",
                messages.ERROR,
            )
            return None
        workshop = Workshop.objects.get(pk=workshop_ids[0])
        return csv_download(f"{workshop.slug}-attendees.csv", attendee_rows(queryset))
