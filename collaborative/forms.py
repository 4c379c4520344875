from django import forms
from django.db.models import Q

from collaborative.models import ContactMessage
from trusts.models import Region


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
