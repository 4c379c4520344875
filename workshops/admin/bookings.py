"""Workshops with their agendas and bookings, bookings, and stakeholder invitations.

Every change of a workshop's status and of a booking goes through workshops.services
(an action per step), so the admin keeps the same rules as the portal's pages; edits
made in the workshop form are written into the workshop's history.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.urls import path
from django.utils.html import format_html

from collaborative.models import FunctionalArea, OutgoingEmail
from workshops import agenda, errors, history, services
from workshops import messaging as workshop_messaging
from workshops.admin import dashboard, messaging
from workshops.admin.steering import (
    AGENDA_HISTORY_FIELDS,
    record_agenda_change,
    tells_people_booked,
)
from workshops.models import (
    PLACE_HOLDING_STATUSES,
    AgendaItem,
    Booking,
    BookingEvent,
    BookingStatus,
    Invitation,
    Workshop,
)

# Short names for the places-per-area column, in FunctionalArea's order.
AREA_SHORT_NAMES = {
    FunctionalArea.NURSING: "Nursing",
    FunctionalArea.HR_WORKFORCE: "HR",
    FunctionalArea.OD_TRAINING_EDUCATION: "OD/T&E",
}


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0
    fields = [
        ("order", "start_time"),
        "title",
        "description",
        ("speakers", "presenting_organisation"),
    ]


class BookingInline(admin.TabularInline):
    """The workshop's bookings to read; each changes through the booking list's actions."""

    model = Booking
    extra = 0
    can_delete = False
    show_change_link = True
    fields = readonly_fields = [
        "person",
        "organisation",
        "functional_area",
        "status",
        "attended",
        "requested_at",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("person", "workshop", "trust", "stakeholder_body")
        )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Organisation")
    def organisation(self, booking):
        return booking.organisation


def _each(modeladmin, request, objects, change, done):
    """Apply a service to each object, reporting refusals one by one and a count of the rest."""
    changed = 0
    for obj in objects:
        try:
            change(obj)
        except (errors.BookingError, agenda.AgendaError) as refusal:
            modeladmin.message_user(request, f"{obj}: {refusal.message}", messages.WARNING)
        else:
            changed += 1
    if changed:
        modeladmin.message_user(request, f"{changed} {done}.", messages.SUCCESS)


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "date",
        "kind",
        "status",
        "places",
        "places_by_area",
        "waiting_count",
    ]
    list_filter = ["status", "kind", "format", "theme", "date"]
    search_fields = ["title", "description", "venue"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["theme"]
    inlines = [AgendaItemInline, BookingInline]
    actions = [
        "agree_agenda",
        messaging.open_for_booking,
        "close_booking",
        "mark_held",
        messaging.cancel_workshop,
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "theme", "description", "status"]}),
        (
            "When and where",
            {"fields": ["date", ("start_time", "end_time"), "format", "video_link", "venue"]},
        ),
        (
            "Places",
            {
                "fields": [
                    "capacity",
                    "places_per_trust",
                    "one_per_functional_area",
                    "director_level_only",
                    "offer_hours",
                    ("booking_opens_on", "booking_closes_on"),
                ]
            },
        ),
    ]
    # New workshops start as drafts; the status then moves only through the actions,
    # which apply the rules, end bookings and tell people.
    readonly_fields = ["status"]

    def get_queryset(self, request):
        holding = Q(bookings__status__in=PLACE_HOLDING_STATUSES)
        by_area = {
            f"places_{area.value}": Count(
                "bookings", filter=holding & Q(bookings__functional_area=area)
            )
            for area in FunctionalArea
        }
        return (
            super()
            .get_queryset(request)
            .with_places_taken()
            .annotate(
                waiting_count=Count("bookings", filter=Q(bookings__status=BookingStatus.WAITING)),
                **by_area,
            )
        )

    def get_urls(self):
        return [
            path(
                "engagement/",
                self.admin_site.admin_view(dashboard.engagement),
                name="workshops_engagement",
            ),
            path(
                "engagement/matrix.csv",
                self.admin_site.admin_view(dashboard.engagement_csv),
                name="workshops_engagement_csv",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="Places used / capacity", ordering="places_taken")
    def places(self, workshop):
        return f"{workshop.places_taken} / {workshop.capacity}"

    @admin.display(description="Places per functional area")
    def places_by_area(self, workshop):
        return ", ".join(
            f"{short} {getattr(workshop, f'places_{area.value}')}"
            for area, short in AREA_SHORT_NAMES.items()
        )

    @admin.display(description="Waiting list", ordering="waiting_count")
    def waiting_count(self, workshop):
        return workshop.waiting_count

    @admin.action(description="Agree the agenda and publish the workshop", permissions=["change"])
    def agree_agenda(self, request, queryset):
        def agree(workshop):
            agenda.agree_agenda(workshop=workshop, agreed_by=request.user)

        _each(self, request, queryset, agree, "agenda(s) agreed")

    @admin.action(description="Close booking", permissions=["change"])
    def close_booking(self, request, queryset):
        def close(workshop):
            services.close_booking(workshop=workshop, closed_by=request.user)

        _each(self, request, queryset, close, "workshop(s) closed for booking")

    @admin.action(description="Mark as held", permissions=["change"])
    def mark_held(self, request, queryset):
        def held(workshop):
            services.mark_held(workshop=workshop, marked_by=request.user)

        _each(self, request, queryset, held, "workshop(s) marked as held")

    def save_model(self, request, workshop, form, change):
        stored = Workshop.objects.select_related("theme").get(pk=workshop.pk) if change else None
        super().save_model(request, workshop, form, change)
        if not change:
            history.record_change(
                workshop=workshop,
                changed_by=request.user,
                summary="Added the workshop in the admin, as a draft.",
                fields=history.differences(None, workshop, agenda.WORKSHOP_FIELDS),
                after_agreement=False,
            )
            return
        names = form.changed_data
        if fields := history.differences(stored, workshop, names):
            labels = ", ".join(field["label"].lower() for field in fields)
            history.record_change(
                workshop=workshop,
                changed_by=request.user,
                summary=f"Changed the {labels} in the admin.",
                fields=fields,
                after_agreement=tells_people_booked(workshop)
                and any(name in agenda.WORKSHOP_FIELDS for name in names),
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not AgendaItem:
            return super().save_formset(request, form, formset, change)
        initial = {item_form.instance.pk: item_form.initial for item_form in formset.initial_forms}
        super().save_formset(request, form, formset, change)
        changes = [(None, item) for item in formset.new_objects]
        changes += [
            (AgendaItem(**{name: initial[item.pk][name] for name in AGENDA_HISTORY_FIELDS}), item)
            for item, _ in formset.changed_objects
        ]
        changes += [(item, None) for item in formset.deleted_objects]
        for before, after in changes:
            record_agenda_change(
                workshop=form.instance, changed_by=request.user, before=before, after=after
            )
        return None


ATTENDANCE_LABELS = {True: "Yes", False: "No", None: ""}


def attendee_rows(bookings):
    """The attendee list for a sign-in sheet: a header, then a row per booking, by
    organisation and name."""
    yield [
        "Name",
        "Job title",
        "Trust or organisation",
        "ODS code",
        "Functional area",
        "Status",
        "Attended",
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
class BookingEventAdmin(admin.ModelAdmin):
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
class BookingAdmin(admin.ModelAdmin):
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
    autocomplete_fields = ["workshop", "person", "trust", "stakeholder_body"]
    date_hierarchy = "requested_at"
    inlines = [BookingEventInline]
    actions = [
        "approve",
        "reject",
        "offer_free_places",
        "cancel",
        "mark_attended",
        "mark_not_attended",
        "export_attendees",
    ]

    def get_readonly_fields(self, request, obj=None):
        """A booking's status and attendance change only through the actions, which keep
        the booking rules and tell the people concerned."""
        readonly = ["requested_at", "updated_at", "cancelled_at", "cancellation_reason"]
        if obj is not None:
            readonly += ["status", "offer_expires_at", "attended"]
        return readonly

    @admin.display(description="Organisation")
    def organisation(self, booking):
        return booking.organisation

    def _apply(self, request, bookings, service, done):
        def change(booking):
            service(booking=booking)

        _each(self, request, bookings, change, f"booking(s) {done}")

    @admin.action(description="Confirm selected bookings awaiting approval", permissions=["change"])
    def approve(self, request, queryset):
        self._apply(request, queryset, services.approve_booking, "approved")

    @admin.action(
        description="Do not approve selected bookings (frees their places)", permissions=["change"]
    )
    def reject(self, request, queryset):
        pending = queryset.filter(status=BookingStatus.AWAITING_APPROVAL)
        self._apply(request, pending, services.reject_booking, "not approved")

    @admin.action(
        description="Cancel selected bookings (freed places go to the waiting list)",
        permissions=["change"],
    )
    def cancel(self, request, queryset):
        self._apply(request, queryset, services.cancel_booking, "cancelled")

    @admin.action(
        description="Offer free places of these bookings' workshops to the next people waiting",
        permissions=["change"],
    )
    def offer_free_places(self, request, queryset):
        offered = 0
        for workshop_id in queryset.order_by().values_list("workshop_id", flat=True).distinct():
            with transaction.atomic():
                workshop = Workshop.objects.select_for_update().get(pk=workshop_id)
                offered += len(services.offer_free_places(workshop))
        self.message_user(request, f"{offered} place(s) offered to the waiting list.")

    def _record_attendance(self, request, queryset, *, attended):
        recorded = services.record_attendance(bookings=queryset, attended=attended)
        what = "attended" if attended else "did not attend"
        self.message_user(request, f"{recorded} booking(s) marked as {what}.", messages.SUCCESS)
        if left := queryset.count() - recorded:
            self.message_user(
                request,
                f"{left} booking(s) left as they were: attendance is recorded only for "
                "confirmed places at workshops that have taken place.",
                messages.WARNING,
            )

    @admin.action(description="Mark as attended", permissions=["change"])
    def mark_attended(self, request, queryset):
        self._record_attendance(request, queryset, attended=True)

    @admin.action(description="Mark as did not attend", permissions=["change"])
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
        return dashboard.csv_download(f"{workshop.slug}-attendees.csv", attendee_rows(queryset))


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Personal booking links for stakeholder representatives."""

    list_display = ["person", "workshop", "created_at", "expires_at", "used_at"]
    list_filter = ["workshop"]
    list_select_related = ["person", "workshop"]
    search_fields = ["person__full_name", "person__email", "workshop__title"]
    autocomplete_fields = ["workshop", "person"]
    readonly_fields = ["booking_link", "created_by", "created_at", "used_at"]
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

    @admin.display(description="Booking link to send")
    def booking_link(self, invitation):
        if not invitation.pk:
            return "Appears once saved."
        return f"{settings.PORTAL_BASE_URL}{invitation.get_absolute_url()}"

    def save_model(self, request, invitation, form, change):
        if not change:
            invitation.created_by = request.user
        super().save_model(request, invitation, form, change)

    @admin.action(description="Send invitation e-mail", permissions=["change"])
    def send_invitation_email(self, request, queryset):
        """Each person gets one invitation e-mail per workshop, ever (workshops.messaging):
        this sends those not sent yet, e.g. after an expired invitation was extended."""
        for invitation in queryset.select_related("workshop", "person"):
            workshop = invitation.workshop
            if not invitation.is_usable:
                refusal = "it has been used or has expired: extend it, or make a new one"
            elif workshop.status != Workshop.Status.OPEN:
                refusal = "its workshop is not open for booking; it goes out when it opens"
            else:
                refusal = None
            if refusal:
                self.message_user(request, f"{invitation}: not sent, {refusal}.", messages.WARNING)
                continue
            outbox = OutgoingEmail.objects.filter(
                kind=OutgoingEmail.Kind.INVITATION, workshop=workshop, recipient=invitation.person
            )
            already = outbox.exists()
            workshop_messaging.invite(workshop, people=[invitation.person])
            self.message_user(
                request,
                format_html(
                    '{}: {}. <a href="{}">See the invitations of this workshop</a>.',
                    invitation,
                    "already sent, so not sent again" if already else "sending now",
                    messaging.progress_url(workshop),
                ),
                messages.INFO if already else messages.SUCCESS,
            )
