"""The client contact's pages of the portal: requests as checklists, uploads against items,
"not applicable this month", what they sent, deliveries to download and acknowledge."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from documents.models import Document
from portal.models import Delivery, RequestItem
from tests.clock import current_date
from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientFactory
from tests.factories.documents import DocumentFactory
from tests.factories.portal import (
    DeliveryDocumentFactory,
    DeliveryFactory,
    DocumentRequestFactory,
    PortalGrantFactory,
    RequestItemDocumentFactory,
    RequestItemFactory,
)
from tests.portal import samples
from tests.portal.helpers import stored_files

XHR = {"X-Requested-With": "XMLHttpRequest"}
OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def client_ltd(practice):
    return ClientFactory(practice=practice, name="Lighthouse Cafe Ltd")


@pytest.fixture
def other_client(practice):
    """A client of the same practice the contact was NOT granted."""
    return ClientFactory(practice=practice, name="Harbour Bakery Ltd")


@pytest.fixture
def account(practice, client_ltd):
    return PortalGrantFactory(practice=practice, client=client_ltd).account


@pytest.fixture
def contact(account):
    return account.contact


@pytest.fixture
def http(client, account):
    client.force_login(account.user)
    return client


def make_request(practice, client, status="sent", items=2, **fields):
    fields.setdefault("title", f"Documents for October 2026 ({status})")
    fields.setdefault("period", OCTOBER)
    with practice_context(practice.pk):
        document_request = DocumentRequestFactory(
            practice=practice,
            client=client,
            status=status,
            sent_at=None if status == "draft" else wall_clock.now(),
            **fields,
        )
        made = [
            RequestItemFactory(
                practice=practice,
                request=document_request,
                title=title,
                doc_type=doc_type,
            )
            for title, doc_type in [
                ("Bank statement — Barclays ****1234", "bank_statement"),
                ("Receipts", "receipt"),
                ("Purchase invoices", "purchase_invoice"),
            ][:items]
        ]
    return document_request, made


def upload_url(item) -> str:
    return reverse("portal_item_upload", args=[item.code])


def files(*pairs):
    return [SimpleUploadedFile(name, content) for name, content in pairs]


def refreshed(practice, item) -> RequestItem:
    with practice_context(practice.pk):
        return RequestItem.objects.select_related("request").get(pk=item.pk)


def documents_of(practice, client) -> list[Document]:
    with practice_context(practice.pk):
        return list(Document.objects.filter(client=client).order_by("pk"))


def text(response) -> str:
    return response.content.decode()


# --- who may come in ------------------------------------------------------------------------


def test_visitors_sign_in_first_and_staff_are_refused(client, practice, client_ltd):
    url = reverse("portal_client", args=[client_ltd.code])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/portal/sign-in/")
    client.force_login(UserFactory(practice=practice))
    assert client.get(url).status_code == 403


def test_another_clients_pages_are_not_found(http, practice, other_client, other_practice):
    document_request, _ = make_request(practice, other_client)
    elsewhere = ClientFactory(practice=other_practice)
    for url in (
        reverse("portal_client", args=[other_client.code]),
        reverse("portal_documents", args=[other_client.code]),
        reverse("portal_request", args=[document_request.code]),
        reverse("portal_client", args=[elsewhere.code]),
    ):
        assert http.get(url).status_code == 404, url


# --- the client's requests as checklists ------------------------------------------------------


def test_checklists_show_only_sent_and_complete_requests_of_granted_clients(
    http, practice, client_ltd, other_client
):
    sent, (bank, receipts) = make_request(practice, client_ltd, title="Documents for October")
    make_request(practice, client_ltd, status="draft", title="Draft for November")
    make_request(practice, client_ltd, status="cancelled", title="Cancelled for August")
    make_request(
        practice,
        client_ltd,
        status="complete",
        title="Documents for September",
        completed_at=wall_clock.now(),
    )
    make_request(practice, other_client, title="Harbour documents")
    with practice_context(practice.pk):
        RequestItemFactory(practice=practice, request=sent, title="Petty cash", required=False)
        linked = RequestItemDocumentFactory(
            practice=practice,
            item=bank,
            document__source="portal",
            document__original_name="barclays-october.pdf",
        )
        RequestItem.objects.filter(pk=bank.pk).update(received_at=wall_clock.now())
        RequestItem.objects.filter(pk=receipts.pk).update(
            marked_at=wall_clock.now(), not_applicable_reason="No receipts this month"
        )

    response = http.get(reverse("portal_client", args=[client_ltd.code]))

    assert response.status_code == 200
    page = text(response)
    assert "Documents for October" in page
    assert "Documents for September" in page
    assert page.index("Documents for October") < page.index("Documents for September")
    assert "Draft for November" not in page
    assert "Cancelled for August" not in page
    assert "Harbour documents" not in page
    # The open checklist: each item's state in words, files received, optional marked.
    assert "2 of 2 received" in page
    assert "Received" in page and "Not applicable" in page and "Optional" in page
    assert "No receipts this month" in page
    assert "barclays-october.pdf" in page
    assert reverse("portal_document_download", args=[linked.document.code]) in page
    assert 'aria-current="page"' in page


def test_an_overdue_request_says_so_in_words(http, practice, client_ltd):
    make_request(practice, client_ltd, due=current_date() - datetime.timedelta(days=3))
    page = text(http.get(reverse("portal_client", args=[client_ltd.code])))
    assert "Overdue: was due" in page


def test_nothing_asked_says_so(http, client_ltd):
    page = text(http.get(reverse("portal_client", args=[client_ltd.code])))
    assert "Nothing is needed from you right now" in page


# --- one request --------------------------------------------------------------------------------


def test_the_request_page_has_an_upload_form_and_not_applicable_per_missing_item(
    http, practice, client_ltd
):
    document_request, (bank, receipts) = make_request(practice, client_ltd)
    response = http.get(reverse("portal_request", args=[document_request.code]))
    assert response.status_code == 200
    page = text(response)
    assert "0 of 2 received" in page
    for item in (bank, receipts):
        assert f'action="{upload_url(item)}"' in page
        assert reverse("portal_item_not_applicable", args=[item.code]) in page
    assert 'enctype="multipart/form-data"' in page
    assert " multiple " in page
    assert "data-drop-zone" in page


@pytest.mark.parametrize("status", ["draft", "cancelled"])
def test_drafts_and_cancelled_requests_are_not_shown(http, practice, client_ltd, status):
    document_request, _ = make_request(practice, client_ltd, status=status)
    assert http.get(reverse("portal_request", args=[document_request.code])).status_code == 404


def test_a_request_completed_before_it_was_sent_is_not_shown(http, practice, client_ltd, media):
    document_request, (bank, _) = make_request(
        practice, client_ltd, status="complete", completed_at=wall_clock.now(), title="Never sent"
    )
    with practice_context(practice.pk):
        type(document_request).objects.filter(pk=document_request.pk).update(sent_at=None)
    assert http.get(reverse("portal_request", args=[document_request.code])).status_code == 404
    assert "Never sent" not in text(http.get(reverse("portal_client", args=[client_ltd.code])))
    response = http.post(upload_url(bank), {"files": files(("a.pdf", samples.PDF))})
    assert response.status_code == 404


# --- uploads --------------------------------------------------------------------------------------


def test_several_files_at_once_store_the_good_ones_and_refuse_the_bad_one(
    http, practice, client_ltd, contact, media
):
    document_request, (bank, _receipts) = make_request(practice, client_ltd)

    response = http.post(
        upload_url(bank),
        {
            "files": files(
                ("barclays-october.pdf", samples.PDF),
                ("invoice.pdf", samples.EXE),
                ("statement-page-2.png", samples.PNG),
            )
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0].endswith(f"#item-{bank.code}")
    page = text(response)
    assert "Received barclays-october.pdf." in page
    assert "Received statement-page-2.png." in page
    assert "invoice.pdf is not a file type we accept (it looks like a Windows program)" in page
    stored = documents_of(practice, client_ltd)
    assert [d.original_name for d in stored] == ["barclays-october.pdf", "statement-page-2.png"]
    assert {d.source for d in stored} == {"portal"}
    assert {d.uploaded_by_contact_id for d in stored} == {contact.pk}
    assert {d.uploaded_by_id for d in stored} == {None}
    assert {d.doc_type for d in stored} == {"bank_statement"}
    assert {d.period for d in stored} == {OCTOBER}
    assert len(stored_files(media)) == 2
    item = refreshed(practice, bank)
    assert item.state == "received"
    with practice_context(practice.pk):
        assert set(item.documents.values_list("pk", flat=True)) == {d.pk for d in stored}
    assert item.request.status == "sent"
    assert "1 of 2 received" in page


def test_the_script_gets_the_checklist_back_with_each_files_outcome(
    http, practice, client_ltd, media
):
    document_request, (bank, receipts) = make_request(practice, client_ltd)

    response = http.post(
        upload_url(receipts),
        {"files": files(("receipts.png", samples.PNG), ("page.html", samples.HTML))},
        headers=XHR,
    )

    assert response.status_code == 200
    assert response["X-Portal-Checklist"] == str(document_request.code)
    page = text(response)
    assert "<html" not in page
    assert 'data-checklist="' in page
    assert "1 of 2 received" in page
    assert "Received receipts.png." in page
    assert "a web page (HTML)" in page
    assert "data-upload-results" in page
    # The messages went into the checklist, not into the session for the next page.
    assert "Received receipts.png." not in text(
        http.get(reverse("portal_request", args=[document_request.code]))
    )


def test_completing_the_request_by_upload_closes_it(http, practice, client_ltd, media):
    document_request, (bank,) = make_request(practice, client_ltd, items=1)
    response = http.post(
        upload_url(bank), {"files": files(("barclays.pdf", samples.PDF))}, follow=True
    )
    page = text(response)
    assert "1 of 1 received" in page
    assert "This request is complete" in page
    assert refreshed(practice, bank).request.status == "complete"
    assert upload_url(bank) not in page


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("big.pdf", samples.PDF + b"%" * 2048, "big.pdf is 2.1 KB; the limit is 1 KB per file."),
        ("empty.pdf", b"", "empty.pdf is empty."),
    ],
)
def test_oversize_and_empty_files_are_refused_and_nothing_is_stored(
    http, practice, client_ltd, media, settings, name, content, message
):
    settings.ATLAS_UPLOAD_MAX_BYTES = 1024
    _, (bank, _receipts) = make_request(practice, client_ltd)
    response = http.post(upload_url(bank), {"files": files((name, content))}, follow=True)
    assert message in text(response)
    assert documents_of(practice, client_ltd) == []
    assert stored_files(media) == []
    assert refreshed(practice, bank).state == "missing"


def test_a_file_sent_twice_is_stored_once_with_a_message(http, practice, client_ltd, media):
    _, (bank, receipts) = make_request(practice, client_ltd)
    http.post(upload_url(bank), {"files": files(("barclays.pdf", samples.PDF))})
    response = http.post(
        upload_url(receipts), {"files": files(("barclays-again.pdf", samples.PDF))}, follow=True
    )
    assert "barclays-again.pdf: we already have this file, so it was not stored twice." in text(
        response
    )
    assert len(documents_of(practice, client_ltd)) == 1
    assert len(stored_files(media)) == 1


def test_an_upload_without_files_says_so(http, practice, client_ltd, media):
    _, (bank, _receipts) = make_request(practice, client_ltd)
    response = http.post(upload_url(bank), {}, follow=True)
    assert "Choose at least one file to upload." in text(response)
    assert refreshed(practice, bank).state == "missing"


def test_uploading_to_a_complete_request_is_refused(http, practice, client_ltd, media):
    document_request, (bank, _receipts) = make_request(
        practice, client_ltd, status="complete", completed_at=wall_clock.now()
    )
    response = http.post(upload_url(bank), {"files": files(("late.pdf", samples.PDF))}, follow=True)
    assert "is complete; nothing more is needed for it" in text(response)
    assert documents_of(practice, client_ltd) == []
    assert stored_files(media) == []

    response = http.post(upload_url(bank), {"files": files(("late.pdf", samples.PDF))}, headers=XHR)
    assert response.status_code == 409
    assert "is complete" in text(response)
    assert documents_of(practice, client_ltd) == []


def test_uploading_to_a_cancelled_request_is_refused(http, practice, client_ltd, media):
    _, (bank, _receipts) = make_request(practice, client_ltd, status="cancelled")
    response = http.post(upload_url(bank), {"files": files(("late.pdf", samples.PDF))})
    assert response["Location"] == reverse("portal_client", args=[client_ltd.code])
    page = text(http.get(response["Location"]))
    assert "was cancelled by your accountant" in page
    assert documents_of(practice, client_ltd) == []


def test_drafts_and_other_clients_items_are_not_found(http, practice, client_ltd, other_client):
    _, (draft_item, _) = make_request(practice, client_ltd, status="draft")
    _, (foreign_item, _) = make_request(practice, other_client)
    for item in (draft_item, foreign_item):
        assert (
            http.post(upload_url(item), {"files": files(("a.pdf", samples.PDF))}).status_code == 404
        )
        url = reverse("portal_item_not_applicable", args=[item.code])
        assert http.post(url, {"reason": "None"}).status_code == 404
    assert documents_of(practice, other_client) == []


# --- not applicable this month ------------------------------------------------------------------


def test_not_applicable_needs_a_reason(http, practice, client_ltd, contact):
    document_request, (bank, receipts) = make_request(practice, client_ltd)
    url = reverse("portal_item_not_applicable", args=[receipts.code])

    response = http.post(url, {"reason": "   "})
    assert response.status_code == 200
    assert "Say why this document is not needed this time" in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert refreshed(practice, receipts).state == "missing"

    response = http.post(url, {"reason": "No cash receipts in October"}, follow=True)
    assert "“Receipts” marked not applicable this month." in text(response)
    item = refreshed(practice, receipts)
    assert item.state == "not_applicable"
    assert item.not_applicable_reason == "No cash receipts in October"
    assert item.marked_by_contact_id == contact.pk
    assert item.marked_by_id is None
    assert "1 of 2 received" in text(response)


def test_not_applicable_on_a_complete_request_is_refused(http, practice, client_ltd):
    _, (bank, _) = make_request(practice, client_ltd, status="complete")
    url = reverse("portal_item_not_applicable", args=[bank.code])
    response = http.post(url, {"reason": "Not needed"}, follow=True)
    assert "is complete; nothing more is needed" in text(response)
    assert refreshed(practice, bank).state == "missing"


# --- documents and deliveries --------------------------------------------------------------------


@pytest.fixture
def delivered(practice, client_ltd):
    link = DeliveryDocumentFactory(
        practice=practice,
        delivery__client=client_ltd,
        delivery__title="Management accounts — October 2026",
        delivery__message="Here are your October accounts.",
        document__source="generated",
        document__doc_type="management_accounts",
        document__original_name="management-accounts-october.pdf",
    )
    return link


def test_the_documents_page_shows_own_uploads_and_deliveries(
    http, practice, client_ltd, other_client, contact, delivered
):
    mine = DocumentFactory(
        practice=practice,
        client=client_ltd,
        source="portal",
        uploaded_by_contact=contact,
        original_name="barclays-october.pdf",
        period=OCTOBER,
    )
    DocumentFactory(practice=practice, client=client_ltd, original_name="staff-working.pdf")
    DocumentFactory(
        practice=practice, client=other_client, source="portal", original_name="harbour.pdf"
    )
    DeliveryFactory(practice=practice, client=other_client, title="Harbour accounts")

    response = http.get(reverse("portal_documents", args=[client_ltd.code]))

    page = text(response)
    assert "What you sent us" in page and "From your accountant" in page
    assert "barclays-october.pdf" in page and "October 2026" in page and contact.name in page
    assert reverse("portal_document_download", args=[mine.code]) in page
    assert "staff-working.pdf" not in page
    assert "harbour.pdf" not in page and "Harbour accounts" not in page
    assert "Management accounts — October 2026" in page
    assert reverse("portal_document_download", args=[delivered.document.code]) in page
    assert "Acknowledge receipt" in page


def test_the_delivery_page_shows_its_message_and_documents(http, delivered):
    response = http.get(reverse("portal_delivery", args=[delivered.delivery.code]))
    page = text(response)
    assert "Here are your October accounts." in page
    assert "management-accounts-october.pdf" in page
    assert "Acknowledge receipt" in page


def test_downloads_only_for_documents_the_contact_may_see(
    http, practice, client_ltd, other_client, other_practice, delivered
):
    mine = DocumentFactory(practice=practice, client=client_ltd, source="portal")
    staff_only = DocumentFactory(practice=practice, client=client_ltd, source="staff_upload")
    foreign = DocumentFactory(practice=practice, client=other_client, source="portal")
    deleted = DocumentFactory(
        practice=practice, client=client_ltd, source="portal", deleted_at=wall_clock.now()
    )
    elsewhere = DocumentFactory(practice=other_practice, source="portal")

    for allowed in (mine, delivered.document):
        response = http.get(reverse("portal_document_download", args=[allowed.code]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert allowed.original_name in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
    for refused in (staff_only, foreign, deleted, elsewhere):
        url = reverse("portal_document_download", args=[refused.code])
        assert http.get(url).status_code == 404


def test_a_document_delivered_to_another_client_is_not_downloadable(
    http, practice, client_ltd, other_client
):
    """A delivery's link counts only for the client the delivery (and document) belong to."""
    link = DeliveryDocumentFactory(practice=practice, delivery__client=other_client)
    url = reverse("portal_document_download", args=[link.document.code])
    assert http.get(url).status_code == 404


def test_a_delivery_is_acknowledged_once(http, practice, client_ltd, contact, delivered):
    delivery = delivered.delivery
    url = reverse("portal_delivery_acknowledge", args=[delivery.code])
    assert http.get(url).status_code == 405

    back = reverse("portal_documents", args=[client_ltd.code])
    response = http.post(url, {"next": back}, follow=True)
    assert response.redirect_chain[0][0] == back
    page = text(response)
    assert "you have acknowledged receipt of “Management accounts — October 2026”" in page
    assert "Receipt acknowledged" in page
    with practice_context(practice.pk):
        first = Delivery.objects.get(pk=delivery.pk)
    assert first.acknowledged_by_id == contact.pk
    assert first.acknowledged_at is not None

    response = http.post(url, {"next": "https://evil.example.com/"}, follow=True)
    assert response.redirect_chain[0][0] == reverse("portal_delivery", args=[delivery.code])
    assert "was already acknowledged by" in text(response)
    with practice_context(practice.pk):
        assert Delivery.objects.get(pk=delivery.pk).acknowledged_at == first.acknowledged_at


def test_another_clients_delivery_is_not_found(http, practice, other_client):
    delivery = DeliveryFactory(practice=practice, client=other_client)
    assert http.get(reverse("portal_delivery", args=[delivery.code])).status_code == 404
    url = reverse("portal_delivery_acknowledge", args=[delivery.code])
    assert http.post(url).status_code == 404
    with practice_context(practice.pk):
        assert Delivery.objects.get(pk=delivery.pk).acknowledged_at is None


def test_a_contact_of_several_clients_sees_each_one(http, practice, account, other_client):
    PortalGrantFactory(practice=practice, account=account, client=other_client)
    make_request(practice, other_client, title="Harbour documents")
    page = text(http.get(reverse("portal_client", args=[other_client.code])))
    assert "Harbour documents" in page
    assert 'id="portal-client-switch"' in page


# --- constant queries --------------------------------------------------------------------------


def fill(practice, client, contact, n: int):
    """n open requests of three items each (one received), n completed ones, n uploads and n
    deliveries of two documents."""
    for i in range(n):
        document_request, items = make_request(practice, client, items=3, title=f"Open {i}")
        done, done_items = make_request(
            practice, client, status="complete", items=2, title=f"Done {i}"
        )
        with practice_context(practice.pk):
            RequestItemDocumentFactory(
                practice=practice,
                item=items[0],
                document__client=client,
                document__source="portal",
                document__uploaded_by_contact=contact,
            )
            RequestItem.objects.filter(pk=items[0].pk).update(received_at=wall_clock.now())
            RequestItemDocumentFactory(
                practice=practice, item=done_items[0], document__client=client
            )
        link = DeliveryDocumentFactory(practice=practice, delivery__client=client)
        DeliveryDocumentFactory(practice=practice, delivery=link.delivery, document__client=client)
    return document_request


@pytest.mark.parametrize("n", [1, 6])
def test_pages_run_a_constant_number_of_queries(
    http, practice, client_ltd, contact, n, django_assert_max_num_queries
):
    document_request = fill(practice, client_ltd, contact, n)
    with practice_context(practice.pk):
        delivery = Delivery.objects.filter(client=client_ltd).first()
    # 1 session, 2 user with practice, 3 portal account with contact, 4 granted client ids,
    # 5 the client, 6 open requests with progress, 7 their items, 8 the items' documents,
    # 9-11 the same for completed requests, 12 the switcher's clients.
    with django_assert_max_num_queries(12):
        assert http.get(reverse("portal_client", args=[client_ltd.code])).status_code == 200
    # 1-4 as above, 5 the request with progress and client, 6 items, 7 documents, 8 switcher.
    with django_assert_max_num_queries(8):
        response = http.get(reverse("portal_request", args=[document_request.code]))
        assert response.status_code == 200
    # 1-5 as the client page, 6 count of uploads, 7 switcher, 8 deliveries, 9 their
    # documents, 10 the page of uploads (with who uploaded).
    with django_assert_max_num_queries(10):
        assert http.get(reverse("portal_documents", args=[client_ltd.code])).status_code == 200
    # 1-4, 5 the delivery with client, 6 its documents, 7 switcher.
    with django_assert_max_num_queries(7):
        assert http.get(reverse("portal_delivery", args=[delivery.code])).status_code == 200
