"""The one intake: the raw bytes are kept before anything else, once per practice, and the same
message delivered twice is one message."""

import os

import pytest
from django.core.files.storage import default_storage
from django.db import IntegrityError

from atlasos.tenancy.context import practice_context, unscoped
from inbox import addresses, intake
from inbox.intake import message_id_of
from inbox.models import Channel, InboundMessage, RefusedDelivery
from tests.factories.clients import ClientFactory
from tests.factories.tenancy import PracticeFactory

pytestmark = pytest.mark.django_db


def raw(message_id="<abc.123@client.example>", to="x@in.atlas.test", body="Statement attached."):
    header = f"Message-ID: {message_id}\r\n" if message_id else ""
    return (
        f"From: Alice <alice@client.example>\r\nTo: {to}\r\nSubject: November\r\n{header}"
        f"Date: Tue, 17 Nov 2026 09:00:00 +0000\r\n\r\n{body}\r\n"
    ).encode()


@pytest.fixture
def processed(monkeypatch):
    """Processing is another test's business: here, record what intake enqueues."""
    queued = []
    monkeypatch.setattr(intake, "enqueue", lambda message: queued.append(message.pk))
    return queued


@pytest.fixture
def client_address(practice):
    with practice_context(practice.pk):
        client = ClientFactory(practice=practice, name="Acme Trading Ltd")
        return client, addresses.client_address(client)


def stored_files(practice_id):
    folder = default_storage.path(intake.raw_prefix(practice_id))
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def test_the_raw_bytes_are_kept_under_the_practice_prefix(practice, client_address, processed):
    client, address = client_address
    data = raw(to=address)

    [outcome] = intake.accept(data, recipients=[address], channel=Channel.FILE)

    assert outcome.kind == "stored"
    with practice_context(practice.pk):
        message = InboundMessage.objects.get()
        assert message.raw_key.startswith(f"practices/{practice.pk}/inbox/")
        assert default_storage.open(message.raw_key).read() == data
        assert message.recipient == address
        assert message.address.client_id == client.pk
        assert message.message_id == "abc.123@client.example"
        assert message.status == InboundMessage.Status.RECEIVED
    assert processed == [message.pk]


def test_the_same_bytes_twice_are_one_message_and_one_file(practice, client_address, processed):
    _, address = client_address
    data = raw(to=address)

    first = intake.accept(data, recipients=[address], channel=Channel.WEBHOOK)
    second = intake.accept(data, recipients=[address.upper()], channel=Channel.SMTP)

    assert [o.kind for o in first + second] == ["stored", "duplicate"]
    assert second[0].message.pk == first[0].message.pk
    assert len(stored_files(practice.pk)) == 1
    assert processed == [first[0].message.pk]


def test_the_same_message_id_to_the_same_address_is_one_message(
    practice, client_address, processed
):
    _, address = client_address
    intake.accept(raw(to=address, body="one"), recipients=[address], channel=Channel.IMAP)
    [again] = intake.accept(raw(to=address, body="two"), recipients=[address], channel=Channel.FILE)

    assert again.kind == "duplicate"
    with practice_context(practice.pk):
        assert InboundMessage.objects.count() == 1


def test_without_a_message_id_only_the_bytes_deduplicate(practice, client_address, processed):
    _, address = client_address
    intake.accept(raw(None, to=address, body="one"), recipients=[address], channel=Channel.FILE)
    intake.accept(raw(None, to=address, body="two"), recipients=[address], channel=Channel.FILE)

    with practice_context(practice.pk):
        assert InboundMessage.objects.count() == 2


def test_an_address_no_practice_has_is_refused_and_recorded(practice, processed):
    [outcome] = intake.accept(
        raw(), recipients=["someone@elsewhere.example"], channel=Channel.SMTP, provider="mx"
    )

    assert not outcome.stored
    assert outcome.detail == "no inbox has the address someone@elsewhere.example"
    with unscoped("test"):
        assert InboundMessage.unscoped_objects.count() == 0
        refusal = RefusedDelivery.objects.get()
    assert refusal.channel == Channel.SMTP and refusal.recipient == "someone@elsewhere.example"
    assert processed == []


def test_one_message_to_two_practices_is_kept_by_each(practice, client_address, processed):
    _, address = client_address
    other = PracticeFactory(name="Elsewhere Accountants")
    elsewhere = addresses.practice_address(other)

    outcomes = intake.accept(raw(), recipients=[address, elsewhere], channel=Channel.WEBHOOK)

    assert sorted(o.practice_id for o in outcomes) == sorted([practice.pk, other.pk])
    for outcome in outcomes:
        with practice_context(outcome.practice_id):
            assert InboundMessage.objects.get().raw_key.startswith(
                f"practices/{outcome.practice_id}/inbox/"
            )


def test_of_two_addresses_of_one_practice_the_client_address_is_the_recipient(
    practice, client_address, processed
):
    _, address = client_address
    own = addresses.practice_address(practice)

    [outcome] = intake.accept(raw(), recipients=[own, address], channel=Channel.SMTP)

    assert outcome.message.recipient == address


def test_storage_failing_stores_nothing_and_raises(practice, client_address, monkeypatch):
    _, address = client_address

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(default_storage, "save", broken)
    with pytest.raises(OSError):
        intake.accept(raw(), recipients=[address], channel=Channel.SMTP)
    with practice_context(practice.pk):
        assert InboundMessage.objects.count() == 0


def test_a_row_that_cannot_be_written_leaves_no_file(practice, client_address, monkeypatch):
    _, address = client_address

    def refuse(**fields):
        raise IntegrityError("something else")

    monkeypatch.setattr(InboundMessage.objects, "create", refuse)
    with pytest.raises(IntegrityError):
        intake.accept(raw(), recipients=[address], channel=Channel.SMTP)
    assert stored_files(practice.pk) == []


@pytest.mark.parametrize(
    "header, expected",
    [
        (b"Message-ID: <a@b>\r\n", "a@b"),
        (b"message-id:\r\n <folded@x.example>\r\n", "folded@x.example"),
        (b"X-Other: 1\r\n", ""),
    ],
)
def test_message_id_is_read_from_the_header_block_only(header, expected):
    data = b"From: a@b\r\n" + header + b"\r\nMessage-ID: <in-the-body@x>\r\n"
    assert message_id_of(data) == expected
