"""One message, however many ways it comes in: the same raw message through the SMTP listener,
a provider's webhook and ``manage.py ingest_email`` is one message, whichever comes first."""

import base64
import io
import json
import smtplib
import socket

import pytest
from django.core.management import call_command

from atlasos.tenancy.context import practice_context
from inbox import addresses, intake
from inbox.models import InboundMessage
from inbox.smtp_listener import make_controller, stop
from tests.factories.clients import ClientFactory

# The listener keeps mail from its own threads: the rows must really be committed.
pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "atlas-hooks:pa55-w0rd"
SENDER = "alice@client.example"


@pytest.fixture(autouse=True)
def enqueued(monkeypatch, settings):
    """Processing is the worker's business: here, what intake enqueues is recorded."""
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    queued = []
    monkeypatch.setattr(intake, "enqueue", lambda message: queued.append(message.pk))
    monkeypatch.setattr(
        intake, "enqueue_batches", lambda messages: queued.extend(m.pk for m in messages)
    )
    return queued


@pytest.fixture
def listener():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = make_controller("127.0.0.1", port)
    controller.start()
    yield controller
    stop(controller, grace=5)


@pytest.fixture
def address(practice):
    with practice_context(practice.pk):
        client = ClientFactory(practice=practice, name="Acme Trading Ltd")
    return addresses.client_address(client)


def raw(to: str) -> bytes:
    pdf = base64.encodebytes(b"%PDF-1.4\n%%EOF\n").decode()
    return (
        f"From: Alice Client <{SENDER}>\r\nTo: {to}\r\nSubject: Bank statement November\r\n"
        "Message-ID: <stmt-2026-11@client.example>\r\nDate: Tue, 17 Nov 2026 09:00:00 +0000\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain\r\n\r\nStatement attached.\r\n"
        '--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="s.pdf"'
        f"\r\nContent-Transfer-Encoding: base64\r\n\r\n{pdf}--b1--\r\n"
    ).encode()


def by_smtp(listener, address, data, tmp_path, client):
    with smtplib.SMTP(listener.hostname, listener.port, timeout=10) as smtp:
        assert smtp.sendmail(SENDER, [address], data) == {}


def by_webhook(listener, address, data, tmp_path, client):
    payload = {
        "OriginalRecipient": address,
        "RawEmail": data.decode(),
        "Headers": [{"Name": "Return-Path", "Value": f"<{SENDER}>"}],
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
    }
    response = client.post(
        "/inbox/hooks/postmark/inbound/",
        data=json.dumps(payload),
        content_type="application/json",
        headers={"Authorization": "Basic " + base64.b64encode(SECRET.encode()).decode()},
    )
    assert response.status_code == 200


def by_file(listener, address, data, tmp_path, client):
    path = tmp_path / "statement.eml"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("ingest_email", str(path), "--to", address, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "order",
    [
        (by_smtp, by_webhook, by_file),
        (by_webhook, by_smtp, by_file),
        (by_file, by_webhook, by_smtp),
    ],
    ids=["smtp-webhook-file", "webhook-smtp-file", "file-webhook-smtp"],
)
def test_the_same_message_by_three_ways_is_one_message(
    order, listener, practice, address, tmp_path, client, enqueued
):
    data = raw(address)

    for way in order:
        way(listener, address, data, tmp_path, client)

    with practice_context(practice.pk):
        [message] = InboundMessage.objects.all()
    assert message.channel == order[0].__name__.removeprefix("by_")
    assert enqueued == [message.pk]


def test_the_file_drop_says_it_was_a_duplicate(listener, practice, address, tmp_path, client):
    data = raw(address)
    by_smtp(listener, address, data, tmp_path, client)

    said = by_file(listener, address, data, tmp_path, client)

    assert "duplicate of an earlier message" in said
