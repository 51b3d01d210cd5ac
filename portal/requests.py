"""Document requests: made from packs, edited by staff, satisfied by uploads.

A request is complete when every required item is received or not applicable (when it has no
required item: when every item is). The pack's collect items follow it, in the same
transaction as every change (``refresh_status``): each request item ``covers`` one kind of
document (bank statements, sales invoices...), and the collect item carrying that automatic
tick ticks itself when the items of its kind are all in, and unticks itself when one goes
missing again; ``documents_received`` follows the whole request. The rule for a person's own
tick or untick is ``tasks.services.follow_documents``'s. A closed request (its pack was
delivered) or a cancelled one no longer changes.
"""

import datetime

from django.db import transaction
from django.db.models import Count, Max, Q

from atlasos import clock
from atlasos.refusals import Refusal
from clients.choices import PayrollFrequency
from clients.models import BankAccount, Client
from documents.models import DocType, Document, Source
from documents.store import store_document
from portal.models import DocumentRequest, RequestItem, RequestItemDocument, RequestStatus
from tasks.models import Pack
from tasks.services import follow_documents_many, record_documents_missing
from templates_engine.models import DOCUMENT_KEYS, AutoTick

REQUEST_BATCH = 1000
ITEM_BATCH = 5000
AUTO_KEY = AutoTick.DOCUMENTS_RECEIVED
# The collect item each kind of document counts for; "other" only counts for the whole request.
COVERS_BY_TYPE = {
    DocType.BANK_STATEMENT: AutoTick.BANK_STATEMENTS,
    DocType.SALES_INVOICE: AutoTick.SALES_INVOICES,
    DocType.PURCHASE_INVOICE: AutoTick.PURCHASE_INVOICES,
    DocType.RECEIPT: AutoTick.RECEIPTS,
    DocType.PAYROLL_REPORT: AutoTick.PAYROLL_REPORT,
}

SATISFIED = Q(items__received_at__isnull=False) | Q(items__marked_at__isnull=False)


class RequestError(Refusal):
    """The rules refuse it; ``message`` says why."""


def with_progress(queryset):
    """Annotate each request with its item counts, in SQL: ``required_total``,
    ``required_done`` (received or not applicable), ``items_total``, ``items_done``."""
    return queryset.annotate(
        required_total=Count("items", filter=Q(items__required=True)),
        required_done=Count("items", filter=Q(items__required=True) & SATISFIED),
        items_total=Count("items"),
        items_done=Count("items", filter=SATISFIED),
    )


def bank_statement_title(account: BankAccount) -> str:
    """ "Bank statement — Barclays Business Current ****1234"."""
    digits = account.iban or account.account_number
    name = f"{account.bank_name} {account.name}".strip()
    if digits:
        name = f"{name} ****{digits[-4:]}"
    return f"Bank statement — {name}"


def standard_items(accounts: list[BankAccount], runs_payroll: bool) -> list[dict]:
    """The items a pack's request asks for, in order, each with the collect item of the
    standard template it counts for (``covers``)."""
    specs = [
        {
            "title": bank_statement_title(account),
            "doc_type": DocType.BANK_STATEMENT,
            "bank_account": account,
            "required": True,
        }
        for account in accounts
    ]
    specs += [
        {"title": "Sales invoices", "doc_type": DocType.SALES_INVOICE, "required": True},
        {"title": "Purchase invoices", "doc_type": DocType.PURCHASE_INVOICE, "required": True},
        {"title": "Receipts", "doc_type": DocType.RECEIPT, "required": True},
        {
            "title": "Petty cash records",
            "doc_type": DocType.OTHER,
            "required": False,
            "covers": AutoTick.PETTY_CASH,
        },
        {
            "title": "Payroll report",
            "doc_type": DocType.PAYROLL_REPORT,
            "required": runs_payroll,
        },
    ]
    for spec in specs:
        spec.setdefault("covers", COVERS_BY_TYPE.get(spec["doc_type"], ""))
    return specs


def is_in(item: RequestItem) -> bool:
    return item.received_at is not None or item.marked_at is not None


def counted(items: list[RequestItem]) -> list[RequestItem]:
    """The items that decide whether ``items`` are all in: the required ones, or every one
    when none is required."""
    return [item for item in items if item.required] or list(items)


def collect_answers(items: list[RequestItem]) -> dict[str, list[str] | None]:
    """For each document automatic tick, what the request still misses of the items of that
    kind (their titles; ``[]`` when all are in), or None when the request has none of them.
    ``documents_received`` answers for the whole request."""
    groups: dict[str, list[RequestItem]] = {key: [] for key in DOCUMENT_KEYS}
    groups[AUTO_KEY] = list(items)
    for item in items:
        if item.covers in groups and item.covers != AUTO_KEY:
            groups[item.covers].append(item)
    return {
        key: [item.title for item in counted(group) if not is_in(item)] if group else None
        for key, group in groups.items()
    }


def create_for_packs(packs) -> list[DocumentRequest]:
    """One draft request per pack (from its collect stage), due when the collect stage is due.

    A constant number of queries however many packs: the clients' payroll setting, their
    active bank accounts, the packs that already have a request (skipped: idempotent), then
    the requests and their items in bulk. Call it inside the transaction creating the packs.
    """
    packs = [pack for pack in packs if pack.pk]
    if not packs:
        return []
    client_ids = {pack.client_id for pack in packs}
    payroll = dict(Client.objects.filter(pk__in=client_ids).values_list("pk", "payroll_frequency"))
    accounts: dict[int, list[BankAccount]] = {}
    for account in BankAccount.objects.filter(client_id__in=client_ids, is_active=True).order_by(
        "client_id", "name", "pk"
    ):
        accounts.setdefault(account.client_id, []).append(account)
    existing = set(
        DocumentRequest.objects.filter(pack_id__in=[pack.pk for pack in packs]).values_list(
            "pack_id", flat=True
        )
    )
    packs = [pack for pack in packs if pack.pk not in existing]
    requests = [
        DocumentRequest(
            client_id=pack.client_id,
            pack_id=pack.pk,
            title=f"Documents for {pack.period_label}",
            period=pack.period,
            due=pack.collect_due,
        )
        for pack in packs
    ]
    DocumentRequest.objects.bulk_create(requests, batch_size=REQUEST_BATCH)
    items = []
    for pack, document_request in zip(packs, requests, strict=True):
        runs_payroll = payroll.get(pack.client_id, PayrollFrequency.NONE) != PayrollFrequency.NONE
        for position, spec in enumerate(
            standard_items(accounts.get(pack.client_id, []), runs_payroll)
        ):
            items.append(
                RequestItem(request=document_request, position=(position + 1) * 10, **spec)
            )
    RequestItem.objects.bulk_create(items, batch_size=ITEM_BATCH)
    by_request: dict[int, list[RequestItem]] = {}
    for item in items:
        by_request.setdefault(id(item.request), []).append(item)
    record_documents_missing(
        {
            document_request.pack_id: collect_answers(by_request.get(id(document_request), []))
            for document_request in requests
        }
    )
    return requests


def on_packs_created(sender, packs, **kwargs) -> None:
    """``tasks.signals.packs_created``: each new pack's request (see ``create_for_packs``)."""
    create_for_packs(packs)


def create_request(client, *, title: str, due: datetime.date, period, user) -> DocumentRequest:
    """A request made by hand (no pack), with no items yet."""
    return DocumentRequest.objects.create(
        client=client, title=title, due=due, period=period, created_by=user
    )


def _open(document_request: DocumentRequest) -> None:
    if document_request.status == RequestStatus.CANCELLED:
        raise RequestError("This request is cancelled; it cannot be changed.")
    if document_request.status == RequestStatus.CLOSED:
        raise RequestError(
            "This request was closed when its pack was delivered; it cannot be changed."
        )


def _locked(request_id: int) -> DocumentRequest:
    """The request, locked for a change (``_locked_many``)."""
    return _locked_many([request_id])[request_id]


def _locked_many(request_ids) -> dict[int, DocumentRequest]:
    """The requests, locked for a change, by pk. Their packs are locked first: delivery takes
    the pack, then closes its requests, so a change and a delivery at the same moment queue up
    rather than wait on each other; packs, then requests, in pk order, so two batches do not
    wait on each other either."""
    request_ids = sorted(set(request_ids))
    pack_ids = sorted(
        set(
            DocumentRequest.objects.filter(pk__in=request_ids)
            .exclude(pack_id=None)
            .values_list("pack_id", flat=True)
        )
    )
    if pack_ids:
        list(Pack.objects.select_for_update().filter(pk__in=pack_ids).order_by("pk").values("pk"))
    locked = DocumentRequest.objects.select_for_update().filter(pk__in=request_ids)
    found = {r.pk: r for r in locked.order_by("pk")}
    missing = set(request_ids) - set(found)
    if missing:
        raise DocumentRequest.DoesNotExist(f"No document request {min(missing)}.")
    return found


def edit_request(document_request: DocumentRequest, *, title: str, due: datetime.date) -> None:
    _open(document_request)
    document_request.title = title
    document_request.due = due
    document_request.save(update_fields=["title", "due"])


def cancel_request(document_request: DocumentRequest) -> None:
    if document_request.status == RequestStatus.CANCELLED:
        raise RequestError("This request is already cancelled.")
    _open(document_request)
    document_request.status = RequestStatus.CANCELLED
    document_request.save(update_fields=["status"])


def add_item(
    document_request: DocumentRequest, *, title: str, doc_type: str, required: bool
) -> RequestItem:
    """An ad-hoc item ("October fuel receipts") at the end of the list."""
    with transaction.atomic():
        document_request = _locked(document_request.pk)
        _open(document_request)
        last = document_request.items.aggregate(last=Max("position"))["last"] or 0
        item = RequestItem.objects.create(
            request=document_request,
            title=title,
            doc_type=doc_type,
            required=required,
            covers=COVERS_BY_TYPE.get(doc_type, ""),
            position=last + 10,
        )
        refresh_status(document_request)
    return item


def remove_item(item: RequestItem) -> None:
    """Remove the item (its linked documents stay in the store)."""
    with transaction.atomic():
        document_request = _locked(item.request_id)
        _open(document_request)
        item.delete()
        refresh_status(document_request)


def mark_not_applicable(item: RequestItem, reason: str, *, user=None, contact=None) -> None:
    with transaction.atomic():
        document_request = _locked(item.request_id)
        _open(document_request)
        if item.received_at:
            raise RequestError(f"“{item.title}” is received already; it cannot be not applicable.")
        item.not_applicable_reason = reason
        item.marked_at = clock.now()
        item.marked_by = user
        item.marked_by_contact = contact
        item.save(
            update_fields=["not_applicable_reason", "marked_at", "marked_by", "marked_by_contact"]
        )
        refresh_status(document_request)


def mark_needed(item: RequestItem) -> None:
    """Undo "not applicable": the item is missing again."""
    with transaction.atomic():
        document_request = _locked(item.request_id)
        _open(document_request)
        item.not_applicable_reason = ""
        item.marked_at = None
        item.marked_by = None
        item.marked_by_contact = None
        item.save(
            update_fields=["not_applicable_reason", "marked_at", "marked_by", "marked_by_contact"]
        )
        refresh_status(document_request)


def link_document(item: RequestItem, document: Document, *, user=None) -> bool:
    """Link ``document`` to ``item``: the item is received (and no longer "not applicable").
    Returns False when the document was linked to it already."""
    return link_documents([(item, document)], user=user)[0]


LINKED_FIELDS = [
    "received_at",
    "not_applicable_reason",
    "marked_at",
    "marked_by",
    "marked_by_contact",
]


def link_documents(pairs: list[tuple[RequestItem, Document]], *, user=None) -> list[bool]:
    """``link_document`` for many (item, document) pairs at once, in one transaction: the
    requests locked together, the links written in one insert, each request's status and its
    pack's collect items brought in line once. A ``RequestError`` for a request no longer open
    propagates (nothing linked)."""
    with transaction.atomic():
        requests = _locked_many(item.request_id for item, _ in pairs)
        for document_request in requests.values():
            _open(document_request)
        there = set(
            RequestItemDocument.objects.filter(
                item_id__in={item.pk for item, _ in pairs},
                document_id__in={document.pk for _, document in pairs},
            ).values_list("item_id", "document_id")
        )
        links, changed, linked = [], {}, []
        for item, document in pairs:
            if (item.pk, document.pk) in there:
                linked.append(False)
                continue
            there.add((item.pk, document.pk))
            links.append(RequestItemDocument(item=item, document=document, linked_by=user))
            item.received_at = item.received_at or clock.now()
            item.not_applicable_reason = ""
            item.marked_at = None
            item.marked_by = None
            item.marked_by_contact = None
            changed[item.pk] = item
            linked.append(True)
        if links:
            RequestItemDocument.objects.bulk_create(links)
            RequestItem.objects.update_each(changed.values(), LINKED_FIELDS)
            refresh_statuses(
                [requests[pk] for pk in sorted({item.request_id for item in changed.values()})]
            )
    return linked


def upload_to_item(item: RequestItem, upload, *, user=None, contact=None, source=None):
    """Store ``upload`` in the client's document store as the item's type and the request's
    period, and link it to the item. ``UploadRefused`` propagates (nothing stored). Returns
    ``(document, created)`` as ``store_document``."""
    document_request = item.request
    _open(document_request)
    with transaction.atomic():
        document, created = store_document(
            document_request.client,
            upload,
            doc_type=item.doc_type,
            period=document_request.period,
            source=source or (Source.PORTAL if contact else Source.STAFF_UPLOAD),
            user=user,
            contact=contact,
        )
        link_document(item, document, user=user)
    return document, created


def unlink_document(item: RequestItem, document: Document) -> None:
    """Take a document off the item (it stays in the store). With no document left the item
    is missing again: a complete request reopens and the pack's collect item for it unticks
    itself."""
    with transaction.atomic():
        document_request = _locked(item.request_id)
        _open(document_request)
        RequestItemDocument.objects.filter(item=item, document=document).delete()
        if not RequestItemDocument.objects.filter(item=item).exists():
            item.received_at = None
            item.save(update_fields=["received_at"])
        refresh_status(document_request)


def refresh_status(document_request: DocumentRequest) -> None:
    """Complete the request when every required item is satisfied; reopen it when that stops
    being true; and bring the pack's collect items in line with it (``follow_documents``).
    Call inside the transaction that changed the request, holding its lock (``_locked``)."""
    refresh_statuses([document_request])


def refresh_statuses(document_requests: list[DocumentRequest]) -> None:
    """``refresh_status`` for many requests: their items read in one query, their packs'
    collect items followed together (``follow_documents_many``)."""
    live = [
        r
        for r in document_requests
        if r.status not in (RequestStatus.CANCELLED, RequestStatus.CLOSED)
    ]
    if not live:
        return
    items: dict[int, list[RequestItem]] = {r.pk: [] for r in live}
    for item in RequestItem.objects.filter(request__in=[r.pk for r in live]).only(
        "request", "title", "required", "covers", "received_at", "marked_at"
    ):
        items[item.request_id].append(item)
    follow = {}
    for document_request in live:
        answers = collect_answers(items[document_request.pk])
        done = answers[AUTO_KEY] == []
        if done and document_request.status != RequestStatus.COMPLETE:
            document_request.status = RequestStatus.COMPLETE
            document_request.completed_at = clock.now()
            document_request.save(update_fields=["status", "completed_at"])
        elif not done and document_request.status == RequestStatus.COMPLETE:
            document_request.status = (
                RequestStatus.SENT if document_request.sent_at else RequestStatus.DRAFT
            )
            document_request.completed_at = None
            document_request.save(update_fields=["status", "completed_at"])
        if document_request.pack_id:
            follow[document_request.pack_id] = answers
    if follow:
        follow_documents_many(follow)


def pack_request(pack):
    """The pack's (not cancelled) request with its progress, or None: one query."""
    return (
        with_progress(DocumentRequest.objects.filter(pack=pack))
        .exclude(status=RequestStatus.CANCELLED)
        .only("code", "title", "status", "due")
        .first()
    )
