"""Helpers for the portal tests: the files in the throwaway MEDIA_ROOT; the Deliver panel's
rows and markup; the contact pages' requests and uploads; the contact with a password and the
emailed link of the sign-in tests. (Contacts and requests for the sending tests are in
``mailing.py``, sample uploads in ``samples.py``.)"""

import datetime
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from portal.models import Delivery, DeliveryDocument, PortalEmail, RequestItem
from tests.factories.clients import ClientContactFactory
from tests.factories.portal import (
    DocumentRequestFactory,
    PortalAccountFactory,
    PortalGrantFactory,
    RequestItemFactory,
)

OCTOBER = datetime.date(2026, 10, 1)
LINK = re.compile(r"http://[^\s\"<]+/portal/link/([A-Za-z0-9_\-]+)/")


def stored_files(media) -> list[str]:
    if not media.exists():
        return []
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def counts(practice) -> tuple[int, int, int]:
    """The practice's deliveries, delivered documents and client emails."""
    with practice_context(practice.pk):
        return (
            Delivery.objects.count(),
            DeliveryDocument.objects.count(),
            PortalEmail.objects.count(),
        )


def panel(page: str) -> str:
    """The Deliver panel of a pack page."""
    return re.search(r'<div id="delivery".*?\n</div>', page, re.S).group(0)


# --- the contact pages ------------------------------------------------------------------------


def make_request(practice, client, status="sent", items=2, **fields):
    """A request for October 2026 with ``items`` of its three items; returns it and them."""
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


def text(response) -> str:
    return response.content.decode()


# --- the contact's sign-in --------------------------------------------------------------------


def token_in(message) -> str:
    """The link's token in a sent message (``body``) or a recorded PortalEmail."""
    body = getattr(message, "body", None) or message.body_text
    match = LINK.search(body)
    assert match, body
    return match.group(1)


def portal_contact(practice, clients, email=None):
    """A contact with a password and portal access to ``clients``; returns the account. (The
    sending tests' ``mailing.portal_contact`` makes one of a single client and returns the
    contact.)"""
    kwargs = {"user__email": email} if email else {}
    account = PortalAccountFactory(practice=practice, contact__name="Sam Director", **kwargs)
    for client in clients:
        ClientContactFactory(practice=practice, client=client, contact=account.contact)
        PortalGrantFactory(practice=practice, account=account, client=client)
    return account
