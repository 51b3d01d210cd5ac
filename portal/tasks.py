"""Celery beat jobs of the portal app (thin wrappers: the work is in portal.documents and
portal.reminders; client emails are sent by the outbox's own task, ``atlasos.outbox``)."""

import logging

from celery import shared_task

from atlasos import clock
from atlasos.tenancy.context import practice_context, unscoped
from atlasos.tenancy.models import Practice
from portal.documents import purge_deleted
from portal.reminders import run_reminders

logger = logging.getLogger(__name__)


@shared_task(name="portal.purge_deleted_documents")
def purge_deleted_documents() -> int:
    """Beat, daily: remove documents soft-deleted more than 30 days ago (rows and files).

    Each practice in its own context; one that fails is logged and the others go on.
    Idempotent: a second run finds nothing left to purge.
    """
    now = clock.now()
    purged = 0
    with unscoped("beat: purge deleted documents"):
        practice_ids = list(Practice.objects.values_list("pk", flat=True))
    for practice_id in practice_ids:
        try:
            with practice_context(practice_id):
                count = purge_deleted(now)
        except Exception:
            logger.exception("purging deleted documents failed for practice %s", practice_id)
            continue
        if count:
            logger.info("purged %s deleted documents of practice %s", count, practice_id)
        purged += count
    return purged


@shared_task(name="portal.send_reminders")
def send_reminders() -> int:
    """Beat, hourly: each practice's document reminders and escalations (``portal.reminders``),
    in its own context. Idempotent: a second run the same day records and sends nothing new,
    and finishes emails a dead worker left half-sent."""
    now = clock.now()
    with unscoped("beat: send document reminders"):
        practice_ids = list(Practice.objects.values_list("pk", flat=True))
    sent = 0
    for practice_id in practice_ids:
        with practice_context(practice_id):
            try:
                run = run_reminders(now)
            except Exception:
                logger.exception("reminders failed for practice %s", practice_id)
                continue
        if run.emails or run.escalations:
            logger.info(
                "practice %s: %s reminder emails, %s escalations",
                practice_id,
                run.emails,
                run.escalations,
            )
        sent += run.sent
    return sent
