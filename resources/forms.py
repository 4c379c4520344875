from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from resources import files, search
from resources.models import Resource, readable_size
from workshops.models import Theme


class ResourceForm(forms.ModelForm):
    """The operations manager's form for a resource: only real PDF, Word and PowerPoint files."""

    class Meta:
        model = Resource
        fields = [
            "title",
            "slug",
            "kind",
            "summary",
            "published_on",
            "publication_date_not_recorded",
            "author_organisation",
            "themes",
            "workshop",
            "file",
            "url",
            "slides_not_available",
            "is_published",
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not isinstance(upload, UploadedFile):
            return upload  # unchanged, or cleared
        limit = settings.RESOURCE_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                f"The selected file must be smaller than {readable_size(limit)} "
                f"(this one is {readable_size(upload.size)})"
            )
        try:
            self.instance.file_type = files.identify(upload)
        except files.UnsupportedFile as error:
            raise ValidationError(str(error)) from error
        self.instance.file_size = upload.size
        self.instance.uploaded_as = files.uploaded_as(upload.name)
        return upload

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("file") is False:
            # The "clear" box was ticked: the file's facts and text go with it.
            self.instance.file_type = ""
            self.instance.file_size = None
            self.instance.uploaded_as = ""
            self.instance.body_text = ""
        return cleaned_data


class LibraryForm(forms.Form):
    """Search words and filters for the resources library; every field is optional."""

    FILTERS = ("kind", "theme", "year", "organisation")

    q = forms.CharField(
        label="Search the library",
        help_text="For example, wellbeing standards or workforce planning",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )
    kind = forms.ChoiceField(
        label="Type", choices=[("", "All types"), *Resource.Kind.choices], required=False
    )
    theme = forms.ModelChoiceField(
        label="Theme",
        queryset=Theme.objects.none(),
        to_field_name="slug",
        empty_label="All themes",
        required=False,
    )
    year = forms.TypedChoiceField(label="Year published", coerce=int, required=False)
    organisation = forms.ChoiceField(label="Authoring organisation", required=False)

    def __init__(self, *args, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(resources__in=resources).distinct()
        # A resource whose publication date is not recorded has no year to be found by.
        years = resources.filter(publication_date_not_recorded=False).dates(
            "published_on", "year", order="DESC"
        )
        self.fields["year"].choices = [("", "All years")] + [(d.year, d.year) for d in years]
        organisations = (
            resources.exclude(author_organisation="")
            .order_by("author_organisation")
            .values_list("author_organisation", flat=True)
            .distinct()
        )
        self.fields["organisation"].choices = [("", "All organisations")] + [
            (name, name) for name in organisations
        ]

    @property
    def choices_made(self):
        """What the visitor asked for and the form understood; a value not on offer is left out."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}

    @property
    def words(self):
        return self.choices_made.get("q", "").strip()

    @property
    def is_filtered(self):
        return any(name in self.choices_made for name in self.FILTERS)

    def filter(self, resources):
        """The resources that match the filters and the search words."""
        chosen = self.choices_made
        if "kind" in chosen:
            resources = resources.filter(kind=chosen["kind"])
        if "theme" in chosen:
            resources = resources.filter(themes=chosen["theme"])
        if "year" in chosen:
            resources = resources.filter(
                published_on__year=chosen["year"], publication_date_not_recorded=False
            )
        if "organisation" in chosen:
            resources = resources.filter(author_organisation=chosen["organisation"])
        if words := self.words:
            resources = search.search(resources, words)
        return resources
