"""Triage: each waiting message with its candidates; "File to <client>" files every waiting
attachment through the store (typed, with a period), satisfies the client's open request item,
finishes the message and teaches the sender's rule, in one transaction; split; not a document;
a message someone else cleared is refused and nothing is done twice."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.test import Client as HttpClient

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from documents.models import Document
from inbox import learning
from inbox.models import InboundAttachment, InboundMessage, RoutingRule
from inbox.views import clearing
from tests.factories.clients import ClientFactory
from tests.factories.documents import DocumentFactory
from tests.factories.inbox import SAMPLE_PDF, InboundAttachmentFactory, InboundMessageFactory
from tests.factories.portal import (
    DocumentRequestFactory,
    PortalAccountFactory,
    RequestItemFactory,
)
from tests.helpers import HTMX, reload, sign_in, signed_in

pytestmark = pytest.mark.django_db

NOVEMBER = datetime.date(2026, 11, 1)


@pytest.fixture
def acme(practice):
    return ClientFactory(practice=practice, name="Acme Ltd", short_code="ACME01")


@pytest.fixture
def beta(practice):
    return ClientFactory(practice=practice, name="Beta Ltd", short_code="BETA01")


@pytest.fixture
def waiting(practice, acme, beta):
    """A message from an unknown sender in triage with two invoices; Acme ranked first."""
    message = InboundMessageFactory(
        practice=practice,
        from_address="Bills@Acme.example",
        subject="Invoices for November",
        candidates=[
            {
                "client_id": acme.pk,
                "confidence": "Suggestion",
                "score": 0.62,
                "reasons": ["“Acme Ltd” appears in the attachment."],
            },
            {
                "client_id": beta.pk,
                "confidence": "Suggestion",
                "score": 0.31,
                "reasons": ["The sender's domain once sent mail for Beta Ltd."],
            },
        ],
    )
    InboundAttachmentFactory(practice=practice, message=message, name="invoice-1042.pdf")
    InboundAttachmentFactory(practice=practice, message=message, name="invoice-1043.pdf")
    return message


@pytest.fixture
def purchase_item(practice, acme):
    request = DocumentRequestFactory(
        practice=practice, client=acme, period=NOVEMBER, title="Documents for November 2026"
    )
    return RequestItemFactory(
        practice=practice, request=request, title="Purchase invoices", doc_type="purchase_invoice"
    )


def documents_of(client):
    with practice_context(client.practice_id):
        return list(Document.objects.filter(client=client).order_by("original_name"))


def attachments_of(message):
    with practice_context(message.practice_id):
        return list(InboundAttachment.objects.filter(message=message).order_by("position"))


# --- the page ---------------------------------------------------------------------------------


def test_triage_lists_waiting_messages_oldest_first_with_their_candidates(
    practice, staff, waiting, acme
):
    older = InboundMessageFactory(
        practice=practice,
        subject="Old receipts",
        received_at=wall_clock.now() - datetime.timedelta(days=2),
    )
    InboundMessageFactory(practice=practice, status="routed", subject="Already filed")

    page = signed_in(staff).get("/inbox/triage/").content.decode()

    assert page.index("Old receipts") < page.index("Invoices for November")
    assert "Already filed" not in page
    assert page.index("File to Acme Ltd") < page.index("File to Beta Ltd")
    assert "“Acme Ltd” appears in the attachment." in page
    assert "invoice-1042.pdf" in page and "invoice-1043.pdf" in page
    assert f'hx-post="/inbox/{waiting.code}/assign/"' in page
    assert f'hx-target="#triage-{waiting.code}"' in page
    assert f'action="/inbox/{waiting.code}/assign/"' in page  # works without JavaScript too
    assert '<option value="ACME01">Acme Ltd</option>' in page  # the picker's suggestions
    assert "Split the attachments" in page and 'name="skip-' in page
    assert f'action="/inbox/{older.code}/not-a-document/"' in page


def test_an_empty_triage_says_so(practice, staff):
    page = signed_in(staff).get("/inbox/triage/").content.decode()
    assert "Nothing waiting in triage" in page


# --- assigning --------------------------------------------------------------------------------


def test_file_to_a_client_files_every_attachment_and_satisfies_the_request(
    practice, staff, waiting, acme, purchase_item
):
    response = signed_in(staff).post(
        f"/inbox/{waiting.code}/assign/", {"client": str(acme.code)}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/inbox/triage/"
    assert "Filed 2 documents to Acme Ltd." in response.content.decode()
    documents = documents_of(acme)
    assert [d.original_name for d in documents] == ["invoice-1042.pdf", "invoice-1043.pdf"]
    assert {(d.source, d.doc_type, d.period) for d in documents} == {
        ("email", "purchase_invoice", NOVEMBER)
    }
    assert all(d.uploaded_by_id == staff.pk for d in documents)
    for attachment in attachments_of(waiting):
        assert attachment.status == "filed" and attachment.client_id == acme.pk
        assert attachment.confidence == "certain"
        assert attachment.route_reasons == ["Chosen in triage by Tom Reilly."]
    message = reload(waiting)
    assert message.status == InboundMessage.Status.ROUTED
    assert message.client_id == acme.pk and message.handled_by_id == staff.pk
    assert reload(purchase_item).received_at is not None
    with practice_context(practice.pk):
        rule = RoutingRule.objects.get()
    assert (rule.pattern, rule.client_id, rule.times_right) == ("bills@acme.example", acme.pk, 1)


def test_through_htmx_the_row_becomes_a_confirmation_and_the_count_follows(
    practice, staff, waiting, acme
):
    InboundMessageFactory(practice=practice)  # one more waiting
    response = signed_in(staff).post(
        f"/inbox/{waiting.code}/assign/", {"client": str(acme.code)}, headers=HTMX
    )
    page = response.content.decode()

    assert response.status_code == 200 and "<html" not in page
    assert f'<li class="triage-row is-done" id="triage-{waiting.code}" role="status">' in page
    assert "Filed 2 documents to Acme Ltd." in page
    assert (
        '<span id="inbox-count" class="nav-count" hx-swap-oob="true">1'
        '<span class="visually-hidden"> waiting in triage</span></span>'
    ) in page
    assert '<span class="count" id="triage-tab-count" hx-swap-oob="true">1</span>' in page


def test_a_message_someone_else_filed_is_not_filed_twice(practice, staff, manager, waiting, acme):
    signed_in(manager).post(f"/inbox/{waiting.code}/assign/", {"client": str(acme.code)})

    http = signed_in(staff)
    page = http.post(
        f"/inbox/{waiting.code}/assign/", {"client": str(acme.code)}, headers=HTMX
    ).content.decode()
    assert "This message was already filed by Priya Shah: nothing was done twice." in page
    assert "is-refused" in page
    response = http.post(
        f"/inbox/{waiting.code}/not-a-document/", {"next": "/inbox/triage/"}, follow=True
    )
    assert "already filed by Priya Shah" in response.content.decode()
    assert len(documents_of(acme)) == 2
    assert reload(waiting).status == "routed"


def test_the_client_may_be_named_by_short_code_or_full_name(practice, staff, waiting, beta):
    response = signed_in(staff).post(
        f"/inbox/{waiting.code}/assign/", {"client": "beta01"}, follow=True
    )
    assert "Filed 2 documents to Beta Ltd." in response.content.decode()

    other = InboundMessageFactory(practice=practice)
    InboundAttachmentFactory(practice=practice, message=other)
    response = signed_in(staff).post(
        f"/inbox/{other.code}/assign/", {"client": "beta ltd"}, follow=True
    )
    assert "Filed 1 document to Beta Ltd." in response.content.decode()


def test_an_unknown_or_missing_client_files_nothing(practice, staff, waiting, other_practice):
    theirs = ClientFactory(practice=other_practice, name="Elsewhere Ltd", short_code="ELSE01")
    http = signed_in(staff)

    for value in ("", "NOPE99", str(theirs.code), "ELSE01"):
        response = http.post(f"/inbox/{waiting.code}/assign/", {"client": value}, follow=True)
        assert "Choose a client." in response.content.decode(), value

    page = http.post(
        f"/inbox/{waiting.code}/assign/", {"client": "NOPE99"}, headers=HTMX
    ).content.decode()
    assert f'<li class="triage-row" id="triage-{waiting.code}">' in page
    assert "No client has the code NOPE99." in page and 'role="alert"' in page
    assert reload(waiting).status == "triage"
    assert all(a.status == "waiting" for a in attachments_of(waiting))
    with practice_context(other_practice.pk):
        assert not Document.objects.exists()


def test_the_fallback_period_is_the_month_sent_in_the_practice_timezone(practice, staff, acme):
    practice.timezone = "Australia/Sydney"
    practice.save()
    # 14:00 UTC on 31 October is 1 November in Sydney.
    message = InboundMessageFactory(
        practice=practice, sent_at=datetime.datetime(2026, 10, 31, 14, tzinfo=datetime.UTC)
    )
    InboundAttachmentFactory(practice=practice, message=message, name="scan.pdf")
    signed_in(staff).post(f"/inbox/{message.code}/assign/", {"client": str(acme.code)})
    [document] = documents_of(acme)
    assert document.period == NOVEMBER


def test_a_document_already_in_the_store_is_not_stored_twice(practice, staff, acme):
    message = InboundMessageFactory(practice=practice)
    content = SAMPLE_PDF + b"% the same bytes\n"
    InboundAttachmentFactory(practice=practice, message=message, content=content)
    DocumentFactory(practice=practice, client=acme, content=content, original_name="first.pdf")

    response = signed_in(staff).post(
        f"/inbox/{message.code}/assign/", {"client": "ACME01"}, follow=True
    )
    assert "Nothing new filed to Acme Ltd. 1 document was already in the store." in (
        response.content.decode()
    )
    assert len(documents_of(acme)) == 1
    assert attachments_of(message)[0].status == "duplicate"


def test_a_failure_after_filing_undoes_everything(practice, staff, waiting, acme, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the rule could not be saved")

    monkeypatch.setattr(learning, "teach", broken)
    http = HttpClient(raise_request_exception=False)
    sign_in(http, staff)

    assert http.post(f"/inbox/{waiting.code}/assign/", {"client": "ACME01"}).status_code == 500

    assert documents_of(acme) == []
    assert reload(waiting).status == "triage"
    assert all(a.status == "waiting" for a in attachments_of(waiting))
    folder = f"practices/{practice.pk}/documents/"
    assert not default_storage.exists(folder) or default_storage.listdir(folder)[1] == []


# --- split ------------------------------------------------------------------------------------


def test_split_files_each_attachment_to_its_own_client(practice, staff, waiting, acme, beta):
    first, second = attachments_of(waiting)
    response = signed_in(staff).post(
        f"/inbox/{waiting.code}/split/",
        {f"client-{first.code}": "ACME01", f"client-{second.code}": "BETA01"},
        follow=True,
    )
    assert "Filed 1 document to Acme Ltd, 1 to Beta Ltd." in response.content.decode()
    assert [d.original_name for d in documents_of(acme)] == ["invoice-1042.pdf"]
    assert [d.original_name for d in documents_of(beta)] == ["invoice-1043.pdf"]
    message = reload(waiting)
    assert message.status == "routed" and message.client_id is None
    with practice_context(practice.pk):
        assert not RoutingRule.objects.exists()  # a sender of several clients teaches nothing


def test_split_may_set_one_aside_as_not_a_document(practice, staff, waiting, acme):
    first, second = attachments_of(waiting)
    page = (
        signed_in(staff)
        .post(
            f"/inbox/{waiting.code}/split/",
            {f"client-{first.code}": "ACME01", f"skip-{second.code}": "on"},
            headers=HTMX,
        )
        .content.decode()
    )
    assert "Filed 1 document to Acme Ltd. 1 attachment marked not a document." in page
    first, second = attachments_of(waiting)
    assert (first.status, second.status) == ("filed", "not_document")
    assert second.reason == "Marked not a document by Tom Reilly."
    assert reload(waiting).client_id == acme.pk


def test_split_needs_a_choice_for_every_attachment(practice, staff, waiting):
    first, second = attachments_of(waiting)
    response = signed_in(staff).post(
        f"/inbox/{waiting.code}/split/",
        {
            f"client-{first.code}": "ACME01",
            f"client-{second.code}": "ACME01",
            f"skip-{second.code}": "on",
        },
        follow=True,
    )
    assert "or mark it not a document, not both" in response.content.decode()
    response = signed_in(staff).post(
        f"/inbox/{waiting.code}/split/", {f"client-{first.code}": "ACME01"}, follow=True
    )
    assert "Choose a client for invoice-1043.pdf, or mark it not a document." in (
        response.content.decode()
    )
    assert reload(waiting).status == "triage"


# --- not a document ---------------------------------------------------------------------------


def test_not_a_document_sets_the_message_aside(practice, staff, waiting, acme):
    response = signed_in(staff).post(f"/inbox/{waiting.code}/not-a-document/", follow=True)
    assert "2 attachments marked not a document." in response.content.decode()
    message = reload(waiting)
    assert message.status == "ignored" and message.handled_by_id == staff.pk
    assert message.reason == "Not a document: set aside from triage by Tom Reilly."
    assert {a.status for a in attachments_of(waiting)} == {"not_document"}
    assert documents_of(acme) == []


def test_a_message_with_nothing_to_file_can_only_be_set_aside(practice, staff, acme):
    message = InboundMessageFactory(practice=practice)
    http = signed_in(staff)
    response = http.post(f"/inbox/{message.code}/assign/", {"client": "ACME01"}, follow=True)
    assert "no attachment waiting to be filed" in response.content.decode()
    response = http.post(f"/inbox/{message.code}/not-a-document/", follow=True)
    assert "Set aside: not a document." in response.content.decode()
    assert reload(message).status == "ignored"


def test_the_forms_come_back_to_the_page_they_were_sent_from(practice, staff, waiting, acme):
    response = signed_in(staff).post(
        f"/inbox/{waiting.code}/assign/",
        {"client": "ACME01", "next": f"/inbox/{waiting.code}/"},
    )
    assert response["Location"] == f"/inbox/{waiting.code}/"
    response = signed_in(staff).post(
        f"/inbox/{waiting.code}/assign/", {"client": "ACME01", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/inbox/triage/"


def test_the_clearing_summary_reads_well():
    assert clearing._documents(1) == "1 document" and clearing._documents(3) == "3 documents"


# --- who may do it ----------------------------------------------------------------------------


def test_another_practices_message_is_404(practice, staff, other_practice, acme):
    theirs = InboundMessageFactory(practice=other_practice)
    http = signed_in(staff)
    for action in ("assign", "split", "not-a-document"):
        assert http.post(f"/inbox/{theirs.code}/{action}/", {"client": "ACME01"}).status_code == 404
    assert reload(theirs).status == "triage"


def test_a_client_contact_is_refused(practice, waiting):
    account = PortalAccountFactory(practice=practice)
    http = sign_in(HttpClient(), account.user, reauthenticate=False)
    for action in ("assign", "split", "not-a-document"):
        assert (
            http.post(f"/inbox/{waiting.code}/{action}/", {"client": "ACME01"}).status_code == 403
        )
    assert reload(waiting).status == "triage"


def test_the_actions_are_posts(practice, staff, waiting):
    http = signed_in(staff)
    for action in ("assign", "split", "not-a-document"):
        assert http.get(f"/inbox/{waiting.code}/{action}/").status_code == 405


# Session, user (with its practice), the page's count (which is the top bar's too), its
# messages, their attachments, their candidates' clients, the clients the picker suggests, the
# bell's unread count.
TRIAGE_QUERIES = 8


@pytest.mark.parametrize("count", [3, 30])
def test_triage_runs_the_same_queries_at_any_size(
    practice, staff, count, django_assert_max_num_queries
):
    clients = ClientFactory.create_batch(3, practice=practice)
    for _ in range(count):
        message = InboundMessageFactory(
            practice=practice,
            candidates=[
                {"client_id": c.pk, "confidence": "Suggestion", "score": 0.5, "reasons": ["r"]}
                for c in clients
            ],
        )
        InboundAttachmentFactory(practice=practice, message=message)
        InboundAttachmentFactory(practice=practice, message=message)
    http = signed_in(staff)
    with django_assert_max_num_queries(TRIAGE_QUERIES):
        assert http.get("/inbox/triage/").status_code == 200
