"""Sending a document request: who gets it, what the email says, sending it again, and the
refusals."""

import datetime
import re

import pytest
from django.core import mail as outbox

from atlasos.tenancy.context import practice_context
from portal import requests as services
from portal.models import DocumentRequest, PortalEmail
from portal.sending import SendRefused
from tests.factories.clients import ClientContactFactory, ClientFactory, ContactFactory
from tests.portal.mailing import DUE, NOW, parse, portal_contact, send


def test_goes_to_every_portal_contact_of_the_client_and_nobody_else(
    practice, bakery, ann, doc_request, staff, django_capture_on_commit_callbacks
):
    ben = portal_contact(practice, bakery, "Ben Baker", "ben@bakery.example")
    # Not portal contacts of this client: a plain contact, a contact whose sign-in was
    # deactivated, and a portal contact of another client.
    with practice_context(practice.pk):
        ClientContactFactory(
            practice=practice,
            client=bakery,
            contact=ContactFactory(practice=practice, email="plain@bakery.example"),
        )
    portal_contact(practice, bakery, "Gone Baker", "gone@bakery.example", active=False)
    other = ClientFactory(practice=practice, name="Lighthouse Cafe Ltd")
    portal_contact(practice, other, "Cara Cafe", "cara@cafe.example")

    emails = send(doc_request, staff, django_capture_on_commit_callbacks)

    assert sorted(e.contact_id for e in emails) == sorted([ann.pk, ben.pk])
    assert sorted(m.to[0] for m in outbox.outbox) == ["ann@bakery.example", "ben@bakery.example"]
    with practice_context(practice.pk):
        doc_request.refresh_from_db()
        assert doc_request.status == "sent" and doc_request.sent_at == NOW
        rows = list(PortalEmail.objects.all())
    assert {row.state for row in rows} == {"sent"}
    assert {row.kind for row in rows} == {"request"}
    assert {row.queued_by_id for row in rows} == {staff.pk}
    assert {row.request_id for row in rows} == {doc_request.pk}


def test_the_email_says_what_is_needed_by_when_and_where(
    practice, ann, doc_request, staff, django_capture_on_commit_callbacks
):
    (row,) = send(doc_request, staff, django_capture_on_commit_callbacks)
    (message,) = outbox.outbox
    parsed = parse(message)
    assert parsed["Subject"] == (
        "Documents for October 2026 for Harbourview Bakery Ltd: please upload by Friday 6 November"
    )
    assert parsed["From"].addresses[0].display_name == "Harbour & Co Bookkeeping"
    assert parsed["Reply-To"] == "dana@harbour.example"  # the preparer: no practice address
    assert parsed["Message-ID"] == row.message_id
    assert re.fullmatch(r"<portal-email-[0-9a-f-]{36}@[\w.-]+>", row.message_id)

    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    link = f"/portal/requests/{doc_request.code}/"
    for body in (text, html):
        assert "Ann Baker" in body
        assert "Harbour &amp; Co Bookkeeping" in body or "Harbour & Co Bookkeeping" in body
        assert "Harbourview Bakery Ltd" in body
        assert "Friday 6 November 2026" in body
        assert "Bank statement — Barclays Business Current ****1234" in body
        assert link in body
    needed, optional = text.split("If you have them (optional):")
    assert "Sales invoices" in needed and "Petty cash records" not in needed
    assert "Petty cash records" in optional
    # What was sent is what was recorded (a retry sends the same).
    assert message.body == row.body_text
    assert message.alternatives[0].content == row.body_html


def test_reply_to_is_the_practice_address_when_it_has_one(
    practice, ann, doc_request, staff, django_capture_on_commit_callbacks
):
    practice.reply_to_email = "office@harbour.example"
    practice.save()
    send(doc_request, staff, django_capture_on_commit_callbacks)
    assert outbox.outbox[0].reply_to == ["office@harbour.example"]


def test_send_again_lists_only_what_is_still_missing(
    practice, ann, doc_request, staff, django_capture_on_commit_callbacks
):
    send(doc_request, staff, django_capture_on_commit_callbacks)
    with practice_context(practice.pk):
        sales = doc_request.items.get(title="Sales invoices")
        services.mark_not_applicable(sales, "No sales in October", user=staff)
    later = NOW + datetime.timedelta(days=3)
    send(doc_request, staff, django_capture_on_commit_callbacks, now=later)
    assert len(outbox.outbox) == 2
    text = outbox.outbox[1].body
    assert "A reminder of what Harbour & Co Bookkeeping asked for" in text
    assert "Sales invoices" not in text
    assert "Bank statement" in text and "Already received: 1 document" in text
    with practice_context(practice.pk):
        doc_request.refresh_from_db()
        assert doc_request.sent_at == later
        assert PortalEmail.objects.count() == 2
    assert (
        outbox.outbox[0].extra_headers["Message-ID"] != outbox.outbox[1].extra_headers["Message-ID"]
    )


def refused(doc_request, staff, django_capture_on_commit_callbacks) -> str:
    with pytest.raises(SendRefused) as caught:
        send(doc_request, staff, django_capture_on_commit_callbacks)
    with practice_context(doc_request.practice_id):
        assert not PortalEmail.objects.exists()
    assert outbox.outbox == []
    return caught.value.message


def test_without_a_portal_contact_it_says_invite_one_and_changes_nothing(
    practice, bakery, doc_request, staff, django_capture_on_commit_callbacks
):
    # A contact without portal access does not count.
    with practice_context(practice.pk):
        ClientContactFactory(practice=practice, client=bakery)
    message = refused(doc_request, staff, django_capture_on_commit_callbacks)
    assert message == (
        "Harbourview Bakery Ltd has no portal contact with an email address. "
        "Invite a contact to the portal first."
    )
    with practice_context(practice.pk):
        doc_request.refresh_from_db()
    assert doc_request.status == "draft" and doc_request.sent_at is None


def test_a_request_asking_for_nothing_is_refused(
    practice, bakery, ann, staff, django_capture_on_commit_callbacks
):
    with practice_context(practice.pk):
        empty = DocumentRequest.objects.create(client=bakery, title="Year end", due=DUE)
    message = refused(empty, staff, django_capture_on_commit_callbacks)
    assert message == "Add the documents you need before sending the request."


@pytest.mark.parametrize(
    "status, expected",
    [
        ("cancelled", "This request is cancelled; it cannot be sent."),
        ("complete", "Every document this request asks for is in; there is nothing to send."),
    ],
)
def test_a_closed_request_is_refused(
    practice, ann, doc_request, staff, status, expected, django_capture_on_commit_callbacks
):
    with practice_context(practice.pk):
        DocumentRequest.objects.filter(pk=doc_request.pk).update(status=status)
        doc_request.refresh_from_db()
    assert refused(doc_request, staff, django_capture_on_commit_callbacks) == expected
    with practice_context(practice.pk):
        doc_request.refresh_from_db()
    assert doc_request.status == status
