"""Celery beat jobs of notifications. Thin wrappers: the work is in ``services`` (each email is
sent by the outbox's own task, ``atlasos.outbox``)."""

import logging

from celery import shared_task

from atlasos import clock
from atlasos.notifications import services
from atlasos.tenancy.context import practice_context, unscoped
from atlasos.tenancy.models import Practice

logger = logging.getLogger(__name__)


@shared_task(name="notifications.send_daily_digests")
def send_daily_digests() -> int:
    """Hourly beat job: each member who chose the daily digest gets one email a day, at the
    first run at or after NOTIFICATION_DIGEST_HOUR in their practice's timezone."""
    now = clock.now()
    with unscoped("beat: send notification digests for every practice"):
        practices = list(Practice.objects.all())
    sent = 0
    for practice in practices:
        with practice_context(practice.pk):
            try:
                sent += services.send_daily_digests(practice, now)
            except Exception:
                logger.exception("digests failed for practice %s", practice.pk)
    return sent
