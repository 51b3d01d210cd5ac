"""What triage's buttons do: file a message's waiting attachments to the client staff chose
(all to one, or split across several), or mark them not a document.

Each runs in one transaction with the message locked: the attachments are typed and given a
period (``inbox.classify``; the fallback period is the month the message was sent in the
practice's timezone), filed through ``filing.file_attachments``, the message is finished with
``processing.finish_filed`` and the sender's rule learns the client. A message that is no
longer waiting (someone else cleared it a moment ago, or it is being processed again) is
refused with ``NotWaiting`` and nothing is done twice.
"""

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from atlasos import clock
from atlasos.refusals import Refusal
from clients.models import Client
from documents.store import delete_stored_file
from inbox import classify, filing, learning, processing
from inbox.models import Confidence, InboundAttachment, InboundMessage

Status = InboundMessage.Status
Kept = InboundAttachment.Status


class NotWaiting(Refusal):
    """The message is not (or no longer) waiting in triage, or changed under the person."""


@dataclass
class Cleared:
    """What one triage decision did, to say so on the page."""

    message: InboundMessage
    filed: Counter = field(default_factory=Counter)  # client → documents newly filed
    duplicates: int = 0
    refused: list[str] = field(default_factory=list)
    not_documents: int = 0
    clients: dict[int, Client] = field(default_factory=dict)

    def summary(self) -> str:
        parts = []
        if self.filed:
            by_client = [
                (self.clients[client_id].name, count) for client_id, count in self.filed.items()
            ]
            first_name, first_count = by_client[0]
            text = f"Filed {_documents(first_count)} to {first_name}"
            text += "".join(f", {count} to {name}" for name, count in by_client[1:])
            parts.append(text + ".")
        elif self.clients:
            names = " and ".join(client.name for client in self.clients.values())
            parts.append(f"Nothing new filed to {names}.")
        if self.duplicates:
            were = "was" if self.duplicates == 1 else "were"
            parts.append(f"{_documents(self.duplicates).capitalize()} {were} already in the store.")
        for reason in self.refused:
            parts.append(f"Refused: {reason}")
        if self.not_documents:
            noun = "attachment" if self.not_documents == 1 else "attachments"
            parts.append(f"{self.not_documents} {noun} marked not a document.")
        return " ".join(parts)


def _documents(count: int) -> str:
    return f"{count} document{'' if count == 1 else 's'}"


def _who(user) -> str:
    return user.full_name or user.email


def fallback_period(message: InboundMessage, timezone: str) -> datetime.date:
    """The month the message was sent (or came) in, in the practice's timezone."""
    moment = message.sent_at or message.received_at
    return clock.local_date(timezone, moment).replace(day=1)


def why_not_waiting(message: InboundMessage | None) -> str:
    if message is None:
        return "This message is gone."
    by = f" by {_who(message.handled_by)}" if message.handled_by_id else ""
    if message.status == Status.ROUTED:
        return f"This message was already filed{by}: nothing was done twice."
    if message.status == Status.IGNORED:
        return f"This message was already set aside{by}: nothing was done twice."
    return f"This message is no longer waiting in triage ({message.get_status_display().lower()})."


def _lock(message: InboundMessage) -> InboundMessage:
    # Only the message's own row is locked (who handled it is read after, when refused).
    locked = InboundMessage.objects.select_for_update().filter(pk=message.pk).first()
    if locked is None or locked.status != Status.TRIAGE:
        raise NotWaiting(why_not_waiting(locked))
    return locked


def clear(
    message: InboundMessage,
    choose: Callable[[InboundAttachment], Client | None],
    *,
    user,
    timezone: str,
    expected: set[int] | None = None,
    set_aside_empty: bool = False,
) -> Cleared:
    """File each waiting attachment to ``choose(attachment)``, or mark it not a document when
    that is None; with none filed, the message is set aside. ``expected``: the attachment ids
    the person saw; when the message's waiting attachments are no longer those, nothing is
    done. A message with no waiting attachment is refused, unless ``set_aside_empty``."""
    created: list[str] = []
    try:
        with transaction.atomic():
            message = _lock(message)
            waiting = list(message.attachments.filter(status=Kept.WAITING).order_by("position"))
            if expected is not None and {a.pk for a in waiting} != expected:
                raise NotWaiting("This message changed since the page was drawn: look again.")
            if not waiting and not set_aside_empty:
                raise NotWaiting(
                    "This message has no attachment waiting to be filed: "
                    "mark it not a document instead."
                )
            result = _decide(message, waiting, choose, user, timezone)
            to_file = [a for a in waiting if a.status == Kept.WAITING]
            if to_file:
                filing.file_attachments(message, to_file, user=user)
                created = [
                    a.document.storage_key for a in to_file if a.status == Kept.FILED and a.document
                ]
                processing.finish_filed(message, to_file, user=user)
                _count(result, to_file)
                if len(result.clients) == 1:
                    learning.teach(message.from_address, next(iter(result.clients.values())), user)
            else:
                _set_aside(message, user)
    except BaseException:
        # The rows rolled back: the files stored for them go too.
        for key in created:
            delete_stored_file(key, message.practice_id)
        raise
    result.message = message
    return result


def _decide(message, waiting, choose, user, timezone) -> Cleared:
    result = Cleared(message)
    fallback = None
    for attachment in waiting:
        client = choose(attachment)
        if client is None:
            attachment.status = Kept.NOT_DOCUMENT
            attachment.reason = f"Marked not a document by {_who(user)}."[:500]
            attachment.save(update_fields=["status", "reason"])
            result.not_documents += 1
            continue
        result.clients[client.pk] = client
        fallback = fallback or fallback_period(message, timezone)
        attachment.client_id = client.pk
        attachment.confidence = Confidence.CERTAIN
        attachment.route_reasons = [f"Chosen in triage by {_who(user)}."]
        attachment.doc_type = classify.doc_type(attachment.name, attachment.text)
        attachment.period = classify.period(attachment.text, fallback)
    return result


def _count(result: Cleared, filed: list[InboundAttachment]) -> None:
    for attachment in filed:
        if attachment.status == Kept.FILED:
            result.filed[attachment.client_id] += 1
        elif attachment.status == Kept.DUPLICATE:
            result.duplicates += 1
        elif attachment.status == Kept.REFUSED:
            result.refused.append(f"{attachment.name}: {attachment.reason}")


def _set_aside(message: InboundMessage, user) -> None:
    message.status = Status.IGNORED
    message.reason = f"Not a document: set aside from triage by {_who(user)}."[:500]
    message.processed_at = clock.now()
    message.handled_by = user
    message.save(update_fields=["status", "reason", "processed_at", "handled_by"])


def assign(message: InboundMessage, client: Client, *, user, timezone: str) -> Cleared:
    """Every waiting attachment to ``client``."""
    return clear(message, lambda attachment: client, user=user, timezone=timezone)


def split(
    message: InboundMessage, decisions: dict[int, Client | None], *, user, timezone: str
) -> Cleared:
    """Each waiting attachment to its own client, or not a document (None)."""
    return clear(
        message,
        lambda attachment: decisions[attachment.pk],
        user=user,
        timezone=timezone,
        expected=set(decisions),
    )


def not_a_document(message: InboundMessage, *, user) -> Cleared:
    """Every waiting attachment marked not a document; the message is set aside."""
    return clear(message, lambda attachment: None, user=user, timezone="", set_aside_empty=True)
