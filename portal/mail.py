"""Email to client contacts, sent exactly once per recorded row (``atlasos.outbox``).

``compose`` renders the message (``portal/email/<kind>.txt`` and ``.html``) and records it as a
``PortalEmail``; ``queue`` hands the new rows to a worker once the transaction commits; the
outbox claims, sends with the row's Message-ID and marks each row sent, and its sweep
(``send_due``, run by every reminder job) sends what the queue lost or a dead worker left.

An email that can never go (an invalid address, a header that cannot be written:
``atlasos.mail_failures``) is recorded ``failed`` with the reason at once, when ``compose`` can
tell, so the sender is told and nothing retries it. Subjects and the sender's name are always one
line (``atlasos.mail_headers``).
"""

import datetime
import logging
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse

from atlasos import clock, mail_failures, outbox
from atlasos.mail_headers import one_line
from clients.models import ClientContact, Contact
from portal.models import PortalEmail, PortalGrant

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def portal_request_url(document_request) -> str:
    """The absolute link to the request in the client portal."""
    return absolute_url(reverse("portal_request", args=[document_request.code]))


def portal_contacts_of(client_ids) -> dict[int, list[Contact]]:
    """Client id → its portal contacts, by name: contacts of the client with an email address
    whose portal account (of an active user) was granted that client. One query."""
    granted = PortalGrant.objects.filter(
        account__contact=OuterRef("contact"),
        account__user__is_active=True,
        client=OuterRef("client"),
    )
    links = (
        ClientContact.objects.filter(Exists(granted), client_id__in=list(client_ids))
        .exclude(contact__email="")
        .select_related("contact")
        .order_by("contact__name", "contact__pk")
    )
    contacts: dict[int, list[Contact]] = {}
    for link in links:
        contacts.setdefault(link.client_id, []).append(link.contact)
    return contacts


def from_address(practice) -> str:
    """ "Harbour & Co Bookkeeping <no-reply@…>": the practice's name on our sending address."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((one_line(practice.name), address))


def reply_to_address(practice, client=None) -> str:
    """The practice's reply-to address, else the client's preparer's, else none."""
    if practice.reply_to_email:
        return practice.reply_to_email
    preparer = getattr(client, "preparer", None) if client is not None else None
    return preparer.email if preparer is not None else ""


def compose(
    *,
    practice,
    contact,
    kind: str,
    subject: str,
    context: dict,
    client=None,
    now: datetime.datetime | None = None,
    **fields,
) -> PortalEmail:
    """Render and record one email to ``contact`` (not yet sent). ``fields``: the row's links,
    e.g. ``request=``, ``delivery=``, ``queued_by=``, or ``day=`` to override today.

    The subject is made one line. An email that could never be sent (``mail_failures.check``)
    is recorded ``failed`` with the reason, so the caller can say so and nothing retries it."""
    context = {
        "practice": practice,
        "contact": contact,
        "client": client,
        "portal_link": absolute_url("/portal/"),
        **context,
    }
    fields.setdefault("day", clock.practice_today(practice, now))
    email = PortalEmail(
        contact=contact,
        kind=kind,
        to_address=contact.email,
        reply_to=reply_to_address(practice, client),
        subject=one_line(subject, PortalEmail._meta.get_field("subject").max_length),
        body_text=render_to_string(f"portal/email/{kind}.txt", context),
        body_html=render_to_string(f"portal/email/{kind}.html", context),
        **fields,
    )
    email.practice = practice
    try:
        mail_failures.check(outbox.message_of(CLIENT_EMAILS, email))
    except mail_failures.Undeliverable as problem:
        email.state = PortalEmail.State.FAILED
        email.failure = str(problem)[: mail_failures.REASON_LENGTH]
        logger.warning("portal email to contact %s not sendable: %s", contact.pk, problem)
    email.save()
    return email


def queue(emails) -> None:
    """Send these recorded emails from a worker once the current transaction commits."""
    outbox.queue(CLIENT_EMAILS, emails)


def build_message(email: PortalEmail) -> EmailMultiAlternatives:
    """The email of a row (the outbox adds its Message-ID)."""
    message = EmailMultiAlternatives(
        subject=one_line(email.subject),
        body=email.body_text,
        from_email=from_address(email.practice),
        to=[email.to_address],
        reply_to=[email.reply_to] if email.reply_to else None,
    )
    message.attach_alternative(email.body_html, "text/html")
    return message


CLIENT_EMAILS = outbox.Outbox(
    name="portal_email",
    rows=lambda: PortalEmail.objects,
    build=build_message,
    select_related=("practice",),
)


def send_due(now: datetime.datetime | None = None) -> int:
    """The sweep of client emails (``atlasos.outbox.sweep``): never a row sent or failed."""
    return outbox.sweep(CLIENT_EMAILS, now)
