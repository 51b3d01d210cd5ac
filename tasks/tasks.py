"""Celery beat jobs of the cycle. Thin wrappers: the work is in ``tasks.recurrence`` and
``tasks.alerts``, run for every practice by ``atlasos.jobs``."""

from celery import shared_task

from atlasos import clock
from atlasos.jobs import for_each_practice
from tasks import alerts
from tasks.recurrence import ensure_packs


@shared_task(name="tasks.create_due_packs")
def create_due_packs() -> int:
    """Hourly beat job: every practice gets the packs now due (idempotent, see
    ``ensure_packs``). A practice that fails is logged; the next hour retries it."""
    now = clock.now()
    return for_each_practice(
        "tasks.create_due_packs", lambda practice: ensure_packs(practice, now).packs_created
    )


@shared_task(name="tasks.raise_overdue_alerts")
def raise_overdue_alerts() -> int:
    """Beat job every 15 minutes: alert every stage that has just gone overdue, in every
    practice, and send the emails still owed (see ``tasks.alerts``). Idempotent; a practice
    that fails is logged and the next run retries it."""
    now = clock.now()
    return for_each_practice(
        "tasks.raise_overdue_alerts",
        lambda practice: alerts.raise_overdue_alerts(practice, now).alerts,
    )
