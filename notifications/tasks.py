"""Celery beat jobs of notifications. Thin wrappers: the work is in ``services`` (each email is
sent by the outbox's own task, ``atlasos.outbox``)."""

from celery import shared_task

from atlasos import clock
from atlasos.jobs import for_each_practice
from notifications import services


@shared_task(name="notifications.send_daily_digests")
def send_daily_digests() -> int:
    """Hourly beat job: each member who chose the daily digest gets one email a day, at the
    first run at or after NOTIFICATION_DIGEST_HOUR in their practice's timezone."""
    now = clock.now()
    return for_each_practice(
        "notifications.send_daily_digests",
        lambda practice: services.send_daily_digests(practice, now),
    )
