"""Celery tasks of the Smart Inbox (thin wrappers: the work is in inbox.processing, inbox.sweep
and inbox.polling; the per-message task is in inbox.worker)."""

from celery import shared_task

from atlasos.jobs import for_each_practice
from inbox.worker import process_message

__all__ = ["poll_mailboxes", "process_message", "sweep_stuck_messages"]


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
