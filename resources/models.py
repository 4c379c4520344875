import uuid

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import connections, models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from collaborative.inputs.validators import OneLineFields

# Title weighs most, then the summary and who wrote it, then the file's own text.
SEARCH_CONFIG = "english"
SEARCH_DOCUMENT = (
    SearchVector("title", weight="A", config=SEARCH_CONFIG)
    + SearchVector("summary", "author_organisation", weight="B", config=SEARCH_CONFIG)
    + SearchVector("body_text", weight="C", config=SEARCH_CONFIG)
)
# What a result lists above its snippet. Search ranks on this small vector, kept in the
# row: ranking on the whole document would read every match's large vector from TOAST.
HEADING_DOCUMENT = SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
    "summary", "author_organisation", weight="B", config=SEARCH_CONFIG
)


class ResourceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, published_on__lte=timezone.localdate())

    def update_search_vector(self):
        """Recompute the stored search vectors of these resources, in one UPDATE.

        Only PostgreSQL has full-text search; elsewhere the column stays empty
        and the library falls back to a plain scan.
        """
        if connections[self.db].vendor != "postgresql":
            return 0
        return self.update(search_vector=SEARCH_DOCUMENT, heading_vector=HEADING_DOCUMENT)


def stored_file_name(resource, filename):
    """Where an upload is kept: a name the server makes up, with the extension of the type
    its content was found to be. The uploader's name never reaches the disk: it could end
    in ``.exe``, or hide that behind a right-to-left mark (``report\u202efdp.exe``)."""
    extension = f".{resource.file_type}" if resource.file_type in Resource.FileType.values else ""
    return f"resources/{timezone.localdate():%Y}/{uuid.uuid4().hex}{extension}"


class Resource(OneLineFields, models.Model):
    """A report, presentation or guidance document the Collaborative shares."""

    one_line_fields = ("title", "author_organisation")

    class Kind(models.TextChoices):
        WORKSHOP_REPORT = "workshop_report", "Collaborative workshop report"
        POLICY_REPORT = "policy_report", "Policy report"
        PRESENTATION = "presentation", "Presentation"
        GUIDANCE = "guidance", "Guidance"
        LINK = "link", "Link"

    class FileType(models.TextChoices):
        """The kinds of file the library takes, as told from their content."""

        PDF = "pdf", "PDF"
        DOCX = "docx", "Word document"
        PPTX = "pptx", "PowerPoint presentation"

    title = models.CharField(max_length=250)
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.TextField()
    kind = models.CharField(max_length=20, choices=Kind)
    published_on = models.DateField(
        help_text="If the publication date is not recorded, the earliest it can be (e.g. the "
        "workshop's date), and tick the box below: the date then only orders the library."
    )
    publication_date_not_recorded = models.BooleanField(
        default=False,
        help_text="Tick if the Collaborative's record does not give the publication date: "
        "pages then say so instead of showing one.",
    )
    author_organisation = models.CharField(
        "authoring organisation",
        max_length=200,
        blank=True,
        help_text="Leave blank only if it was not recorded.",
    )
    themes = models.ManyToManyField("workshops.Theme", blank=True, related_name="resources")
    workshop = models.ForeignKey(
        "workshops.Workshop",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
        help_text="The workshop this came from, if any.",
    )
    file = models.FileField(
        upload_to=stored_file_name,
        blank=True,
        help_text="A PDF, Word (.docx) or PowerPoint (.pptx) file.",
    )
    uploaded_as = models.CharField(
        "uploaded as",
        max_length=255,
        blank=True,
        editable=False,
        help_text="The file's name on the uploader's computer; on the server it has its own.",
    )
    file_type = models.CharField(max_length=4, choices=FileType, blank=True, editable=False)
    file_size = models.PositiveBigIntegerField(
        "file size in bytes", null=True, blank=True, editable=False
    )
    url = models.URLField("external link", blank=True, max_length=500)
    slides_not_available = models.BooleanField(
        default=False,
        help_text="For a presentation whose slides the Collaborative does not hold: "
        "its page says so instead of offering a file or a link.",
    )
    body_text = models.TextField(
        "text of the file",
        blank=True,
        editable=False,
        help_text="Read from the file after each upload, so that search finds what it says.",
    )
    search_vector = SearchVectorField(null=True, editable=False)
    heading_vector = SearchVectorField(null=True, editable=False)
    is_published = models.BooleanField("published", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]
        # The library lists, counts and offers filters over the published resources; these
        # partial indexes answer it without reading the resources' rows and their text.
        indexes = [
            models.Index(
                F("published_on").desc(),
                "title",
                "publication_date_not_recorded",
                condition=models.Q(is_published=True),
                name="resource_library_order",
            ),
            models.Index(
                fields=["author_organisation", "published_on"],
                condition=models.Q(is_published=True),
                name="resource_library_publishers",
            ),
        ]
        # The GIN index on search_vector is PostgreSQL-only, so migration 0002 makes it there;
        # 0005 sets how PostgreSQL stores the vectors (see its docstring).
        constraints = [
            models.CheckConstraint(
                condition=models.Q(file="") | models.Q(url=""),
                name="resource_file_or_link_not_both",
                violation_error_message="Give a file or an external link, not both.",
            ),
            models.CheckConstraint(
                condition=models.Q(slides_not_available=False)
                | models.Q(kind="presentation", file="", url=""),
                name="resource_slides_not_available_only_without_file_or_link",
                violation_error_message="Only a presentation with no file and no link can be "
                "marked as slides not available.",
            ),
            models.CheckConstraint(
                condition=models.Q(file="", file_type="", file_size__isnull=True)
                | (
                    ~models.Q(file="") & ~models.Q(file_type="") & models.Q(file_size__isnull=False)
                ),
                name="resource_file_type_and_size_go_with_the_file",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The file's text joins the vector when the extraction task has read it.
        Resource.objects.filter(pk=self.pk).update_search_vector()

    def get_absolute_url(self):
        return reverse("resources:detail", args=[self.slug])

    @property
    def is_public(self):
        """What ``Resource.objects.published()`` says, for one resource already loaded."""
        return self.is_published and self.published_on <= timezone.localdate()

    @property
    def file_description(self):
        """The file's type and size as people read them, e.g. "PDF, 312 KB"."""
        return f"{self.get_file_type_display()}, {readable_size(self.file_size)}"

    @property
    def download_filename(self):
        return f"{self.slug}.{self.file_type}"

    @property
    def content_type(self):
        return FILE_CONTENT_TYPES[self.file_type]


FILE_CONTENT_TYPES = {
    Resource.FileType.PDF: "application/pdf",
    Resource.FileType.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    Resource.FileType.PPTX: (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
}


def readable_size(size):
    """Bytes in the units a download link shows: 800 bytes, 312 KB, 2.4 MB."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"
