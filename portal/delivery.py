"""Delivery: a pack's final documents published to the client's portal.

Publishing records the delivery and its documents, emails every portal contact of the client a
link, and ticks the pack's deliver item (automatic tick ``pack_delivered``), which closes the
period's open document requests (``portal.closing``), all in one transaction: either the client
has the documents, the email is queued, the pack has moved on and the requests are closed, or
nothing happened. When documents are still outstanding, publishing needs the user's
confirmation. A pack is delivered once. The contact acknowledges receipt once.
"""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import dateformat, timezone

from atlasos import clock
from atlasos.refusals import Refusal
from cycle.periods import next_period
from documents.models import DocType, Document, Source
from portal.closing import Outstanding, outstanding
from portal.extensions import superseded_documents
from portal.mail import absolute_url, compose, portal_contacts_of, queue
from portal.models import Delivery, DeliveryDocument, PortalEmail
from tasks.models import Pack

AUTO_KEY = "pack_delivered"
AUTO_REASON = "published to the client's portal"
CONFIRM_LABEL = "Deliver with documents outstanding"
# Listed (and ticked) first in the Deliver panel: what a delivery is usually made of.
FINAL_TYPES = (DocType.MANAGEMENT_ACCOUNTS,)


class DeliveryError(Refusal):
    """The rules refuse it; ``message`` says why."""


def delivered_in(document) -> str | None:
    """``documents.extensions.Hold``: why a delivered document must stay in the store."""
    link = document.delivery_links.select_related("delivery").first()
    if link is None:
        return None
    return (
        f"{document.original_name} was delivered to the client in "
        f"\u201c{link.delivery.title}\u201d; it stays in the document store."
    )


def delivery_links():
    """``documents.extensions.Hold``: the rows by which deliveries hold their documents."""
    return DeliveryDocument.objects.all()


def default_title(pack: Pack) -> str:
    """ "Management accounts — October 2026"."""
    return f"Management accounts — {pack.period_label}"


def is_final(document: Document) -> bool:
    return document.doc_type in FINAL_TYPES or document.source == Source.GENERATED


def candidates(pack: Pack) -> list[Document]:
    """The client's live documents of the pack's period (a quarter's three months for a
    quarterly pack), final ones first: management accounts and generated documents. One query."""
    documents = (
        Document.objects.live()
        .filter(
            client_id=pack.client_id,
            period__gte=pack.period,
            period__lt=next_period(pack.period, pack.recurrence),
        )
        .order_by("doc_type", "original_name", "pk")
    )
    return sorted(documents, key=lambda document: not is_final(document))


@dataclass
class DeliveryPanel:
    """What the pack page's Deliver panel shows: the delivery with its documents and emails,
    or, before delivery, the documents that can be chosen."""

    delivery: Delivery | None
    documents: list[Document]
    emails: list[PortalEmail] = field(default_factory=list)
    # Before delivery, once the pack can be delivered: what the period's requests still miss.
    outstanding: Outstanding | None = None
    # Documents an app above says are superseded (an earlier render): listed, not ticked.
    superseded: set[int] = field(default_factory=set)

    @property
    def preselected(self) -> set[str]:
        return {
            str(document.code)
            for document in self.documents
            if is_final(document) and document.pk not in self.superseded
        }


def delivery_panel(pack: Pack) -> DeliveryPanel:
    """Two queries whatever the sizes: the delivery's document links with the delivery (and
    who published and acknowledged it), then its emails (with contacts) — or, when the pack is
    not delivered yet, the candidate documents, and once its review is complete a third: the
    documents still outstanding on the period's requests. A delivery always has a document
    (publish insists, and ``DeliveryDocument.document`` is PROTECT)."""
    links = list(
        DeliveryDocument.objects.filter(delivery__pack=pack)
        .select_related("delivery__published_by", "delivery__acknowledged_by", "document")
        .order_by("pk")
    )
    if not links:
        return DeliveryPanel(
            delivery=None,
            documents=candidates(pack),
            outstanding=outstanding(pack) if pack.review_done_at else None,
            superseded=superseded_documents(pack),
        )
    delivery = links[0].delivery
    return DeliveryPanel(
        delivery=delivery,
        documents=[link.document for link in links],
        emails=recipients(delivery),
    )


def portal_link(delivery: Delivery) -> str:
    return absolute_url(reverse("portal_delivery", args=[delivery.code]))


def _day(moment: datetime.datetime, practice) -> str:
    return dateformat.format(timezone.localtime(moment, ZoneInfo(practice.timezone)), "D j M Y")


def _refuse_if_delivered(pack: Pack) -> None:
    earlier = Delivery.objects.filter(pack=pack).select_related("published_by").first()
    if earlier is None:
        return
    by = earlier.published_by.full_name if earlier.published_by else "a former team member"
    raise DeliveryError(
        f"This pack was delivered already, on {_day(earlier.published_at, pack.practice)} by "
        f"{by}; a pack is delivered once."
    )


def _live_documents(pack: Pack, documents) -> list[Document]:
    """The chosen documents re-read from the database: each one live and the pack's client's."""
    wanted = {document.pk: document for document in documents}
    if not wanted:
        raise DeliveryError("Nothing published: choose at least one document to deliver.")
    live = {
        document.pk: document
        for document in Document.objects.live().filter(pk__in=wanted, client_id=pack.client_id)
    }
    for pk, document in wanted.items():
        if pk not in live:
            raise DeliveryError(
                f"Nothing published: “{document.original_name}” is not a live document of "
                f"{pack.client.name}."
            )
    return sorted(live.values(), key=lambda d: (not is_final(d), d.doc_type, d.original_name))


def publish(
    pack: Pack,
    documents,
    *,
    by,
    title: str | None = None,
    message: str = "",
    close_outstanding: bool = False,
    now: datetime.datetime | None = None,
) -> Delivery:
    """Publish ``documents`` (live documents of the pack's client) as the pack's delivery.

    1. Lock the pack; refuse if it was delivered already or its review is not complete.
    2. Refuse when the period's requests still miss documents, unless ``close_outstanding``
       (the user confirmed: those requests close and their reminders stop).
    3. Check every document again in the database (live, the pack's client's).
    4. Record the delivery and its documents.
    5. Compose one email per portal contact of the client and queue them (sent after commit);
       with no portal contact nobody is emailed, and the documents wait in the portal.
    6. Tick the pack's ``pack_delivered`` item, which completes the pack when the rest is done
       (and that closes the period's open requests: ``portal.closing``).

    ``DeliveryError`` (with a message for the user) leaves nothing behind.
    """
    from tasks.services import auto_tick

    now = now or clock.now()
    title = (title or "").strip() or default_title(pack)
    with transaction.atomic():
        pack = (
            Pack.objects.select_for_update(of=("self",))
            .select_related("client", "practice")
            .get(pk=pack.pk)
        )
        _refuse_if_delivered(pack)
        if pack.review_done_at is None:
            raise DeliveryError(
                "Nothing published: the pack can be delivered once the review stage is complete."
            )
        left = outstanding(pack)
        if left and not close_outstanding:
            raise DeliveryError(
                f"Nothing published: {left.text} Tick “{CONFIRM_LABEL}” to deliver all the "
                "same, or wait for the documents."
            )
        chosen = _live_documents(pack, documents)
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    client=pack.client,
                    pack=pack,
                    title=title,
                    message=message.strip(),
                    published_by=by,
                    published_at=now,
                )
        except IntegrityError:
            # Another publish of the same pack committed first (the OneToOne said no).
            _refuse_if_delivered(pack)
            raise
        DeliveryDocument.objects.bulk_create(
            [DeliveryDocument(delivery=delivery, document=document) for document in chosen]
        )
        context = {
            "delivery": delivery,
            "documents": chosen,
            "period": pack.period_label,
            "link": portal_link(delivery),
        }
        emails = [
            compose(
                practice=pack.practice,
                contact=contact,
                kind=PortalEmail.Kind.DELIVERY,
                subject=f"{title} for {pack.client.name}",
                context=context,
                client=pack.client,
                now=now,
                delivery=delivery,
                queued_by=by,
            )
            for contact in portal_contacts_of([pack.client_id]).get(pack.client_id, [])
        ]
        queue(emails)
        auto_tick(pack, AUTO_KEY, reason=AUTO_REASON)
    return delivery


def acknowledge(delivery: Delivery, contact, now: datetime.datetime | None = None) -> bool:
    """The contact confirms they received the delivery: recorded once (a conditional UPDATE,
    so two clicks or two contacts at once record one). False if it was acknowledged already."""
    now = now or clock.now()
    changed = Delivery.objects.filter(pk=delivery.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=contact
    )
    if changed:
        delivery.acknowledged_at = now
        delivery.acknowledged_by = contact
    return changed == 1


def recipients(delivery: Delivery) -> list[PortalEmail]:
    """The delivery's emails, with their contacts, in name order."""
    return list(delivery.emails.select_related("contact").order_by("contact__name", "pk"))
