"""Document requests through the staff views: the Requests tab, a request's page and its
actions, the pack page's progress, access across practices and query counts."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse

from atlasos.tenancy.context import practice_context
from portal import requests as services
from portal.models import DocumentRequest, RequestItem
from tests.factories.clients import ClientFactory
from tests.factories.documents import DocumentFactory
from tests.factories.portal import DocumentRequestFactory, RequestItemFactory
from tests.factories.tasks import PackFactory, PackItemFactory
from tests.helpers import sign_in
from tests.portal import samples

OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def client_ltd(practice):
    return ClientFactory(practice=practice, name="Harbourview Bakery Ltd")


@pytest.fixture
def http(staff):
    return sign_in(HttpClient(), staff)


@pytest.fixture
def doc_request(practice, client_ltd):
    with practice_context(practice.pk):
        pack = PackFactory(practice=practice, client=client_ltd, period=OCTOBER)
        PackItemFactory(
            practice=practice,
            pack=pack,
            title="Bank statements received",
            auto_key=services.AUTO_KEY,
        )
        request = DocumentRequestFactory(
            practice=practice,
            client=client_ltd,
            pack=pack,
            title="Documents for October 2026",
            period=OCTOBER,
            due=datetime.date(2026, 11, 6),
        )
        RequestItemFactory(
            practice=practice,
            request=request,
            title="Bank statement — Barclays Business Current ****1234",
            doc_type="bank_statement",
        )
        RequestItemFactory(practice=practice, request=request, title="Receipts", doc_type="receipt")
        RequestItemFactory(
            practice=practice, request=request, title="Petty cash records", required=False
        )
    return request


def texts(response) -> list[str]:
    found = [str(m) for m in get_messages(response.wsgi_request)]
    return [text for text in found if not text.startswith("Successfully signed in")]


def detail(doc_request):
    return reverse("request_detail", args=[doc_request.code])


def item(practice, doc_request, title) -> RequestItem:
    with practice_context(practice.pk):
        return doc_request.items.get(title=title)


def fresh(practice, doc_request) -> DocumentRequest:
    with practice_context(practice.pk):
        return DocumentRequest.objects.get(pk=doc_request.pk)


# --- the Requests tab -------------------------------------------------------------------------


def test_the_requests_tab_lists_requests_with_progress(http, practice, client_ltd, doc_request):
    with practice_context(practice.pk):
        services.mark_not_applicable(doc_request.items.get(title="Receipts"), "None this month")
    page = http.get(reverse("client_requests", args=[client_ltd.code])).content.decode()
    assert 'aria-current="page">Requests</a>' in page
    row = re.search(r'<tr id="request-[^"]+">.*?</tr>', page, re.S).group(0)
    assert "Documents for October 2026" in row
    assert "Fri 6 Nov 2026" in row
    assert "1 of 2 received" in row
    assert "Draft" in row and "October 2026 pack" in row


def test_the_empty_tab_says_how_requests_come(http, client_ltd):
    page = http.get(reverse("client_requests", args=[client_ltd.code])).content.decode()
    assert "No document requests for Harbourview Bakery Ltd yet" in page


@pytest.mark.parametrize("count", [1, 25])
def test_the_tab_query_count_does_not_grow(
    http, practice, client_ltd, count, django_assert_num_queries
):
    with practice_context(practice.pk):
        for _ in range(count):
            request = DocumentRequestFactory(
                practice=practice, client=client_ltd, pack=PackFactory(practice=practice)
            )
            RequestItemFactory.create_batch(3, practice=practice, request=request)
    # session, user, client, tab counts, paginator count, page of requests with progress and
    # pack, the reminder settings (practice's and client's), the notification bell, the top bar's
    # inbox count (messages waiting in triage).
    with django_assert_num_queries(9):
        response = http.get(reverse("client_requests", args=[client_ltd.code]))
    assert response.content.decode().count('<tr id="request-') == count


# --- create by hand ---------------------------------------------------------------------------


def test_create_a_request_by_hand(http, practice, client_ltd, staff):
    url = reverse("request_new", args=[client_ltd.code])
    assert http.get(url).status_code == 200
    response = http.post(
        url, {"title": "Year-end documents", "due": "2026-12-04", "period": "2026-10"}
    )
    with practice_context(practice.pk):
        made = DocumentRequest.objects.get(client=client_ltd)
    assert response["Location"] == detail(made)
    assert made.pack is None and made.created_by == staff and made.status == "draft"
    assert made.due == datetime.date(2026, 12, 4) and made.period == OCTOBER
    page = http.get(detail(made)).content.decode()
    assert "No documents asked for yet" in page


def test_creating_without_title_or_due_says_so_and_creates_nothing(http, practice, client_ltd):
    response = http.post(reverse("request_new", args=[client_ltd.code]), {"title": "  ", "due": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Give the request a title." in page
    assert "Say when the documents are due." in page
    with practice_context(practice.pk):
        assert not DocumentRequest.objects.exists()


# --- the request page -------------------------------------------------------------------------


def test_the_request_page_shows_each_item_state(http, practice, doc_request, staff):
    with practice_context(practice.pk):
        bank = doc_request.items.get(title__startswith="Bank")
        services.link_document(
            bank,
            DocumentFactory(
                practice=practice, client=doc_request.client, original_name="barclays-oct.pdf"
            ),
        )
        services.mark_not_applicable(
            doc_request.items.get(title="Receipts"), "No receipts in October", user=staff
        )
    page = http.get(detail(doc_request)).content.decode()
    assert "2 of 2 received" in page
    bank_row = re.search(rf'<li id="item-{bank.code}".*?</li>\s*</ul>', page, re.S).group(0)
    assert "Received" in bank_row and "barclays-oct.pdf" in bank_row
    assert "Not applicable: No receipts in October" in page
    assert "Tom Reilly" in page
    assert "Missing" in page  # petty cash
    assert "Complete" in page


@pytest.mark.parametrize("count", [2, 30])
def test_the_request_page_query_count_does_not_grow(
    http, practice, client_ltd, count, django_assert_num_queries
):
    with practice_context(practice.pk):
        request = DocumentRequestFactory(
            practice=practice, client=client_ltd, pack=PackFactory(practice=practice)
        )
        for _ in range(count):
            row = RequestItemFactory(practice=practice, request=request)
            services.link_document(row, DocumentFactory(practice=practice, client=client_ltd))
    # session, user, request (with client, pack, creator), tab counts, items (with who marked
    # them), their documents, the emails sent (request sends; reminder steps with their email
    # and contact), who a send goes to, the reminder settings, the notification bell, the top
    # bar's inbox count (messages waiting in triage).
    with django_assert_num_queries(12):
        response = http.get(detail(request))
    assert response.content.decode().count('class="pack-item request-item') == count


def test_edit_title_and_due(http, practice, doc_request):
    response = http.post(
        reverse("request_edit", args=[doc_request.code]),
        {"title": "October documents", "due": "2026-11-10"},
    )
    assert response.status_code == 302
    changed = fresh(practice, doc_request)
    assert changed.title == "October documents" and changed.due == datetime.date(2026, 11, 10)


def test_edit_with_an_empty_title_says_so_and_changes_nothing(http, practice, doc_request):
    response = http.post(
        reverse("request_edit", args=[doc_request.code]), {"title": "", "due": "2026-11-10"}
    )
    assert response.status_code == 200
    assert "Give the request a title." in response.content.decode()
    unchanged = fresh(practice, doc_request)
    assert unchanged.title == "Documents for October 2026"
    assert unchanged.due == datetime.date(2026, 11, 6)


def test_add_an_ad_hoc_item(http, practice, doc_request):
    response = http.post(
        reverse("request_item_add", args=[doc_request.code]),
        {"title": "October fuel receipts", "doc_type": "receipt", "required": "on"},
    )
    added = item(practice, doc_request, "October fuel receipts")
    assert response["Location"].endswith(f"#item-{added.code}")
    assert added.required and added.doc_type == "receipt"
    assert texts(response) == ["Added “October fuel receipts”."]


def test_adding_an_item_without_title_says_so_and_adds_nothing(http, practice, doc_request):
    response = http.post(
        reverse("request_item_add", args=[doc_request.code]),
        {"title": "", "doc_type": "receipt", "required": "on"},
    )
    assert response.status_code == 200
    assert "Give the document a title." in response.content.decode()
    with practice_context(practice.pk):
        assert doc_request.items.count() == 3


def test_remove_an_item(http, practice, doc_request):
    petty = item(practice, doc_request, "Petty cash records")
    response = http.post(reverse("request_item_remove", args=[petty.code]))
    assert response.status_code == 302
    with practice_context(practice.pk):
        assert not RequestItem.objects.filter(pk=petty.pk).exists()


def test_not_applicable_needs_a_reason(http, practice, doc_request):
    receipts = item(practice, doc_request, "Receipts")
    response = http.post(
        reverse("request_item_not_applicable", args=[receipts.code]), {"reason": " "}
    )
    assert response.status_code == 200
    assert "Say why this document is not needed this time" in response.content.decode()
    assert item(practice, doc_request, "Receipts").state == "missing"
    response = http.post(
        reverse("request_item_not_applicable", args=[receipts.code]),
        {"reason": "No receipts in October"},
    )
    marked = item(practice, doc_request, "Receipts")
    assert marked.state == "not_applicable"
    assert marked.not_applicable_reason == "No receipts in October"
    http.post(reverse("request_item_needed", args=[receipts.code]))
    assert item(practice, doc_request, "Receipts").state == "missing"


def test_upload_against_an_item_links_it_and_completion_ticks_the_pack(
    http, practice, doc_request, media
):
    bank = item(practice, doc_request, "Bank statement — Barclays Business Current ****1234")
    response = http.post(
        reverse("request_item_upload", args=[bank.code]),
        {"files": [SimpleUploadedFile("barclays-october.pdf", samples.PDF)]},
    )
    assert response["Location"].endswith(f"#item-{bank.code}")
    assert texts(response) == [
        "Stored barclays-october.pdf for “Bank statement — Barclays Business Current ****1234”."
    ]
    with practice_context(practice.pk):
        document = bank.documents.get()
        assert document.doc_type == "bank_statement" and document.period == OCTOBER
    page = http.get(detail(doc_request)).content.decode()
    assert "1 of 2 received" in page
    receipts = item(practice, doc_request, "Receipts")
    http.post(
        reverse("request_item_upload", args=[receipts.code]),
        {"files": [SimpleUploadedFile("receipts.png", samples.PNG)]},
    )
    assert fresh(practice, doc_request).status == "complete"
    with practice_context(practice.pk):
        collect = doc_request.pack.items.get(auto_key=services.AUTO_KEY)
        assert collect.done_at and collect.done_automatically
    pack_page = http.get(doc_request.pack.get_absolute_url()).content.decode()
    assert "2 of 2 received" in pack_page and detail(doc_request) in pack_page


def test_a_refused_upload_says_why_and_links_nothing(http, practice, doc_request, media):
    bank = item(practice, doc_request, "Receipts")
    response = http.post(
        reverse("request_item_upload", args=[bank.code]),
        {"files": [SimpleUploadedFile("invoice.pdf", samples.EXE)]},
    )
    assert response.status_code == 302
    assert any("invoice.pdf" in text for text in texts(response))
    assert item(practice, doc_request, "Receipts").state == "missing"


def test_uploading_with_no_file_says_so(http, practice, doc_request):
    receipts = item(practice, doc_request, "Receipts")
    response = http.post(reverse("request_item_upload", args=[receipts.code]), {})
    assert response.status_code == 200
    assert "Choose at least one file to upload." in response.content.decode()


def test_unlink_a_document(http, practice, doc_request):
    with practice_context(practice.pk):
        receipts = doc_request.items.get(title="Receipts")
        document = DocumentFactory(practice=practice, client=doc_request.client)
        services.link_document(receipts, document)
    response = http.post(
        reverse("request_item_unlink", args=[receipts.code]), {"document": str(document.code)}
    )
    assert response.status_code == 302
    assert item(practice, doc_request, "Receipts").state == "missing"


def test_cancel_makes_the_request_read_only(http, practice, doc_request):
    http.post(reverse("request_cancel", args=[doc_request.code]))
    assert fresh(practice, doc_request).status == "cancelled"
    page = http.get(detail(doc_request)).content.decode()
    assert "This request is cancelled" in page
    assert "Ask for another document" not in page
    receipts = item(practice, doc_request, "Receipts")
    response = http.post(
        reverse("request_item_not_applicable", args=[receipts.code]), {"reason": "No"}
    )
    assert texts(response) == ["This request is cancelled; it cannot be changed."]
    assert item(practice, doc_request, "Receipts").state == "missing"


# --- access -----------------------------------------------------------------------------------


def test_another_practices_request_and_item_are_404(
    practice, doc_request, other_practice, other_partner
):
    attacker = sign_in(HttpClient(), other_partner)
    receipts = item(practice, doc_request, "Receipts")
    assert attacker.get(detail(doc_request)).status_code == 404
    assert (
        attacker.post(
            reverse("request_item_not_applicable", args=[receipts.code]), {"reason": "x"}
        ).status_code
        == 404
    )
    assert (
        attacker.get(reverse("client_requests", args=[doc_request.client.code])).status_code == 404
    )
    assert item(practice, doc_request, "Receipts").state == "missing"


def test_unlinking_another_clients_document_changes_nothing(http, practice, doc_request):
    with practice_context(practice.pk):
        receipts = doc_request.items.get(title="Receipts")
        services.link_document(
            receipts, DocumentFactory(practice=practice, client=doc_request.client)
        )
        stranger = DocumentFactory(practice=practice)
    response = http.post(
        reverse("request_item_unlink", args=[receipts.code]), {"document": str(stranger.code)}
    )
    assert texts(response) == ["That document is not linked to “Receipts”; nothing changed."]
    assert item(practice, doc_request, "Receipts").state == "received"
