"""Filing routed attachments: each becomes a document of its client (source: email) through
the store's own ``store_document`` and its upload checks, satisfies the matching open request
item exactly as a portal upload does, and the client's preparer hears of it in the app.

One message's attachments are filed in one transaction: either all of their rows land or none
(files saved for rows that were rolled back are deleted again), so nothing is half-filed. An
attachment the upload checks refuse is recorded as refused with their message; the others are
still filed: that is a decision about the file, not a failure.
"""

import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from clients.models import BankAccount, Client
from documents.models import DocType, Document, Source
from documents.store import delete_stored_file, store_document
from documents.uploads import UploadRefused
from inbox.identifiers import find
from inbox.models import InboundAttachment, InboundMessage
from notifications.models import Notification
from portal.models import RequestItem, RequestStatus
from portal.requests import link_document

logger = logging.getLogger(__name__)

OPEN = (RequestStatus.DRAFT, RequestStatus.SENT)
Filed = InboundAttachment.Status


def file_attachments(message: InboundMessage, attachments: list, *, user=None) -> None:
    """File each attachment to its ``client_id`` (set by the router or by staff)."""
    clients = Client.objects.in_bulk({a.client_id for a in attachments})
    created: list[Document] = []
    try:
        with transaction.atomic():
            for attachment in attachments:
                _file_one(attachment, clients[attachment.client_id], user, created)
            _tell_preparers(message, attachments, clients)
    except BaseException:
        for document in created:
            delete_stored_file(document.storage_key, document.practice_id)
        raise


def _file_one(attachment, client, user, created: list) -> None:
    with default_storage.open(attachment.storage_key, "rb") as stored:
        upload = ContentFile(stored.read(), name=attachment.name)
    try:
        document, is_new = store_document(
            client,
            upload,
            doc_type=attachment.doc_type,
            period=attachment.period,
            source=Source.EMAIL,
            user=user,
        )
    except UploadRefused as refused:
        attachment.status = Filed.REFUSED
        attachment.reason = refused.message[:500]
        attachment.save()
        return
    if is_new:
        created.append(document)
    attachment.document = document
    attachment.status = Filed.FILED if is_new else Filed.DUPLICATE
    attachment.reason = "" if is_new else f"Already in {client.name}'s documents."
    item = satisfy(document, attachment.text)
    if item is not None:
        attachment.reason = f"Satisfies “{item.title}” of “{item.request.title}”."
    attachment.save()


def satisfy(document: Document, text: str) -> RequestItem | None:
    """Link ``document`` to the open request item of its client and period with its type (a
    bank statement to the item of the bank account its text names, when it names one), as a
    portal upload would: progress moves, the collect item ticks when the request completes,
    and the item's reminders stop. None when no item fits."""
    if document.doc_type == DocType.OTHER or document.period is None:
        return None
    items = list(
        RequestItem.objects.filter(
            request__client_id=document.client_id,
            request__period=document.period,
            request__status__in=OPEN,
            doc_type=document.doc_type,
        )
        .select_related("request")
        .order_by("pk")
    )
    if not items:
        return None
    item = _best_item(items, text)
    if item is None:
        return None
    link_document(item, document)
    return item


def _best_item(items: list[RequestItem], text: str) -> RequestItem | None:
    accounts = {i.bank_account_id for i in items if i.bank_account_id}
    if accounts:
        named = _accounts_named(accounts, text)
        mine = [i for i in items if i.bank_account_id in named]
        if mine:
            return mine[0]
        if len(accounts) > 1:
            # Several accounts and the text names none: a person decides which.
            return next((i for i in items if not i.bank_account_id and not i.received_at), None)
    return next((i for i in items if not i.received_at), None) or items[0]


def _accounts_named(account_ids: set[int], text: str) -> set[int]:
    if not text:
        return set()
    found = find(text)
    named = set()
    for account in BankAccount.objects.filter(pk__in=account_ids):
        iban = (account.iban or "").replace(" ", "").upper()
        sort = "".join(ch for ch in account.sort_code or "" if ch.isdigit())
        number = "".join(ch for ch in account.account_number or "" if ch.isdigit())
        if (iban and iban in found.ibans) or (sort, number) in found.uk_accounts:
            named.add(account.pk)
    return named


def _tell_preparers(message: InboundMessage, attachments: list, clients: dict) -> None:
    for client_id in {a.client_id for a in attachments}:
        client = clients[client_id]
        mine = [a for a in attachments if a.client_id == client_id and a.status == Filed.FILED]
        if not client.preparer_id or not mine:
            continue
        count = f"{len(mine)} document{'s' if len(mine) != 1 else ''}"
        Notification.objects.create(
            recipient_id=client.preparer_id,
            kind=Notification.Kind.DOCUMENTS,
            title=f"{count} emailed for {client.name}"[:300],
            body=", ".join(a.name for a in mine)[:2000],
            url=message.get_absolute_url(),
            email_state=Notification.EmailState.NONE,
        )
