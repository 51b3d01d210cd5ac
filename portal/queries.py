"""Queries to the client: the practice asks (``ask``: the question appears under the portal's
Queries tab and each portal contact of the client is emailed), the contact answers in the
portal with text and files (``answer``: files through the document store's upload checks),
and the app that asked hears of it through ``query_answered``."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

from atlasos import clock
from clients.models import Client
from documents.models import DocType, Source
from documents.store import delete_stored_file, store_document
from documents.uploads import UploadRefused
from portal.mail import absolute_url, compose, portal_contacts_of, queue
from portal.models import ClientQuery, ClientQueryDocument, PortalEmail

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
