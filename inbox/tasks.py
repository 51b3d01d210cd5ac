"""Celery tasks of the Smart Inbox (thin wrappers: the work is in inbox.processing, inbox.sweep
and inbox.polling; inbox.intake enqueues))."""

from celery import shared_task
from django.conf import settings

from atlasos.celery import PracticeTask
from atlasos.jobs import for_each_practice


@shared_task(
    base=PracticeTask,
    name="inbox.process_message",
    soft_time_limit=settings.ATLAS_INBOX_PARSE_SECONDS,
    time_limit=settings.ATLAS_INBOX_PARSE_SECONDS + 30,
)
def process_message(message_pk: int, *, practice_id: int) -> str:
    """Parse, route and file one kept message. A retry of a message already processed does
    nothing; a worker killed half-way leaves it to ``sweep_stuck_messages``."""
    from inbox.processing import process

    message = process(message_pk)
    return message.status if message else "skipped"


@shared_task(name="inbox.sweep_stuck_messages")
def sweep_stuck_messages() -> int:
    """Beat: messages received or claimed long ago and still not processed (their task was
    lost with its worker) are enqueued again, in every practice."""
    from inbox.sweep import release_stuck

    def requeue(practice) -> int:
        released = release_stuck()
        for message in released:
            process_message.delay(message.pk, practice_id=message.practice_id)
        return len(released)

    return for_each_practice("inbox.sweep_stuck_messages", requeue)


@shared_task(name="inbox.poll_mailboxes")
def poll_mailboxes() -> int:
    """Beat: take new mail from every practice's IMAP mailbox (Settings › Inbox)."""
    from inbox.polling import poll_practice

    return for_each_practice("inbox.poll_mailboxes", poll_practice)
