from celery import shared_task

from workshops import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def expire_waiting_list_offers():
    """Periodic: end offers past their deadline and pass the places on (safe to repeat)."""
    return services.expire_offers()
