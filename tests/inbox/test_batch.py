"""Many messages taken together (``intake.accept_many``, then ``inbox.batch``): each ends as it
would alone, duplicates are recognised within the batch too, a failing batch leaves nothing
half-written and its messages are processed one by one, and a batch runs the same number of
queries whatever its size."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atlasos import clock
from atlasos.tenancy.context import practice_context, unscoped
from documents import store
from documents.models import Document
from inbox import addresses, batch, facts, intake, processing
from inbox.models import Channel, InboundAttachment, InboundMessage, RefusedDelivery
from notifications.models import Notification
from tests.factories.clients import ClientContactFactory, ClientFactory, ContactFactory
from tests.factories.inbox import RoutingRuleFactory
from tests.factories.portal import DocumentRequestFactory, RequestItemFactory
from tests.helpers import signed_in
from tests.inbox import corpus

pytestmark = pytest.mark.django_db

Status = InboundMessage.Status
DECEMBER = datetime.date(2026, 12, 1)
AUTHENTICATED = (
    "mx.in.atlas.test; spf=pass smtp.mailfrom=client.example;"
    " dkim=pass header.d=client.example; dmarc=pass header.from=client.example"
)


@pytest.fixture
def acme(practice, partner):
    with practice_context(practice.pk):
        client = ClientFactory(practice=practice, name="Acme Trading Ltd", preparer=partner)
        contact = ContactFactory(practice=practice, email=corpus.CLIENT)
        ClientContactFactory(practice=practice, client=client, contact=contact)
        return client


def invoice(n: int, *extra: str) -> bytes:
    """A client's invoice, different for each ``n`` (its bytes and its Message-ID)."""
    lines = ("Invoice date: 3 December 2026", f"Invoice number INV-{n}", "Total 120.00")
    return corpus.multipart(
        [
            corpus.text_part("Invoice attached."),
            corpus.file_part(f"inv-{n}.pdf", corpus.pdf(lines)),
        ],
        header_lines=corpus.headers_block(message_id=f"<batch-{n}@client.example>", extra=extra),
    )


def take(deliveries, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return intake.accept_many(deliveries, channel=Channel.FILE)


def messages(practice) -> list[InboundMessage]:
    with practice_context(practice.pk):
        return list(InboundMessage.objects.order_by("pk"))


def test_each_message_of_a_batch_ends_as_it_would_alone(
    practice, partner, acme, django_capture_on_commit_callbacks
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
    own, home = addresses.client_address(acme), addresses.practice_address(practice)
    stranger = corpus.multipart(
        [corpus.file_part("scan.pdf", corpus.pdf(("Something", "else")))],
        header_lines=corpus.headers_block(
            sender="Someone <someone@elsewhere.example>", message_id="<stranger@elsewhere>"
        ),
    )

    outcomes = take(
        [
            (invoice(1), [own]),
            (invoice(2, f"Authentication-Results: {AUTHENTICATED}"), [home]),
            (corpus.bounce(), [own]),
            (stranger, [home]),
        ],
        django_capture_on_commit_callbacks,
    )

    assert [o.kind for [o] in outcomes] == ["stored"] * 4
    by_address, by_contact, bounce, triage = messages(practice)
    assert (by_address.status, by_address.client_id, by_address.confidence) == (
        Status.ROUTED,
        acme.pk,
        "certain",
    )
    assert (by_contact.status, by_contact.client_id, by_contact.confidence) == (
        Status.ROUTED,
        acme.pk,
        "high",
    )
    assert bounce.status == Status.IGNORED and "bounce" in bounce.reason
    assert triage.status == Status.TRIAGE and triage.reason
    assert by_address.subject == "Documents for November" and by_address.from_address
    with practice_context(practice.pk):
        filed = list(Document.objects.order_by("original_name"))
        assert [d.original_name for d in filed] == ["inv-1.pdf", "inv-2.pdf"]
        assert {d.doc_type for d in filed} == {"purchase_invoice"}
        item.refresh_from_db()
        assert item.received_at is not None
        assert item.links.count() == 2
        assert Notification.objects.filter(recipient=partner).count() == 2
        attachment = by_address.attachments.get()
        assert attachment.status == InboundAttachment.Status.FILED
        assert attachment.reason == "Satisfies “Purchase invoices” of “" + request.title + "”."
        assert triage.attachments.get().status == InboundAttachment.Status.WAITING
        assert triage.attachments.get().storage_key  # its bytes kept for staff to file
        assert not attachment.storage_key  # filed: its bytes are its document's
    browser = signed_in(partner)
    response = browser.get(f"/inbox/attachments/{attachment.code}/")
    assert response.status_code == 200
    with practice_context(practice.pk), default_storage.open(filed[0].storage_key) as stored:
        assert b"".join(response.streaming_content) == stored.read()
    assert (
        f'href="/inbox/attachments/{attachment.code}/"'
        in browser.get(by_address.get_absolute_url()).content.decode()
    )
    with practice_context(practice.pk):
        store.soft_delete(filed[0], partner)  # misfiled: deleted, to be filed elsewhere
    assert browser.get(f"/inbox/attachments/{attachment.code}/").status_code == 200


def test_a_rule_that_filed_messages_of_a_batch_counts_each_use(
    practice, django_capture_on_commit_callbacks
):
    with practice_context(practice.pk):
        client = ClientFactory(practice=practice, name="Kestrel Joinery Ltd")
        rule = RoutingRuleFactory(
            practice=practice, pattern=corpus.CLIENT, client=client, times_used=4, times_right=4
        )
    home = addresses.practice_address(practice)

    take([(invoice(1), [home]), (invoice(2), [home])], django_capture_on_commit_callbacks)

    assert [(m.status, m.client_id) for m in messages(practice)] == [(Status.ROUTED, client.pk)] * 2
    with practice_context(practice.pk):
        rule.refresh_from_db()
    assert (rule.times_used, rule.times_right) == (6, 6)


def test_the_same_message_twice_in_a_batch_or_again_later_is_one_message(
    practice, acme, django_capture_on_commit_callbacks
):
    own = addresses.client_address(acme)

    first = take([(invoice(1), [own]), (invoice(1), [own])], django_capture_on_commit_callbacks)
    again = take([(invoice(1), [own])], django_capture_on_commit_callbacks)

    assert [o.kind for [o] in first + again] == ["stored", "duplicate", "duplicate"]
    [message] = messages(practice)
    assert {o.message.pk for [o] in first + again} == {message.pk}
    assert message.status == Status.ROUTED
    with practice_context(practice.pk):
        assert Document.objects.count() == 1


def test_messages_without_a_message_id_are_told_apart_by_their_bytes(
    practice, acme, django_capture_on_commit_callbacks
):
    own = addresses.client_address(acme)
    bare = [
        invoice(n).replace(f"Message-ID: <batch-{n}@client.example>\r\n".encode(), b"")
        for n in (1, 2)
    ]
    assert all(b"Message-ID" not in raw for raw in bare)

    outcomes = take([(raw, [own]) for raw in bare], django_capture_on_commit_callbacks)

    assert [o.kind for [o] in outcomes] == ["stored", "stored"]
    assert [(m.message_id, m.status) for m in messages(practice)] == [("", Status.ROUTED)] * 2


def test_a_batch_the_store_fails_half_way_keeps_nothing_and_says_so(
    practice, acme, monkeypatch, django_capture_on_commit_callbacks
):
    storage = intake.default_storage

    class FullDisk:  # the disk fills up at the second message
        saved = 0

        def save(self, name, content, **kwargs):
            FullDisk.saved += 1
            if FullDisk.saved == 2:
                raise OSError(28, "No space left on device")
            return storage.save(name, content, **kwargs)

        def __getattr__(self, name):
            return getattr(storage, name)

    monkeypatch.setattr(intake, "default_storage", FullDisk())
    own = addresses.client_address(acme)

    with pytest.raises(OSError, match="No space left"):
        take([(invoice(1), [own]), (invoice(2), [own])], django_capture_on_commit_callbacks)

    assert messages(practice) == []
    assert not default_storage.exists(f"practices/{practice.pk}/inbox/") or (
        default_storage.listdir(f"practices/{practice.pk}/inbox/")[1] == []
    )


def test_a_message_to_two_practices_in_a_batch_is_kept_and_filed_by_each(
    practice, other_practice, acme, django_capture_on_commit_callbacks
):
    with practice_context(other_practice.pk):
        theirs = ClientFactory(practice=other_practice, name="Theirs Ltd")
    both = [addresses.client_address(acme), addresses.client_address(theirs)]

    [outcomes] = take([(invoice(1), both)], django_capture_on_commit_callbacks)

    assert sorted((o.kind, o.practice_id) for o in outcomes) == sorted(
        [("stored", practice.pk), ("stored", other_practice.pk)]
    )
    for owner, client in ((practice, acme), (other_practice, theirs)):
        [message] = messages(owner)
        assert (message.status, message.client_id) == (Status.ROUTED, client.pk)
        with practice_context(owner.pk):
            assert Document.objects.get().client_id == client.pk


def test_mail_for_nobody_here_in_a_batch_is_refused_and_recorded(
    practice, acme, django_capture_on_commit_callbacks
):
    outcomes = take(
        [(invoice(1), ["nobody@in.atlas.test"]), (invoice(2), [addresses.client_address(acme)])],
        django_capture_on_commit_callbacks,
    )

    assert [o.kind for [o] in outcomes] == ["unknown recipient", "stored"]
    assert "no inbox has the address nobody@in.atlas.test" in outcomes[0][0].detail
    with unscoped("test: read the refusals"):
        assert RefusedDelivery.objects.filter(recipient="nobody@in.atlas.test").exists()
    assert [m.status for m in messages(practice)] == [Status.ROUTED]


def test_a_failing_batch_leaves_nothing_half_written_and_each_message_goes_alone(
    practice, acme, monkeypatch, django_capture_on_commit_callbacks
):
    real, calls = processing.settle_filed, []

    def first_fails(message, attachments, user=None):
        calls.append(message.pk)  # the documents are stored, their files written...
        if len(calls) == 1:
            raise RuntimeError("the database went away")  # ...and the batch rolled back
        return real(message, attachments, user)

    monkeypatch.setattr(processing, "settle_filed", first_fails)
    own = addresses.client_address(acme)

    take([(invoice(1), [own]), (invoice(2), [own])], django_capture_on_commit_callbacks)

    first, second = (m.pk for m in messages(practice))
    assert calls == [first, first, second]  # the batch, then each message alone
    assert [m.status for m in messages(practice)] == [Status.ROUTED, Status.ROUTED]
    with practice_context(practice.pk):
        kept = list(Document.objects.order_by("pk"))
        assert [d.original_name for d in kept] == ["inv-1.pdf", "inv-2.pdf"]
        assert InboundAttachment.objects.count() == 2
    stored = default_storage.listdir(f"practices/{practice.pk}/documents/")[1]
    assert sorted(stored) == sorted(d.storage_key.rsplit("/", 1)[1] for d in kept)
    inbox_files = default_storage.listdir(f"practices/{practice.pk}/inbox/")[1]
    assert len(inbox_files) == 4  # two raw messages and one attachment each: no leftovers


def test_a_batch_runs_as_many_queries_for_twelve_messages_as_for_three(
    practice, acme, django_capture_on_commit_callbacks
):
    own = addresses.client_address(acme)

    def queries(numbers) -> int:
        with django_capture_on_commit_callbacks(execute=False):
            [
                [kept]
                for [kept] in intake.accept_many(
                    [(invoice(n), [own]) for n in numbers], channel=Channel.FILE
                )
            ]
        with practice_context(practice.pk):
            pks = list(
                InboundMessage.objects.filter(status=Status.RECEIVED).values_list("pk", flat=True)
            )
            with CaptureQueriesContext(connection) as captured:
                batch.process_many(pks)
        assert len(pks) == len(numbers)
        return len(captured)

    with practice_context(practice.pk):
        facts.client_facts()  # kept between batches: read before either is counted
    few, many = queries(range(3)), queries(range(10, 22))

    assert few == many
    assert [m.status for m in messages(practice)] == [Status.ROUTED] * 15


def test_update_each_writes_only_rows_of_the_practice_in_context(practice, other_practice):
    with practice_context(other_practice.pk):
        theirs = ClientFactory(practice=other_practice, name="Theirs Ltd")
    with practice_context(practice.pk):
        mine = ClientFactory(practice=practice, name="Mine Ltd")
        mine.name, theirs.name = "Mine Renamed Ltd", "Taken Over Ltd"
        type(mine).objects.update_each([mine, theirs], ["name"])
        assert type(mine).objects.get(pk=mine.pk).name == "Mine Renamed Ltd"
    with practice_context(other_practice.pk):
        assert type(theirs).objects.get(pk=theirs.pk).name == "Theirs Ltd"


def test_a_message_another_worker_holds_is_left_to_it_until_its_claim_runs_out(
    practice, acme, settings, django_capture_on_commit_callbacks
):
    own = addresses.client_address(acme)
    with django_capture_on_commit_callbacks(execute=False):  # kept, not processed yet
        [[held], [stale]] = intake.accept_many(
            [(invoice(1), [own]), (invoice(2), [own])], channel=Channel.FILE
        )
    now = clock.now()
    window = datetime.timedelta(minutes=settings.ATLAS_INBOX_STUCK_MINUTES)
    with practice_context(practice.pk):
        InboundMessage.objects.filter(pk=held.message.pk).update(
            claimed_at=now - datetime.timedelta(minutes=1), attempts=1
        )
        InboundMessage.objects.filter(pk=stale.message.pk).update(
            claimed_at=now - window - datetime.timedelta(minutes=1), attempts=1
        )

        assert processing.process(held.message.pk) is None  # its own task, meanwhile
        taken = batch.process_many([held.message.pk, stale.message.pk])

    assert [m.pk for m in taken] == [stale.message.pk]
    by_pk = {m.pk: m for m in messages(practice)}
    assert by_pk[held.message.pk].status == Status.RECEIVED
    assert by_pk[stale.message.pk].status == Status.ROUTED


def test_batches_are_cut_by_count_and_by_bytes(practice, acme, monkeypatch):
    from inbox import worker

    queued = []
    monkeypatch.setattr(
        worker.process_batch, "delay_on_commit", lambda pks, **kwargs: queued.append(len(pks))
    )
    monkeypatch.setattr(batch, "SIZE", 3)
    own = addresses.client_address(acme)
    size = len(invoice(1))

    intake.accept_many([(invoice(n), [own]) for n in range(7)], channel=Channel.FILE)
    assert queued == [3, 3, 1]

    queued.clear()
    monkeypatch.setattr(batch, "BYTES", size * 2 + 10)  # two messages' worth
    intake.accept_many([(invoice(n), [own]) for n in range(10, 15)], channel=Channel.FILE)
    assert queued == [2, 2, 1]
