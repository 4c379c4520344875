"""What the steering group plans, in the admin: themes, topic proposals, agenda items,
outcomes, and each workshop's history, which is read-only.

Agenda items and outcomes change through the steering group's own rules (workshops.steering.agenda),
which keep an item's time inside its workshop's, write the history and tell the people
booked; a refusal comes back on the form (workshops.admin.through_rules).
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import redirect
from django.utils.html import format_html_join

from collaborative.inputs.admin_dates import SafeDateHierarchy
from collaborative.people.models import User
from workshops import audit
from workshops.admin import through_rules
from workshops.models import (
    AgendaComment,
    AgendaItem,
    Outcome,
    SignOffRequest,
    SignOffRule,
    Theme,
    TopicProposal,
    TopicSupport,
    WorkshopChange,
)
from workshops.steering import agenda


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_current_priority"]
    list_filter = ["is_current_priority"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(AgendaItem)
class AgendaItemAdmin(through_rules.RuleFormAdmin):
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
    fields = ["workshop", "order", "start_time", "title", "description", "speakers"]
    fields += ["presenting_organisation"]
    actions = ["move_up", "move_down", "remove"]

    def get_readonly_fields(self, request, obj=None):
        # The order follows the start times (or the move actions); an item stays with its
        # workshop.
        return ["order", *(["workshop"] if obj else [])]

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        # Removing goes through the agenda rule ("remove"), not a plain delete.
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, item, form, change):
        details = {name: form.cleaned_data[name] for name in agenda.AGENDA_ITEM_FIELDS}
        try:
            if change:
                agenda.change_agenda_item(item=item, changed_by=request.user, **details)
            else:
                added = agenda.add_agenda_item(
                    workshop=item.workshop, added_by=request.user, **details
                )
                item.pk, item.order = added.pk, added.order
        except through_rules.REFUSALS as refusal:
            raise through_rules.Refused(refusal) from refusal

    def delete_view(self, request, object_id, extra_context=None):
        with audit.through("admin agendaitem delete"):
            try:
                return super().delete_view(request, object_id, extra_context)
            except through_rules.Refused as refused:
                self.message_user(request, refused.message, messages.ERROR)
                return redirect("admin:workshops_agendaitem_change", object_id)

    def delete_model(self, request, item):
        try:
            agenda.remove_agenda_item(item=item, removed_by=request.user)
        except through_rules.REFUSALS as refusal:
            raise through_rules.Refused(refusal) from refusal

    def _each(self, request, queryset, change, done):
        through_rules.each(self, request, queryset.select_related("workshop"), change, done)

    @through_rules.action(description="Move up the agenda", permissions=["change"])
    def move_up(self, request, queryset):
        def up(item):
            agenda.move_agenda_item(item=item, direction="up", moved_by=request.user)

        self._each(request, queryset, up, "item(s) moved up")

    @through_rules.action(description="Move down the agenda", permissions=["change"])
    def move_down(self, request, queryset):
        def down(item):
            agenda.move_agenda_item(item=item, direction="down", moved_by=request.user)

        self._each(request, queryset, down, "item(s) moved down")

    @through_rules.action(description="Remove from the agenda", permissions=["delete"])
    def remove(self, request, queryset):
        def remove(item):
            agenda.remove_agenda_item(item=item, removed_by=request.user)

        self._each(request, queryset, remove, "item(s) removed from the agenda")


class TopicSupportInline(admin.TabularInline):
    model = TopicSupport
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(TopicProposal)
class TopicProposalAdmin(SafeDateHierarchy, admin.ModelAdmin):
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
class OutcomeAdmin(through_rules.RuleFormAdmin):
    """Outcomes are recorded, and corrected, through the steering group's rule, which writes
    the history; they are not deleted."""

    form = OutcomeForm
    list_display = ["workshop", "recorded_by", "recorded_at", "updated_at"]
    list_select_related = ["workshop", "recorded_by"]
    search_fields = ["workshop__title", "summary", "actions"]
    autocomplete_fields = ["workshop", "follow_up_events"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def get_readonly_fields(self, request, obj=None):
        # An outcome belongs to its workshop: correct it, rather than move it.
        return [*self.readonly_fields, *(["workshop"] if obj else [])]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, outcome, form, change):
        try:
            recorded = agenda.record_outcome(
                workshop=outcome.workshop,
                recorded_by=request.user,
                summary=outcome.summary,
                actions=outcome.actions,
                follow_up_events=form.cleaned_data["follow_up_events"],
            )
        except through_rules.REFUSALS as refusal:
            raise through_rules.Refused(refusal) from refusal
        outcome.pk = recorded.pk

    def save_related(self, request, form, formsets, change):
        """The follow-up events were set by ``record_outcome``."""


@admin.register(WorkshopChange)
class WorkshopChangeAdmin(SafeDateHierarchy, admin.ModelAdmin):
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


@admin.register(SignOffRule)
class SignOffRuleAdmin(admin.ModelAdmin):
    """The one rule for agreeing agendas, made with its default (a majority) when first
    needed; the list shows it."""

    list_display = ["__str__", "updated_at"]
    fields = ["rule", "number", "chair"]
    radio_fields = {"rule": admin.VERTICAL}

    def get_queryset(self, request):
        SignOffRule.current()
        return super().get_queryset(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "chair":
            kwargs["queryset"] = User.objects.steering_group().order_by("full_name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the rules write, to read in the admin; nobody adds, changes or deletes them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AgendaComment)
class AgendaCommentAdmin(ReadOnlyAdmin):
    """The steering group's comments and decisions on draft agendas (workshops.steering.agenda)."""

    list_display = ["at", "workshop", "author", "decision", "counts"]
    list_filter = ["decision", "counts"]
    list_select_related = ["workshop", "author"]
    search_fields = ["workshop__title", "author__full_name", "text"]
    fields = ["workshop", "author", "at", "decision", "text", "counts"]


@admin.register(SignOffRequest)
class SignOffRequestAdmin(ReadOnlyAdmin):
    """Each time the steering group was asked to sign off a draft; one is open at a time."""

    list_display = ["asked_at", "workshop", "asked_by", "is_open"]
    list_filter = ["is_open"]
    list_select_related = ["workshop", "asked_by"]
    search_fields = ["workshop__title"]
    fields = ["workshop", "asked_by", "asked_at", "is_open"]
