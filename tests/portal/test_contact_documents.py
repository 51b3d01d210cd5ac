"""The client contact's documents and deliveries: what they sent and what the practice
delivered, downloads only of documents they may see, acknowledging a delivery; a contact of
several clients sees each one."""

import pytest
from django.urls import reverse

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from portal.models import Delivery
from tests.factories.documents import DocumentFactory
from tests.factories.portal import (
    DeliveryDocumentFactory,
    DeliveryFactory,
    PortalGrantFactory,
)
from tests.portal.helpers import OCTOBER, make_request, text


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
