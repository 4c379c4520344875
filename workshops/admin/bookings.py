from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Q

from workshops import errors, services
from workshops.models import (
    PLACE_HOLDING_STATUSES,
    AgendaItem,
    Booking,
    BookingStatus,
    Invitation,
    Theme,
    Workshop,
)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_current_priority"]
    list_filter = ["is_current_priority"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0
    fields = [
        ("order", "start_time"),
        "title",
        "description",
        ("speakers", "presenting_organisation"),
    ]


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "date",
        "start_time",
        "format",
        "status",
        "places_taken",
        "capacity",
        "waiting_count",
    ]
    list_filter = ["status", "format", "theme", "date"]
    search_fields = ["title", "description", "venue"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["theme"]
    inlines = [AgendaItemInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "theme", "description", "status"]}),
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
                    ("booking_opens_on", "booking_closes_on"),
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                places_taken=Count(
                    "bookings", filter=Q(bookings__status__in=PLACE_HOLDING_STATUSES)
                ),
                waiting_count=Count("bookings", filter=Q(bookings__status=BookingStatus.WAITING)),
            )
        )

    @admin.display(description="Places taken", ordering="places_taken")
    def places_taken(self, workshop):
        return workshop.places_taken

    @admin.display(description="Waiting", ordering="waiting_count")
    def waiting_count(self, workshop):
        return workshop.waiting_count


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "workshop", "order", "start_time", "presenting_organisation"]
    list_filter = ["workshop__date"]
    list_select_related = ["workshop"]
    search_fields = [
        "title",
        "description",
        "speakers",
        "presenting_organisation",
        "workshop__title",
    ]
    autocomplete_fields = ["workshop"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = [
        "person",
        "workshop",
        "organisation",
        "functional_area",
        "status",
        "requested_at",
    ]
    list_filter = ["status", "functional_area", "workshop", "trust__region"]
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
    readonly_fields = ["requested_at", "updated_at", "cancelled_at", "cancellation_reason"]
    actions = ["approve", "reject", "cancel", "offer_free_places"]

    def _apply(self, request, bookings, service, done):
        """Call a booking service for each booking, reporting refusals one by one."""
        changed = 0
        for booking in bookings:
            try:
                service(booking=booking)
                changed += 1
            except errors.BookingError as refusal:
                self.message_user(request, f"{booking}: {refusal.message}", messages.WARNING)
        if changed:
            self.message_user(request, f"{changed} booking(s) {done}.", messages.SUCCESS)

    @admin.action(description="Approve selected bookings (director-level approval)")
    def approve(self, request, queryset):
        self._apply(request, queryset, services.approve_booking, "approved")

    @admin.action(description="Do not approve selected bookings (frees their places)")
    def reject(self, request, queryset):
        pending = queryset.filter(status=BookingStatus.AWAITING_APPROVAL)
        self._apply(request, pending, services.reject_booking, "not approved")

    @admin.action(description="Cancel selected bookings (freed places go to the waiting list)")
    def cancel(self, request, queryset):
        self._apply(request, queryset, services.cancel_booking, "cancelled")

    @admin.action(description="Offer free places of these bookings' workshops to the waiting list")
    def offer_free_places(self, request, queryset):
        offered = 0
        for workshop_id in queryset.values_list("workshop_id", flat=True).distinct():
            with transaction.atomic():
                workshop = Workshop.objects.select_for_update().get(pk=workshop_id)
                offered += len(services.offer_free_places(workshop))
        self.message_user(request, f"{offered} place(s) offered to the waiting list.")


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

    @admin.display(description="Booking link to send")
    def booking_link(self, invitation):
        if not invitation.pk:
            return "Appears once saved."
        return f"{settings.PORTAL_BASE_URL}{invitation.get_absolute_url()}"

    def save_model(self, request, invitation, form, change):
        if not change:
            invitation.created_by = request.user
        super().save_model(request, invitation, form, change)

    @admin.display(description="Organisation")
    def organisation(self, booking):
        return booking.organisation
