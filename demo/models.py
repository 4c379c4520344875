"""The register of demonstration data: every row ``load_demo`` made up, by model and key.

The Collaborative's own facts (the founding Trusts, the workshops it announced, its
reports) are loaded by ``load_demo`` too, but they are not listed here. What is listed
is fiction: people, their bookings and attendance, Trusts' memberships, the workshops
ahead and their agendas, topic proposals, and the e-mail domains on reserved names
that map the fictional people to their Trusts. While anything is listed, every page
says so (``demo.context_processors``); ``manage.py remove_demo`` deletes it all.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class DemoRecordQuerySet(models.QuerySet):
    def of_model(self, model):
        return self.filter(content_type=ContentType.objects.get_for_model(model))

    def keys(self, model):
        """The primary keys of the model's demonstration rows, as a set of strings."""
        return set(self.of_model(model).values_list("object_id", flat=True))


class DemoRecord(models.Model):
    """One row that ``load_demo`` made up: fictional, not the Collaborative's record."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    thing = GenericForeignKey("content_type", "object_id")
    description = models.CharField(
        max_length=300, help_text="What the row was when it was made, e.g. a person's name."
    )

    objects = DemoRecordQuerySet.as_manager()

    class Meta:
        ordering = ["content_type", "description"]
        verbose_name = "demonstration row"
        verbose_name_plural = "demonstration data"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="demo_record_one_per_row"
            )
        ]

    def __str__(self):
        return f"{self.content_type.name}: {self.description}"
