"""Automated reminders: chase the documents still missing, then tell the assigned staff member.

The practice's policy (``ReminderSettings`` without a client; the defaults of
``ReminderPolicy`` when there is none) applies to every client, unless the client has its own
row: ``own_policy`` overrides it, ``paused`` stops reminders and escalation for that client.
When each step falls due is ``portal.reminder_policy``; this module does the rest.

``run_reminders`` (the beat job ``portal.send_reminders``, hourly, per practice):

1. Read the open requests (sent, not complete, of active clients), their missing items, the
   steps already recorded per request and contact, and the clients' portal contacts.
2. For each contact, the step due today of each of their requests. A step on or before the
   day the request was (last) sent is skipped: that email asked already.
3. One email per contact covering all their clients' due requests: in one transaction per
   contact, the ``PortalEmail`` (unique per contact and day) and its ``Reminder`` rows (unique
   per request, contact and step). An IntegrityError means another run recorded it: skipped.
4. Escalate each request whose schedule is over: a conditional UPDATE of ``escalated_at`` (one
   winner) and a notification to the assigned staff member, in one transaction.
5. After the commits, send the new emails (each claimed first, ``atlasos.outbox``), then sweep
   emails never sent or abandoned by a dead worker; send the escalation notifications' emails.

Reminders for unanswered queries (``portal.query_reminders``) follow the same policies and
reuse this module's pieces: the step to send, the outlook, the recording, the escalation's
notification and the sending.

Run it twice, or concurrently, or again after a crash: every step is recorded once and every
recorded email is sent once (a crash between sending and marking it sent sends it again with
the same Message-ID, which mail servers and clients treat as one message). One request, one
contact's email or one escalation that fails is logged with its practice and id and skipped:
a bad row never stops the job for the others.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import IntegrityError, transaction

from atlasos import clock, outbox
from atlasos.tenancy.context import require_practice_id
from atlasos.tenancy.models import Practice
from clients.choices import ClientStatus
from notifications.models import Notification
from notifications.services import (
    NOTIFICATION_EMAILS,
    email_choice,
    initial_email_state,
)
from portal import mail
from portal.extensions import EmailLine, request_email_extras
from portal.models import (
    DocumentRequest,
    PortalEmail,
    Reminder,
    RequestItem,
    RequestStatus,
)
from portal.reminder_policies import Policies, load_policies
from portal.reminder_policy import (
    ReminderPolicy,
    Step,
    escalation_day,
    escalation_due,
    schedule,
    step_due,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")


# --- when ------------------------------------------------------------------------------------


def step_to_send(
    due: datetime.date,
    policy: ReminderPolicy,
    today: datetime.date,
    last_sent: int,
    sent_on: datetime.date | None,
) -> Step | None:
    """The step to send today, if any: ``step_due``, except a step on or before the day the
    request itself was sent."""
    step = step_due(due, policy, today, last_sent)
    if step is None or (sent_on is not None and step.day <= sent_on):
        return None
    return step


def should_escalate(
    document_request: DocumentRequest,
    policy: ReminderPolicy | None,
    today: datetime.date,
    sent_on: datetime.date | None,
) -> bool:
    """Escalate once, when the schedule is over; not for a request sent after it ended (whoever
    sent it knows it is late)."""
    if policy is None or document_request.status != RequestStatus.SENT:
        return False
    day = escalation_day(document_request.due, policy)
    if day is None or (sent_on is not None and day <= sent_on):
        return False
    return escalation_due(
        document_request.due, policy, today, document_request.escalated_at is not None
    )


@dataclass(frozen=True)
class Outlook:
    """What happens next to a request's reminders, for its page. ``state``: draft, closed,
    paused, next (``day``, ``step`` of ``total``), escalation (on ``day``), escalated (at
    ``at``), done (no more reminders, no escalation)."""

    state: str
    day: datetime.date | None = None
    step: int = 0
    total: int = 0
    at: datetime.datetime | None = None
    today: bool = False


def outlook(
    document_request: DocumentRequest,
    policy: ReminderPolicy | None,
    today: datetime.date,
    last_sent: int,
    sent_on: datetime.date | None,
) -> Outlook:
    if document_request.escalated_at is not None:
        return Outlook("escalated", at=document_request.escalated_at)
    if document_request.status == RequestStatus.DRAFT:
        return Outlook("draft")
    if document_request.status != RequestStatus.SENT:
        return Outlook("closed")
    if policy is None:
        return Outlook("paused")
    due = document_request.due
    return upcoming(due, policy, today, last_sent, sent_on, escalation_day(due, policy))


def upcoming(
    due: datetime.date,
    policy: ReminderPolicy,
    today: datetime.date,
    last_sent: int,
    sent_on: datetime.date | None,
    escalation_on: datetime.date | None,
) -> Outlook:
    """What comes next in a schedule still running (shared by requests and queries): the
    reminder due today or the next one, else the escalation on ``escalation_on`` (None: never),
    else nothing. A step or an escalation on or before ``sent_on`` never comes: the first email
    asked already."""
    now = step_to_send(due, policy, today, last_sent, sent_on)
    if now is not None:
        return Outlook("next", day=today, step=now.number, total=policy.max_reminders, today=True)
    after = sent_on or today
    for step in schedule(due, policy):
        if step.number > last_sent and step.day > today and step.day > after:
            return Outlook("next", day=step.day, step=step.number, total=policy.max_reminders)
    if escalation_on is not None and escalation_on > after:
        return Outlook("escalation", day=max(escalation_on, today))
    return Outlook("done")


def request_outlook(document_request: DocumentRequest, practice, last_sent: int) -> Outlook:
    """The request's outlook today, with its client's policy (one query)."""
    policy = load_policies([document_request.client_id]).for_client(document_request.client_id)
    sent_on = (
        clock.practice_today(practice, document_request.sent_at)
        if document_request.sent_at
        else None
    )
    return outlook(document_request, policy, clock.practice_today(practice), last_sent, sent_on)


# --- the job ---------------------------------------------------------------------------------


@dataclass
class Due:
    document_request: DocumentRequest
    step: Step
    items: list[RequestItem]


@dataclass
class ReminderRun:
    emails: int = 0
    reminders: int = 0
    escalations: int = 0
    sent: int = 0
    new_emails: list[int] = field(default_factory=list)  # recorded, to send
    notifications: list[int] = field(default_factory=list)  # escalations, to email

    def add_email(self, email: PortalEmail, steps: int) -> None:
        """An email this run recorded, with its ``steps`` reminder rows: to send."""
        self.new_emails.append(email.pk)
        self.emails += 1
        self.reminders += steps

    def add_escalation(self, won: bool, notification: Notification | None) -> None:
        """An escalation this run made (``won``), with its notification to email, if any."""
        self.escalations += won
        if notification and notification.email_state == Notification.EmailState.PENDING:
            self.notifications.append(notification.pk)


def open_requests():
    return (
        DocumentRequest.objects.filter(
            status=RequestStatus.SENT, client__status=ClientStatus.ACTIVE
        )
        .select_related("practice", "client__preparer", "pack__preparer")
        .order_by("client__name", "due", "pk")
    )


def missing_items(request_ids) -> dict[int, list[RequestItem]]:
    """Request id → its items neither received nor marked not applicable, in order."""
    missing: dict[int, list[RequestItem]] = {}
    for item in RequestItem.objects.filter(
        request_id__in=list(request_ids), received_at__isnull=True, marked_at__isnull=True
    ).order_by("request_id", "position", "pk"):
        missing.setdefault(item.request_id, []).append(item)
    return missing


def steps_sent(request_ids) -> dict[tuple[int, int], set[int]]:
    """(request id, contact id) → the steps recorded."""
    return steps_by_contact(
        Reminder.objects.filter(request_id__in=list(request_ids)).values_list(
            "request_id", "contact_id", "step"
        )
    )


def steps_by_contact(rows) -> dict[tuple[int, int], set[int]]:
    """(object id, contact id) → its steps, from rows of (object id, contact id, step)."""
    sent: dict[tuple[int, int], set[int]] = {}
    for object_id, contact_id, step in rows:
        sent.setdefault((object_id, contact_id), set()).add(step)
    return sent


def steps_reached(sent: dict[tuple[int, int], set[int]], object_id: int) -> int:
    """How many steps of one request (or query) went to any of its contacts."""
    return len(set().union(*(steps for (oid, _), steps in sent.items() if oid == object_id)))


def reminder_subject(dues: list[Due]) -> str:
    clients = {due.document_request.client.name for due in dues}
    if len(clients) == 1:
        return f"Reminder: documents still needed for {clients.pop()}"
    return f"Reminder: documents still needed for {len(clients)} of your companies"


def _record(
    practice, contact, dues: list[Due], today, now, extras: dict[int, list[EmailLine]]
) -> PortalEmail | None:
    """The contact's email of the day and its reminder rows; None if a run recorded it first.
    ``extras``: client id → the lines the apps above add under its documents."""
    context = {
        "dues": [
            {
                "client": due.document_request.client,
                "document_request": due.document_request,
                "step": due.step.number,
                "items": due.items,
                "late": due.document_request.due < today,
                "link": mail.portal_request_url(due.document_request),
                "extras": extras.get(due.document_request.client_id, []),
            }
            for due in dues
        ],
    }

    def write() -> PortalEmail:
        email = mail.compose(
            practice=practice,
            contact=contact,
            kind=PortalEmail.Kind.REMINDER,
            subject=reminder_subject(dues),
            context=context,
            client=dues[0].document_request.client,
            day=today,
        )
        Reminder.objects.bulk_create(
            [
                Reminder(
                    email=email,
                    request=due.document_request,
                    contact=contact,
                    step=due.step.number,
                    items=[item.title for item in due.items],
                )
                for due in dues
            ]
        )
        return email

    return record_once(write)


def record_once(write: Callable[[], T]) -> T | None:
    """``write()`` in a transaction of its own; None when a unique constraint refused it: another
    run recorded the same email or step first (retry, overlap), so this one is skipped."""
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:
        return None


def _extras(due_by_contact) -> dict[int, list[EmailLine]]:
    """The lines the apps above add for each client reminded today, at once for all of them."""
    clients = {
        due.document_request.client_id: due.document_request.client
        for _, dues in due_by_contact
        for due in dues
    }
    return request_email_extras(clients.values()) if clients else {}


def assignee(document_request: DocumentRequest):
    """Who answers for the request: the pack's preparer, else the client's; active ones only.
    (Anything with a ``pack`` and a ``client`` will do: a query's fallback is the same.)"""
    pack = document_request.pack
    for person in (pack.preparer if pack else None, document_request.client.preparer):
        if person is not None and person.is_active:
            return person
    return None


def escalation_text(document_request: DocumentRequest, items, reminders: int) -> tuple[str, str]:
    client = document_request.client
    due = document_request.due
    title = f"{client.name} — documents still missing for {document_request.title}"
    lines = [
        f"{document_request.title} was due {due:%a} {due.day} {due:%b}; "
        f"{reminders} reminder{'s' if reminders != 1 else ''} went to the client's portal "
        "contacts and these are still missing:"
    ]
    lines += [f"- {item.title}{'' if item.required else ' (optional)'}" for item in items]
    return title, "\n".join(lines)


def escalate(
    document_request: DocumentRequest, items, reminders: int, now
) -> tuple[bool, Notification | None]:
    """Mark the request escalated (once, whoever runs it) and notify its assignee: whether this
    call did it, and the notification (None when nobody is assigned)."""
    with transaction.atomic():
        won = DocumentRequest.objects.filter(
            pk=document_request.pk, escalated_at__isnull=True
        ).update(escalated_at=now)
        if not won:
            return False, None
        document_request.escalated_at = now
        person = assignee(document_request)
        if person is None:
            logger.info("request %s escalated with nobody assigned", document_request.pk)
            return True, None
        title, body = escalation_text(document_request, items, reminders)
        return True, notify_escalation(
            person, title, body, document_request.get_absolute_url(), document_request.pack, now
        )


def notify_escalation(person, title: str, body: str, url: str, pack, now) -> Notification:
    """The overdue notification of an escalation, emailed as ``person`` chose (the caller sends
    a pending one after its commit: ``send_recorded``)."""
    return Notification.objects.create(
        recipient=person,
        kind=Notification.Kind.OVERDUE,
        title=title,
        body=body,
        url=url,
        pack=pack,
        created_at=now,
        email_state=initial_email_state(email_choice(person)),
    )


def _plan(
    document_request: DocumentRequest,
    policy: ReminderPolicy | None,
    items: list[RequestItem] | None,
    contacts: list,
    sent: dict,
    practice,
    today: datetime.date,
) -> tuple[list[tuple], bool]:
    """One request's part of today's run: (contact, Due) for each contact a step is due to,
    and whether to escalate it."""
    if policy is None or not items:
        return [], False
    sent_on = (
        clock.practice_today(practice, document_request.sent_at)
        if document_request.sent_at
        else None
    )
    dues = []
    for contact in contacts:
        last = max(sent.get((document_request.pk, contact.pk), ()), default=0)
        step = step_to_send(document_request.due, policy, today, last, sent_on)
        if step is not None:
            dues.append((contact, Due(document_request, step, items)))
    return dues, should_escalate(document_request, policy, today, sent_on)


def run_reminders(now: datetime.datetime | None = None) -> ReminderRun:
    """Send the reminders due today in the current practice, escalate, sweep (see above)."""
    now = now or clock.now()
    run = record_reminders(now)
    run.sent = send_recorded(run, now) + mail.send_due(now)
    return run


def send_recorded(run: ReminderRun, now: datetime.datetime) -> int:
    """Send what a run recorded, once its transactions have committed: its client emails (how
    many were sent) and its escalations' notification emails."""
    sent = outbox.send_rows(mail.CLIENT_EMAILS, run.new_emails, now)
    if run.notifications:
        outbox.send_rows(NOTIFICATION_EMAILS, run.notifications, now)
    return sent


def record_reminders(now: datetime.datetime) -> ReminderRun:
    """Record the reminders due at ``now`` in the current practice (their emails, the steps
    and the escalations), sending nothing: ``run_reminders`` sends what this records, and the
    demo seed records a practice's reminder history.

    Each request, each contact's email and each escalation is its own unit: one that fails
    is logged with the practice and its id and skipped (the next run tries it again); the
    others go on."""
    practice = Practice.objects.get(pk=require_practice_id())
    today = clock.practice_today(practice, now)
    run = ReminderRun()
    requests = list(open_requests())
    ids = [document_request.pk for document_request in requests]
    client_ids = {document_request.client_id for document_request in requests}
    policies = load_policies(client_ids) if requests else Policies(None, {})
    missing = missing_items(ids) if requests else {}
    sent = steps_sent(ids) if requests else {}
    contacts = mail.portal_contacts_of(client_ids) if requests else {}

    due_by_contact: dict[int, tuple] = {}
    to_escalate = []
    for document_request in requests:
        try:
            dues, escalate_it = _plan(
                document_request,
                policies.for_client(document_request.client_id),
                missing.get(document_request.pk),
                contacts.get(document_request.client_id, []),
                sent,
                practice,
                today,
            )
        except Exception:
            logger.exception(
                "reminders: request %s of practice %s skipped", document_request.pk, practice.pk
            )
            continue
        for contact, due in dues:
            due_by_contact.setdefault(contact.pk, (contact, []))[1].append(due)
        if escalate_it:
            to_escalate.append((document_request, missing[document_request.pk]))

    extras = _extras(due_by_contact.values())
    for contact, dues in due_by_contact.values():
        try:
            email = _record(practice, contact, dues, today, now, extras)
        except Exception:
            logger.exception(
                "reminders: email to contact %s (requests %s) of practice %s not recorded",
                contact.pk,
                ", ".join(str(due.document_request.pk) for due in dues),
                practice.pk,
            )
            continue
        if email is not None:
            run.add_email(email, len(dues))
            for due in dues:
                sent.setdefault((due.document_request.pk, contact.pk), set()).add(due.step.number)

    for document_request, items in to_escalate:
        reminders = steps_reached(sent, document_request.pk)
        try:
            won, notification = escalate(document_request, items, reminders, now)
        except Exception:
            logger.exception(
                "reminders: escalation of request %s of practice %s failed",
                document_request.pk,
                practice.pk,
            )
            continue
        run.add_escalation(won, notification)

    return run
