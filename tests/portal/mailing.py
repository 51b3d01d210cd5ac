"""Portal contacts and requests for the sending and reminder tests, and the sending tests'
request (its items, due date and moment) with a helper that sends it."""

import datetime
import email
from email import policy as email_policy

from atlasos.tenancy.context import practice_context
from portal.sending import send_request
from tests.factories.clients import ClientContactFactory, ContactFactory
from tests.factories.portal import (
    DocumentRequestFactory,
    PortalAccountFactory,
    PortalGrantFactory,
    PortalUserFactory,
    RequestItemFactory,
)

# The sending tests' request: sent at NOW, due by DUE, asking for ITEMS (title → required).
NOW = datetime.datetime(2026, 10, 20, 9, 0, tzinfo=datetime.UTC)
DUE = datetime.date(2026, 11, 6)
ITEMS = {
    "Bank statement — Barclays Business Current ****1234": True,
    "Sales invoices": True,
    "Petty cash records": False,
}


def portal_contact(practice, client, name: str, address: str, *, active: bool = True):
    """A contact of ``client`` with a portal account granted that client."""
    with practice_context(practice.pk):
        user = PortalUserFactory(practice=practice, email=address, is_active=active)
        contact = ContactFactory(practice=practice, name=name, email=address)
        ClientContactFactory(practice=practice, client=client, contact=contact)
        account = PortalAccountFactory(practice=practice, contact=contact, user=user)
        PortalGrantFactory(practice=practice, account=account, client=client)
    return contact


def grant_also(practice, contact, client) -> None:
    """Make ``contact`` a portal contact of another client too."""
    with practice_context(practice.pk):
        ClientContactFactory(practice=practice, client=client, contact=contact)
        PortalGrantFactory(practice=practice, account=contact.portal_account, client=client)


def open_request(practice, client, *, due: datetime.date, sent_at=None, items=None, **fields):
    """A request with items (title → required); ``sent_at`` set makes it "sent"."""
    items = items or {"Bank statement — Barclays ****1234": True, "Receipts": True}
    with practice_context(practice.pk):
        document_request = DocumentRequestFactory(
            practice=practice,
            client=client,
            due=due,
            status="sent" if sent_at else "draft",
            sent_at=sent_at,
            **fields,
        )
        for title, required in items.items():
            RequestItemFactory(
                practice=practice, request=document_request, title=title, required=required
            )
    return document_request


def parse(message) -> email.message.EmailMessage:
    """A Django EmailMessage as the recipient's mail program reads it."""
    return email.message_from_bytes(message.message().as_bytes(), policy=email_policy.default)


def send(doc_request, by, django_capture_on_commit_callbacks, now=NOW):
    """Send ``doc_request`` as ``by`` at ``now``, running what waits for the commit; returns the
    emails queued."""
    with (
        django_capture_on_commit_callbacks(execute=True),
        practice_context(doc_request.practice_id),
    ):
        return send_request(doc_request, by=by, now=now)
