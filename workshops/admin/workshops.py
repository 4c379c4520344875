"""Workshops in the admin, with their agendas and bookings.

The form changes a workshop through the rules: its details and video link through
``agenda.change_workshop`` (which tells the people booked), its places, caps and booking
dates through ``rules.change_places`` (never below what people hold), and each agenda
item of the inline through the agenda rules (times inside the workshop's). The status
moves only through the actions. A refusal comes back on the form (workshops.admin.through_rules).
"""

from django.contrib import admin
from django.contrib.admin import helpers
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import path

from collaborative.inputs.admin_dates import SafeDateHierarchy
from collaborative.people.models import FunctionalArea
from workshops.admin import announcements, dashboard, through_rules
from workshops.booking import rules
from workshops.models import (
    PLACE_HOLDING_STATUSES,
    AgendaItem,
    Booking,
    BookingStatus,
    SignOffRule,
    Workshop,
)
from workshops.steering import agenda, decisions, history

# Short names for the places-per-area column, in FunctionalArea's order.
AREA_SHORT_NAMES = {
    FunctionalArea.NURSING: "Nursing",
    FunctionalArea.HR_WORKFORCE: "HR",
    FunctionalArea.OD_TRAINING_EDUCATION: "OD/T&E",
}


class AgendaItemInline(through_rules.RuleInlineMixin, admin.StackedInline):
    """The agenda, changed item by item through the agenda rules. The order follows the
    start times; items without a time move with the agenda item list's actions."""

    model = AgendaItem
    extra = 0
    fields = [
        ("start_time", "order"),
        "title",
        "description",
        ("speakers", "presenting_organisation"),
    ]
    readonly_fields = ["order"]


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


def _save_agenda(request, workshop, formset):
    """Apply the inline's removals, changes and additions, in that order, through the rules,
    and tell the formset what was done, as its own save would (for the admin's log)."""
    deleted = formset.deleted_forms
    formset.deleted_objects, formset.changed_objects, formset.new_objects = [], [], []

    def details(form):
        return {name: form.cleaned_data[name] for name in agenda.AGENDA_ITEM_FIELDS}

    def remove(form):
        agenda.remove_agenda_item(item=form.instance, removed_by=request.user)
        formset.deleted_objects.append(form.instance)

    def change(form):
        agenda.change_agenda_item(item=form.instance, changed_by=request.user, **details(form))
        formset.changed_objects.append((form.instance, form.changed_data))

    def add(form):
        item = agenda.add_agenda_item(workshop=workshop, added_by=request.user, **details(form))
        form.instance = item
        formset.new_objects.append(item)

    steps = [(form, remove) for form in deleted if form.instance.pk]
    steps += [
        (form, change)
        for form in formset.initial_forms
        if form not in deleted and form.has_changed()
    ]
    steps += [
        (form, add) for form in formset.extra_forms if form not in deleted and form.has_changed()
    ]
    for form, step in steps:
        try:
            step(form)
        except through_rules.REFUSALS as refusal:
            raise through_rules.Refused(refusal, prefix=form.prefix) from refusal


@admin.register(Workshop)
class WorkshopAdmin(SafeDateHierarchy, through_rules.RuleFormAdmin):
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
    list_select_related = ["theme"]
    inlines = [AgendaItemInline, BookingInline]
    actions = [
        "ask_for_sign_off",
        "agree_agenda",
        announcements.open_for_booking,
        "close_booking",
        "mark_held",
        announcements.cancel_workshop,
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

    def get_readonly_fields(self, request, obj=None):
        # New workshops start as drafts; the status then moves only through the actions,
        # which apply the rules, end bookings and tell people. The address is in the
        # e-mails and calendars already sent, so it stays.
        return ["status", *(["slug"] if obj else [])]

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"slug": ["title"]}

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

    @through_rules.action(
        description="Ask the steering group to sign off the agenda", permissions=["change"]
    )
    def ask_for_sign_off(self, request, queryset):
        def ask(workshop):
            agenda.ask_for_sign_off(workshop=workshop, asked_by=request.user)

        through_rules.each(
            self, request, queryset, ask, "draft(s) sent to the steering group to sign off"
        )

    @through_rules.action(
        description="Agree the agenda without the steering group's sign-off (an override, "
        "asks for a reason)",
        permissions=["change"],
    )
    def agree_agenda(self, request, queryset):
        """The steering group agrees agendas by signing them off (workshops.steering.agenda);
        this is the operations manager's override, for when the rule cannot be met in time. It asks
        for the reason first, and the history records it as an override."""
        reason = request.POST.get("override_reason", "").strip()
        if reason:
            through_rules.each(
                self,
                request,
                queryset,
                lambda workshop: agenda.agree_agenda(
                    workshop=workshop, agreed_by=request.user, override_reason=reason
                ),
                "agenda(s) agreed by override",
            )
            return None
        rule = SignOffRule.current()
        return TemplateResponse(
            request,
            "admin/workshops/agree_override.html",
            {
                **self.admin_site.each_context(request),
                "title": "Agree the agenda without the steering group's sign-off",
                "opts": self.model._meta,
                "rule": rule.describe(),
                "workshops": [
                    (workshop, decisions.state(workshop, rule).progress) for workshop in queryset
                ],
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "error": "Enter the reason for the override"
                if "override_reason" in request.POST
                else "",
                "reason": request.POST.get("override_reason", ""),
            },
        )

    @through_rules.action(description="Close booking", permissions=["change"])
    def close_booking(self, request, queryset):
        def close(workshop):
            rules.close_booking(workshop=workshop, closed_by=request.user)

        through_rules.each(self, request, queryset, close, "workshop(s) closed for booking")

    @through_rules.action(description="Mark as held", permissions=["change"])
    def mark_held(self, request, queryset):
        def held(workshop):
            rules.mark_held(workshop=workshop, marked_by=request.user)

        through_rules.each(self, request, queryset, held, "workshop(s) marked as held")

    def save_model(self, request, workshop, form, change):
        if not change:
            # A new workshop is a draft, with no bookings yet for its places to break.
            super().save_model(request, workshop, form, change)
            history.record_change(
                workshop=workshop,
                changed_by=request.user,
                summary="Added the workshop in the admin, as a draft.",
                fields=history.differences(None, workshop, agenda.WORKSHOP_FIELDS),
                after_agreement=False,
            )
            return
        new = {name: form.cleaned_data[name] for name in form.changed_data}
        details = {name: value for name, value in new.items() if name in agenda.DETAIL_FIELDS}
        places = {name: value for name, value in new.items() if name in rules.PLACE_FIELDS}
        steps = []
        if details:
            steps.append(
                lambda: agenda.change_workshop(
                    workshop=workshop, changed_by=request.user, **details
                )
            )
        if places:
            steps.append(
                lambda: rules.change_places(workshop=workshop, changed_by=request.user, **places)
            )
        # Booking must close by the workshop's day: bring the closing day forward before the
        # day itself, and move the day back before the closing day.
        if "date" in details and details["date"] < form.initial["date"]:
            steps.reverse()
        try:
            for step in steps:
                step()
        except through_rules.REFUSALS as refusal:
            raise through_rules.Refused(refusal) from refusal

    def save_formset(self, request, form, formset, change):
        if formset.model is AgendaItem:
            _save_agenda(request, form.instance, formset)
        else:
            super().save_formset(request, form, formset, change)
