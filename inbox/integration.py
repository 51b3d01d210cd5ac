"""What the inbox shows on the floors below it, through the places they leave for it.

The client page, the portal's emails to contacts and the Documents tab belong to apps that may
not import the inbox (docs/architecture.md, the floors). Each offers an extension point; the
inbox fills them here, and ``register`` (called from ``InboxConfig.ready``) registers them:

- the client's Details tab (``clients.extensions``): the client's address with a copy button,
  its rotated addresses still working and until when, and for partners "Rotate address";
- the request email and the reminders (``portal.extensions``): "Or email your documents to
  <the client's address>", in the plain-text and the HTML part;
- the Documents tab (``documents.extensions``): a document filed from an email links back to
  its message, in one query for the whole page.
"""

from django.conf import settings
from django.utils.html import format_html

from clients.extensions import ClientPart, register_client_part
from documents.extensions import SourceLink, register_source_links
from documents.models import Source
from inbox.addresses import client_address, client_addresses, retired_addresses
from inbox.models import InboundAttachment
from portal.extensions import EmailLine, register_request_email_extra


def client_address_part(request, client) -> ClientPart:
    """The client's inbound address on its Details tab (two queries once it exists; the
    first visit makes it)."""
    return ClientPart(
        "inbox/_client_address.html",
        {
            "address": client_address(client),
            "retired": retired_addresses(client),
            "can_rotate": request.user.is_partner,
            "grace_days": settings.ATLAS_INBOX_RETIRED_DAYS,
        },
    )


def email_documents_lines(clients) -> dict[int, EmailLine]:
    """Client id → "Or email your documents to <its address>" (one query for them all)."""
    return {
        client_id: EmailLine(
            text=f"Or email your documents to {address}",
            html=format_html('Or email your documents to <a href="mailto:{0}">{0}</a>', address),
        )
        for client_id, address in client_addresses(clients).items()
    }


def message_links(documents) -> dict[int, SourceLink]:
    """Document id → the message it was filed from, for the documents that came by email:
    one query for them all, none when there are none. A document filed twice (the same bytes
    sent again) links to the first message."""
    emailed = [document.pk for document in documents if document.source == Source.EMAIL]
    if not emailed:
        return {}
    attachments = (
        InboundAttachment.objects.filter(document_id__in=emailed)
        .select_related("message")
        .only("document", "message", "message__code")
        .order_by("message__received_at", "message_id", "position")
    )
    links: dict[int, SourceLink] = {}
    for attachment in attachments:
        if attachment.document_id not in links:
            links[attachment.document_id] = SourceLink(
                attachment.message.get_absolute_url(), "view message"
            )
    return links


def register() -> None:
    register_client_part(client_address_part)
    register_request_email_extra(email_documents_lines)
    register_source_links(message_links)
