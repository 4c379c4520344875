from celery import shared_task

from resources import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def extract_resource_text(resource_id):
    """After an upload: read the file's text into the search index (safe to repeat)."""
    services.extract_text(resource_id)
