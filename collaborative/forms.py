from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.db.models import Q
from django.urls import reverse_lazy

from collaborative.models import DIRECTOR_LEVEL, ContactMessage, Seniority, User
from trusts.models import Region, StakeholderBody, Trust


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


class TrustSearchForm(forms.Form):
    """Finds member Trusts by name, ODS code or region, as on the Member Trusts page."""

    q = forms.CharField(
        label="Trust name, ODS code or region",
        help_text="For example Oxford, RNU or North West",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    region = forms.ChoiceField(
        label="Region", choices=[("", "All regions"), *Region.choices], required=False
    )

    def filter(self, trusts):
        """The Trusts that match the search; all of them if the form is empty or invalid."""
        if not self.is_valid():
            return trusts
        if query := self.cleaned_data["q"].strip():
            regions = [value for value, label in Region.choices if query.lower() in label.lower()]
            trusts = trusts.filter(
                Q(name__icontains=query) | Q(ods_code__iexact=query) | Q(region__in=regions)
            )
        if region := self.cleaned_data["region"]:
            trusts = trusts.filter(region=region)
        return trusts


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
