"""Celery beat jobs of the portal app (thin wrappers: the work is in portal.reminders and
portal.query_reminders; client emails are sent by the outbox's own task, ``atlasos.outbox``)."""

import logging

from celery import shared_task

from atlasos import clock
from atlasos.jobs import for_each_practice
from portal.query_reminders import run_query_reminders
from portal.reminders import run_reminders

logger = logging.getLogger(__name__)


@shared_task(name="portal.send_reminders")
def send_reminders() -> int:
    """Beat, hourly: each practice's document reminders and escalations (``portal.reminders``),
    then those of its unanswered queries (``portal.query_reminders``). Idempotent: a second run
    the same day records and sends nothing new, and finishes emails a dead worker left
    half-sent."""
    now = clock.now()

    def remind(practice) -> int:
        documents = run_reminders(now)
        queries = run_query_reminders(now)
        for what, run in (("reminder", documents), ("query reminder", queries)):
            if run.emails or run.escalations:
                logger.info(
                    "practice %s: %s %s emails, %s escalations",
                    practice.pk,
                    run.emails,
                    what,
                    run.escalations,
                )
        return documents.sent + queries.sent

    return for_each_practice("portal.send_reminders", remind)
