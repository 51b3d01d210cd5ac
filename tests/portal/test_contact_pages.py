"""The client contact's request pages of the portal: who may come in, requests as checklists,
one request with its upload form, "not applicable this month", and a constant number of
queries on every contact page."""

import datetime

import pytest
from django.urls import reverse

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from portal.models import Delivery, RequestItem
from tests.clock import current_date
from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientFactory
from tests.factories.portal import (
    DeliveryDocumentFactory,
    RequestItemDocumentFactory,
    RequestItemFactory,
)
from tests.portal import samples
from tests.portal.helpers import (
    files,
    make_request,
    refreshed,
    text,
    upload_url,
)

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
