"""Document requests as services: made from new packs, completed by uploads, ticking the pack."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atlasos.tenancy.context import practice_context
from portal import requests as services
from portal.models import DocumentRequest, RequestItem, RequestItemDocument
from tasks.models import PackEvent, PackItem
from tasks.recurrence import ensure_packs
from templates_engine.models import ClientTemplate, TaskTemplate
from templates_engine.standard import STANDARD_NAME
from tests.factories.clients import BankAccountFactory, ClientFactory
from tests.factories.documents import DocumentFactory
from tests.factories.portal import DocumentRequestFactory, RequestItemFactory
from tests.factories.tasks import PackFactory, PackItemFactory
from tests.portal import samples

LONDON = ZoneInfo("Europe/London")
NOV_25 = datetime(2026, 11, 25, 9, tzinfo=LONDON)


def on_standard(practice, clients):
    with practice_context(practice.pk):
        standard = TaskTemplate.objects.get(name=STANDARD_NAME)
        for client in clients:
            ClientTemplate.objects.create(client=client, template=standard)


def run(practice, now=NOV_25):
    with practice_context(practice.pk):
        return ensure_packs(practice, now)


def items_of(practice, client):
    with practice_context(practice.pk):
        request = DocumentRequest.objects.select_related("pack__client").get(client=client)
        return request, list(request.items.values_list("title", "doc_type", "required"))


# --- made from packs --------------------------------------------------------------------------


def test_a_new_pack_gets_its_request_with_a_statement_per_active_bank_account(practice):
    client = ClientFactory(practice=practice, payroll_frequency="none")
    BankAccountFactory(
        practice=practice,
        client=client,
        bank_name="Barclays",
        name="Business Current",
        account_number="41231234",
    )
    BankAccountFactory(
        practice=practice, client=client, bank_name="HSBC", name="Savings", account_number="9876"
    )
    BankAccountFactory(practice=practice, client=client, name="Closed", is_active=False)
    on_standard(practice, [client])
    run(practice)
    request, items = items_of(practice, client)
    assert request.title == "Documents for October 2026"
    assert request.period == date(2026, 10, 1)
    assert request.due == date(2026, 11, 6)  # the collect stage's due date
    assert request.status == "draft" and request.pack.client == client
    assert items == [
        ("Bank statement — Barclays Business Current ****1234", "bank_statement", True),
        ("Bank statement — HSBC Savings ****9876", "bank_statement", True),
        ("Sales invoices", "sales_invoice", True),
        ("Purchase invoices", "purchase_invoice", True),
        ("Receipts", "receipt", True),
        ("Petty cash records", "other", False),
        ("Payroll report", "payroll_report", False),
    ]


def test_the_payroll_report_is_required_only_for_clients_running_payroll(practice):
    payroll = ClientFactory(practice=practice, payroll_frequency="monthly")
    none = ClientFactory(practice=practice, payroll_frequency="none")
    on_standard(practice, [payroll, none])
    run(practice)
    assert ("Payroll report", "payroll_report", True) in items_of(practice, payroll)[1]
    assert ("Payroll report", "payroll_report", False) in items_of(practice, none)[1]


def test_a_second_run_creates_no_second_request(practice):
    clients = [ClientFactory(practice=practice) for _ in range(2)]
    on_standard(practice, clients)
    run(practice)
    run(practice)
    with practice_context(practice.pk):
        assert DocumentRequest.objects.count() == 2
        packs = [request.pack for request in DocumentRequest.objects.select_related("pack")]
        # Called again with the same packs: still one request each.
        assert services.create_for_packs(packs) == []
        assert DocumentRequest.objects.count() == 2


def _queries_for(practice, n):
    clients = [ClientFactory(practice=practice, payroll_frequency="weekly") for _ in range(n)]
    for client in clients:
        BankAccountFactory(practice=practice, client=client)
    on_standard(practice, clients)
    with practice_context(practice.pk):
        packs = [PackFactory(practice=practice, client=client) for client in clients]
        for pack in packs:
            PackItemFactory(practice=practice, pack=pack, title="Receipts", auto_key="receipts")
        with CaptureQueriesContext(connection) as queries:
            services.create_for_packs(packs)
        assert DocumentRequest.objects.filter(pack__in=packs).count() == n
        assert RequestItem.objects.filter(request__pack__in=packs).count() == n * 6
    statements = [query["sql"] for query in queries.captured_queries]
    inserts = [sql for sql in statements if sql.startswith("INSERT")]
    tables = {sql.split('"')[1] for sql in inserts}
    # SQLite caps the parameters of one statement, so it splits large inserts into batches.
    return len(statements) - len(inserts), tables, len(inserts)


def test_creating_requests_takes_the_same_queries_for_3_or_30_packs(practice, other_practice):
    # Reads: clients, bank accounts, existing requests; then the requests and their items in
    # bulk (one INSERT each on PostgreSQL); then the packs' items that follow the request, and
    # one UPDATE storing what the new requests miss.
    small, large = _queries_for(practice, 3), _queries_for(other_practice, 30)
    assert small[:2] == large[:2] == (5, {"portal_documentrequest", "portal_requestitem"})
    assert small[2] == 2
    if connection.vendor == "postgresql":
        assert large[2] == 2


# --- completion -------------------------------------------------------------------------------


@pytest.fixture
def pack_request(practice):
    """A pack with a "documents received" collect item (and a capture item, so that ticking
    it does not complete the pack), and its request of two required items and one optional."""
    with practice_context(practice.pk):
        pack = PackFactory(practice=practice)
        PackItemFactory(
            practice=practice,
            pack=pack,
            title="All documents received",
            auto_key=services.AUTO_KEY,
        )
        PackItemFactory(practice=practice, pack=pack, stage="capture", title="Journals posted")
        request = DocumentRequestFactory(
            practice=practice, client=pack.client, pack=pack, period=date(2026, 10, 1)
        )
        for title, required in (("Bank statement", True), ("Receipts", True), ("Petty", False)):
            RequestItemFactory(practice=practice, request=request, title=title, required=required)
    return request


def progress(request):
    row = services.with_progress(DocumentRequest.objects.filter(pk=request.pk)).get()
    return row.required_done, row.required_total, row.status


def collect_ticks(pack):
    return PackEvent.objects.filter(pack=pack, action="ticked", automatic=True).count()


def test_uploading_against_an_item_links_the_document_and_updates_progress(
    practice, pack_request, staff, media
):
    with practice_context(practice.pk):
        item = pack_request.items.get(title="Bank statement")
        upload = SimpleUploadedFile("october.pdf", samples.PDF)
        document, created = services.upload_to_item(item, upload, user=staff)
        assert created
        assert document.doc_type == "other" and document.source == "staff_upload"
        assert document.period == date(2026, 10, 1)
        assert list(item.documents.all()) == [document]
        item.refresh_from_db()
        assert item.state == "received"
        assert progress(pack_request) == (1, 2, "draft")


def test_completion_ticks_the_collect_item_exactly_once(practice, pack_request, staff):
    with practice_context(practice.pk):
        pack = pack_request.pack
        first, second, optional = pack_request.items.all()
        services.link_document(first, DocumentFactory(practice=practice, client=pack.client))
        assert collect_ticks(pack) == 0
        services.mark_not_applicable(second, "No receipts this month", user=staff)
        assert progress(pack_request) == (2, 2, "complete")
        item = PackItem.objects.get(pack=pack, auto_key=services.AUTO_KEY)
        assert item.done_at and item.done_automatically
        assert collect_ticks(pack) == 1
        # More documents after completion change nothing on the pack.
        services.link_document(optional, DocumentFactory(practice=practice, client=pack.client))
        services.link_document(first, DocumentFactory(practice=practice, client=pack.client))
        assert collect_ticks(pack) == 1


def test_unlinking_reopens_the_request_and_unticks_the_collect_item(practice, pack_request):
    with practice_context(practice.pk):
        pack = pack_request.pack
        first, second, _ = pack_request.items.all()
        document = DocumentFactory(practice=practice, client=pack.client)
        services.link_document(first, document)
        services.link_document(second, DocumentFactory(practice=practice, client=pack.client))
        assert progress(pack_request)[2] == "complete"
        services.unlink_document(first, document)
        first.refresh_from_db()
        assert first.state == "missing"
        assert progress(pack_request) == (1, 2, "draft")
        collect = PackItem.objects.get(pack=pack, auto_key=services.AUTO_KEY)
        assert collect.done_at is None and collect.documents_missing == ["Bank statement"]
        untick = PackEvent.objects.get(pack=pack, action="unticked")
        assert untick.automatic
        assert untick.detail == (
            "All documents received (the document request misses: Bank statement)"
        )
        assert not RequestItemDocument.objects.filter(document=document).exists()
        document.refresh_from_db()  # the document stays in the store


def test_adding_a_required_item_to_a_complete_request_reopens_it(practice, pack_request):
    with practice_context(practice.pk):
        for item in pack_request.items.filter(required=True):
            services.mark_not_applicable(item, "Not this month")
        assert progress(pack_request)[2] == "complete"
        services.add_item(pack_request, title="Fuel receipts", doc_type="receipt", required=True)
        assert progress(pack_request) == (2, 3, "draft")


def test_a_request_without_items_is_not_complete(practice):
    with practice_context(practice.pk):
        request = DocumentRequestFactory(practice=practice)
        services.refresh_status(request)
        assert progress(request) == (0, 0, "draft")


def test_a_cancelled_request_cannot_change(practice, pack_request):
    with practice_context(practice.pk):
        services.cancel_request(pack_request)
        with pytest.raises(services.RequestError, match="cancelled"):
            services.add_item(pack_request, title="More", doc_type="other", required=True)
        item = pack_request.items.first()
        with pytest.raises(services.RequestError, match="cancelled"):
            services.mark_not_applicable(item, "No")


def test_a_received_item_cannot_be_not_applicable(practice, pack_request):
    with practice_context(practice.pk):
        item = pack_request.items.first()
        services.link_document(item, DocumentFactory(practice=practice, client=item.request.client))
        with pytest.raises(services.RequestError, match="received already"):
            services.mark_not_applicable(item, "No")
