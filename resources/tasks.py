from celery import shared_task
from django.conf import settings

from resources import services


# The text is read in a child process with its own limits (services.read_text); the
# task's limits are a backstop for everything around it.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.RESOURCE_EXTRACTION_SECONDS + 30,
    time_limit=settings.RESOURCE_EXTRACTION_SECONDS + 60,
)
def extract_resource_text(resource_id):
    """After an upload: read the file's text into the search index (safe to repeat)."""
    services.extract_text(resource_id)
