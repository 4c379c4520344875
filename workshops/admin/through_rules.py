"""How the admin goes through the rule functions, and shows what they refuse.

A form here saves nothing by itself: ``save_model`` and ``save_formset`` call the rules
(workshops.booking.rules, workshops.steering.agenda). A rule refuses by raising; the admin's
change view runs in one transaction, so the refusal rolls back everything the save had done, and the
same form comes back with the refusal on the field it is about and in the admin's
messages, nothing typed lost and nothing half saved.

Each action and admin view names itself as the door of the changes it makes
(``workshops.audit``), for the bookings' audit trail.
"""

import functools

from django.contrib import admin, messages
from django.http import HttpResponseRedirect

from workshops import audit, refusals
from workshops.steering import agenda

REFUSALS = (refusals.BookingError, agenda.AgendaError)


class Refused(Exception):
    """A rule's refusal met while saving a form: its message, the field it is about, and the
    prefix of the form (None for the main form, ``agenda_items-0`` for an inline's)."""

    def __init__(self, refusal, *, prefix=None):
        super().__init__(refusal.message)
        self.message = refusal.message
        self.field = getattr(refusal, "field", None)
        self.prefix = prefix


def showing(form_class, refused):
    """The form class, with the refusal as an error of the form it was about."""
    if refused is None:
        return form_class

    class RefusedForm(form_class):
        def clean(self):
            cleaned_data = super().clean()
            if self.prefix == refused.prefix:
                field = refused.field if refused.field in self.fields else None
                self.add_error(field, refused.message)
            return cleaned_data

    RefusedForm.__name__ = form_class.__name__
    return RefusedForm


def _refused(request):
    return getattr(request, "_rule_refusal", None)


class RuleFormAdmin(admin.ModelAdmin):
    """A ModelAdmin whose add and change forms save through the rules."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        action = "add" if object_id is None else "change"
        with audit.through(f"admin {self.opts.model_name} {action} form"):
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            except Refused as refused:
                # The view's transaction has rolled the whole save back: show the form again.
                self.message_user(request, refused.message, messages.ERROR)
                request._rule_refusal = refused
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            except Refused:
                # The refusal no longer matches the form shown (it changed meanwhile).
                return HttpResponseRedirect(request.get_full_path())

    def get_form(self, request, obj=None, change=False, **kwargs):
        return showing(super().get_form(request, obj, change=change, **kwargs), _refused(request))


class RuleInlineMixin:
    """An inline whose forms show a refusal met while saving them."""

    def get_formset(self, request, obj=None, **kwargs):
        form = showing(kwargs.pop("form", self.form), _refused(request))
        return super().get_formset(request, obj, form=form, **kwargs)


def each(modeladmin, request, objects, change, done):
    """Apply a rule to each object, reporting refusals one by one and a count of the rest."""
    changed = 0
    for obj in objects:
        try:
            change(obj)
        except REFUSALS as refusal:
            modeladmin.message_user(request, f"{obj}: {refusal.message}", messages.WARNING)
        else:
            changed += 1
    if changed:
        modeladmin.message_user(request, f"{changed} {done}.", messages.SUCCESS)
    return changed


def action(*, description, **options):
    """``admin.action`` for an action that changes things: it names itself as their door."""

    def decorator(function):
        @functools.wraps(function)
        def through_the_action(modeladmin, request, queryset):
            with audit.through(f"admin action “{description}”"):
                return function(modeladmin, request, queryset)

        return admin.action(description=description, **options)(through_the_action)

    return decorator
