"""Celery jobs of the cycle. Thin wrappers: the work is in ``tasks.recurrence``."""

import logging

from celery import shared_task

from atlasos import clock
from atlasos.tenancy.context import practice_context, unscoped
from atlasos.tenancy.models import Practice
from tasks.recurrence import ensure_packs

logger = logging.getLogger(__name__)


@shared_task(name="tasks.create_due_packs")
def create_due_packs() -> int:
    """Hourly beat job: every practice gets the packs now due.

    1. List the practices (outside any one practice, so inside ``unscoped``).
    2. For each, inside its context, create the missing packs (idempotent, see ensure_packs).
    A failure in one practice is logged and does not stop the others; the next hour retries it.
    """
    now = clock.now()
    with unscoped("beat: create due packs for every practice"):
        practices = list(Practice.objects.all())
    created = 0
    for practice in practices:
        with practice_context(practice.pk):
            try:
                created += ensure_packs(practice, now).packs_created
            except Exception:
                logger.exception("recurrence failed for practice %s", practice.pk)
    return created


@shared_task(name="tasks.raise_overdue_alerts")
def raise_overdue_alerts() -> int:
    """Beat job every 15 minutes: alert every stage that has just gone overdue, in every
    practice, and send the emails still owed (see ``tasks.alerts``). Idempotent; a failure in
    one practice is logged and the next run retries it."""
    from tasks import alerts

    now = clock.now()
    with unscoped("beat: raise overdue alerts for every practice"):
        practices = list(Practice.objects.all())
    raised = 0
    for practice in practices:
        with practice_context(practice.pk):
            try:
                raised += alerts.raise_overdue_alerts(practice, now).alerts
            except Exception:
                logger.exception("overdue alerts failed for practice %s", practice.pk)
    return raised
