"""Sending a document request to the client: one email per portal contact of the client.

``send_request`` checks the request can go (open, something asked for, someone to receive it),
then in one transaction records one ``PortalEmail`` per portal contact (rendered now, so what
was sent is what the history shows), marks the request sent, and queues the emails for after
the commit. Refused, it raises ``SendRefused`` with a message for the user and changes nothing.
Sending again ("Send again") is allowed: the contacts get the request once more, listing what
is still missing, and the reminders count from that day.
"""

import datetime

from django.db import transaction

from atlasos import clock
from portal import mail
from portal.models import DocumentRequest, PortalEmail, RequestItem, RequestStatus


class SendRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def recipients(document_request: DocumentRequest) -> list:
    """The contacts a request goes to: the client's portal contacts with an email address."""
    client_id = document_request.client_id
    return mail.portal_contacts_of([client_id]).get(client_id, [])


def request_subject(document_request: DocumentRequest) -> str:
    client = document_request.client
    return (
        f"{document_request.title} for {client.name}: "
        f"please upload by {document_request.due:%A} {document_request.due.day} "
        f"{document_request.due:%B}"
    )


def _refusal(
    document_request: DocumentRequest, items: list, missing: list, contacts: list
) -> str | None:
    if document_request.status == RequestStatus.CANCELLED:
        return "This request is cancelled; it cannot be sent."
    if not items:
        return "Add the documents you need before sending the request."
    if document_request.status == RequestStatus.COMPLETE or not missing:
        return "Every document this request asks for is in; there is nothing to send."
    if not contacts:
        return (
            f"{document_request.client.name} has no portal contact with an email address. "
            "Invite a contact to the portal first."
        )
    return None


def send_request(
    document_request: DocumentRequest, *, by, now: datetime.datetime | None = None
) -> list[PortalEmail]:
    """Email the request to every portal contact of its client; the recorded emails.

    1. Lock the request and read its items and recipients.
    2. Refuse (``SendRefused``) when it is cancelled or complete, asks for nothing, or has
       nobody to go to.
    3. Record one email per contact, mark the request sent, queue the emails on commit.
    """
    now = now or clock.now()
    with transaction.atomic():
        locked = (
            DocumentRequest.objects.select_for_update(of=("self",))
            .select_related("practice", "client__preparer")
            .get(pk=document_request.pk)
        )
        items = list(RequestItem.objects.filter(request=locked))
        missing = [item for item in items if item.state == "missing"]
        contacts = recipients(locked)
        refusal = _refusal(locked, items, missing, contacts)
        if refusal:
            raise SendRefused(refusal)
        context = {
            "document_request": locked,
            "required": [item for item in missing if item.required],
            "optional": [item for item in missing if not item.required],
            "received": len(items) - len(missing),
            "link": mail.portal_request_url(locked),
            "again": locked.status == RequestStatus.SENT,
        }
        emails = [
            mail.compose(
                practice=locked.practice,
                contact=contact,
                kind=PortalEmail.Kind.REQUEST,
                subject=request_subject(locked),
                context=context,
                client=locked.client,
                now=now,
                request=locked,
                queued_by=by,
            )
            for contact in contacts
        ]
        DocumentRequest.objects.filter(pk=locked.pk).update(status=RequestStatus.SENT, sent_at=now)
        mail.queue(emails)
    document_request.status = RequestStatus.SENT
    document_request.sent_at = now
    return emails
