"""Reminders for unanswered queries: chase the client's portal contacts, then tell whoever asked.

A query has no due date of its own, so it gets one: its answer is due ``ANSWER_WINDOW_DAYS``
calendar days after the day it was asked (the practice's local date). From there the client's
reminder policy (``portal.reminder_policies``: the practice's, the client's own, or paused)
runs exactly as it does for a document request (``portal.reminder_policy``). With the default
policy (3 days before, every 3 days, at most 4) a query asked on Wed 4 November is due Mon 9
November: reminders on Fri 6, Thu 12, Sun 15 and Wed 18 November, and on Sat 21 November the
person who asked is told it is still unanswered. A step on or before the day the query was
asked is skipped (the query's own email asked already), and a query is never escalated before
its answer was due.

``run_query_reminders`` (run by the beat job ``portal.send_reminders`` after the document
reminders, hourly, per practice):

1. Read the open queries of active clients, the steps recorded per query and contact, the
   clients' policies and their portal contacts. A paused client's queries are left alone, and
   an answered or withdrawn query is no longer open.
2. For each contact, the step due today of each of their queries (``step_to_send``).
3. One email per contact covering all their due queries: in one transaction per contact, the
   ``PortalEmail`` (kind ``query_reminder``, unique per contact and day) and its
   ``QueryReminder`` rows (unique per query, contact and step); a query answered or withdrawn
   since step 1 is dropped from it. An IntegrityError means another run recorded it: skipped.
4. Escalate each query whose schedule is over: a conditional UPDATE of ``escalated_at`` (one
   winner, and only while the query is open) and a notification to the person who asked (else
   the pack's or the client's preparer), in one transaction. A query nobody could be reminded
   of (no portal contact) is escalated all the same: it is the asker who must act.
5. After the commits, send the new emails and the notifications' emails (``atlasos.outbox``).
   The sweep of emails a dead worker left is ``run_reminders``', which the same job runs.

Idempotent and safe to run concurrently for the same reasons as ``portal.reminders``, whose
pieces it reuses; one query, one contact's email or one escalation that fails is logged with
its practice and id and skipped.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction

from atlasos import clock
from atlasos.tenancy.context import require_practice_id
from atlasos.tenancy.models import Practice
from clients.choices import ClientStatus
from notifications.models import Notification
from portal import mail
from portal.models import ClientQuery, PortalEmail, QueryReminder
from portal.reminder_policies import load_policies
from portal.reminder_policy import ReminderPolicy, Step, escalation_day, shift
from portal.reminders import (
    ReminderRun,
    assignee,
    notify_escalation,
    record_once,
    send_recorded,
    step_to_send,
    steps_by_contact,
    steps_reached,
)

logger = logging.getLogger(__name__)

# The client's time to answer a query before it counts as overdue, in calendar days after the
# day it was asked: a working week, which is what a client expects to answer a question about
# its own books in. The reminder policy's "days before the due date" counts back from it.
ANSWER_WINDOW_DAYS = 5

OPEN = ClientQuery.State.OPEN


# --- when ------------------------------------------------------------------------------------


def asked_on(query: ClientQuery, practice) -> datetime.date:
    """The practice's local date the query was asked."""
    return clock.practice_today(practice, query.asked_at)


def answer_due(asked: datetime.date) -> datetime.date:
    """When the answer to a query asked on ``asked`` is due."""
    return shift(asked, ANSWER_WINDOW_DAYS)


def query_escalation_day(due: datetime.date, policy: ReminderPolicy) -> datetime.date | None:
    """When the person who asked is told (None: the policy never escalates): the policy's day,
    but not before the answer was due. (A policy of one reminder well before the due date would
    otherwise escalate a query while the client still had time to answer it.)"""
    day = escalation_day(due, policy)
    return None if day is None else max(day, due)


def should_escalate(
    query: ClientQuery, policy: ReminderPolicy | None, today: datetime.date, due: datetime.date
) -> bool:
    """Escalate an open query once, when its schedule is over; never a paused client's."""
    if policy is None or query.state != OPEN or query.escalated_at is not None:
        return False
    day = query_escalation_day(due, policy)
    return day is not None and day <= today


def escalation_recipient(query: ClientQuery):
    """Who hears that a query went unanswered: whoever asked it, else (they have left, or the
    system asked) the pack's or the client's preparer; active people only."""
    if query.asked_by is not None and query.asked_by.is_active:
        return query.asked_by
    return assignee(query)


# --- the job ---------------------------------------------------------------------------------


@dataclass
class QueryDue:
    query: ClientQuery
    step: Step
    asked: datetime.date
    due: datetime.date


def open_queries():
    return (
        ClientQuery.objects.filter(state=OPEN, client__status=ClientStatus.ACTIVE)
        .select_related("client__preparer", "pack__preparer", "asked_by")
        .order_by("client__name", "asked_at", "pk")
    )


def query_steps_sent(query_ids) -> dict[tuple[int, int], set[int]]:
    """(query id, contact id) → the steps recorded."""
    return steps_by_contact(
        QueryReminder.objects.filter(query_id__in=list(query_ids)).values_list(
            "query_id", "contact_id", "step"
        )
    )


def reminder_subject(dues: list[QueryDue]) -> str:
    clients = {due.query.client.name for due in dues}
    if len(clients) > 1:
        return f"Reminder: questions about {len(clients)} of your companies are waiting for you"
    name = clients.pop()
    if len(dues) == 1:
        return f"Reminder: a question about {name}'s accounts is waiting for your answer"
    return f"Reminder: {len(dues)} questions about {name}'s accounts are waiting for your answer"


def _record(
    practice, contact, dues: list[QueryDue], today: datetime.date
) -> tuple[PortalEmail, list[QueryDue]] | None:
    """The contact's query reminder email of the day and its steps, for the queries still open;
    None if a run recorded it first, or every one of them was answered or withdrawn meanwhile."""

    def write() -> tuple[PortalEmail, list[QueryDue]] | None:
        still_open = set(
            ClientQuery.objects.filter(
                pk__in=[due.query.pk for due in dues], state=OPEN
            ).values_list("pk", flat=True)
        )
        kept = [due for due in dues if due.query.pk in still_open]
        if not kept:
            return None
        context = {
            "dues": [
                {
                    "client": due.query.client,
                    "query": due.query,
                    "step": due.step.number,
                    "asked": due.asked,
                    "late": due.due < today,
                    "link": mail.absolute_url(due.query.get_portal_url()),
                }
                for due in kept
            ],
        }
        email = mail.compose(
            practice=practice,
            contact=contact,
            kind=PortalEmail.Kind.QUERY_REMINDER,
            subject=reminder_subject(kept),
            context=context,
            client=kept[0].query.client,
            day=today,
        )
        QueryReminder.objects.bulk_create(
            [
                QueryReminder(email=email, query=due.query, contact=contact, step=due.step.number)
                for due in kept
            ]
        )
        return email, kept

    return record_once(write)


def escalation_text(
    query: ClientQuery, asked: datetime.date, due: datetime.date, reminders: int
) -> tuple[str, str]:
    client = query.client
    title = f"{client.name} has not answered a query"
    by = f" by {query.asked_by.full_name}" if query.asked_by else ""
    if reminders:
        chased = (
            f"{reminders} reminder{'s' if reminders != 1 else ''} went to the client's portal "
            "contacts"
        )
    else:
        chased = "no reminder could go: nobody at the client has portal access to see it"
    lines = [
        f"Asked{by} on {asked:%a} {asked.day} {asked:%b}, the answer was due "
        f"{due:%a} {due.day} {due:%b}; {chased}, and it is still unanswered:",
        "",
        query.question,
    ]
    return title, "\n".join(lines)


def escalate(
    query: ClientQuery, asked: datetime.date, due: datetime.date, reminders: int, now
) -> tuple[bool, Notification | None]:
    """Mark the query escalated (once, whoever runs it, and only while it is open) and notify
    the person who asked: whether this call did it, and the notification (None: nobody)."""
    with transaction.atomic():
        won = ClientQuery.objects.filter(pk=query.pk, state=OPEN, escalated_at__isnull=True).update(
            escalated_at=now
        )
        if not won:
            return False, None
        query.escalated_at = now
        person = escalation_recipient(query)
        if person is None:
            logger.info("query %s escalated with nobody to tell", query.pk)
            return True, None
        title, body = escalation_text(query, asked, due, reminders)
        url = query.pack.get_absolute_url() if query.pack else query.client.get_absolute_url()
        return True, notify_escalation(person, title, body, url, query.pack, now)


def _plan(
    query: ClientQuery,
    policy: ReminderPolicy | None,
    contacts: list,
    sent: dict,
    practice,
    today: datetime.date,
) -> tuple[list[tuple], bool]:
    """One query's part of today's run: (contact, QueryDue) for each contact a step is due to,
    and whether to escalate it."""
    if policy is None:
        return [], False
    asked = asked_on(query, practice)
    due = answer_due(asked)
    dues = []
    for contact in contacts:
        last = max(sent.get((query.pk, contact.pk), ()), default=0)
        step = step_to_send(due, policy, today, last, asked)
        if step is not None:
            dues.append((contact, QueryDue(query, step, asked, due)))
    return dues, should_escalate(query, policy, today, due)


def run_query_reminders(now: datetime.datetime | None = None) -> ReminderRun:
    """Send the query reminders due today in the current practice and escalate (see above)."""
    now = now or clock.now()
    run = record_query_reminders(now)
    run.sent = send_recorded(run, now)
    return run


def record_query_reminders(now: datetime.datetime) -> ReminderRun:
    """Record the query reminders due at ``now`` in the current practice (their emails, the
    steps and the escalations), sending nothing: ``run_query_reminders`` sends them."""
    practice = Practice.objects.get(pk=require_practice_id())
    today = clock.practice_today(practice, now)
    run = ReminderRun()
    queries = list(open_queries())
    if not queries:
        return run
    client_ids = {query.client_id for query in queries}
    policies = load_policies(client_ids)
    sent = query_steps_sent([query.pk for query in queries])
    contacts = mail.portal_contacts_of(client_ids)

    due_by_contact: dict[int, tuple] = {}
    to_escalate = []
    for query in queries:
        try:
            dues, escalate_it = _plan(
                query,
                policies.for_client(query.client_id),
                contacts.get(query.client_id, []),
                sent,
                practice,
                today,
            )
        except Exception:
            logger.exception(
                "query reminders: query %s of practice %s skipped", query.pk, practice.pk
            )
            continue
        for contact, due in dues:
            due_by_contact.setdefault(contact.pk, (contact, []))[1].append(due)
        if escalate_it:
            asked = asked_on(query, practice)
            to_escalate.append((query, asked, answer_due(asked)))

    for contact, dues in due_by_contact.values():
        try:
            recorded = _record(practice, contact, dues, today)
        except Exception:
            logger.exception(
                "query reminders: email to contact %s (queries %s) of practice %s not recorded",
                contact.pk,
                ", ".join(str(due.query.pk) for due in dues),
                practice.pk,
            )
            continue
        if recorded is not None:
            email, kept = recorded
            run.add_email(email, len(kept))
            for due in kept:
                sent.setdefault((due.query.pk, contact.pk), set()).add(due.step.number)

    for query, asked, due in to_escalate:
        try:
            won, notification = escalate(query, asked, due, steps_reached(sent, query.pk), now)
        except Exception:
            logger.exception(
                "query reminders: escalation of query %s of practice %s failed",
                query.pk,
                practice.pk,
            )
            continue
        run.add_escalation(won, notification)

    return run
