"""The task that parses, routes and files one kept message. In a module of its own, below the
beat jobs in inbox/tasks.py: intake enqueues it, and the mailbox poll (a beat job) calls intake,
so the beat jobs' module cannot be the one intake imports."""

from celery import shared_task
from django.conf import settings

from atlasos.celery import PracticeTask


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


@shared_task(
    base=PracticeTask,
    name="inbox.process_batch",
    soft_time_limit=settings.ATLAS_INBOX_PARSE_SECONDS * 4,
    time_limit=settings.ATLAS_INBOX_PARSE_SECONDS * 4 + 30,
)
def process_batch(message_pks: list[int], *, practice_id: int) -> int:
    """Parse, route and file kept messages of one practice together (``inbox.batch``); how
    many were still to process. A worker killed half-way leaves them to the sweep."""
    from inbox.batch import process_many

    return len(process_many(message_pks))
