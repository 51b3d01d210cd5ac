"""Sending a document request to the client: one email per portal contact of the client.

``send_request`` checks the request can go (open, something asked for, someone to receive it),
then in one transaction records one ``PortalEmail`` per portal contact (rendered now, so what
was sent is what the history shows), marks the request sent, and queues the emails for after
the commit. Refused, it raises ``SendRefused`` with a message for the user and changes nothing.
Sending again ("Send again") is allowed: the contacts get the request once more, listing what
is still missing, and the reminders count from that day — but not within ``RESEND_AFTER`` of
the last send: a double click, or two tabs posting at once, sends once (the request row is
locked, so the second post sees the first one's ``sent_at`` and raises ``AlreadySent``).

An email that could never go (an invalid address...) is recorded failed with its reason and
not queued; when no email can go, the request is not marked sent.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from atlasos import clock
from atlasos.refusals import Refusal
from portal import mail
from portal.extensions import request_email_extras
from portal.models import DocumentRequest, PortalEmail, RequestItem, RequestStatus

RESEND_AFTER = datetime.timedelta(minutes=2)


class SendRefused(Refusal):
    """The rules refuse it; ``message`` says why."""


class AlreadySent(SendRefused):
    """The request went out moments ago: this send would be a duplicate, so nothing is sent."""


def _already_sent(document_request: DocumentRequest) -> AlreadySent:
    tz = ZoneInfo(document_request.practice.timezone)
    sent_at = document_request.sent_at.astimezone(tz)
    again_at = (document_request.sent_at + RESEND_AFTER).astimezone(tz)
    return AlreadySent(
        f"This request was sent a moment ago, at {sent_at:%H:%M}; it was not sent twice. "
        f"To send it again, wait until {again_at:%H:%M}."
    )


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
    if document_request.status == RequestStatus.CLOSED:
        return "This request was closed when its pack was delivered; it cannot be sent."
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
       nobody to go to; ``AlreadySent`` when it was sent less than ``RESEND_AFTER`` ago.
    3. Record one email per contact; mark the request sent and queue the emails that can go
       on commit (none can go: the request stays as it was, the failed emails say why).
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
        if locked.sent_at is not None and locked.sent_at > now - RESEND_AFTER:
            raise _already_sent(locked)
        context = {
            "document_request": locked,
            "required": [item for item in missing if item.required],
            "optional": [item for item in missing if not item.required],
            "received": len(items) - len(missing),
            "link": mail.portal_request_url(locked),
            "again": locked.status == RequestStatus.SENT,
            # Other ways to send them that the apps above add (the inbox's address).
            "extras": request_email_extras([locked.client])[locked.client_id],
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
        sendable = [email for email in emails if email.state != PortalEmail.State.FAILED]
        if not sendable:
            return emails
        DocumentRequest.objects.filter(pk=locked.pk).update(status=RequestStatus.SENT, sent_at=now)
        mail.queue(sendable)
    document_request.status = RequestStatus.SENT
    document_request.sent_at = now
    return emails
