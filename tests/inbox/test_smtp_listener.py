"""The SMTP listener, spoken to over a real loopback socket with ``smtplib``: known recipients
only (550 for the rest, at RCPT), the size cap in the dialogue (552), 250 only once the message
is kept and 451 when keeping it failed; ``manage.py inbox_smtpd`` starts it and stops on
SIGTERM."""

import os
import signal
import smtplib
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from atlasos.tenancy.context import practice_context
from inbox import addresses, intake
from inbox.models import Channel, InboundMessage
from inbox.smtp_listener import make_controller, stop
from tests.factories.clients import ClientFactory

# The listener keeps mail from its own threads: the rows must really be committed.
pytestmark = pytest.mark.django_db(transaction=True)

SENDER = "alice@client.example"
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def enqueued(monkeypatch):
    """Processing is the worker's business: here, what intake enqueues is recorded."""
    queued = []
    monkeypatch.setattr(intake, "enqueue", lambda message: queued.append(message.pk))
    return queued


@pytest.fixture
def listen(enqueued):
    """Start a listener on a free loopback port (``listen(max_bytes=…)``); stopped after."""
    started = []

    def start(**options):
        controller = make_controller("127.0.0.1", free_port(), **options)
        controller.start()
        started.append(controller)
        return controller

    yield start
    for controller in started:
        stop(controller, grace=5)


def connect(controller) -> smtplib.SMTP:
    smtp = smtplib.SMTP(controller.hostname, controller.port, timeout=10)
    smtp.ehlo("mx.harbour.example")
    return smtp


@pytest.fixture
def address(practice):
    with practice_context(practice.pk):
        client = ClientFactory(practice=practice, name="Acme Trading Ltd")
    return addresses.client_address(client)


def raw(to: str, *, message_id="<stmt-2026-11@client.example>", padding=0) -> bytes:
    return (
        f"From: Alice Client <{SENDER}>\r\nTo: {to}\r\nSubject: Bank statement November\r\n"
        f"Message-ID: {message_id}\r\nDate: Tue, 17 Nov 2026 09:00:00 +0000\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Statement attached.\r\n.A line that starts with a dot\r\n"
        + ("x" * 78 + "\r\n")
        * (padding // 80)
    ).encode()


def messages(practice) -> list[InboundMessage]:
    with practice_context(practice.pk):
        return list(InboundMessage.objects.all())


def stored(message: InboundMessage) -> bytes:
    with default_storage.open(message.raw_key) as file:
        return file.read()


def kept_files(practice) -> list[str]:
    folder = default_storage.path(intake.raw_prefix(practice.pk))
    return os.listdir(folder) if os.path.isdir(folder) else []


def test_mail_to_a_known_address_is_kept_before_250(listen, practice, address, enqueued):
    smtp = connect(listen())
    data = raw(address)

    assert smtp.mail(SENDER)[0] == 250
    assert smtp.rcpt(address)[0] == 250
    code, reply = smtp.data(data)

    assert (code, reply) == (250, b"2.0.0 Message accepted")
    [message] = messages(practice)  # already there when 250 came
    assert message.channel == Channel.SMTP
    assert message.recipient == address
    assert message.envelope_from == SENDER
    assert stored(message) == data  # byte for byte, the dot transparency undone
    assert enqueued == [message.pk]
    smtp.quit()


def test_an_unknown_recipient_gets_550_at_rcpt(listen, practice, address):
    smtp = connect(listen())
    smtp.mail(SENDER)

    assert smtp.rcpt("nobody+zzzzzzzzzz@in.atlas.test") == (550, b"5.1.1 No such mailbox here")
    assert smtp.rcpt("someone@elsewhere.example")[0] == 550
    assert smtp.rcpt(address)[0] == 250
    assert smtp.data(raw(address))[0] == 250

    [message] = messages(practice)
    assert message.recipient == address
    smtp.quit()


def test_only_unknown_recipients_means_nothing_is_kept(listen, practice, address):
    smtp = connect(listen())

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        smtp.sendmail(SENDER, ["nobody@in.atlas.test"], raw("nobody@in.atlas.test"))

    assert messages(practice) == []
    assert kept_files(practice) == []


def test_the_size_cap_is_advertised_and_a_bigger_declared_size_gets_552(
    listen, practice, address, settings
):
    settings.ATLAS_INBOX_MAX_BYTES = 4096  # the default cap
    smtp = connect(listen())

    assert smtp.esmtp_features["size"] == "4096"
    code, reply = smtp.mail(SENDER, options=["SIZE=4097"])

    assert code == 552
    assert messages(practice) == []
    smtp.quit()


def test_data_over_the_cap_gets_552_and_nothing_is_kept(listen, practice, address):
    smtp = connect(listen(max_bytes=4096))
    smtp.mail(SENDER)  # no SIZE declared
    smtp.rcpt(address)

    code, _ = smtp.data(raw(address, padding=5000))

    assert code == 552
    assert messages(practice) == []
    assert kept_files(practice) == []
    # The session goes on: a message under the cap is taken.
    smtp.mail(SENDER)
    smtp.rcpt(address)
    assert smtp.data(raw(address, padding=1000))[0] == 250
    assert len(messages(practice)) == 1
    smtp.quit()


def test_a_storage_failure_gets_451_and_the_retry_is_kept(listen, practice, address, monkeypatch):
    smtp = connect(listen())
    data = raw(address)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(default_storage, "save", broken)
        smtp.mail(SENDER)
        smtp.rcpt(address)
        assert smtp.data(data) == (451, b"4.3.0 Try again later")

    assert messages(practice) == []
    assert kept_files(practice) == []
    # The sending server tries again later: nothing was lost.
    smtp.mail(SENDER)
    smtp.rcpt(address)
    assert smtp.data(data)[0] == 250
    assert len(messages(practice)) == 1
    smtp.quit()


def test_two_recipients_of_one_practice_are_one_message(listen, practice, address):
    with practice_context(practice.pk):
        other = addresses.client_address(ClientFactory(practice=practice))
    smtp = connect(listen())

    refused = smtp.sendmail(SENDER, [address, other], raw(f"{address}, {other}"))

    assert refused == {}
    [message] = messages(practice)
    assert message.recipient == address
    smtp.quit()


def test_the_same_message_twice_is_one_message_and_both_get_250(listen, practice, address):
    smtp = connect(listen())

    assert smtp.sendmail(SENDER, [address], raw(address)) == {}
    assert smtp.sendmail(SENDER, [address], raw(address)) == {}

    assert len(messages(practice)) == 1
    assert len(kept_files(practice)) == 1
    smtp.quit()


def test_a_bounce_with_the_null_sender_is_kept(listen, practice, address):
    smtp = connect(listen())

    assert smtp.mail("<>")[0] == 250
    assert smtp.rcpt(address)[0] == 250
    assert smtp.data(raw(address))[0] == 250

    [message] = messages(practice)
    assert message.envelope_from == ""
    smtp.quit()


def test_the_command_listens_and_stops_on_sigterm(tmp_path):
    """``manage.py inbox_smtpd`` in a process of its own: it advertises --max-bytes, refuses a
    recipient outside the inbox domain, and exits cleanly on SIGTERM."""
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "atlasos.settings_test", "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable,
        "manage.py",
        "inbox_smtpd",
        "--port",
        str(port),
        "--max-bytes",
        "5000",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        lines = []
        while not lines or "Inbox SMTP listener" not in lines[-1]:
            lines.append(process.stdout.readline())
            assert lines[-1], "".join(lines)  # the process ended before listening
        assert f"127.0.0.1:{port}" in lines[-1]
        smtp = smtplib.SMTP("127.0.0.1", port, timeout=10)
        smtp.ehlo("mx.harbour.example")
        assert smtp.esmtp_features["size"] == "5000"
        smtp.mail(SENDER)
        assert smtp.rcpt("someone@elsewhere.example")[0] == 550
        smtp.quit()

        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert process.returncode == 0, output
    assert output.strip().endswith("Stopped."), output
