from django.db import models
from django.utils import timezone


class ResourceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, published_on__lte=timezone.localdate())


class Resource(models.Model):
    """A report, presentation or guidance document the Collaborative shares."""

    class Kind(models.TextChoices):
        WORKSHOP_REPORT = "workshop_report", "Collaborative workshop report"
        POLICY_REPORT = "policy_report", "Policy report"
        PRESENTATION = "presentation", "Presentation"
        GUIDANCE = "guidance", "Guidance"
        LINK = "link", "Link"

    title = models.CharField(max_length=250)
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.TextField()
    kind = models.CharField(max_length=20, choices=Kind)
    published_on = models.DateField()
    author_organisation = models.CharField("authoring organisation", max_length=200)
    themes = models.ManyToManyField("workshops.Theme", blank=True, related_name="resources")
    workshop = models.ForeignKey(
        "workshops.Workshop",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
        help_text="The workshop this came from, if any.",
    )
    file = models.FileField(upload_to="resources/%Y/", blank=True)
    url = models.URLField("external link", blank=True, max_length=500)
    is_published = models.BooleanField("published", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(file="") | models.Q(url=""),
                name="resource_file_or_link_not_both",
                violation_error_message="Give a file or an external link, not both.",
            )
        ]

    def __str__(self):
        return self.title
