"""Mail through the whole pipeline (intake → parse → route → file, Celery eager): every
message ends in a recorded status with a reason, nothing is lost, nothing is half-filed."""

import datetime

import pytest
from django.core.files.storage import default_storage

from atlasos.tenancy.context import practice_context
from documents.models import Document, Source
from inbox import addresses, intake
from inbox.models import Channel, InboundAttachment, InboundMessage
from notifications.models import Notification
from tests.factories.clients import (
    BankAccountFactory,
    ClientContactFactory,
    ClientFactory,
    ContactFactory,
)
from tests.factories.portal import DocumentRequestFactory, RequestItemFactory
from tests.inbox import corpus

pytestmark = pytest.mark.django_db

Status = InboundMessage.Status
SETTLED = {Status.ROUTED, Status.TRIAGE, Status.IGNORED, Status.REJECTED}
NOVEMBER = datetime.date(2026, 11, 1)
DECEMBER = datetime.date(2026, 12, 1)


@pytest.fixture
def acme(practice, partner):
    with practice_context(practice.pk):
        client = ClientFactory(practice=practice, name="Acme Trading Ltd", preparer=partner)
        # Not the account on the corpus's statement: the sender alone has to route here.
        BankAccountFactory(
            practice=practice, client=client, sort_code="309634", account_number="55667788"
        )
        contact = ContactFactory(practice=practice, email=corpus.CLIENT)
        ClientContactFactory(practice=practice, client=client, contact=contact)
        return client


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Take ``raw`` in as mail to ``to``; the processing it enqueues runs (Celery eager) when
    intake's transaction commits, as in production."""

    def deliver(raw: bytes, to: str, channel=Channel.FILE) -> InboundMessage:
        with django_capture_on_commit_callbacks(execute=True):
            [outcome] = intake.accept(raw, recipients=[to], channel=channel)
        assert outcome.stored
        with practice_context(outcome.practice_id):
            return InboundMessage.objects.get(pk=outcome.message.pk)

    return deliver


def documents(practice) -> list[Document]:
    with practice_context(practice.pk):
        return list(Document.objects.order_by("pk"))


@pytest.mark.parametrize("name", sorted(corpus.CORPUS) + sorted(corpus.HUGE))
def test_every_hostile_message_ends_in_a_recorded_status(practice, acme, name, deliver):
    raw = corpus.CORPUS.get(name) or corpus.HUGE[name]

    message = deliver(raw(), addresses.client_address(acme))

    assert message.status in SETTLED, (message.status, message.reason)
    assert message.reason
    with practice_context(practice.pk):
        attachments = list(message.attachments.all())
        filed = [a for a in attachments if a.status == InboundAttachment.Status.FILED]
        assert all(a.status != InboundAttachment.Status.WAITING for a in attachments) or (
            message.status == Status.TRIAGE
        )
        assert len(documents(practice)) == len(filed)
        for document in documents(practice):
            assert document.source == Source.EMAIL and document.client_id == acme.pk
            assert default_storage.exists(document.storage_key)
    assert default_storage.exists(message.raw_key)


@pytest.mark.parametrize(
    "name, reason",
    [
        ("huge", "The message is 31 MB; the limit is 30 MB."),
        ("many_parts", "The message has 3,000 MIME parts; the limit is 500."),
    ],
)
def test_over_a_cap_the_message_is_kept_and_rejected_with_the_reason(acme, name, reason, deliver):
    message = deliver(corpus.HUGE[name](), addresses.client_address(acme))

    assert (message.status, message.reason) == (Status.REJECTED, reason)


def test_the_client_address_files_the_invoice_and_satisfies_the_request(
    practice, partner, acme, deliver
):
    with practice_context(practice.pk):
        request = DocumentRequestFactory(
            practice=practice, client=acme, period=DECEMBER, status="sent"
        )
        item = RequestItemFactory(
            practice=practice,
            request=request,
            title="Purchase invoices",
            doc_type="purchase_invoice",
        )

    message = deliver(corpus.invoice_pdf(), addresses.client_address(acme))

    assert message.status == Status.ROUTED
    assert message.client_id == acme.pk and message.confidence == "certain"
    assert message.route_reasons
    with practice_context(practice.pk):
        [document] = documents(practice)
        assert document.doc_type == "purchase_invoice" and document.period == DECEMBER
        item.refresh_from_db()
        assert item.received_at is not None
        assert item.links.get().document == document
        note = Notification.objects.get(recipient=partner)
        assert note.kind == Notification.Kind.DOCUMENTS
        assert note.title == "1 document emailed for Acme Trading Ltd"
        assert note.url == message.get_absolute_url()


def test_a_bank_statement_satisfies_the_item_of_the_account_it_names(practice, acme, deliver):
    with practice_context(practice.pk):
        other = acme.bank_accounts.get()
        mine = BankAccountFactory(
            practice=practice, client=acme, sort_code="200000", account_number="12345678"
        )
        request = DocumentRequestFactory(
            practice=practice, client=acme, period=NOVEMBER, status="sent"
        )
        RequestItemFactory(
            practice=practice, request=request, doc_type="bank_statement", bank_account=other
        )
        wanted = RequestItemFactory(
            practice=practice, request=request, doc_type="bank_statement", bank_account=mine
        )

    deliver(corpus.bank_statement(), addresses.client_address(acme))

    with practice_context(practice.pk):
        wanted.refresh_from_db()
        assert wanted.received_at is not None
        assert request.items.filter(received_at__isnull=False).count() == 1


def test_an_authenticated_contact_routes_with_high_confidence(practice, acme, deliver):
    results = (
        "mx.in.atlas.test; spf=pass smtp.mailfrom=client.example;"
        " dkim=pass header.d=client.example; dmarc=pass header.from=client.example"
    )

    message = deliver(corpus.authenticated(results), addresses.practice_address(practice))

    assert (message.status, message.client_id, message.confidence) == (
        Status.ROUTED,
        acme.pk,
        "high",
    )


def test_a_verdict_written_by_another_server_counts_for_nothing(practice, acme, deliver):
    # A sender talking straight to the listener writes its own "pass" on top.
    results = (
        "mx.attacker.example; spf=pass smtp.mailfrom=client.example;"
        " dkim=pass header.d=client.example; dmarc=pass header.from=client.example"
    )

    message = deliver(corpus.authenticated(results), addresses.practice_address(practice))

    assert message.status == Status.TRIAGE and not message.authenticated
    assert documents(practice) == []


def test_the_operators_mta_can_be_trusted_by_setting(practice, acme, deliver, settings):
    settings.ATLAS_INBOX_AUTHSERV_IDS = ["mx.practice-mta.example"]
    results = "mx.practice-mta.example; dmarc=pass header.from=client.example"

    message = deliver(corpus.authenticated(results), addresses.practice_address(practice))

    assert (message.status, message.confidence) == (Status.ROUTED, "high")


def test_an_unauthenticated_contact_is_only_a_suggestion(practice, acme, deliver):
    message = deliver(corpus.forged_authentication(), addresses.practice_address(practice))

    assert message.status == Status.TRIAGE
    assert message.candidates[0]["client_id"] == acme.pk
    assert message.candidates[0]["confidence"] == "suggestion"
    assert documents(practice) == []


def test_an_identifier_in_the_attachment_routes_with_high_confidence(practice, acme, deliver):
    with practice_context(practice.pk):
        BankAccountFactory(
            practice=practice, client=acme, sort_code="200000", account_number="12345678"
        )
    raw = corpus.multipart(
        [corpus.file_part("statement.pdf", corpus.pdf())],
        header_lines=corpus.headers_block(sender="Bank <noreply@bank.example>"),
    )

    message = deliver(raw, addresses.practice_address(practice))

    assert (message.status, message.client_id, message.confidence) == (
        Status.ROUTED,
        acme.pk,
        "high",
    )
    assert any("20-00-00" in reason for reason in message.route_reasons)


@pytest.mark.parametrize("spoof", ["display_name_spoof", "address_as_name_spoof"])
def test_a_spoofed_sender_never_files(practice, acme, spoof, deliver):
    message = deliver(corpus.CORPUS[spoof](), addresses.practice_address(practice))

    assert message.status == Status.TRIAGE
    assert message.from_address != corpus.CLIENT
    assert documents(practice) == []


def test_the_same_message_twice_files_once(practice, acme, deliver):
    address = addresses.client_address(acme)
    deliver(corpus.invoice_pdf(), address)
    again = deliver(corpus.invoice_pdf(), address, channel=Channel.SMTP)

    assert again.channel == Channel.FILE  # the first delivery's message
    assert len(documents(practice)) == 1


def test_a_failure_while_filing_leaves_nothing_filed(
    practice, acme, monkeypatch, deliver, django_capture_on_commit_callbacks
):
    from inbox import filing

    real = filing._tell_preparers

    def fails(*args, **kwargs):  # after both documents are stored, their files written
        raise RuntimeError("storage went away")

    monkeypatch.setattr(filing, "_tell_preparers", fails)
    raw = corpus.multipart(
        [
            corpus.file_part("one.pdf", corpus.pdf(["Invoice date 3 December 2026", "one"])),
            corpus.file_part("two.pdf", corpus.pdf(["Invoice date 4 December 2026", "two"])),
        ]
    )

    message = deliver(raw, addresses.client_address(acme))

    assert message.status == Status.FAILED
    assert "can be reprocessed" in message.reason
    assert documents(practice) == []
    media = default_storage.path(f"practices/{practice.pk}/documents/")
    assert not default_storage.exists(media) or default_storage.listdir(media)[1] == []

    monkeypatch.setattr(filing, "_tell_preparers", real)
    with practice_context(practice.pk), django_capture_on_commit_callbacks(execute=True):
        intake.reprocess(message)
    with practice_context(practice.pk):
        message.refresh_from_db()
    assert message.status == Status.ROUTED
    assert len(documents(practice)) == 2


def test_nothing_filed_is_rejected_with_the_upload_check_reason(practice, acme, deliver):
    message = deliver(corpus.html_renamed_pdf(), addresses.client_address(acme))

    assert message.status == Status.REJECTED
    assert message.reason.startswith("Nothing could be filed:")
    with practice_context(practice.pk):
        [attachment] = message.attachments.filter(status=InboundAttachment.Status.REFUSED)
        assert "not a file type we accept" in attachment.reason


def test_a_retired_address_still_files_for_thirty_days_then_goes_to_triage(
    practice, acme, clock, deliver
):
    old = addresses.client_address(acme)
    addresses.rotate_client_address(acme)

    clock.advance(days=29)
    assert deliver(corpus.invoice_pdf(), old).status == Status.ROUTED

    clock.advance(days=2)
    receipt = corpus.multipart(
        [corpus.file_part("receipt.pdf", corpus.pdf(["Receipt"]))],
        header_lines=corpus.headers_block(message_id="<late@client.example>"),
    )
    late = deliver(receipt, old)
    assert late.status == Status.TRIAGE
    assert late.reason.startswith("Sent to a client address retired on")


def test_a_stuck_message_is_picked_up_by_the_sweep(practice, acme, clock, monkeypatch, deliver):
    from inbox.tasks import sweep_stuck_messages

    monkeypatch.setattr(intake, "enqueue", lambda message: None)  # the task is lost
    message = deliver(corpus.invoice_pdf(), addresses.client_address(acme))
    monkeypatch.undo()
    assert message.status == Status.RECEIVED

    assert sweep_stuck_messages() == 0  # not stuck yet
    clock.advance(minutes=20)
    assert sweep_stuck_messages() == 1

    with practice_context(practice.pk):
        message.refresh_from_db()
    assert message.status == Status.ROUTED
    assert sweep_stuck_messages() == 0


def test_processing_twice_files_once(practice, acme, deliver):
    from inbox.processing import process

    message = deliver(corpus.invoice_pdf(), addresses.client_address(acme))
    with practice_context(practice.pk):
        assert process(message.pk) is None
    assert len(documents(practice)) == 1


def test_reprocess_leaves_a_message_filed_meanwhile_alone(practice, acme, deliver, monkeypatch):
    message = deliver(corpus.invoice_pdf(), addresses.client_address(acme))
    stale = InboundMessage(pk=message.pk, practice=practice, status=Status.TRIAGE)
    queued = []
    monkeypatch.setattr(intake, "enqueue", queued.append)

    with practice_context(practice.pk):
        intake.reprocess(stale)
        message.refresh_from_db()

    assert (message.status, queued) == (Status.ROUTED, [])
