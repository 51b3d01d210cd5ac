"""The one intake every way in calls (provider webhooks, the SMTP listener, IMAP polling and
``manage.py ingest_email``): nothing else happens before the raw message is kept.

For each practice among the recipients:
1. the raw bytes are saved under a random key in the practice's storage prefix;
2. one ``InboundMessage`` row is inserted: unique on the SHA-256 of the bytes per practice and
   on Message-ID + recipient, so the same message delivered twice is one message (the second
   delivery's file is deleted again and the outcome says "duplicate");
3. parsing is enqueued once the row is committed (``delay_on_commit``).
"""

import hashlib
import logging
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from atlasos.tenancy.context import practice_context, unscoped
from inbox import addresses
from inbox.models import InboundMessage, RefusedDelivery
from inbox.storage import raw_prefix

logger = logging.getLogger(__name__)

HEADER_SCAN_BYTES = 256 * 1024
MESSAGE_ID = re.compile(rb"^message-id[ \t]*:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)", re.I | re.M)


@dataclass(frozen=True)
class Outcome:
    """What intake did with a message for one practice (or for no practice)."""

    kind: str  # "stored", "duplicate" or "unknown recipient"
    message: InboundMessage | None = None
    practice_id: int | None = None
    detail: str = ""

    @property
    def stored(self) -> bool:
        return self.kind in ("stored", "duplicate")


def message_id_of(raw: bytes) -> str:
    """The Message-ID from the header block, read without parsing the message (the parse
    happens in a worker); "" when there is none."""
    head = raw[:HEADER_SCAN_BYTES]
    end = re.search(rb"\r?\n\r?\n", head)
    match = MESSAGE_ID.search(head[: end.start()] if end else head)
    if not match:
        return ""
    value = re.sub(rb"\s+", b"", match.group(1)).decode("ascii", "replace")
    return value.strip("<>")[:255]


def _primary(resolved: list[addresses.Resolved]) -> addresses.Resolved:
    """Of one practice's recipients, a live client address first, then the practice's own."""
    return next((r for r in resolved if r.client_id), resolved[0])


def accept(
    raw: bytes,
    *,
    recipients: Iterable[str],
    channel: str,
    provider: str = "",
    envelope_from: str = "",
) -> list[Outcome]:
    """Keep ``raw`` for every practice one of ``recipients`` belongs to; an outcome each (or
    one "unknown recipient" outcome, recorded, when none is ours)."""
    by_practice: dict[int, list[addresses.Resolved]] = {}
    seen: list[str] = []
    for recipient in recipients:
        recipient = (recipient or "").strip().strip("<>").lower()
        if not recipient or recipient in seen:
            continue
        seen.append(recipient)
        resolved = addresses.resolve(recipient)
        if resolved:
            by_practice.setdefault(resolved.practice_id, []).append(resolved)
    if not by_practice:
        shown = ", ".join(seen)[:254] or "(no recipient)"
        record_refusal(channel, provider, f"no inbox has the address {shown}", recipient=shown)
        return [Outcome("unknown recipient", detail=f"no inbox has the address {shown}")]
    sha256 = hashlib.sha256(raw).hexdigest()
    message_id = message_id_of(raw)
    return [
        _keep(raw, sha256, message_id, _primary(found), channel, provider, envelope_from)
        for found in by_practice.values()
    ]


def _existing(sha256: str, message_id: str, recipient: str) -> InboundMessage | None:
    same = InboundMessage.objects.filter(sha256=sha256).first()
    if same is None and message_id:
        same = InboundMessage.objects.filter(message_id=message_id, recipient=recipient).first()
    return same


def _keep(raw, sha256, message_id, resolved, channel, provider, envelope_from) -> Outcome:
    practice_id = resolved.practice_id
    recipient = resolved.recipient
    with practice_context(practice_id):
        existing = _existing(sha256, message_id, recipient)
        if existing:
            return Outcome("duplicate", existing, practice_id, "the same message came before")
        key = default_storage.save(
            f"{raw_prefix(practice_id)}{uuid.uuid4().hex}.eml", ContentFile(raw)
        )
        try:
            with transaction.atomic():
                message = InboundMessage.objects.create(
                    channel=channel,
                    provider=provider[:30],
                    recipient=recipient,
                    address=resolved.address,
                    raw_key=key,
                    raw_size=len(raw),
                    sha256=sha256,
                    message_id=message_id,
                    envelope_from=(envelope_from or "")[:254],
                    reason=resolved.note,
                )
                enqueue(message)
        except IntegrityError:
            # A concurrent delivery of the same message won the race.
            default_storage.delete(key)
            existing = _existing(sha256, message_id, recipient)
            if existing:
                return Outcome("duplicate", existing, practice_id, "the same message came before")
            raise
        except BaseException:
            default_storage.delete(key)
            raise
    logger.info("inbox: message %s kept (%s, %s bytes)", message.pk, channel, len(raw))
    return Outcome("stored", message, practice_id)


def enqueue(message: InboundMessage) -> None:
    """Parse, route and file ``message`` in a worker once its row is committed."""
    from inbox.worker import process_message

    process_message.delay_on_commit(message.pk, practice_id=message.practice_id)


def reprocess(message: InboundMessage) -> None:
    """Staff asked to process a message again ("reprocess"): from its raw bytes, as new. A
    message already filed is not processed again (its documents are in the store), even when
    it was filed a moment ago by someone else: the status is checked in the update itself."""
    reset = InboundMessage.objects.exclude(status=InboundMessage.Status.ROUTED).filter(
        pk=message.pk
    )
    if not reset.update(
        status=InboundMessage.Status.RECEIVED,
        reason="",
        claimed_at=None,
        attempts=0,
        processed_at=None,
    ):
        return
    enqueue(message)


def record_refusal(channel: str, provider: str, reason: str, *, recipient="", remote_addr=None):
    with unscoped("inbox: record a refused delivery"):
        RefusedDelivery.objects.create(
            channel=channel,
            provider=provider[:30],
            recipient=recipient[:254],
            reason=reason[:500],
            remote_addr=remote_addr,
        )
    logger.warning("inbox: refused a %s delivery: %s", channel, reason)
