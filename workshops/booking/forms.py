"""Forms of the booking pages. They collect answers; workshops.booking.rules decides."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms

from collaborative.inputs.validators import validate_one_line
from collaborative.people.models import FunctionalArea, Seniority
from workshops.booking.rules import ACCESS_NEEDS_MAX_LENGTH

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
        """The keyword arguments of workshops.booking.colleagues.find_or_create_colleague."""
        data = self.cleaned_data
        names = ("email", "full_name", "job_title", "seniority", "functional_area")
        return {name: data[name] for name in names}


class ChangeAttendeeForm(ColleagueForm):
    submit_label = "Change attendee"


ACCESS_NEEDS_HINT = (
    "For example step-free access, a hearing loop, a quiet room, or a vegetarian or "
    "gluten-free lunch. Only {who} and the programme operations manager see this, and the "
    "operations manager passes it on to the venue. It is removed after the workshop."
)


def access_needs_field(label, who):
    return forms.CharField(
        label=label,
        help_text=ACCESS_NEEDS_HINT.format(who=who),
        required=False,
        max_length=ACCESS_NEEDS_MAX_LENGTH,
        error_messages={
            "max_length": "Access and dietary needs must be %(limit_value)d characters or fewer"
        },
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BookingForm(ColleagueForm):
    """A place for the booker or, for a Trust's confirmed directors, for a colleague.

    ``mode`` says who the place can be for: ``MYSELF`` (people who book only their own
    place), ``COLLEAGUE`` (a director who already has a place), or ``None``: the director
    chooses, and the page reveals the fields of their choice (NHS.UK conditional radios;
    without JavaScript both show). Only the fields of the choice made are validated.

    The functional area of one's own place starts from the profile, and is required only
    when the profile has none; a colleague's is always asked, since it decides which of
    the Trust's places they take. Access and dietary needs are asked at in-person
    workshops.
    """

    attendee = forms.ChoiceField(
        label="Who is the place for?",
        choices=[(MYSELF, "Myself"), (COLLEAGUE, "A colleague at my Trust")],
        error_messages={"required": "Choose who the place is for"},
        widget=forms.RadioSelect,
    )
    own_functional_area = forms.ChoiceField(
        label="Functional area you will represent",
        choices=FunctionalArea.choices,
        error_messages={
            "required": "Choose the functional area you will represent",
            "invalid_choice": "Choose the functional area you will represent",
        },
        widget=forms.RadioSelect,
    )
    access_needs = access_needs_field(
        "Access and dietary needs of the person attending",
        "the person attending",
    )

    COLLEAGUE_FIELDS = ("full_name", "email", "job_title", "seniority", "functional_area")

    def __init__(self, *args, booker, workshop, mode=None, chosen=None, submit_label, **kwargs):
        self.submit_label = submit_label
        self.mode = mode
        super().__init__(*args, initial={"attendee": chosen or MYSELF}, **kwargs)
        fields = self.fields
        area = fields["own_functional_area"]
        area.initial = booker.functional_area or None
        area.required = not booker.functional_area
        if booker.functional_area:
            area.help_text = (
                "The one on your profile. Choose another if you will represent another area "
                "at this workshop."
            )
        colleague_area = fields["functional_area"]
        colleague_area.required = True
        colleague_area.label = "Functional area your colleague will represent"
        colleague_area.help_text = (
            "Each member Trust may send one person from each functional area."
            if workshop.one_per_functional_area
            else ""
        )
        colleague_area.error_messages["required"] = (
            "Choose the functional area your colleague will represent"
        )
        if mode == MYSELF:
            del fields["attendee"]
            for name in self.COLLEAGUE_FIELDS:
                del fields[name]
            fields["access_needs"].label = "Your access and dietary needs"
            fields["access_needs"].help_text = ACCESS_NEEDS_HINT.format(who="you")
        elif mode == COLLEAGUE:
            del fields["attendee"]
            del fields["own_functional_area"]
            fields["access_needs"].label = "Your colleague's access and dietary needs"
            fields["access_needs"].help_text = (
                ACCESS_NEEDS_HINT.format(who="your colleague")
                + " Once you have booked, you will not see it again: your colleague can "
                "change it on their booking page."
            )
        if workshop.format != workshop.Format.IN_PERSON:
            del fields["access_needs"]

    @property
    def asks_who(self):
        return "attendee" in self.fields

    @property
    def asks_access_needs(self):
        return "access_needs" in self.fields

    def own_fields(self):
        return [self[name] for name in ("own_functional_area",) if name in self.fields]

    def colleague_fields(self):
        return [self[name] for name in self.COLLEAGUE_FIELDS if name in self.fields]

    def _chosen(self):
        if self.mode:
            return self.mode
        return self.data.get(self.add_prefix("attendee"))

    def clean(self):
        """Forget the answers and errors of the fields the choice made does not ask for."""
        cleaned_data = super().clean()
        chosen = self._chosen()
        not_asked = {
            MYSELF: self.COLLEAGUE_FIELDS,
            COLLEAGUE: ("own_functional_area",),
        }.get(chosen, (*self.COLLEAGUE_FIELDS, "own_functional_area"))
        for name in not_asked:
            self._errors.pop(name, None)
            cleaned_data.pop(name, None)
        return cleaned_data

    @property
    def for_colleague(self):
        return self._chosen() == COLLEAGUE

    def functional_area(self):
        """The functional area asked for the attendee; None: the one on their profile."""
        name = "functional_area" if self.for_colleague else "own_functional_area"
        return self.cleaned_data.get(name) or None

    def field_for(self, name):
        """The field of this form a refusal about ``name`` belongs to, or None."""
        if name == "functional_area" and not self.for_colleague:
            name = "own_functional_area"
        if name in self.COLLEAGUE_FIELDS and not self.for_colleague:
            return None
        return name if name in self.fields else None


class AccessNeedsForm(forms.Form):
    """The attendee's own access and dietary needs, on their booking page."""

    access_needs = access_needs_field("Your access and dietary needs", "you")


class InvitationForm(forms.Form):
    """Booking with an invitation: access and dietary needs at an in-person workshop."""

    access_needs = access_needs_field("Your access and dietary needs", "you")

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        if workshop.format != workshop.Format.IN_PERSON:
            del self.fields["access_needs"]


class ConfirmForm(forms.Form):
    """A bare POST (cancel, accept, decline): only CSRF, and room for the service's refusal."""
