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
    by_practice, refused = _practices(recipients, channel, provider, addresses.resolve)
    if refused:
        return [refused]
    sha256 = hashlib.sha256(raw).hexdigest()
    message_id = message_id_of(raw)
    return [
        _keep(raw, sha256, message_id, _primary(found), channel, provider, envelope_from)
        for found in by_practice.values()
    ]


def _practices(recipients, channel, provider, resolve):
    """The recipients that are ours, by practice; or, when none is, the refusal (recorded)."""
    by_practice: dict[int, list[addresses.Resolved]] = {}
    seen: list[str] = []
    for recipient in recipients:
        recipient = (recipient or "").strip().strip("<>").lower()
        if not recipient or recipient in seen:
            continue
        seen.append(recipient)
        resolved = resolve(recipient)
        if resolved:
            by_practice.setdefault(resolved.practice_id, []).append(resolved)
    if by_practice:
        return by_practice, None
    shown = ", ".join(seen)[:254] or "(no recipient)"
    record_refusal(channel, provider, f"no inbox has the address {shown}", recipient=shown)
    return {}, Outcome("unknown recipient", detail=f"no inbox has the address {shown}")


def accept_many(
    deliveries: list[tuple], *, channel: str, provider: str = ""
) -> list[list[Outcome]]:
    """``accept`` for many messages at once (``ingest_email`` with many files, a mailbox
    poll): each delivery ``(raw, recipients)`` or ``(raw, recipients, envelope_from)``;
    each message kept as ``accept`` keeps it (its raw bytes first, one row, the same
    duplicates recognised, within the batch too), but each practice's rows inserted in one
    statement and processed in batches of ``inbox.batch.SIZE`` (``inbox.process_batch``) once
    committed. The outcomes, in the order of ``deliveries``."""
    resolved_once: dict[str, addresses.Resolved | None] = {}

    def resolve(recipient: str):
        if recipient not in resolved_once:
            resolved_once[recipient] = addresses.resolve(recipient)
        return resolved_once[recipient]

    outcomes: list[list[Outcome | None]] = []
    wanted: dict[int, list[tuple]] = {}
    for position, (raw, recipients, *envelope) in enumerate(deliveries):
        by_practice, refused = _practices(recipients, channel, provider, resolve)
        outcomes.append([refused] if refused else [None] * len(by_practice))
        for slot, found in enumerate(by_practice.values()):
            wanted.setdefault(found[0].practice_id, []).append(
                (position, slot, raw, _primary(found), (envelope or [""])[0] or "")
            )
    for practice_id, letters in wanted.items():
        with practice_context(practice_id):
            for position, slot, outcome in _keep_many(letters, channel, provider):
                outcomes[position][slot] = outcome
    return outcomes


def _keep_many(letters, channel, provider):
    """One practice's share of ``accept_many``: (position, slot, outcome) for each."""
    keyed = [
        (position, slot, raw, found, hashlib.sha256(raw).hexdigest(), message_id_of(raw), sender)
        for position, slot, raw, found, sender in letters
    ]
    held = {m.sha256: m for m in InboundMessage.objects.filter(sha256__in={k[4] for k in keyed})}
    ids = {k[5] for k in keyed if k[5]}
    by_id = {
        (m.message_id, m.recipient): m
        for m in (InboundMessage.objects.filter(message_id__in=ids) if ids else [])
    }
    done, new = [], []
    try:
        for position, slot, raw, found, sha256, message_id, sender in keyed:
            same = held.get(sha256)
            if same is None and message_id:
                same = by_id.get((message_id, found.recipient))
            if same is None:
                same = _new_row(raw, found, sha256, message_id, sender, channel, provider)
                held[sha256] = same
                if message_id:
                    by_id[(message_id, found.recipient)] = same
                new.append(same)
            done.append((position, slot, same))
        with transaction.atomic():
            InboundMessage.objects.bulk_create(new)
            enqueue_batches(new)
    except IntegrityError:
        # A concurrent delivery of one of them won the race: each on its own, as ``accept``.
        for message in new:
            default_storage.delete(message.raw_key)
        for position, slot, raw, found, sha256, message_id, sender in keyed:
            yield position, slot, _keep(raw, sha256, message_id, found, channel, provider, sender)
        return
    except BaseException:
        for message in new:
            default_storage.delete(message.raw_key)
        raise
    fresh = {id(message) for message in new}
    for position, slot, message in done:
        if id(message) in fresh:
            logger.info(
                "inbox: message %s kept (%s, %s bytes)", message.pk, channel, message.raw_size
            )
            fresh.discard(id(message))
            yield position, slot, Outcome("stored", message, message.practice_id)
        else:
            yield (
                position,
                slot,
                Outcome("duplicate", message, message.practice_id, "the same message came before"),
            )


def _new_row(raw, found, sha256, message_id, sender, channel, provider) -> InboundMessage:
    """A new message's row (not saved), its raw bytes saved first."""
    key = default_storage.save(
        f"{raw_prefix(found.practice_id)}{uuid.uuid4().hex}.eml", ContentFile(raw)
    )
    return InboundMessage(
        channel=channel,
        provider=provider[:30],
        recipient=found.recipient,
        address=found.address,
        raw_key=key,
        raw_size=len(raw),
        sha256=sha256,
        message_id=message_id,
        envelope_from=sender[:254],
        reason=found.note,
    )


def enqueue_batches(messages: list[InboundMessage]) -> None:
    """Process ``messages`` (one practice's) in batches once their rows are committed."""
    from inbox.batch import BYTES, SIZE
    from inbox.worker import process_batch

    chunks, chunk, size = [], [], 0
    for message in messages:
        if chunk and (len(chunk) == SIZE or size + message.raw_size > BYTES):
            chunks.append(chunk)
            chunk, size = [], 0
        chunk.append(message)
        size += message.raw_size
    if chunk:
        chunks.append(chunk)
    for chunk in chunks:
        process_batch.delay_on_commit([m.pk for m in chunk], practice_id=chunk[0].practice_id)


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
