"""What the steering group plans, in the admin: themes, topic proposals, agenda items,
outcomes, and each workshop's history, which is read-only.

Changes made here go into the workshop's history as the steering group's own changes
do (workshops.history), and outcomes are recorded through workshops.agenda.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html_join

from workshops import agenda, history
from workshops.models import (
    AgendaItem,
    Outcome,
    Theme,
    TopicProposal,
    TopicSupport,
    WorkshopChange,
)

AGENDA_HISTORY_FIELDS = (*agenda.AGENDA_ITEM_FIELDS, "order")


def tells_people_booked(workshop):
    """Whether a change now is news to the people booked: the agenda is public and the
    workshop is still to come."""
    return workshop.agenda_is_public and not workshop.has_taken_place


def record_agenda_change(*, workshop, changed_by, before, after):
    """Write an agenda item's addition (no ``before``), change or removal (no ``after``)
    made in the admin into its workshop's history."""
    fields = history.differences(before, after, AGENDA_HISTORY_FIELDS)
    if before is None:
        summary = f"Added “{after.title}” to the agenda in the admin."
    elif after is None:
        summary = f"Removed “{before.title}” from the agenda in the admin."
    elif fields:
        summary = f"Changed “{after.title}” on the agenda in the admin."
    else:
        return None
    return history.record_change(
        workshop=workshop,
        changed_by=changed_by,
        summary=summary,
        fields=fields,
        after_agreement=tells_people_booked(workshop),
    )


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_current_priority"]
    list_filter = ["is_current_priority"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


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

    def save_model(self, request, item, form, change):
        before = AgendaItem.objects.get(pk=item.pk) if change else None
        super().save_model(request, item, form, change)
        record_agenda_change(
            workshop=item.workshop, changed_by=request.user, before=before, after=item
        )

    def delete_model(self, request, item):
        super().delete_model(request, item)
        record_agenda_change(
            workshop=item.workshop, changed_by=request.user, before=item, after=None
        )

    def delete_queryset(self, request, queryset):
        items = list(queryset.select_related("workshop"))
        super().delete_queryset(request, queryset)
        for item in items:
            record_agenda_change(
                workshop=item.workshop, changed_by=request.user, before=item, after=None
            )


class TopicSupportInline(admin.TabularInline):
    model = TopicSupport
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(TopicProposal)
class TopicProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "theme", "proposed_by", "proposed_at", "support_count", "workshop"]
    list_filter = ["theme", "proposed_at"]
    list_select_related = ["theme", "proposed_by", "workshop"]
    search_fields = ["title", "rationale", "proposed_by__full_name"]
    autocomplete_fields = ["theme", "proposed_by", "workshop"]
    date_hierarchy = "proposed_at"
    inlines = [TopicSupportInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(support_count=Count("supports"))

    @admin.display(description="Supporters", ordering="support_count")
    def support_count(self, proposal):
        return proposal.support_count


@admin.register(TopicSupport)
class TopicSupportAdmin(admin.ModelAdmin):
    list_display = ["proposal", "person", "supported_at"]
    list_select_related = ["proposal", "person"]
    search_fields = ["proposal__title", "person__full_name", "person__email"]
    autocomplete_fields = ["proposal", "person"]


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["workshop", "summary", "actions", "follow_up_events"]

    def clean_workshop(self):
        workshop = self.cleaned_data["workshop"]
        if not workshop.has_taken_place:
            raise forms.ValidationError(agenda.NOT_TAKEN_PLACE)
        return workshop


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    """Outcomes are recorded through the steering group's rule, which writes the history."""

    form = OutcomeForm
    list_display = ["workshop", "recorded_by", "recorded_at", "updated_at"]
    list_select_related = ["workshop", "recorded_by"]
    search_fields = ["workshop__title", "summary", "actions"]
    autocomplete_fields = ["workshop", "follow_up_events"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def get_readonly_fields(self, request, obj=None):
        # An outcome belongs to its workshop: correct it, rather than move it.
        return [*self.readonly_fields, *(["workshop"] if obj else [])]

    def save_model(self, request, outcome, form, change):
        recorded = agenda.record_outcome(
            workshop=outcome.workshop,
            recorded_by=request.user,
            summary=outcome.summary,
            actions=outcome.actions,
            follow_up_events=form.cleaned_data["follow_up_events"],
        )
        outcome.pk = recorded.pk


@admin.register(WorkshopChange)
class WorkshopChangeAdmin(admin.ModelAdmin):
    """A workshop's history, to read: the rules that change a workshop write it."""

    list_display = ["changed_at", "workshop", "changed_by", "summary", "after_agreement"]
    list_filter = ["after_agreement", ("workshop", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["workshop", "changed_by"]
    search_fields = ["summary", "workshop__title", "changed_by__full_name"]
    date_hierarchy = "changed_at"
    fields = ["workshop", "changed_by", "changed_at", "summary", "what_changed", "after_agreement"]
    readonly_fields = fields

    @admin.display(description="What changed")
    def what_changed(self, change):
        return format_html_join(
            "\n",
            "<p>{}: {} → {}</p>",
            (
                (field["label"], field["before"] or "(none)", field["after"] or "(none)")
                for field in change.fields
            ),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
