from django.contrib import admin
from django.db.models import Count, Q

from workshops.models import (
    PLACE_HOLDING_STATUSES,
    AgendaItem,
    Booking,
    BookingStatus,
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
    readonly_fields = ["requested_at", "updated_at", "cancelled_at"]

    @admin.display(description="Organisation")
    def organisation(self, booking):
        return booking.organisation
