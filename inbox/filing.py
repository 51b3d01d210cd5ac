"""Filing routed attachments: each becomes a document of its client (source: email) through
the store's own upload checks and duplicate rule (``store_many``, ``store_document`` for many
files), satisfies the matching open request item exactly as a portal upload does
(``link_documents``), and the client's preparer hears of it in the app.

One message's attachments, or a batch of messages (``inbox.batch``), are filed in one
transaction: either all of their rows land or none (files saved for rows that were rolled
back are deleted again), so nothing is half-filed. An
attachment the upload checks refuse is recorded as refused with their message; the others are
still filed: that is a decision about the file, not a failure.
"""

import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from atlasos import clock
from clients.models import BankAccount, Client
from documents.models import DocType, Document, Source
from documents.store import Keep, delete_stored_file, store_many
from documents.uploads import UploadRefused
from inbox.identifiers import find
from inbox.models import InboundAttachment, InboundMessage
from inbox.storage import keep_bytes_of
from notifications.models import Notification
from portal.models import RequestItem, RequestStatus
from portal.requests import link_documents

logger = logging.getLogger(__name__)

OPEN = (RequestStatus.DRAFT, RequestStatus.SENT)
Filed = InboundAttachment.Status


def file_attachments(message: InboundMessage, attachments: list, *, user=None) -> None:
    """File each attachment to its ``client_id`` (set by the router or by staff)."""
    file_messages([(message, attachments)], user=user)


def file_messages(batch: list[tuple[InboundMessage, list]], *, user=None) -> list[Document]:
    """File the attachments of each message of ``batch`` (the Smart Inbox's batches, or one
    message), in one transaction: the documents stored together (``store_many``), the request
    items they satisfy linked together (``link_documents``), the preparers told, and the
    attachments written (saved, or inserted when new). The documents it created: a caller
    whose own transaction around it fails deletes their files."""
    attachments = [a for _, group in batch for a in group]
    clients = Client.objects.in_bulk({a.client_id for a in attachments})
    outcomes = []
    try:
        with transaction.atomic():
            outcomes = store_many(
                [
                    Keep(
                        clients[a.client_id],
                        ContentFile(_content(a), name=a.name),
                        a.doc_type,
                        a.period,
                        Source.EMAIL,
                        user,
                    )
                    for a in attachments
                ]
            )
            for attachment, outcome in zip(attachments, outcomes, strict=True):
                _record(attachment, outcome, clients[attachment.client_id])
            _satisfy_all(attachments)
            Notification.objects.bulk_create(
                [
                    notice
                    for message, group in batch
                    for notice in _tell_preparers(message, group, clients)
                ]
            )
            saved = [a for a in attachments if a.pk is not None]
            new = [a for a in attachments if a.pk is None]
            for attachment in new:
                if attachment.document is None:  # refused: its own bytes are all there is
                    keep_bytes_of(attachment)
            InboundAttachment.objects.bulk_create(new)
            if saved:
                InboundAttachment.objects.bulk_update(saved, FILED_FIELDS)
    except BaseException:
        for outcome in outcomes:
            if isinstance(outcome, tuple) and outcome[1]:
                delete_stored_file(outcome[0].storage_key, outcome[0].practice_id)
        raise
    return [outcome[0] for outcome in outcomes if isinstance(outcome, tuple) and outcome[1]]


FILED_FIELDS = [
    "status",
    "reason",
    "document",
    "client",
    "confidence",
    "route_reasons",
    "doc_type",
    "period",
]


def _content(attachment) -> bytes:
    """The attachment's bytes: kept in memory by the parse that made it, else read back."""
    content = attachment.__dict__.get("content")
    if content is not None:
        return content
    with default_storage.open(attachment.storage_key, "rb") as stored:
        return stored.read()


def _record(attachment, outcome, client) -> None:
    if isinstance(outcome, UploadRefused):
        attachment.status = Filed.REFUSED
        attachment.reason = outcome.message[:500]
        return
    document, is_new = outcome
    attachment.document = document
    attachment.status = Filed.FILED if is_new else Filed.DUPLICATE
    attachment.reason = "" if is_new else f"Already in {client.name}'s documents."


def _satisfy_all(attachments: list) -> None:
    """Link each new or duplicate document to the open request item of its client and period
    with its type (``satisfy``), all at once."""
    kept = [a for a in attachments if a.document is not None]
    wanted = [a for a in kept if a.document.doc_type != DocType.OTHER and a.document.period]
    if not wanted:
        return
    items_by = {}
    for item in (
        RequestItem.objects.filter(
            request__client_id__in={a.document.client_id for a in wanted},
            request__period__in={a.document.period for a in wanted},
            request__status__in=OPEN,
            doc_type__in={a.document.doc_type for a in wanted},
        )
        .select_related("request")
        .order_by("pk")
    ):
        key = (item.request.client_id, item.request.period, item.doc_type)
        items_by.setdefault(key, []).append(item)
    accounts = {i.bank_account_id for items in items_by.values() for i in items}
    accounts = BankAccount.objects.in_bulk(accounts - {None}) if accounts - {None} else {}
    pairs = []
    for attachment in wanted:
        document = attachment.document
        items = items_by.get((document.client_id, document.period, document.doc_type))
        item = _best_item(items, attachment.text, accounts) if items else None
        if item is None:
            continue
        if not item.received_at:  # the next document of the batch sees it received
            item.received_at = clock.now()
        pairs.append((item, document))
        attachment.reason = f"Satisfies “{item.title}” of “{item.request.title}”."
    if pairs:
        link_documents(pairs)


def _best_item(items: list[RequestItem], text: str, accounts: dict) -> RequestItem | None:
    """Of a client's open items for a period and type, the one a document satisfies;
    ``accounts``: the items' bank accounts, by pk."""
    ids = {i.bank_account_id for i in items if i.bank_account_id}
    if ids:
        named = _accounts_named([accounts[pk] for pk in ids if pk in accounts], text)
        mine = [i for i in items if i.bank_account_id in named]
        if mine:
            return mine[0]
        if len(ids) > 1:
            # Several accounts and the text names none: a person decides which.
            return next((i for i in items if not i.bank_account_id and not i.received_at), None)
    return next((i for i in items if not i.received_at), None) or items[0]


def _accounts_named(accounts: list[BankAccount], text: str) -> set[int]:
    if not text:
        return set()
    found = find(text)
    named = set()
    for account in accounts:
        iban = (account.iban or "").replace(" ", "").upper()
        sort = "".join(ch for ch in account.sort_code or "" if ch.isdigit())
        number = "".join(ch for ch in account.account_number or "" if ch.isdigit())
        if (iban and iban in found.ibans) or (sort, number) in found.uk_accounts:
            named.add(account.pk)
    return named


def _tell_preparers(message: InboundMessage, attachments: list, clients: dict) -> list:
    """The in-app notices for the preparers of the clients the message filed documents for."""
    notices = []
    for client_id in sorted({a.client_id for a in attachments}):
        client = clients[client_id]
        mine = [a for a in attachments if a.client_id == client_id and a.status == Filed.FILED]
        if not client.preparer_id or not mine:
            continue
        count = f"{len(mine)} document{'s' if len(mine) != 1 else ''}"
        notices.append(
            Notification(
                recipient_id=client.preparer_id,
                kind=Notification.Kind.DOCUMENTS,
                title=f"{count} emailed for {client.name}"[:300],
                body=", ".join(a.name for a in mine)[:2000],
                url=message.get_absolute_url(),
                email_state=Notification.EmailState.NONE,
            )
        )
    return notices
