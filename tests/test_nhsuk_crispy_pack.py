"""The "nhsuk" crispy-forms pack renders NHS.UK design system form markup."""

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Button, Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.test.html import Element, parse_html

from collaborative.people.models import FunctionalArea, Seniority


class WorkshopInterestForm(forms.Form):
    full_name = forms.CharField(help_text="As it appears on your NHS ID badge")
    email = forms.EmailField(label="Work e-mail address")
    comments = forms.CharField(
        widget=forms.Textarea, required=False, help_text="Anything the organisers should know"
    )
    functional_area = forms.ChoiceField(choices=[("", "Choose an area"), *FunctionalArea.choices])
    seniority = forms.ChoiceField(
        widget=forms.RadioSelect, choices=Seniority.choices, help_text="Choose one"
    )
    themes = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        choices=[("new_roles", "New roles"), ("wellbeing", "Staff wellbeing")],
        required=False,
    )
    access_needs = forms.BooleanField(
        label="I have access needs", required=False, help_text="We will contact you about them"
    )

    def clean(self):
        if self.cleaned_data.get("full_name") == "Nobody":
            raise ValidationError("Tell us who is coming.")
        return super().clean()


class ReportUploadForm(forms.Form):
    report = forms.FileField(help_text="A PDF, Word or PowerPoint file")


INVALID_ANSWERS = {
    "full_name": "",
    "email": "not-an-email",
    "comments": "Step-free access, please",
    "functional_area": "",
    "themes": ["wellbeing"],
}


def render(form):
    return Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))


def elements(html):
    """Every element of an HTML fragment, in document order."""

    def walk(node):
        for child in node.children:
            if isinstance(child, Element):
                yield child
                yield from walk(child)

    root = parse_html(html)
    if isinstance(root, Element) and root.name:
        yield root
    yield from walk(root)


def find(html, **attributes):
    """The first element whose attributes include these (``class_`` for class)."""
    wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attributes.items()}
    for element in elements(html):
        found = dict(element.attributes)
        if all(found.get(name) == value for name, value in wanted.items()):
            return element
    raise AssertionError(f"no element with {wanted}")


def find_all(html, css_class):
    return [e for e in elements(html) if css_class in dict(e.attributes).get("class", "").split()]


def text(element):
    parts = [text(c) if isinstance(c, Element) else str(c) for c in element.children]
    return " ".join(" ".join(parts).split())


def classes(element):
    return set(dict(element.attributes).get("class", "").split())


@pytest.fixture
def blank_form():
    return render(WorkshopInterestForm())


@pytest.fixture
def invalid_form():
    return render(WorkshopInterestForm(INVALID_ANSWERS))


def test_labels_name_their_inputs(blank_form):
    label = find(blank_form, for_="id_email")

    assert classes(label) == {"nhsuk-label"}
    assert text(label) == "Work e-mail address"
    assert "nhsuk-input" in classes(find(blank_form, id="id_email"))


def test_hint_is_referenced_by_its_input(blank_form):
    hint = find(blank_form, id="id_full_name-hint")

    assert "nhsuk-hint" in classes(hint)
    assert text(hint) == "As it appears on your NHS ID badge"
    assert dict(find(blank_form, id="id_full_name").attributes)["aria-describedby"] == (
        "id_full_name-hint"
    )


def test_textarea_and_select_take_their_nhsuk_classes(blank_form):
    assert find(blank_form, id="id_comments").name == "textarea"
    assert "nhsuk-textarea" in classes(find(blank_form, id="id_comments"))
    assert "nhsuk-select" in classes(find(blank_form, id="id_functional_area"))


def test_radios_sit_in_a_fieldset_whose_legend_asks_the_question(blank_form):
    fieldset = find(blank_form, class_="nhsuk-fieldset", aria_describedby="id_seniority-hint")
    legend = find(str(fieldset), class_="nhsuk-fieldset__legend")
    radios = find_all(str(fieldset), "nhsuk-radios__input")

    assert text(legend) == "Seniority"
    assert [dict(r.attributes)["value"] for r in radios] == Seniority.values
    assert text(find(str(fieldset), for_="id_seniority_0")) == "Director"


def test_checkboxes_render_as_an_nhsuk_checkbox_group(blank_form):
    inputs = find_all(blank_form, "nhsuk-checkboxes__input")
    names = [dict(i.attributes)["name"] for i in inputs]

    assert names == ["themes", "themes", "access_needs"]
    assert find(blank_form, class_="nhsuk-checkboxes", data_module="nhsuk-checkboxes")


def test_boolean_is_one_checkbox_with_its_hint(blank_form):
    checkbox = find(blank_form, id="id_access_needs")
    label = find(blank_form, for_="id_access_needs")

    assert dict(checkbox.attributes)["type"] == "checkbox"
    assert classes(label) == {"nhsuk-label", "nhsuk-checkboxes__label"}
    assert dict(checkbox.attributes)["aria-describedby"] == "id_access_needs-hint"


def test_optional_fields_say_so_and_required_ones_do_not(blank_form):
    assert text(find(blank_form, for_="id_comments")) == "Comments (optional)"
    assert text(find(blank_form, class_="nhsuk-fieldset__legend")) == "Seniority"
    assert "Themes (optional)" in [
        text(legend) for legend in find_all(blank_form, "nhsuk-fieldset__legend")
    ]
    assert text(find(blank_form, for_="id_full_name")) == "Full name"


def test_unbound_form_has_no_error_summary(blank_form):
    assert not find_all(blank_form, "nhsuk-error-summary")


def test_error_summary_links_to_each_field_in_error(invalid_form):
    summary = find(invalid_form, class_="nhsuk-error-summary")
    links = [dict(a.attributes)["href"] for a in elements(str(summary)) if a.name == "a"]

    assert text(find(str(summary), class_="nhsuk-error-summary__heading")) == "There is a problem"
    assert find(str(summary), role="alert")
    assert links == ["#id_full_name", "#id_email", "#id_functional_area", "#id_seniority_0"]


def test_error_summary_lists_errors_of_the_whole_form_without_a_link():
    html = render(WorkshopInterestForm({**INVALID_ANSWERS, "full_name": "Nobody"}))
    summary = find(html, class_="nhsuk-error-summary")
    first = next(e for e in elements(str(summary)) if e.name == "li")

    assert text(first) == "Tell us who is coming."
    assert not [e for e in elements(str(first)) if e.name == "a"]


def test_field_in_error_shows_its_message_and_is_described_by_it(invalid_form):
    message = find(invalid_form, id="id_full_name-error")
    group = next(g for g in find_all(invalid_form, "nhsuk-form-group") if str(message) in str(g))
    hidden = find(str(message), class_="nhsuk-u-visually-hidden")
    field = find(invalid_form, id="id_full_name")

    assert "nhsuk-form-group--error" in classes(group)
    assert "nhsuk-error-message" in classes(message)
    assert text(hidden) == "Error:"
    assert text(message) == "Error: This field is required."
    assert "nhsuk-input--error" in classes(field)
    assert dict(field.attributes)["aria-describedby"] == "id_full_name-hint id_full_name-error"


def test_radios_in_error_are_described_by_their_fieldset(invalid_form):
    fieldset = find(invalid_form, aria_describedby="id_seniority-hint id_seniority-error")

    assert fieldset.name == "fieldset"


def test_invalid_form_keeps_the_answers_given(invalid_form):
    assert dict(find(invalid_form, id="id_email").attributes)["value"] == "not-an-email"
    assert text(find(invalid_form, id="id_comments")) == "Step-free access, please"
    assert "checked" in dict(find(invalid_form, id="id_themes_1").attributes)
    assert "checked" not in dict(find(invalid_form, id="id_themes_0").attributes)


def test_crispy_tag_renders_form_with_csrf_token_and_nhsuk_submit_button():
    form = WorkshopInterestForm()
    form.helper = FormHelper()
    form.helper.form_action = "/workshops/interest/"
    form.helper.add_input(Submit("save", "Register interest"))
    request = RequestFactory().get("/")
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(
        RequestContext(request, {"form": form})
    )
    form_tag = find(html, action="/workshops/interest/")
    button = find(html, name="save")

    assert dict(form_tag.attributes)["method"] == "post"
    assert find(html, name="csrfmiddlewaretoken")
    assert button.name == "button"
    assert classes(button) == {"nhsuk-button"}
    assert text(button) == "Register interest"


def test_layout_fieldset_groups_fields_under_an_nhsuk_legend():
    form = WorkshopInterestForm()
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.layout = Layout(Fieldset("About you", "full_name", "email"))
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    fieldset = find(html, class_="nhsuk-fieldset")

    assert text(find(str(fieldset), class_="nhsuk-fieldset__legend nhsuk-fieldset__legend--m")) == (
        "About you"
    )
    assert find(str(fieldset), id="id_email")


def test_helper_button_is_a_secondary_nhsuk_button():
    form = WorkshopInterestForm()
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.add_input(Button("back", "Go back"))
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))

    assert classes(find(html, name="back")) == {"nhsuk-button", "nhsuk-button--secondary"}


def test_file_field_renders_the_nhsuk_file_upload():
    html = render(ReportUploadForm())
    upload = find(html, id="id_report")
    group = find(html, data_module="nhsuk-file-upload")

    assert dict(upload.attributes)["type"] == "file"
    assert classes(upload) == {"nhsuk-file-upload__input"}
    assert dict(upload.attributes)["aria-describedby"] == "id_report-hint"
    assert classes(group) == {"nhsuk-form-group", "nhsuk-file-upload"}
