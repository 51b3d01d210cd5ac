"""Queries to the client: the practice asks (``ask``: the question appears under the portal's
Queries tab and each portal contact of the client is emailed), the contact answers in the
portal with text and files (``answer``: files through the document store's upload checks),
and the app that asked hears of it through ``query_answered``. Until then the reminder job
chases the contacts (``portal.query_reminders``); ``reminder_outlooks`` says to the staff page
showing a query what comes next."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.dispatch import Signal
from django.utils.dateformat import format as format_date

from atlasos import clock
from clients.choices import ClientStatus
from clients.models import Client
from documents.models import DocType, Source
from documents.store import delete_stored_file, store_document
from documents.uploads import UploadRefused
from portal.mail import absolute_url, compose, portal_contacts_of, queue
from portal.models import ClientQuery, ClientQueryDocument, PortalEmail
from portal.query_reminders import (
    answer_due,
    asked_on,
    escalation_recipient,
    query_escalation_day,
    query_steps_sent,
)
from portal.reminder_policies import load_policies
from portal.reminders import Outlook, steps_reached, upcoming

# Sent once a contact's answer is saved: ``query`` (the ClientQuery).
query_answered = Signal()


class AnswerRefused(Exception):
    """Nothing saved; ``str()`` says why."""


class NobodyToAsk(Exception):
    """The client has no contact with portal access: nobody would see the query."""


def ask(client: Client, pack, question: str, user) -> ClientQuery:
    contacts = portal_contacts_of([client.pk]).get(client.pk, [])
    if not contacts:
        raise NobodyToAsk(
            f"{client.name} has no contact with portal access to answer it: give one access "
            "on the Contacts tab first."
        )
    with transaction.atomic():
        query = ClientQuery.objects.create(
            client=client, pack=pack, question=question, asked_by=user
        )
        practice = client.practice
        link = absolute_url(query.get_portal_url())
        queue(
            [
                compose(
                    practice=practice,
                    contact=contact,
                    kind=PortalEmail.Kind.QUERY,
                    subject=f"A question about {client.name}'s accounts",
                    context={"query": query, "link": link},
                    client=client,
                    query=query,
                    queued_by=user,
                )
                for contact in contacts
            ]
        )
    return query


def withdraw(query: ClientQuery) -> None:
    """The practice no longer needs the answer: the query leaves the client's portal."""
    ClientQuery.objects.filter(pk=query.pk, state=ClientQuery.State.OPEN).update(
        state=ClientQuery.State.WITHDRAWN
    )


def answer(query: ClientQuery, contact, text: str, files) -> ClientQuery:
    """Save the contact's answer and files; refused when the query is no longer open or a
    file fails the upload checks (then nothing is kept)."""
    if query.state != ClientQuery.State.OPEN:
        raise AnswerRefused("This query is answered already.")
    if not text.strip() and not files:
        raise AnswerRefused("Write an answer or attach a file.")
    created = []
    try:
        with transaction.atomic():
            locked = ClientQuery.objects.select_for_update().get(pk=query.pk)
            if locked.state != ClientQuery.State.OPEN:
                raise AnswerRefused("This query is answered already.")
            for upload in files:
                try:
                    document, is_new = store_document(
                        locked.client,
                        upload,
                        doc_type=DocType.OTHER,
                        period=locked.pack.period if locked.pack else None,
                        source=Source.PORTAL,
                        contact=contact,
                    )
                except UploadRefused as refused:
                    raise AnswerRefused(f"{upload.name}: {refused.message}") from None
                if is_new:
                    created.append(document)
                ClientQueryDocument.objects.get_or_create(query=locked, document=document)
            locked.answer = text.strip()
            locked.answered_by = contact
            locked.answered_at = clock.now()
            locked.state = ClientQuery.State.ANSWERED
            locked.save(update_fields=["answer", "answered_by", "answered_at", "state"])
            query_answered.send(sender=ClientQuery, query=locked)
    except BaseException:
        for document in created:
            delete_stored_file(document.storage_key, document.practice_id)
        raise
    return locked


# --- what comes next, for the staff -----------------------------------------------------------


@dataclass(frozen=True)
class QueryOutlook:
    """What happens next to a query's reminders. ``outlook``: as a request's
    (``portal.reminders.Outlook``: next, escalation, escalated, paused, done), or answered,
    withdrawn, inactive (the client is archived); ``reminders``: how many steps went to the
    client so far; ``text``: all that in one sentence, for the page."""

    outlook: Outlook
    reminders: int
    text: str


def reminder_outlooks(client_queries) -> dict[int, QueryOutlook]:
    """Query id → its reminder outlook today, for a page listing queries: three database
    queries however many there are (the queries afresh with who they concern, the clients'
    reminder policies, the steps sent)."""
    ids = [query.pk for query in client_queries]
    if not ids:
        return {}
    rows = list(
        ClientQuery.objects.filter(pk__in=ids).select_related(
            "practice", "client__preparer", "pack__preparer", "asked_by"
        )
    )
    if not rows:
        return {}
    practice = rows[0].practice
    today = clock.practice_today(practice)
    policies = load_policies({row.client_id for row in rows})
    sent = query_steps_sent(ids)
    outlooks = {}
    for query in rows:
        reminders = steps_reached(sent, query.pk)
        last_sent = max(
            (max(steps) for (qid, _), steps in sent.items() if qid == query.pk), default=0
        )
        outlook = _outlook(query, policies.for_client(query.client_id), practice, today, last_sent)
        outlooks[query.pk] = QueryOutlook(
            outlook, reminders, _outlook_text(query, outlook, practice, today)
        )
    return outlooks


def reminder_outlook(query: ClientQuery) -> QueryOutlook:
    """One query's reminder outlook today (``reminder_outlooks`` for a list of them)."""
    return reminder_outlooks([query])[query.pk]


def _outlook(query: ClientQuery, policy, practice, today: datetime.date, last_sent: int):
    if query.state == ClientQuery.State.ANSWERED:
        return Outlook("answered")
    if query.state == ClientQuery.State.WITHDRAWN:
        return Outlook("withdrawn")
    if query.escalated_at is not None:
        return Outlook("escalated", at=query.escalated_at)
    if query.client.status != ClientStatus.ACTIVE:
        return Outlook("inactive")
    if policy is None:
        return Outlook("paused")
    asked = asked_on(query, practice)
    due = answer_due(asked)
    return upcoming(due, policy, today, last_sent, asked, query_escalation_day(due, policy))


def _outlook_text(query: ClientQuery, outlook: Outlook, practice, today: datetime.date) -> str:
    def day(date: datetime.date) -> str:
        text = format_date(date, "D j M")
        return text if date.year == today.year else f"{text} {date.year}"

    client = query.client.name
    match outlook.state:
        case "answered":
            return "No more reminders: the client answered."
        case "withdrawn":
            return "No more reminders: the query was withdrawn."
        case "escalated":
            return (
                "Still unanswered after the reminders: escalated on "
                f"{day(clock.practice_today(practice, outlook.at))}."
            )
        case "inactive":
            return f"No reminders: {client} is not an active client."
        case "paused":
            return f"Reminders are paused for {client}."
        case "next":
            when = "today" if outlook.today else day(outlook.day)
            return (
                f"Next reminder to the client: {when} (reminder {outlook.step} of {outlook.total})."
            )
        case "escalation":
            person = escalation_recipient(query)
            if person is None:
                return (
                    f"No more reminders. Nobody is told on {day(outlook.day)}: whoever asked "
                    f"has left and {client} has no active preparer."
                )
            return (
                f"No more reminders; {person.full_name} is told on {day(outlook.day)} if it is "
                "still unanswered."
            )
    return "No more reminders."
