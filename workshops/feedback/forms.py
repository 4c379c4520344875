"""The attendee's feedback form. It collects answers; workshops.feedback.survey decides."""

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms

from workshops.feedback.survey import QUESTIONS
from workshops.models.feedback import Rating

RATINGS = [(value, str(value)) for value in Rating.values]


class FeedbackForm(forms.Form):
    usefulness = forms.TypedChoiceField(
        label=QUESTIONS["usefulness"],
        help_text="1 is not at all useful, 5 is very useful.",
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how useful the workshop was, from 1 to 5"},
    )
    relevance = forms.TypedChoiceField(
        label=QUESTIONS["relevance"],
        help_text="1 is not at all relevant, 5 is very relevant.",
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how relevant the workshop was, from 1 to 5"},
    )
    comments = forms.CharField(
        label=QUESTIONS["comments"],
        required=False,
        max_length=3000,
        help_text="Optional. If you want to stay anonymous, leave out anything that would say "
        "who you are.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    future_topics = forms.CharField(
        label=QUESTIONS["future_topics"],
        required=False,
        max_length=1500,
        help_text="Optional. A question or a theme the steering group could plan a workshop on.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            InlineRadios("usefulness"), InlineRadios("relevance"), "comments", "future_topics"
        )
        self.helper.add_input(
            Submit("submit", "Send your feedback", **{"data-prevent-double-click": "true"})
        )
