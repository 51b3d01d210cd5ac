"""Picking up messages whose processing was lost (a worker killed, a broker restarted)."""

import datetime
import logging

from django.conf import settings
from django.db.models import Q

from atlasos import clock
from inbox.models import InboundMessage

logger = logging.getLogger(__name__)

Status = InboundMessage.Status
MAX_ATTEMPTS = 5


def release_stuck(now: datetime.datetime | None = None) -> list[InboundMessage]:
    """The messages of the practice in context still received or parsed well after they came
    (or after their last claim), released for processing again (the caller enqueues them); one
    tried ``MAX_ATTEMPTS`` times is marked failed with the reason instead. Idempotent:
    processing claims a message before working on it, so one enqueued twice is processed
    once."""
    now = now or clock.now()
    before = now - datetime.timedelta(minutes=settings.ATLAS_INBOX_STUCK_MINUTES)
    stuck = InboundMessage.objects.filter(status__in=[Status.RECEIVED, Status.PARSED]).filter(
        Q(claimed_at__isnull=True, received_at__lt=before) | Q(claimed_at__lt=before)
    )
    released = []
    for message in stuck.only("pk", "attempts", "practice_id", "status"):
        if message.attempts >= MAX_ATTEMPTS:
            InboundMessage.objects.filter(pk=message.pk).update(
                status=Status.FAILED,
                reason=f"Processing did not finish after {MAX_ATTEMPTS} attempts; "
                "it is kept and can be reprocessed.",
                processed_at=now,
            )
            continue
        # Release the claim so the task can take it again.
        InboundMessage.objects.filter(pk=message.pk).update(claimed_at=None, status=Status.RECEIVED)
        released.append(message)
    return released
