from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.urls import reverse_lazy

from collaborative.people.models import DIRECTOR_LEVEL, Seniority, User
from collaborative.site.models import ContactMessage
from trusts.models import StakeholderBody, Trust


class ContactForm(forms.ModelForm):
    """A message to the programme operations manager, kept even if e-mail fails."""

    class Meta:
        model = ContactMessage
        fields = ["name", "email", "organisation", "subject", "message"]
        labels = {
            "name": "Your name",
            "email": "Your e-mail address",
            "organisation": "Your organisation",
            "subject": "Subject",
            "message": "Your message",
        }
        help_texts = {
            "email": "The programme operations manager will reply to this address.",
            "organisation": "For example, the Trust or national body you work for.",
        }
        error_messages = {
            "name": {"required": "Enter your name"},
            "email": {
                "required": "Enter your e-mail address",
                "invalid": (
                    "Enter an e-mail address in the correct format, like name@example.nhs.uk"
                ),
            },
            "subject": {"required": "Enter a subject"},
            "message": {"required": "Enter your message"},
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "message": forms.Textarea(attrs={"rows": 8}),
        }

    @classmethod
    def initial_for(cls, user):
        """What the form can fill in for a signed-in person."""
        if not user.is_authenticated:
            return {}
        affiliation = user.affiliation
        return {
            "name": user.full_name,
            "email": user.email,
            "organisation": str(affiliation) if affiliation else "",
        }


class ProfileForm(forms.ModelForm):
    """What a person says about themselves; their affiliation is decided elsewhere."""

    class Meta:
        model = User
        fields = [
            "full_name",
            "job_title",
            "seniority",
            "functional_area",
            "wants_invitations",
            "wants_reminders",
        ]
        labels = {
            "full_name": "Full name",
            "job_title": "Job title",
            "seniority": "Seniority",
            "functional_area": "Functional area",
        }
        help_texts = {
            "seniority": "Director level counts once the programme operations manager or a "
            "director of your Trust has confirmed it. Until then, places at workshops for "
            "directors wait for approval.",
            "functional_area": "The area you represent your Trust in at workshops.",
            "wants_invitations": "Messages about your own bookings always come: they are "
            "how the portal confirms, offers and cancels places.",
        }
        error_messages = {"full_name": {"required": "Enter your full name"}}
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "job_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "seniority": forms.RadioSelect,
            "functional_area": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        # No "not stated" radio: someone who skipped it chooses one when they are ready.
        self.fields["seniority"].choices = Seniority.choices
        self.helper = FormHelper()
        self.helper.form_action = reverse_lazy("profile")
        self.helper.layout = Layout(
            "full_name",
            "job_title",
            "seniority",
            "functional_area",
            Fieldset("E-mails from the portal", "wants_invitations", "wants_reminders"),
        )
        self.helper.add_input(Submit("save", "Save your details"))

    def save(self, commit=True):
        """Stepping down from director level ends the confirmation, so that stepping back up
        waits for a new one."""
        person = self.instance
        if person.seniority not in DIRECTOR_LEVEL:
            person.confirmed_seniority = ""
        return super().save(commit)


class AffiliationRequestForm(forms.Form):
    """Ask the programme operations manager to link the person to one organisation."""

    trust = forms.ModelChoiceField(
        Trust.objects.members(),
        label="Member Trust",
        required=False,
        empty_label="Choose a Trust",
    )
    stakeholder_body = forms.ModelChoiceField(
        StakeholderBody.objects.all(),
        label="Or a stakeholder body",
        required=False,
        empty_label="Choose a stakeholder body",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = reverse_lazy("profile_affiliation")
        self.helper.add_input(Submit("ask", "Ask to be linked"))

    def clean(self):
        data = super().clean()
        chosen = [name for name in ("trust", "stakeholder_body") if data.get(name)]
        if not chosen:
            raise forms.ValidationError("Choose the Trust or the stakeholder body you represent")
        if len(chosen) > 1:
            raise forms.ValidationError("Choose a Trust or a stakeholder body, not both")
        return data


class CalendarFeedForm(forms.Form):
    """The profile's buttons for the personal calendar feed."""

    action = forms.ChoiceField(
        choices=[
            ("create", "Create my calendar address"),
            ("replace", "Replace my calendar address"),
            ("revoke", "Turn off my calendar address"),
        ]
    )
