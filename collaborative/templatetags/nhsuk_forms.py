"""Helpers for the NHS.UK crispy-forms template pack in ``templates/nhsuk/``.

Django still renders every widget, so submitted values, choices and
attributes set on widgets survive. These helpers only add the NHS.UK classes
and point ``aria-describedby`` at the NHS.UK hint and error ids
(``<id>-hint``, ``<id>-error``) rather than Django's own.
"""

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html

register = template.Library()

# The class every widget kind takes, and the one it adds when in error.
WIDGET_CLASSES = {
    "input": ("nhsuk-input", "nhsuk-input--error"),
    "password": (
        "nhsuk-input nhsuk-password-input__input nhsuk-js-password-input-input",
        "nhsuk-input--error",
    ),
    "textarea": ("nhsuk-textarea", "nhsuk-textarea--error"),
    "select": ("nhsuk-select", "nhsuk-select--error"),
    "checkbox": ("nhsuk-checkboxes__input", ""),
}

# crispy-forms bakes Bootstrap classes into Submit, Button, Reset and Hidden.
BOOTSTRAP_BUTTON_CLASSES = {"btn", "btn-primary", "btn-inverse", "hidden"}


@register.filter
def nhsuk_kind(field):
    """Which NHS.UK component a bound field renders as."""
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.PasswordInput):
        return "password"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.Select | forms.SelectDateWidget):
        return "select"
    if isinstance(widget, forms.MultiWidget):
        return "multi"
    return "input"


@register.filter
def nhsuk_options(field):
    """The radios or checkboxes to show for a field.

    A blank choice ("---------", which model forms add) is left out:
    choosing no radio already says "no answer".
    """
    return [option for option in field.subwidgets if option.data["value"] not in ("", None)]


@register.filter
def nhsuk_error_target(field):
    """The id of the field's first input, for links from the error summary.

    Radios, checkboxes and multi-part widgets have no single id, so the
    link goes to the first of their inputs.
    """
    if isinstance(field.field.widget, forms.RadioSelect):
        options = nhsuk_options(field)
        return options[0].id_for_label if options else ""
    if field.id_for_label:
        return field.id_for_label
    return f"{field.auto_id}_0" if field.auto_id else ""


@register.filter
def nhsuk_described_by(field, show_errors=True):
    """The ids of the hint and error message that describe a field."""
    if not field.auto_id:
        return ""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if show_errors and field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


def _classes(*names):
    return " ".join(name for name in " ".join(names).split() if name)


@register.simple_tag
def nhsuk_widget(field, show_errors=True, show_label=True):
    """Render a field's own widget with NHS.UK classes and ARIA references.

    Placeholders are dropped when the label shows: NHS.UK asks services not
    to use placeholder text, and allauth's forms set one on every input.
    """
    widget = field.field.widget
    kind = nhsuk_kind(field)
    if kind == "multi":
        first = widget.widgets[0]
        kind = "select" if isinstance(first, forms.Select) else "input"
    base, error = WIDGET_CLASSES[kind]
    in_error = show_errors and bool(field.errors)
    attrs = {"class": _classes(base, error if in_error else "", widget.attrs.get("class", ""))}
    # Radios, checkboxes and multi-part widgets are described on their fieldset.
    if not field.use_fieldset and (described_by := nhsuk_described_by(field, show_errors)):
        attrs["aria-describedby"] = described_by
    if show_label:
        attrs["placeholder"] = False
    if kind == "password":
        attrs.update(spellcheck="false", autocapitalize="none")
    elif isinstance(widget, forms.EmailInput):
        attrs["spellcheck"] = "false"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def nhsuk_file_input(field, show_errors=True):
    """A bare ``<input type="file">`` for the NHS.UK file upload.

    ClearableFileInput's own "Currently ... Clear" markup is left out: the
    template shows the current file and the "remove" checkbox instead.
    """
    widget = field.field.widget
    attrs = {**widget.attrs, **field.build_widget_attrs({}, widget)}
    attrs["class"] = _classes("nhsuk-file-upload__input", widget.attrs.get("class", ""))
    if field.auto_id:
        attrs["id"] = field.auto_id
    attrs["aria-describedby"] = nhsuk_described_by(field, show_errors) or None
    return format_html('<input type="file" name="{}"{}>', field.html_name, flatatt(attrs))


@register.filter
def nhsuk_current_file(field):
    """The file a ClearableFileInput already holds, and how to clear it, or None."""
    widget = field.field.widget
    value = field.value()
    if not isinstance(widget, forms.ClearableFileInput) or not widget.is_initial(value):
        return None
    clear_name = widget.clear_checkbox_name(field.html_name)
    return {
        "url": value.url,
        "name": str(value),
        "initial_text": widget.initial_text,
        "can_clear": not field.field.required and not field.field.disabled,
        "clear_name": clear_name,
        "clear_id": widget.clear_checkbox_id(clear_name),
        "clear_label": widget.clear_checkbox_label,
    }


@register.simple_tag
def nhsuk_choice_input(option, css_class):
    """One radio or checkbox of a RadioSelect or CheckboxSelectMultiple."""
    data = option.data
    attrs = {**data["attrs"]}
    attrs["class"] = _classes(css_class, attrs.get("class", ""))
    value = "" if data["value"] is None else str(data["value"])
    return format_html(
        '<input type="{}" name="{}" value="{}"{}>',
        data["type"],
        data["name"],
        value,
        flatatt(attrs),
    )


@register.filter
def nhsuk_error_list(form):
    """Every error of a form for the error summary: ``{"href", "message"}`` each.

    Errors not tied to a visible field have no link.
    """
    items = [{"href": "", "message": error} for error in form.non_field_errors()]
    for field in form:
        for error in field.errors:
            if field.is_hidden:
                items.append({"href": "", "message": f"(Hidden field {field.name}) {error}"})
            else:
                target = nhsuk_error_target(field)
                items.append({"href": f"#{target}" if target else "", "message": error})
    return items


@register.filter
def nhsuk_formset_error_list(formset):
    """Every error of a formset and of its forms, for one error summary."""
    items = [{"href": "", "message": error} for error in formset.non_form_errors()]
    for form in formset:
        items += nhsuk_error_list(form)
    return items


@register.filter
def nhsuk_button_classes(button):
    """NHS.UK classes for a crispy Submit/Button/Reset, keeping any added by the form."""
    variant = "" if button.input_type == "submit" else "nhsuk-button--secondary"
    own = [name for name in button.field_classes.split() if name not in BOOTSTRAP_BUTTON_CLASSES]
    return _classes("nhsuk-button", variant, *own)
