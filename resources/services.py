"""Reading an uploaded file's text so that the library's search finds what it says."""

import logging

from django.conf import settings

from collaborative.inputs import page_cache
from resources import documents
from resources.models import Resource

logger = logging.getLogger(__name__)


def extract_text(resource_id):
    """Store the text of the resource's file for search, and refresh its search vector.

    Safe to repeat. If the file was replaced while this one was being read,
    the text is not stored: the task for the new file stores its own.
    """
    resource = Resource.objects.filter(pk=resource_id).first()
    if resource is None:
        return
    text = read_text(resource) if resource.file else ""
    stored = Resource.objects.filter(pk=resource.pk, file=resource.file.name)
    if stored.update(body_text=text):
        stored.update_search_vector()
        # The library's search now finds the file's words.
        page_cache.site_changed()


def read_text(resource):
    """The text of the resource's file, read in a child process within
    ``RESOURCE_EXTRACTION_SECONDS`` and ``RESOURCE_EXTRACTION_MEMORY_MB``; nothing if it
    cannot be read so. The resource stays findable by its title and summary."""
    try:
        with resource.file.open("rb") as file:
            content = file.read(settings.RESOURCE_UPLOAD_MAX_BYTES + 1)
    except OSError:
        logger.warning("Could not open the file of resource %s", resource.pk, exc_info=True)
        return ""
    if len(content) > settings.RESOURCE_UPLOAD_MAX_BYTES:
        logger.warning("The file of resource %s is over the upload limit", resource.pk)
        return ""
    try:
        return documents.read_text_bounded(
            content,
            resource.file_type,
            seconds=settings.RESOURCE_EXTRACTION_SECONDS,
            memory_bytes=settings.RESOURCE_EXTRACTION_MEMORY_MB * 1024 * 1024,
        )
    except documents.UnreadableText as reason:
        logger.warning("Could not read the text of resource %s: %s", resource.pk, reason)
        return ""
