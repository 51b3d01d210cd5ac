"""The demo's inbox (issue 12 §7): ``seed_demo`` delivers mail through the real intake and
processes it, so the practice opens with messages filed by the client's address, by an
authenticated contact and by an identifier, a few waiting in triage, a duplicate delivery that
is one message, a bounce and an out-of-office ignored, and request items satisfied by emailed
documents. Nothing is emailed. Seeded on a few of the days where date logic breaks."""

import pytest
from django.core.management import call_command

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from atlasos.tenancy.models import Practice
from clients.models import ClientContact
from documents.models import DocType, Source
from inbox import intake
from inbox.models import InboundAttachment, InboundMessage
from portal.models import RequestItemDocument, RequestStatus
from tasks.models import PackItem
from templates_engine.models import AutoTick
from tests.clock import MONTH_DAYS

Status = InboundMessage.Status
DAYS = [MONTH_DAYS[0], MONTH_DAYS[2], MONTH_DAYS[4]]  # the 1st, mid-month, New Year's Day


@pytest.fixture
def deliveries(monkeypatch):
    """Every delivery the seed makes, with intake's outcomes."""
    seen = []
    accept = intake.accept

    def spy(raw, **options):
        outcomes = accept(raw, **options)
        seen.append((raw, options, outcomes))
        return outcomes

    monkeypatch.setattr(intake, "accept", spy)
    return seen


def seed() -> Practice:
    call_command(
        "seed_demo",
        practice="Demo Practice",
        email="boss@demo.example.com",
        password="demo-password-1",
        clients=40,
        history=1,
        portal_email="sarah@whitfield.example.com",
        portal_password="portal-pass-2026",
    )
    return Practice.objects.get(name="Demo Practice")


def routed_by(messages, confidence: str, reason: str) -> list[InboundMessage]:
    return [
        m
        for m in messages
        if m.status == Status.ROUTED
        and m.confidence == confidence
        and any(reason in r for r in m.route_reasons)
    ]


@pytest.mark.parametrize("moment", DAYS)
def test_the_demo_inbox_has_every_kind_of_mail(db, clock, moment, deliveries, mailoutbox):
    clock.set(moment)
    practice = seed()
    now = wall_clock.now()
    with practice_context(practice.pk):
        messages = list(InboundMessage.objects.prefetch_related("attachments"))
        # Every message was processed at its moment, before now, and ended in a final state.
        assert {m.status for m in messages} <= {Status.ROUTED, Status.TRIAGE, Status.IGNORED}
        for message in messages:
            assert message.received_at <= message.processed_at < now, message
            assert message.sent_at < now, message

        # Filed by the client's own address, by an authenticated contact, by an identifier.
        by_address = routed_by(messages, "certain", "client's own address")
        by_sender = routed_by(messages, "high", "DMARC passed")
        by_identifier = routed_by(messages, "high", "Bank account")
        assert len(by_address) >= 2 and by_sender and by_identifier
        for message in by_address + by_sender + by_identifier:
            [attachment] = message.attachments.all()
            assert attachment.status == InboundAttachment.Status.FILED
            assert attachment.document.client_id == message.client_id
            assert attachment.document.source == Source.EMAIL
        [sender_message] = by_sender
        contacts = ClientContact.objects.filter(contact__email=sender_message.from_address)
        assert list(contacts.values_list("client", flat=True)) == [sender_message.client_id]

        # Waiting in triage: a stranger (no candidate), a director of several companies
        # (several candidates, none sure), a contact not authenticated (their client first,
        # as a suggestion) and an address with an unknown client part.
        triage = [m for m in messages if m.status == Status.TRIAGE]
        assert 3 <= len(triage) <= 5
        assert any(not m.candidates for m in triage)
        assert any(len(m.candidates) >= 2 for m in triage)
        assert all(c["confidence"] == "suggestion" for m in triage for c in m.candidates)
        unauthenticated = [m for m in triage if len(m.candidates) == 1 and not m.authenticated]
        assert unauthenticated
        first = unauthenticated[0].candidates[0]["client_id"]
        assert ClientContact.objects.filter(
            client_id=first, contact__email=unauthenticated[0].from_address
        ).exists()
        assert not InboundAttachment.objects.filter(
            message__in=triage, document__isnull=False
        ).exists()

        # A bounce and an out-of-office reply: recorded, ignored, never answered.
        ignored = {m.subject: m.reason for m in messages if m.status == Status.IGNORED}
        assert any("bounce" in reason for reason in ignored.values())
        assert any("out of office" in reason for reason in ignored.values())

        # Request items of the newest period's open requests are satisfied by emailed
        # documents: the director's purchase invoices and a bank statement among them.
        links = RequestItemDocument.objects.filter(document__source=Source.EMAIL)
        links = list(links.select_related("item__request", "document"))
        assert {link.item.doc_type for link in links} >= {
            DocType.PURCHASE_INVOICE,
            DocType.BANK_STATEMENT,
        }
        for link in links:
            request = link.item.request
            assert request.status in (RequestStatus.DRAFT, RequestStatus.SENT)
            assert link.document.period == request.period
            assert link.document.client_id == request.client_id
            assert link.item.received_at is not None and link.item.received_at < now
        purchase = next(link for link in links if link.item.doc_type == DocType.PURCHASE_INVOICE)
        assert purchase.item.title == "Purchase invoices"
        assert purchase.item.request.status == RequestStatus.SENT  # the director's company
        # Its pack's collect item for purchase invoices follows: ticked by the system then.
        tick = PackItem.objects.get(
            pack=purchase.item.request.pack, auto_key=AutoTick.PURCHASE_INVOICES
        )
        assert tick.done_automatically and tick.done_at == purchase.item.received_at

    # The same bytes were delivered twice (webhook, then mailbox): one message, one file.
    outcomes = [(options, outcome) for _, options, found in deliveries for outcome in found]
    assert len(outcomes) == len(messages) + 1
    [(options, duplicate)] = [(o, out) for o, out in outcomes if out.kind == "duplicate"]
    first_delivery = next(
        (o, out) for o, out in outcomes if out.kind == "stored" and out.message == duplicate.message
    )
    assert first_delivery[0]["channel"] != options["channel"]
    with practice_context(practice.pk):
        assert duplicate.message.status == Status.ROUTED
    assert mailoutbox == []
