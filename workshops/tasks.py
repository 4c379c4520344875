from celery import shared_task

from workshops import audit
from workshops.booking import rules
from workshops.feedback import survey
from workshops.messages import notify


@shared_task(acks_late=True, reject_on_worker_lost=True)
def expire_waiting_list_offers():
    """Periodic: end offers past their deadline and pass the places on (safe to repeat)."""
    with audit.through("task expire_waiting_list_offers"):
        return rules.expire_offers()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_reminders():
    """Periodic: record the reminders now due; each goes once, however often this runs."""
    return notify.record_reminders()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def close_due_bookings():
    """Periodic: close booking at workshops whose closing day has passed, and tell the people
    still waiting (each once, however often this runs)."""
    return rules.close_due_bookings()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def forget_access_needs():
    """Periodic: remove the access and dietary needs of places at workshops that have taken
    place, and of cancelled places (the privacy notice's rule; safe to repeat)."""
    with audit.through("task forget_access_needs"):
        return rules.forget_access_needs()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def request_feedback():
    """Periodic: ask the attendees of held workshops that have ended for their feedback
    (each once, however often this runs)."""
    return survey.request_due_feedback()
