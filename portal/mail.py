"""Email to client contacts, sent exactly once per recorded row.

``compose`` renders the message (``portal/email/<kind>.txt`` and ``.html``) and records it as a
``PortalEmail``; ``queue`` hands the new rows to a worker once the transaction commits. Sending
follows the same three steps as staff notifications (``notifications.services``):

1. **Claim** the row with a conditional UPDATE (``pending`` → ``sending``, stamped): one wins.
2. **Send** with the row's Message-ID, so a second copy of the same row is the same message.
3. **Mark sent**, only if the claim is still ours.

A worker that dies between 1 and 3 leaves the row ``sending``; the sweep (``send_due``, run by
every reminder job) takes over a claim older than ``NOTIFICATION_CLAIM_TIMEOUT_MINUTES`` and
finishes it with the same Message-ID. A row already sent is never touched again.

An email that can never go (an invalid address, a header that cannot be written, a mail
server answering 5xx: ``atlasos.mail_failures``) is marked ``failed`` with the reason, at once
when ``compose`` can tell, else when sending fails; the sweep never retries it. A transient
failure (the mail server unreachable, a 4xx answer) keeps the claim, so the sweep retries it
once the claim is stale, at most ``MAX_SEND_ATTEMPTS`` times before failing it. Subjects and
the sender's name are always one line (``atlasos.mail_headers``).
"""

import datetime
import logging
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse

from atlasos import clock, mail_failures
from atlasos.mail_headers import one_line
from atlasos.tenancy.context import current_practice_id
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
        mail_failures.check(message_of(email))
    except mail_failures.Undeliverable as problem:
        email.state = PortalEmail.State.FAILED
        email.failure = str(problem)[: mail_failures.REASON_LENGTH]
        logger.warning("portal email to contact %s not sendable: %s", contact.pk, problem)
    email.save()
    return email


def queue(emails) -> None:
    """Send these recorded emails from a worker once the current transaction commits."""
    from portal.tasks import send_portal_emails

    def enqueue(practice_id: int, pks: list[int]) -> None:
        try:
            send_portal_emails.delay(practice_id, pks)
        except Exception:
            # The broker is down: the rows stay pending and the reminder job's sweep sends them.
            logger.exception("could not enqueue portal emails %s", pks)

    by_practice: dict[int, list[int]] = {}
    for email in emails:
        by_practice.setdefault(email.practice_id, []).append(email.pk)
    for practice_id, pks in by_practice.items():
        transaction.on_commit(lambda practice_id=practice_id, pks=pks: enqueue(practice_id, pks))


def _stale_before(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(minutes=settings.NOTIFICATION_CLAIM_TIMEOUT_MINUTES)


def _claimable(now: datetime.datetime) -> Q:
    pending = Q(state=PortalEmail.State.PENDING)
    abandoned = Q(state=PortalEmail.State.SENDING, claimed_at__lt=_stale_before(now))
    return pending | abandoned


def claim(pk: int, now: datetime.datetime) -> bool:
    """Step 1: the conditional UPDATE (counting the attempt). True for exactly one caller."""
    return (
        PortalEmail.objects.filter(_claimable(now), pk=pk).update(
            state=PortalEmail.State.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        == 1
    )


def message_of(email: PortalEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=one_line(email.subject),
        body=email.body_text,
        from_email=from_address(email.practice),
        to=[email.to_address],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers={"Message-ID": email.message_id},
    )
    message.attach_alternative(email.body_html, "text/html")
    return message


def send_one(pk: int, now: datetime.datetime | None = None) -> bool:
    """Claim, send, mark sent. False when another worker has it, it was sent already, or it
    failed (see the module's docstring: failed for good, or kept claimed for a retry)."""
    now = now or clock.now()
    if not claim(pk, now):
        return False
    email = PortalEmail.objects.select_related("practice").get(pk=pk)
    ours = PortalEmail.objects.filter(pk=pk, state=PortalEmail.State.SENDING, claimed_at=now)
    try:
        message = message_of(email)
        mail_failures.check(message)
        message.send()
    except Exception as error:
        failure = mail_failures.gave_up(mail_failures.judge(error), email.attempts)
        if failure.permanent:
            ours.update(state=PortalEmail.State.FAILED, failure=failure.reason)
            logger.warning(
                "portal email %s of practice %s failed: %s", pk, email.practice_id, failure.reason
            )
        else:
            # The claim stays: the sweep sends it again, same Message-ID, once it is stale.
            ours.update(failure=failure.reason)
            logger.warning(
                "portal email %s of practice %s not sent (attempt %s), retried: %s",
                pk,
                email.practice_id,
                email.attempts,
                failure.reason,
            )
        return False
    ours.update(state=PortalEmail.State.SENT, sent_at=clock.now(), failure="")
    return True


def send_many(pks, now: datetime.datetime | None = None) -> int:
    """Send each of these rows (each on its own: one that fails never stops the others)."""
    sent = 0
    for pk in pks:
        try:
            sent += send_one(pk, now)
        except Exception:
            logger.exception(
                "portal email %s of practice %s not sent; retried once its claim expires",
                pk,
                current_practice_id(),
            )
    return sent


def send_due(now: datetime.datetime | None = None) -> int:
    """The sweep: rows never sent (the queue lost them) and claims a dead worker abandoned, or
    a transient failure left for a retry. Never a row sent or failed."""
    now = now or clock.now()
    pks = list(
        PortalEmail.objects.filter(_claimable(now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    return send_many(pks, now)
