"""Many kept messages of one practice processed together (``inbox.process_batch``): what
``intake.accept_many`` enqueues for a mailbox poll's or a file drop's messages.

Each message is parsed, its attachments read and routed one by one, exactly as
``inbox.processing`` does for one message; what is written is written together: the
attachments inserted in one statement, the documents stored, the request items linked and
the preparers told for the whole batch (``filing.file_messages``), every message's outcome
saved in one update. The practice's clients and rules are read once for the batch.

A message of any other shape (over a cap, a bounce or an automatic reply, one claimed
before) goes through ``processing.run`` on its own. So does every message of the batch when
the batch's writing fails: nothing of it lands (its files are deleted again) and each
message is then processed, and fails or files, alone. Running it twice gives the result of
running it once: only messages still to process are claimed.
"""

import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q

from atlasos import clock
from atlasos.tenancy.context import require_practice_id
from atlasos.tenancy.models import Practice
from documents.store import delete_stored_file
from inbox import facts, filing, learning, processing
from inbox.models import InboundAttachment, InboundMessage
from inbox.parsing import Kind, MessageRejected
from inbox.storage import keep_bytes_of

logger = logging.getLogger(__name__)

Status = InboundMessage.Status
SIZE = 50
"""Messages per batch task, at most."""
BYTES = 64 * 1024 * 1024
"""Raw bytes per batch task, at most (one message over it is a batch of its own): a batch
holds its messages' attachments in memory until they are written."""

OUTCOME_FIELDS = [
    "from_address",
    "from_name",
    "subject",
    "sent_at",
    "text_body",
    "html_body",
    "headers",
    "defects",
    "authenticated",
    "status",
    "reason",
    "processed_at",
    "client",
    "confidence",
    "route_reasons",
    "candidates",
]


class Prepared:
    """One message parsed and routed, its rows not yet written."""

    def __init__(self, message: InboundMessage, rows: list, waiting: list, routed: bool):
        self.message = message
        self.rows = rows  # every attachment row, documents and parts skipped
        self.waiting = waiting  # the documents
        self.routed = routed  # False: the message is settled in triage

    def discard_bytes(self) -> None:
        for row in self.rows:
            if row.storage_key:
                default_storage.delete(row.storage_key)


def claim_many(message_pks) -> list[InboundMessage]:
    """Mark the messages still to process and held by no other worker taken (one more attempt
    each, as ``processing.claim``), with their address."""
    now = clock.now()
    with transaction.atomic():
        messages = list(
            InboundMessage.objects.select_for_update(of=("self",))
            .select_related("address")
            .filter(pk__in=list(message_pks), status__in=(Status.RECEIVED, Status.PARSED))
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - processing.claim_window()))
            .order_by("pk")
        )
        InboundMessage.objects.filter(pk__in=[m.pk for m in messages]).update(
            claimed_at=now, attempts=F("attempts") + 1
        )
    for message in messages:
        message.claimed_at = now
        message.attempts += 1
    return messages


def process_many(message_pks) -> list[InboundMessage]:
    """Parse, route and file the messages (in the practice's context)."""
    messages = claim_many(message_pks)
    if not messages:
        return []
    practice = Practice.objects.get(pk=require_practice_id())
    clients, rules = facts.client_facts(), facts.rules()
    ready: list[Prepared] = []
    alone: list[InboundMessage] = []
    for message in messages:
        message.practice = practice  # its time zone dates the documents: read once
        prepared = _prepare(message, clients, rules)
        if prepared is None:
            alone.append(message)
        else:
            ready.append(prepared)
    if ready:
        try:
            _write(ready)
        except SoftTimeLimitExceeded:
            raise  # the task is out of time: the sweep takes its messages again
        except Exception:
            logger.exception("inbox: a batch of %s messages failed; each alone now", len(ready))
            for prepared in ready:
                prepared.message.refresh_from_db()
                if prepared.message.status in (Status.RECEIVED, Status.PARSED):
                    prepared.discard_bytes()  # not written: each goes alone, from the start
                    alone.append(prepared.message)
        else:
            _count_uses([p for p in ready if p.routed], rules)
    for message in alone:
        processing.run(message)
    return messages


def _prepare(message: InboundMessage, clients, rules) -> Prepared | None:
    """The message parsed and routed in memory, nothing written yet (its attachments' bytes
    are kept by ``_write``: a filed one's go to its document); None when it is for
    ``processing.run`` alone."""
    if message.attempts != 1:
        return None  # an earlier attempt may have written rows: the one-message path
    prepared = None
    try:
        with default_storage.open(message.raw_key, "rb") as stored:
            raw = stored.read()
        parsed = processing.parse(
            raw, processing.limits(), trusted_authserv_ids=processing.trusted_authserv_ids()
        )
        if parsed.kind != Kind.DOCUMENTS:
            return None
        processing.apply_parsed(message, parsed)
        rows = processing.attachment_rows(message, parsed, keep_bytes=False)
        prepared = Prepared(message, rows, [], False)
        prepared.waiting = [r for r in rows if r.status == InboundAttachment.Status.WAITING]
        prepared.routed = processing.route(message, prepared.waiting, clients, rules) is not None
        return prepared
    except MessageRejected:
        return None
    except SoftTimeLimitExceeded:
        raise
    except Exception:
        logger.exception("inbox: message %s could not be prepared in a batch", message.pk)
        if prepared is not None:
            prepared.discard_bytes()
        return None


def _write(ready: list[Prepared]) -> None:
    """Everything the batch found, in one transaction."""
    routed = [p for p in ready if p.routed]
    created = []
    try:
        _write_in_one(ready, routed, created)
    except BaseException:
        for document in created:  # rolled back: their files go too
            delete_stored_file(document.storage_key, document.practice_id)
        raise


def _write_in_one(ready: list[Prepared], routed: list[Prepared], created: list) -> None:
    with transaction.atomic():
        # Filing stores the routed attachments (their bytes go to their documents, or are
        # kept when refused); every other attachment's bytes are kept in the inbox's folder.
        others = [
            row
            for p in ready
            for row in p.rows
            if not (p.routed and row.status == InboundAttachment.Status.WAITING)
        ]
        for row in others:
            keep_bytes_of(row)
        InboundAttachment.objects.bulk_create(others)
        created.extend(filing.file_messages([(p.message, p.waiting) for p in routed]))
        for p in routed:
            processing.settle_filed(p.message, p.waiting)
        InboundMessage.objects.update_each([p.message for p in ready], OUTCOME_FIELDS)


def _count_uses(routed: list[Prepared], rules) -> None:
    """The rules that named the clients count their use, as after one message's filing: each
    its own short update once the batch is written, in the senders' order, so two batches
    never wait on each other's rules."""
    patterns = {rule.pattern for rule in rules}
    uses = sorted(
        (p.message.from_address.strip().lower(), {a.client_id for a in p.waiting}) for p in routed
    )
    for sender, client_ids in uses:
        if sender in patterns or "@" + sender.rpartition("@")[2] in patterns:
            learning.count_use(sender, client_ids)
