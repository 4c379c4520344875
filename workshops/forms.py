"""Forms of the booking pages. They collect answers; workshops.services decides."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms

from collaborative.models import FunctionalArea, Seniority
from collaborative.validators import validate_one_line

MYSELF = "myself"
COLLEAGUE = "colleague"


class ColleagueForm(forms.Form):
    """A colleague of the booker's Trust, named by their work e-mail address.

    The functional area is a free value shown as radios: a value outside the
    choices reaches the booking service, which refuses it in its own words.
    """

    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        validators=[validate_one_line],
        error_messages={"required": "Enter your colleague's full name"},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label="Work e-mail address",
        help_text="Their address at your Trust. If they have no account yet, we will e-mail "
        "them a link to set one up.",
        error_messages={
            "required": "Enter your colleague's e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@example.nhs.uk",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    job_title = forms.CharField(
        label="Job title", max_length=150, required=False, validators=[validate_one_line]
    )
    seniority = forms.ChoiceField(
        label="Their seniority",
        help_text="If you are a confirmed director of your Trust, your answer confirms a "
        "director-level role; otherwise the programme operations manager or a director of "
        "your Trust confirms it. Someone who already has an account keeps the seniority on "
        "their profile.",
        choices=Seniority.choices,
        error_messages={"required": "Choose your colleague's seniority"},
        widget=forms.RadioSelect,
    )
    functional_area = forms.CharField(
        label="Functional area they will represent",
        help_text="If you leave this, we use the functional area on their profile.",
        required=False,
        widget=forms.RadioSelect(choices=FunctionalArea.choices),
    )

    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.fields)
        self.helper.add_input(
            Submit("submit", self.submit_label, **{"data-prevent-double-click": "true"})
        )

    def colleague(self):
        """The keyword arguments of collaborative.services.find_or_create_colleague."""
        data = self.cleaned_data
        names = ("email", "full_name", "job_title", "seniority", "functional_area")
        return {name: data[name] for name in names}


class ChangeAttendeeForm(ColleagueForm):
    submit_label = "Change attendee"


class BookingForm(ColleagueForm):
    """A place for the booker or for a colleague of their Trust."""

    attendee = forms.ChoiceField(
        label="Who is the place for?",
        choices=[(MYSELF, "Myself"), (COLLEAGUE, "A colleague at my Trust")],
        error_messages={"required": "Choose who the place is for"},
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, booker, submit_label, **kwargs):
        self.submit_label = submit_label
        super().__init__(*args, initial={"attendee": MYSELF}, **kwargs)
        self.fields["functional_area"].initial = booker.functional_area
        self.fields["functional_area"].label = "Functional area the attendee will represent"
        self.fields[
            "functional_area"
        ].help_text = "If you leave this, we use the functional area on the attendee's profile."
        # A colleague's details are asked for only when the place is for a colleague;
        # unbound, they show as required because that is when they are filled in.
        if self.is_bound and self.data.get("attendee") != COLLEAGUE:
            for name in ("full_name", "email", "seniority"):
                self.fields[name].required = False
        self.helper.layout = Layout(
            "attendee",
            Fieldset(
                "If the place is for a colleague", "full_name", "email", "job_title", "seniority"
            ),
            "functional_area",
        )

    @property
    def for_colleague(self):
        return self.cleaned_data["attendee"] == COLLEAGUE


class ConfirmForm(forms.Form):
    """A bare POST (cancel, accept, decline): only CSRF, and room for the service's refusal."""
