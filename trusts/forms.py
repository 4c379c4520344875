from django import forms
from django.db.models import Q

from trusts.models import MembershipRequest, Region


class MembershipRequestForm(forms.ModelForm):
    """A Trust's request to join the Collaborative, for the operations manager to answer."""

    class Meta:
        model = MembershipRequest
        fields = ["trust_name", "ods_code", "contact_name", "job_title", "email", "message"]
        labels = {
            "trust_name": "Name of your Trust",
            "ods_code": "Your Trust's ODS code (optional)",
            "contact_name": "Your full name",
            "job_title": "Your job title",
            "email": "Your work e-mail address",
            "message": "Anything you would like the programme operations manager to know "
            "(optional)",
        }
        help_texts = {
            "ods_code": "The 3 or 5 character code NHS organisation data gives your Trust, "
            "for example RNU.",
            "email": "The programme operations manager will reply to this address.",
        }
        error_messages = {
            "trust_name": {"required": "Enter the name of your Trust"},
            "contact_name": {"required": "Enter your full name"},
            "job_title": {"required": "Enter your job title"},
            "email": {
                "required": "Enter your work e-mail address",
                "invalid": "Enter an e-mail address in the correct format, like "
                "name@example.nhs.uk",
            },
        }
        widgets = {
            "trust_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "ods_code": forms.TextInput(
                attrs={"class": "nhsuk-input--width-5", "spellcheck": "false"}
            ),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "job_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
            "message": forms.Textarea(attrs={"rows": 5}),
        }

    def clean_ods_code(self):
        code = self.cleaned_data["ods_code"].strip().upper()
        if code and not code.isalnum():
            raise forms.ValidationError("Enter the ODS code in letters and numbers, like RNU")
        return code


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
