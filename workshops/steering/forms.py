"""Forms of the steering group's pages. They collect answers; workshops.steering.agenda decides."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils import timezone

from workshops.models import AgendaComment, AgendaItem, Outcome, TopicProposal, Workshop
from workshops.steering import agenda, planning

TIME_WIDGET = forms.TimeInput(
    format="%H:%M", attrs={"type": "time", "class": "nhsuk-input--width-5"}
)
DATE_WIDGET = forms.DateInput(
    format="%Y-%m-%d", attrs={"type": "date", "class": "nhsuk-input--width-10"}
)
REQUIRED = "Enter the {}"


class SteeringForm(forms.ModelForm):
    """A model form that lays out its fields in order, with one submit button."""

    submit_label = "Save"

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.fields)
        self.helper.add_input(
            Submit(
                "submit",
                submit_label or self.submit_label,
                **{"data-prevent-double-click": "true"},
            )
        )

    def add_refusal(self, refusal):
        """Show a refusal of workshops.steering.agenda at its field, or above the form."""
        self.add_error(refusal.field if refusal.field in self.fields else None, refusal.message)

    def details(self):
        """The keyword arguments of the workshops.steering.agenda function the form is for."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class WorkshopDetailsForm(SteeringForm):
    class Meta:
        model = Workshop
        fields = agenda.WORKSHOP_FIELDS
        labels = {
            "title": "Question or title",
            "kind": "Kind of event",
            "format": "Format",
            "start_time": "Start time (UK)",
            "end_time": "End time (UK)",
            "description": "About this workshop",
        }
        help_texts = {
            "start_time": "",
            "end_time": "",
            "date": "The default is the quarter's usual day; change it if the steering group "
            "agreed another.",
            "description": "Shown on the public workshop page once the agenda is agreed.",
            "venue": "Name and address; needed for an in-person workshop.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "format": forms.RadioSelect,
            "date": DATE_WIDGET,
            "start_time": TIME_WIDGET,
            "end_time": TIME_WIDGET,
            "venue": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {
            "title": {"required": REQUIRED.format("question or title of the workshop")},
            "date": {
                "required": REQUIRED.format("date of the workshop"),
                "invalid": "Enter the date as a real date, like 26 February 2027",
            },
            "start_time": {
                "required": REQUIRED.format("start time"),
                "invalid": "Enter the start time as hours and minutes, like 10:00",
            },
            "end_time": {
                "required": REQUIRED.format("end time"),
                "invalid": "Enter the end time as hours and minutes, like 13:00",
            },
            "kind": {"required": "Choose the kind of event"},
            "format": {"required": "Choose whether the workshop is virtual or in person"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        theme = self.fields["theme"]
        theme.required = True
        theme.empty_label = "Choose a theme"
        theme.error_messages["required"] = "Choose the theme the workshop belongs to"
        # The model leaves these blank only for past events whose record lacks them; a
        # workshop the steering group plans always has them.
        for name in ("start_time", "end_time", "format"):
            self.fields[name].required = True
        self.fields["format"].choices = Workshop.Format.choices
        self.helper.layout = Layout(
            "title",
            "theme",
            "kind",
            Fieldset("When", "date", "start_time", "end_time"),
            "format",
            "venue",
            "description",
        )

    def clean(self):
        # Said here, at the field, the model's end-after-start constraint is not said again:
        # a field in error is left out of the model's checks.
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "End time must be after the start time")
        return data


class AgendaItemForm(SteeringForm):
    """An agenda item. Speakers are typed one to a line, and kept as one line."""

    speakers = forms.CharField(
        label="Speakers",
        required=False,
        help_text="One speaker on each line: name, role, organisation. Leave out what you "
        "do not know.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = AgendaItem
        fields = agenda.AGENDA_ITEM_FIELDS
        labels = {"start_time": "Start time (UK)", "presenting_organisation": "Presented by"}
        help_texts = {
            "start_time": "Leave blank if the item has no set time. Each item runs until the "
            "next one starts.",
            "presenting_organisation": "The organisation presenting, if any, for example "
            "Health Education England.",
        }
        widgets = {"start_time": TIME_WIDGET, "description": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "title": {"required": REQUIRED.format("title of the agenda item")},
            "start_time": {"invalid": "Enter the start time as hours and minutes, like 10:30"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.speakers and not self.is_bound:
            self.initial["speakers"] = "\n".join(
                entry.strip() for entry in self.instance.speakers.split(";")
            )
        self.helper.layout = Layout(
            "start_time", "title", "description", "speakers", "presenting_organisation"
        )

    def clean_speakers(self):
        lines = [
            line.strip().replace(";", ",") for line in self.cleaned_data["speakers"].split("\n")
        ]
        speakers = "; ".join(line for line in lines if line)
        limit = AgendaItem._meta.get_field("speakers").max_length
        if len(speakers) > limit:
            raise forms.ValidationError(f"Speakers must be {limit} characters or fewer")
        return speakers


class OutcomeForm(SteeringForm):
    submit_label = "Save the outcome"

    class Meta:
        model = Outcome
        fields = ["summary", "actions", "follow_up_events"]
        labels = {"summary": "What the workshop discussed"}
        help_texts = {
            "summary": "A few paragraphs for the public News and events page.",
            "actions": "One action on each line.",
            "follow_up_events": "Events this workshop agreed to hold. Plan an event first "
            "for it to show here.",
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 8}),
            "actions": forms.Textarea(attrs={"rows": 4}),
            "follow_up_events": forms.CheckboxSelectMultiple,
        }
        error_messages = {"summary": {"required": "Enter what the workshop discussed"}}

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        # Follow-ups come after the workshop, within about a year and a half (or by the
        # calendar's end, for a workshop dated in its last year).
        window = min(datetime.timedelta(days=550), datetime.date.max - workshop.date)
        self.fields["follow_up_events"].queryset = (
            Workshop.objects.filter(date__gt=workshop.date, date__lte=workshop.date + window)
            .exclude(status=Workshop.Status.CANCELLED)
            .order_by("date", "start_time")
        )


class TopicProposalForm(SteeringForm):
    submit_label = "Propose the topic"

    class Meta:
        model = TopicProposal
        fields = ["title", "theme", "rationale"]
        labels = {"title": "Topic", "rationale": "Why now?"}
        help_texts = {
            "title": "The question a workshop on it would explore, for example: How do we "
            "keep experienced staff in mental health services?",
            "rationale": "In a few sentences, why the Collaborative should take it up.",
        }
        widgets = {"rationale": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "title": {"required": "Enter the topic you propose"},
            "rationale": {"required": "Enter why the Collaborative should take it up now"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].empty_label = "No particular theme"


def planning_defaults(**initial):
    """What a new workshop starts from: the quarterly format of the 2022 programme, on the
    next quarter that has nothing planned unless a day is given."""
    if "date" not in initial:
        initial["date"] = planning.next_free_quarter_day(timezone.localdate())
    return {
        "kind": Workshop.Kind.QUARTERLY,
        "format": Workshop.Format.VIRTUAL,
        "start_time": datetime.time(10, 0),
        "end_time": datetime.time(13, 0),
        **initial,
    }


# Sign-off of a draft agenda --------------------------------------------------------------


class PlainForm(forms.Form):
    """A form that is not a model's, laid out in order, with one submit button."""

    submit_label = "Save"

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.fields)
        self.helper.add_input(
            Submit(
                "submit",
                submit_label or self.submit_label,
                **{"data-prevent-double-click": "true"},
            )
        )

    add_refusal = SteeringForm.add_refusal


class SignOffForm(PlainForm):
    submit_label = "Send your decision"

    decision = forms.ChoiceField(
        label="Your decision on this draft",
        choices=[
            (AgendaComment.Decision.SIGNED_OFF, "I sign off this agenda"),
            (AgendaComment.Decision.CHANGES_REQUESTED, "I ask for changes"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you sign off the agenda or ask for changes"},
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=3000,
        help_text="If you ask for changes, say what should change. The other members read it "
        "on this workshop's page.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") == AgendaComment.Decision.CHANGES_REQUESTED
            and not data.get("comment", "").strip()
        ):
            self.add_error("comment", "Say what should change")
        return data


class AgendaCommentForm(PlainForm):
    submit_label = "Add your comment"

    text = forms.CharField(
        label="Your comment",
        max_length=3000,
        help_text="For the other members of the steering group. It does not sign off the agenda.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter your comment"},
    )
